"""Slug repair for Pelican: every distinct tag and category gets its own safe slug.

Pelican compares tags and categories by slug, so ``C``, ``C++`` and ``C#`` (all
``c``) become one page, and WordPress exports names HTML-escaped (``Q&amp;A``).
Before Pelican groups articles (``article_generator_pretaxonomy``) this plugin
decodes each name once and gives it a unique, path-safe slug (``names.py``).

It is a plugin of its own so that URLs do not depend on a widget: taking the tag
cloud out of ``PLUGINS`` leaves ``/tag/c-plus-plus/`` where it is. Pinned slugs
(``SLUGS_PINNED``) keep published URLs when a new name would take a slug.
"""

from __future__ import annotations

from collections.abc import Iterable
import logging
from typing import Any

from pelican import signals
from pelican.urlwrappers import Category, Tag

from pelican_plugins.config import Setting, resolve
from pelican_plugins.contents import all_contents
from pelican_plugins.slugs.names import (
    assign_slugs,
    clean_name,
    repair_split,
    term_key,
)
from pelican_plugins.slugs.rules import slugger, unique

logger = logging.getLogger(__name__)

__all__ = ["register", "slugger", "term_key", "term_slugs", "unique"]

PLUGIN = "slugs"
PREFIX = "SLUGS_"

SPEC = {
    "SLUGS_FIX": Setting(
        True, "Unescape tag/category names once; unique safe slugs.", (bool,)
    ),
    "SLUGS_PINNED": Setting(
        {}, "Pinned slugs by tag or category name: {'C++': 'cpp'}.", (dict,)
    ),
}
#: The names these settings had while the tag cloud plugin did the repair.
LEGACY = {
    "TAG_CLOUD_FIX_TAGS": Setting(None, "Old name of SLUGS_FIX.", (bool,)),
    "TAG_CLOUD_SLUGS": Setting(None, "Old name of SLUGS_PINNED.", (dict,)),
}
_RENAMED = {"TAG_CLOUD_FIX_TAGS": "SLUGS_FIX", "TAG_CLOUD_SLUGS": "SLUGS_PINNED"}


def options(settings: dict[str, Any]) -> dict[str, Any]:
    """Resolve the settings; an old ``TAG_CLOUD_`` name counts when the new is unset."""
    resolved = resolve(PLUGIN, PREFIX, {**SPEC, **LEGACY}, settings)
    for old, new in _RENAMED.items():
        if resolved.pop(old) is not None and new not in settings:
            resolved[new] = settings[old]
    return resolved


def term_slugs(
    names: Iterable[str], settings: dict[str, Any], kind: str = "TAG"
) -> dict[str, str]:
    """Each name's slug as a build with these *names* gives it (kind TAG/CATEGORY).

    For code outside the build (the importer): the same cleaning, unique slugs
    and pins as :func:`fix_terms`, or Pelican's own slug when this plugin is
    not in ``PLUGINS`` or ``SLUGS_FIX`` is off.
    """
    names = set(names)
    cls = Tag if kind == "TAG" else Category
    plugins = {getattr(p, "__name__", p) for p in settings.get("PLUGINS") or ()}
    opts = options(settings)
    if __name__ not in plugins or not opts["SLUGS_FIX"]:
        return {name: cls(name, settings).slug for name in names}
    table = assign_slugs(
        {clean_name(n) for n in names} - {""},
        slugger(settings, kind),
        opts["SLUGS_PINNED"],
    )
    return {n: table[term_key(n)][1] for n in names if term_key(n) in table}


def _canonical(
    names: set[str], cls: type, settings: dict[str, Any], pinned: dict[str, str]
) -> dict[str, Any]:
    """One object of *cls* (Tag or Category) per distinct name, with its safe slug."""
    kind = "TAG" if cls is Tag else "CATEGORY"
    table = assign_slugs(names - {""}, slugger(settings, kind), pinned)
    canonical = {}
    for key, (name, slug) in table.items():
        term = cls(name, settings)
        term.slug = slug
        term.raw_name = name
        canonical[key] = term
    return canonical


def fix_terms(generator: Any) -> None:
    """Replace every article's tags and category by one canonical object per name."""
    settings = generator.settings
    opts = options(settings)
    if not opts["SLUGS_FIX"]:
        return
    pinned = opts["SLUGS_PINNED"]
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
    canonical = _canonical(set(cleaned.values()), Tag, settings, pinned)
    for article in articles:
        # Keyed by identity, not Tag.__eq__ (a slower slug comparison): there
        # is one canonical object per name.
        tags: dict[int, Tag] = {}
        for name in raw[id(article)]:
            tag = canonical.get(name.casefold())
            if tag is not None:
                tags.setdefault(id(tag), tag)
        article.tags = list(tags.values())
    _fix_categories(contents, settings, pinned)


def _fix_categories(
    contents: list[Any], settings: dict[str, Any], pinned: dict[str, str]
) -> None:
    """Categories get the same once-only unescaping and unique slugs as tags."""
    posts = [a for a in contents if getattr(a, "category", None)]
    cleaned = {raw: clean_name(raw) for raw in {_raw(a.category) for a in posts}}
    canonical = _canonical(set(cleaned.values()), Category, settings, pinned)
    for post in posts:
        category = canonical.get(cleaned[_raw(post.category)].casefold())
        if category is not None:  # a name that cleans to nothing stays as it was
            post.category = category


def _raw(term: Any) -> str:
    return getattr(term, "raw_name", term.name)


def register() -> None:
    """Repair names and slugs before Pelican groups articles by them."""
    signals.article_generator_pretaxonomy.connect(fix_terms)
