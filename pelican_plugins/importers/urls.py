"""URLs and dates of imported posts, from the project's own Pelican settings.

One function per rule: the importer never formats a URL pattern or parses a
date itself. Pelican's content classes and URL wrappers apply the settings
(``ARTICLE_URL``, ``PAGE_URL``, ``TAG_URL``…), and ``pelican.utils.get_date``
reads the dates, so the build and the import cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, tzinfo
import logging
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pelican.contents import Article, Page
from pelican.settings import read_settings
from pelican.urlwrappers import Category, Tag
from pelican.utils import get_date

from pelican_plugins.importers.convert import wp_when
from pelican_plugins.responses.targets import site_path_key
from pelican_plugins.slugs import term_slugs

Settings = dict[str, Any]


def load_settings(path: Path | None) -> Settings:
    """Read the project's settings file (Pelican's defaults when there is none)."""
    if path is not None and not path.is_file():
        raise FileNotFoundError(f"settings file {path} does not exist")
    # Reading settings logs about paths that do not matter to an import.
    logging.getLogger("pelican.settings").setLevel(logging.ERROR)
    return read_settings(str(path) if path else None)


def post_date(*candidates: str) -> datetime | None:
    """Return the first candidate that Pelican's ``get_date`` accepts, or None."""
    for value in candidates:
        if value and value.strip() and not value.startswith("0000"):
            try:
                return get_date(value.strip())
            except (ValueError, OverflowError):
                continue
    return None


def site_zone(settings: Settings) -> tzinfo:
    """Return the site's ``TIMEZONE`` (UTC when unset or unknown, as Pelican)."""
    try:
        return ZoneInfo(str(settings.get("TIMEZONE") or "UTC"))
    except (ValueError, ZoneInfoNotFoundError):
        return UTC


def wp_post_date(settings: Settings, gmt: str, local: str) -> datetime | None:
    """Return a WordPress post's date as ``Date`` metadata holds it (site time).

    The instant is :func:`~pelican_plugins.importers.convert.wp_when`'s (GMT
    first), shown in the site's ``TIMEZONE``: WordPress's own local time when
    the two sites share a time zone, the true moment when they do not.
    """
    zone = site_zone(settings)
    when = wp_when(gmt, local, zone)
    return None if when is None else when.astimezone(zone).replace(tzinfo=None)


def article_url(settings: Settings, slug: str, date: datetime, category: str) -> str:
    """Return the site path (``/2019/03/slug/``) Pelican gives this article."""
    meta = {
        "title": slug,
        "slug": slug,
        "date": date,
        "category": Category(category or settings["DEFAULT_CATEGORY"], settings),
    }
    return "/" + Article("", metadata=meta, settings=settings).url


def page_url(settings: Settings, slug: str) -> str:
    """Return the site path Pelican gives a top-level page with this slug."""
    return "/" + Page("", metadata={"title": slug, "slug": slug}, settings=settings).url


def nested_page(parent_url: str, slug: str) -> tuple[str, str]:
    """(URL, save_as) of a child page: its slug as a folder under its parent's URL."""
    base = parent_url.strip("/")
    url = f"{base}/{slug}/" if base else f"{slug}/"
    return url, url + "index.html"


def tag_url(
    settings: Settings, name: str, slugs: Mapping[str, str] | None = None
) -> str:
    """Return the site path of a tag's listing, its slug from :func:`tag_slugs`.

    *slugs* is :func:`tag_slugs` of every tag of the site; without it the name
    is slugged alone.
    """
    if slugs is None:
        slugs = tag_slugs(settings, [name])
    tag = Tag(name, settings)
    if name in slugs:
        tag.slug = slugs[name]
    return "/" + tag.url


def tag_slugs(settings: Settings, names: Iterable[str]) -> dict[str, str]:
    """Return each tag name's slug in a site whose tags are *names*.

    The slugs plugin's rule (unique slugs, ``SLUGS_PINNED``), so ``C`` and
    ``C++`` keep apart as they do in the build.
    """
    return term_slugs(names, settings, "TAG")


def category_url(settings: Settings, name: str) -> str:
    """Return the site path of a category's listing."""
    return "/" + Category(name, settings).url


def old_path(link: str, base: str = "") -> str | None:
    """Return the path an old WordPress URL answered at, percent-encoded, or None.

    The path is the link's :func:`~pelican_plugins.responses.targets.site_path_key`
    (whatever its host), without the old site's own path prefix *base*; a link
    outside that prefix gives None. Query URLs (``?p=12``, plain permalinks)
    cannot be answered by a static file and give None too.
    """
    key = site_path_key(link.strip(), "", any_host=True)
    prefix = "/" + base.strip("/") if base.strip("/") else ""
    if key is None or "?" in key or not key.startswith(prefix + "/"):
        return None
    return key[len(prefix) :]


def same_path(old: str, new: str) -> bool:
    """Whether an old path and a new site path name the same page (one key)."""
    key = site_path_key(old, "")
    return key is not None and key == site_path_key(new, "")
