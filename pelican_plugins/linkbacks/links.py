"""Which links of a post are linkback targets (pure, no I/O)."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from lxml import etree, html

from pelican_plugins.responses.targets import is_own


def content_links(content: str, base: str) -> list[str]:
    """Return the absolute http(s) URLs of the ``<a href>`` in *content*, in order.

    Relative links are resolved against *base*; each URL appears once.
    """
    if not content.strip():
        return []
    try:
        root = html.fragment_fromstring(content, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    found: dict[str, None] = {}
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href:
            continue
        try:
            url = urljoin(base, href)
            parts = urlsplit(url)
        except ValueError:  # e.g. an unclosed IPv6 bracket: not a usable link
            continue
        if parts.scheme.lower() in ("http", "https") and parts.hostname:
            found.setdefault(url, None)
    return list(found)


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


def targets(content: str, *, source: str, siteurl: str) -> list[str]:
    """Return the targets of one post: its external links, minus the skipped."""
    return [
        url
        for url in content_links(content, source)
        if skip_reason(url, source=source, siteurl=siteurl) is None
    ]
