"""Old WordPress URLs keep answering: redirect pages and server redirect maps.

The redirects are data the build renders, so they survive every rebuild:

- ``Old_urls:`` metadata on a post or page (site paths or URLs on this site,
  read by ``responses.targets.old_urls``) sends each old path to that post's
  current URL (query URLs such as ``/?p=12`` cannot be a page and are left to
  the receiver);
- the ``REDIRECTS_FILE`` JSON list (written by the importer) sends old tag,
  category and attachment pages to a tag, a category, a post (``slug``) or a
  file (``url``).

For every old path the theme's ``redirect.html`` is written at
``old/path/index.html`` (a ``<meta http-equiv="refresh">`` page with
``rel=canonical``), plus one map per server (nginx, Apache, ``_redirects``) so
a host can answer with a real 301. A path that a real page already uses is
never overwritten; two claims on one path are reported with both names.
"""

from __future__ import annotations

from dataclasses import dataclass
import json
import logging
import os
from pathlib import Path
import re
from typing import Any
from urllib.parse import unquote

from pelican import signals
from pelican.generators import Generator

from pelican_plugins import atomic
from pelican_plugins.config import Setting, resolve
from pelican_plugins.contents import published
from pelican_plugins.responses.targets import SITE_PATH, old_urls, site_path_key
from pelican_plugins.slugs import term_key

logger = logging.getLogger(__name__)

PLUGIN = "redirects"
PREFIX = "REDIRECTS_"
SPEC = {
    "REDIRECTS_FILE": Setting(
        "redirects.json", "JSON list of old paths, relative to PATH", types=(str,)
    ),
    "REDIRECTS_TEMPLATE": Setting(
        "redirect", "theme template of a redirect page", types=(str,)
    ),
    "REDIRECTS_NGINX": Setting(
        "redirects.nginx.conf",
        "nginx map in the output (include it in a server block; '' = off)",
        types=(str,),
    ),
    "REDIRECTS_APACHE": Setting(
        ".htaccess", "Apache rules in the output ('' = off)", types=(str,)
    ),
    "REDIRECTS_NETLIFY": Setting(
        "_redirects",
        "Netlify-style redirects file in the output ('' = off)",
        types=(str,),
    ),
}
_NAME_MAX = 255


def file_name(settings: dict[str, Any]) -> str:
    """Return the redirects file's name inside ``PATH`` (``REDIRECTS_FILE``).

    One rule for the build that reads the file and the importer that writes it.
    """
    return resolve(PLUGIN, PREFIX, SPEC, settings)["REDIRECTS_FILE"]


@dataclass(frozen=True, slots=True)
class Redirect:
    """One old path, where it goes now, and who claimed it (for messages)."""

    old: str
    target: str
    title: str
    owner: str


def output_file(output: Path, old: str) -> Path | None:
    """Where the redirect page for *old* goes; None if it would leave *output*."""
    relative = unquote(old).strip("/")
    if not relative or "\0" in relative:
        return None
    if any(len(part.encode("utf-8")) > _NAME_MAX for part in relative.split("/")):
        return None  # no file system stores such a name; the maps still redirect
    target = os.path.normpath(os.path.join(output, relative, "index.html"))
    if os.path.commonpath([output, target]) != str(output):
        return None
    return Path(target)


def collect(context: dict[str, Any], settings: dict[str, Any]) -> list[Redirect]:
    """Every redirect of the build, in a stable order, first claim winning."""
    siteurl = settings.get("SITEURL", "")
    claims: dict[str, Redirect] = {}

    def claim(old: str, url: str, title: str, owner: str) -> None:
        """Claim *old* (an :func:`old_urls` path, so already a site_path_key)."""
        if old == site_path_key("/" + url.lstrip("/"), ""):
            return  # the old URL is the new one: nothing to redirect
        target = f"{siteurl}/{url}" if not url.startswith("/") else siteurl + url
        earlier = claims.get(old)
        if earlier is not None:
            if earlier.target != target:
                logger.warning(
                    "redirects: %s is claimed by %s and by %s; keeping the first",
                    old,
                    earlier.owner,
                    owner,
                )
            return
        claims[old] = Redirect(old, target, title, owner)

    items = published(context)
    # First by source path, a post before its translations (which own no slug).
    items.sort(
        key=lambda c: (not getattr(c, "in_default_lang", True), str(c.source_path))
    )
    by_slug = {}
    for item in items:
        by_slug.setdefault(item.slug, item)
        for old in old_urls(item.metadata.get("old_urls"), siteurl, item.source_path):
            if "?" in old:
                continue  # a query URL: no static file or map line answers it
            claim(old, item.url, item.title, str(item.source_path))
    name = settings[PREFIX + "FILE"]
    terms = {
        listing: {term_key(t.name): t for t, _ in reversed(context.get(listing, []))}
        for listing in ("tags", "categories")
    }
    for entry in _entries(settings):
        old = old_urls(entry["from"], siteurl, f"{name} entry {entry['from']!r}")
        if not old or "?" in old[0]:
            continue
        found = _resolve(entry, terms, by_slug)
        if found is None:
            logger.debug("redirects: nothing to send %s to", old[0])
            continue
        url, title = found
        claim(old[0], url, title, f"{name} entry {old[0]}")
    return sorted(claims.values(), key=lambda r: r.old)


def _entries(settings: dict[str, Any]) -> list[dict[str, str]]:
    path = Path(settings["PATH"]) / settings["REDIRECTS_FILE"]
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as error:
        logger.error("redirects: %s is unreadable: %s", path, error)
        return []
    if not isinstance(data, list):
        logger.error("redirects: %s is not a JSON list", path)
        return []
    return [e for e in data if isinstance(e, dict) and isinstance(e.get("from"), str)]


def _resolve(entry: dict, terms: dict, by_slug: dict) -> tuple[str, str] | None:
    """Return the URL and title an entry of the redirects file points at.

    *terms* maps ``tags`` and ``categories`` to their terms by
    :func:`~pelican_plugins.slugs.term_key`, as the slugs plugin merges names.
    """
    if isinstance(entry.get("slug"), str) and entry["slug"] in by_slug:
        item = by_slug[entry["slug"]]
        return item.url, item.title
    for kind, listing in (("category", "categories"), ("tag", "tags")):
        name = entry.get(kind)
        if isinstance(name, str):
            # A category that became a tag (see docs/migration.md) is found there.
            for other in (listing, "tags"):
                term = terms[other].get(term_key(name))
                if term is not None:
                    return term.url, term.name
    url = entry.get("url")
    if isinstance(url, str) and SITE_PATH.match(url):
        return url, url
    return None


class RedirectsGenerator(Generator):
    """Write the redirect pages and maps once the content pages are written."""

    def generate_context(self) -> None:
        """Nothing to read: the data comes from the content already read."""

    def generate_output(self, writer: Any) -> None:
        """Render every redirect page, then the three server maps."""
        options = resolve(PLUGIN, PREFIX, SPEC, self.settings)
        settings = {**self.settings, **options}
        redirects = collect(self.context, settings)
        # Deleted posts' tombstones (the linkbacks plugin) answer 410 Gone.
        gone = list(self.context.get("gone_pages", ()))
        if not redirects and not gone:
            return
        output = Path(os.path.realpath(self.output_path))
        template = self.get_template(options["REDIRECTS_TEMPLATE"])
        for redirect in redirects:
            path = output_file(output, redirect.old)
            if path is None:
                logger.warning(
                    "redirects: no page can be written at %s (only the maps"
                    " redirect it)",
                    redirect.old,
                )
                continue
            if path.exists() and b'http-equiv="refresh"' not in path.read_bytes():
                logger.warning(
                    "redirects: %s is a real page; the old URL of %s is not redirected",
                    redirect.old,
                    redirect.owner,
                )
                continue
            writer.write_file(
                str(path.relative_to(output)),
                template,
                self.context,
                redirect=redirect,
            )
        _maps(output, redirects, gone, options)


def _maps(
    output: Path,
    redirects: list[Redirect],
    gone: list[tuple[str, str]],
    options: dict[str, Any],
) -> None:
    """nginx, Apache and ``_redirects`` maps: 410 for *gone* pages, 301 for the rest.

    *gone* holds ``(URL path, file path)`` pairs: the URL answers 410 with the
    page at the file path as its body where the server can say so.
    """
    formats = {
        "REDIRECTS_NGINX": (
            lambda r: (
                f"location = {_quoted(unquote(r.old))}"
                f" {{ return 301 {_quoted(r.target)}; }}"
            ),
            lambda url, page: (
                f"location = {_quoted(unquote(url))}"
                f" {{ error_page 410 {_quoted(page)}; return 410; }}"
            ),
        ),
        "REDIRECTS_APACHE": (
            lambda r: (
                f'RedirectMatch 301 "^{re.escape(unquote(r.old).rstrip("/"))}/?$"'
                f' "{r.target}"'
            ),
            lambda url, page: (
                f'RedirectMatch 410 "^{re.escape(unquote(url).rstrip("/"))}/?$"'
            ),
        ),
        "REDIRECTS_NETLIFY": (
            lambda r: f"{r.old} {r.target} 301",
            lambda url, page: f"{url} {page} 410!",
        ),
    }
    for key, (moved, removed) in formats.items():
        name = options[key]
        if name:
            lines = [removed(url, page) for url, page in gone]
            lines += [moved(r) for r in redirects]
            atomic.write_text(output / name, "".join(line + "\n" for line in lines))


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def get_generators(pelican: Any) -> type[Generator]:
    """Add the generator that writes the redirects."""
    return RedirectsGenerator


def register() -> None:
    """Connect the plugin to Pelican."""
    signals.get_generators.connect(get_generators)
