"""Tag cloud plugin for Pelican: WordPress's tag cloud, computed once per build.

It puts ``tag_cloud`` (and optionally ``tag_cloud_all`` for the tags index and
``category_cloud``) in the shared context as sorted lists of ``CloudItem``; the
theme's ``partials/tag_cloud.html`` renders them. Tag names and slugs are
repaired by the ``slugs`` plugin, so URLs do not depend on this widget.
"""

from __future__ import annotations

import logging
from typing import Any

from jinja2 import TemplateNotFound
from markupsafe import Markup
from pelican import signals

from pelican_plugins import run
from pelican_plugins.config import Setting, resolve
from pelican_plugins.slugs import LEGACY as SLUGS_LEGACY
from pelican_plugins.tag_cloud.cloud import CloudItem, Entry, build_cloud

logger = logging.getLogger(__name__)

PLUGIN = "tag_cloud"
PREFIX = "TAG_CLOUD_"
OPTIONS_KEY = "tag_cloud_options"
HTML_KEY = "tag_cloud_html"
PARTIAL = "partials/tag_cloud.html"


def _number(value: Any) -> bool:
    return value > 0


SPEC = {
    "TAG_CLOUD_SMALLEST": Setting(
        8, "Font size of the least used tag.", (int, float), _number
    ),
    "TAG_CLOUD_LARGEST": Setting(
        22, "Font size of the most used tag.", (int, float), _number
    ),
    "TAG_CLOUD_UNIT": Setting(
        "pt", "CSS unit of the sizes.", (str,), choices=("pt", "px", "em", "rem", "%")
    ),
    "TAG_CLOUD_MAX_ITEMS": Setting(
        45, "Show the N most used tags (0: all).", (int,), lambda v: v >= 0
    ),
    "TAG_CLOUD_ORDERBY": Setting(
        "name",
        "Order shown: by name (natural) or count.",
        (str,),
        choices=("name", "count"),
    ),
    "TAG_CLOUD_ORDER": Setting(
        "asc",
        "asc, desc, or a seeded shuffle.",
        (str,),
        choices=("asc", "desc", "shuffle"),
    ),
    "TAG_CLOUD_SEED": Setting(0, "Seed of the reproducible shuffle.", (int,)),
    "TAG_CLOUD_SHOW_COUNT": Setting(False, "Show '(N)' after each tag.", (bool,)),
    "TAG_CLOUD_FORMAT": Setting(
        "list",
        "'list' (ul, as Twenty Ten) or 'flat' (links).",
        (str,),
        choices=("list", "flat"),
    ),
    "TAG_CLOUD_MODE": Setting(
        "sizes",
        "'sizes' (inline font sizes) or 'buckets' (tag-N classes only).",
        (str,),
        choices=("sizes", "buckets"),
    ),
    "TAG_CLOUD_STEPS": Setting(
        4, "Number of tag-N classes.", (int,), lambda v: 1 <= v <= 20
    ),
    "TAG_CLOUD_TITLE": Setting(
        "Tags", "Heading and landmark name of the widget.", (str,), bool
    ),
    "TAG_CLOUD_CATEGORIES": Setting(False, "Also show a category cloud.", (bool,)),
    "TAG_CLOUD_TAGS_PAGE": Setting(
        True, "Render the tags index as a cloud of all tags.", (bool,)
    ),
    # pelican-tag-cloud's settings, translated by legacy_options().
    "TAG_CLOUD_SORTING": Setting(
        None,
        "Legacy pelican-tag-cloud order.",
        (str,),
        choices=("random", "alphabetically", "alphabetically-rev", "size", "size-rev"),
    ),
    "TAG_CLOUD_BADGE": Setting(None, "Legacy name of TAG_CLOUD_SHOW_COUNT.", (bool,)),
}

_LEGACY_SORTING = {
    "random": ("name", "shuffle"),
    "alphabetically": ("name", "asc"),
    "alphabetically-rev": ("name", "desc"),
    "size": ("count", "desc"),
    "size-rev": ("count", "asc"),
}


def legacy_options(options: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
    """Honour pelican-tag-cloud's SORTING and BADGE unless the new names are set."""
    sorting = options.get("TAG_CLOUD_SORTING")
    if sorting and not {"TAG_CLOUD_ORDERBY", "TAG_CLOUD_ORDER"} & settings.keys():
        options["TAG_CLOUD_ORDERBY"], options["TAG_CLOUD_ORDER"] = _LEGACY_SORTING[
            sorting
        ]
    badge = options.get("TAG_CLOUD_BADGE")
    if badge is not None and "TAG_CLOUD_SHOW_COUNT" not in settings:
        options["TAG_CLOUD_SHOW_COUNT"] = badge
    return options


def options_for(generator: Any) -> dict[str, Any]:
    """Resolve this build's settings once (``pelican_plugins.run``); show them."""
    settings = generator.settings
    options = run.state(
        settings,
        PLUGIN,
        lambda: legacy_options(
            # The slug settings' old TAG_CLOUD_ names belong to the slugs plugin.
            resolve(PLUGIN, PREFIX, {**SPEC, **SLUGS_LEGACY}, settings),
            settings,
        ),
    )
    generator.context[OPTIONS_KEY] = options  # for the templates
    return options


def _entries(pairs: Any) -> list[Entry]:
    return [Entry(t.name, len(arts), t.url, t) for t, arts in pairs if t.name and arts]


def make_cloud(
    entries: list[Entry], options: dict[str, Any], number: int
) -> list[CloudItem]:
    """Build one cloud with this build's settings."""
    return build_cloud(
        entries,
        smallest=options["TAG_CLOUD_SMALLEST"],
        largest=options["TAG_CLOUD_LARGEST"],
        unit=options["TAG_CLOUD_UNIT"],
        number=number,
        orderby=options["TAG_CLOUD_ORDERBY"],
        order=options["TAG_CLOUD_ORDER"],
        seed=options["TAG_CLOUD_SEED"],
        steps=options["TAG_CLOUD_STEPS"],
        mode=options["TAG_CLOUD_MODE"],
        show_count=options["TAG_CLOUD_SHOW_COUNT"],
    )


def add_clouds(generator: Any) -> None:
    """Compute the clouds once per build and put them in the shared context."""
    options = options_for(generator)
    tags = _entries(generator.tags.items())
    context = generator.context
    context["tag_cloud"] = make_cloud(tags, options, options["TAG_CLOUD_MAX_ITEMS"])
    context["tag_cloud_all"] = (
        make_cloud(tags, options, 0) if options["TAG_CLOUD_TAGS_PAGE"] else []
    )
    context["category_cloud"] = []
    if options["TAG_CLOUD_CATEGORIES"]:
        default = generator.settings.get("DEFAULT_CATEGORY")
        cats = [e for e in _entries(generator.categories) if e.name != default]
        context["category_cloud"] = make_cloud(
            cats, options, options["TAG_CLOUD_MAX_ITEMS"]
        )
    prerender(generator)


def prerender(generator: Any) -> None:
    """Render the theme's sidebar cloud once, since it is the same on every page.

    The markup still comes from ``partials/tag_cloud.html``; this only saves
    rendering it again for each of a thousand pages. With RELATIVE_URLS the
    links differ per page, so the partial renders them itself.
    """
    context = generator.context
    context.pop(HTML_KEY, None)
    if generator.settings.get("RELATIVE_URLS"):
        return
    try:
        template = generator.env.get_template(PARTIAL)
    except TemplateNotFound:
        return
    context[HTML_KEY] = Markup(str(template.make_module(vars=dict(context))).strip())


def register() -> None:
    """Build the clouds once the articles are grouped by tag."""
    run.connect()
    signals.article_generator_finalized.connect(add_clouds)
