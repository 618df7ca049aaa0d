"""Which links of a post are linkback targets (pure, no I/O).

Two steps, so the expensive one can run where Pelican caches it: ``hrefs``
parses a post's HTML once, in the reader (see ``reading``); ``link_targets``
resolves those links against the post's URL when the manifest is written,
since the URL depends on settings (``SITEURL``) the cache does not know.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

from lxml import etree

from pelican_plugins.responses.targets import is_own


def hrefs(content: str) -> tuple[str, ...]:
    """Return the ``href`` of every ``<a>`` in *content*, as written, once each.

    Blank values are left out. The HTML is parsed with lxml (libxml2's HTML
    parser, as ``lxml.html`` uses) into a plain tree: no element classes.
    """
    if not content.strip():
        return ()
    try:
        root = etree.fromstring(f"<div>{content}</div>", etree.HTMLParser())
    except (etree.LxmlError, ValueError):
        return ()
    if root is None:
        return ()
    found: dict[str, None] = {}
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if href:
            found.setdefault(href, None)
    return tuple(found)


def absolute_links(found: Iterable[str], base: str) -> list[str]:
    """Return the absolute http(s) URLs of *found* links resolved against *base*.

    Each URL appears once, in the order of *found*.
    """
    links: dict[str, None] = {}
    for href in found:
        try:
            url = urljoin(base, href)
            parts = urlsplit(url)
        except ValueError:  # e.g. an unclosed IPv6 bracket: not a usable link
            continue
        if parts.scheme.lower() in ("http", "https") and parts.hostname:
            links.setdefault(url, None)
    return list(links)


def content_links(content: str, base: str) -> list[str]:
    """Return the absolute http(s) URLs of the ``<a href>`` in *content*, in order.

    Relative links are resolved against *base*; each URL appears once.
    """
    return absolute_links(hrefs(content), base)


def skip_reason(target: str, *, source: str, siteurl: str) -> str | None:
    """Say why *target* gets no linkback from *source*, or None when it does.

    Skipped, as WordPress does: the post itself, any page of our own site,
    and bare domain roots ("we don't want to ping http://blog.org").
    """
    if target.split("#", 1)[0] == source.split("#", 1)[0]:
        return "the post itself"
    if is_own(target, siteurl):
        return "our own site"
    parts = urlsplit(target)
    if parts.path in ("", "/") and not parts.query:
        return "a domain root"
    return None


def link_targets(found: Iterable[str], *, source: str, siteurl: str) -> list[str]:
    """Return the targets among a post's links (``hrefs`` of its content)."""
    return [
        url
        for url in absolute_links(found, source)
        if skip_reason(url, source=source, siteurl=siteurl) is None
    ]


def targets(content: str, *, source: str, siteurl: str) -> list[str]:
    """Return the targets of one post: its external links, minus the skipped."""
    return link_targets(hrefs(content), source=source, siteurl=siteurl)
