"""Tag cloud plugin for Pelican: WordPress's tag cloud, computed once per build.

It puts ``tag_cloud`` (and optionally ``tag_cloud_all`` for the tags index and
``category_cloud``) in the shared context as sorted lists of ``CloudItem``; the
theme's ``partials/tag_cloud.html`` renders them. Before Pelican groups articles
by tag it also unescapes WordPress-escaped tag names once and gives every
distinct tag a unique, path-safe slug, so ``C`` and ``C++`` get two pages.
"""

from __future__ import annotations

from collections.abc import Callable
import logging
from typing import Any

from jinja2 import TemplateNotFound
from markupsafe import Markup
from pelican import signals
from pelican.urlwrappers import Category, Tag
from pelican.utils import slugify

from pelican_plugins import run
from pelican_plugins.config import Setting, resolve
from pelican_plugins.contents import all_contents
from pelican_plugins.tag_cloud.cloud import CloudItem, Entry, build_cloud
from pelican_plugins.tag_cloud.names import assign_slugs, clean_name, repair_split

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
    "TAG_CLOUD_FIX_TAGS": Setting(
        True, "Unescape tag/category names once; unique safe slugs.", (bool,)
    ),
    "TAG_CLOUD_SLUGS": Setting({}, "Pinned slugs: {'C++': 'cpp'}.", (dict,)),
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
        lambda: legacy_options(resolve(PLUGIN, PREFIX, SPEC, settings), settings),
    )
    generator.context[OPTIONS_KEY] = options  # for the templates
    return options


def _slugger(settings: dict[str, Any], kind: str) -> Callable[[str], str]:
    """Pelican's slug function for tags or categories, with this build's settings."""
    subs = settings.get(
        f"{kind}_REGEX_SUBSTITUTIONS", settings.get("SLUG_REGEX_SUBSTITUTIONS", [])
    )

    def slug_of(name: str) -> str:
        return slugify(
            name,
            regex_subs=subs,
            preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
            use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
        )

    return slug_of


def _canonical(
    names: set[str], cls: type, settings: dict[str, Any], options: dict[str, Any]
) -> dict[str, Any]:
    """One object of *cls* (Tag or Category) per distinct name, with its safe slug."""
    kind = "TAG" if cls is Tag else "CATEGORY"
    table = assign_slugs(
        names - {""}, _slugger(settings, kind), options["TAG_CLOUD_SLUGS"]
    )
    canonical = {}
    for key, (name, slug) in table.items():
        term = cls(name, settings)
        term.slug = slug
        term.raw_name = name
        canonical[key] = term
    return canonical


def fix_tags(generator: Any) -> None:
    """Replace every article's tags and category by one canonical object per name."""
    options = options_for(generator)
    if not options["TAG_CLOUD_FIX_TAGS"]:
        return
    settings = generator.settings
    contents = list(all_contents(generator))
    articles = [a for a in contents if getattr(a, "tags", None)]
    # A cached article already carries canonical tags; start again from raw_name.
    # The same few hundred names recur on thousands of posts: clean each once.
    cleaned: dict[str, str] = {}
    raw: dict[int, list[str]] = {}
    for a in articles:
        names = []
        for n in repair_split([_raw(t) for t in a.tags]):
            name = cleaned.get(n)
            if name is None:
                name = cleaned[n] = clean_name(n)
            if name:
                names.append(name)
        raw[id(a)] = names
    canonical = _canonical(set(cleaned.values()), Tag, settings, options)
    for article in articles:
        # Keyed by identity, not Tag.__eq__ (a slower slug comparison): there
        # is one canonical object per name.
        tags: dict[int, Tag] = {}
        for name in raw[id(article)]:
            tag = canonical.get(name.casefold())
            if tag is not None:
                tags.setdefault(id(tag), tag)
        article.tags = list(tags.values())
    _fix_categories(contents, settings, options)


def _fix_categories(
    contents: list[Any], settings: dict[str, Any], options: dict[str, Any]
) -> None:
    """Categories get the same once-only unescaping and unique slugs as tags."""
    posts = [a for a in contents if getattr(a, "category", None)]
    cleaned = {raw: clean_name(raw) for raw in {_raw(a.category) for a in posts}}
    canonical = _canonical(set(cleaned.values()), Category, settings, options)
    for post in posts:
        category = canonical.get(cleaned[_raw(post.category)].casefold())
        if category is not None:  # a name that cleans to nothing stays as it was
            post.category = category


def _raw(term: Any) -> str:
    return getattr(term, "raw_name", term.name)


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
    """Fix tags before Pelican groups articles by them; build clouds after."""
    run.connect()
    signals.article_generator_pretaxonomy.connect(fix_tags)
    signals.article_generator_finalized.connect(add_clouds)
