"""Shared conversions: dates, ids, names, bodies and thread repair.

Every importer turns its records into :class:`Response` objects through these
functions, so all sources get the same sanitizing and the same thread rules.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from email.utils import parsedate_to_datetime
import html
from html.parser import HTMLParser
import re
from urllib.parse import urlsplit

import nh3

from pelican_plugins.responses import sanitize
from pelican_plugins.responses.model import utc_stamp

UNKNOWN_DATE = "1970-01-01T00:00:00Z"
_WP_DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)(?::(\d\d))?")
_BLOCKS = {"p", "div", "blockquote", "ul", "ol", "pre", "table", "h1", "h2", "h3"}
MAX_NAME = 200


def wp_when(gmt: str, local: str = "", zone: tzinfo = UTC) -> datetime | None:
    """Return the instant of a WordPress date pair: the one reading of WXR dates.

    The ``*_gmt`` field first (an unambiguous instant); when it is missing or
    ``0000-00-00 00:00:00`` (drafts, some old comments, A18), the local field
    read in *zone*, the site's ``TIMEZONE``. Posts and comments alike
    (docs/migration.md).
    """
    for value, where in ((gmt, UTC), (local, zone)):
        match = _WP_DATE.match(value or "")
        if not match:
            continue
        try:
            return datetime(*(int(g or 0) for g in match.groups()), tzinfo=where)
        except ValueError:
            continue
    return None


def wp_date(gmt: str, local: str = "", zone: tzinfo = UTC) -> str | None:
    """Return :func:`wp_when` as the store's UTC date, or None."""
    when = wp_when(gmt, local, zone)
    return None if when is None else utc_stamp(when)


def rfc822_date(value: str) -> str | None:
    """Parse an RSS ``pubDate`` to UTC, or None."""
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.year < 1971:
        return None
    return utc_stamp(when)


def iso_date(value: str) -> str | None:
    """Parse an ISO 8601 date (Disqus, JF2) to UTC, or None."""
    try:
        when = datetime.fromisoformat((value or "").strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return utc_stamp(when)


def id_part(value: str) -> str:
    """Reduce a host or foreign id to the store's id alphabet ``[a-z0-9.-]``."""
    text = re.sub(r"[^a-z0-9.-]+", "-", value.strip().lower()).strip("-.")
    return re.sub(r"\.{2,}", ".", text)


#: WordPress ids are BIGINT UNSIGNED: at most 20 ASCII digits.
MAX_WP_ID_DIGITS = 20


def wp_number(value: str) -> str | None:
    """Return a WordPress id (ASCII digits, at most 20) as given, or None.

    ``str.isdigit`` also accepts ``²`` and other digits ``int`` refuses, and
    ``int`` refuses 5,000 digits: both are invalid ids, not crashes.
    """
    text = (value or "").strip()
    if text.isascii() and text.isdigit() and len(text) <= MAX_WP_ID_DIGITS:
        return text
    return None


def site_id(url: str | None) -> str:
    """Return the id scope of a WordPress site: its blog host (and port).

    A channel without ``<link>`` or ``wp:base_site_url`` gets the scope ``site``.
    """
    try:
        parts = urlsplit((url or "").strip())
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        host, port = "", None
    scope = id_part(host if port is None else f"{host}-{port}")
    return scope or "site"


def plain_name(value: str, fallback: str = "Anonymous") -> tuple[str, bool]:
    """Return (plain-text name, whether invisible characters were removed).

    WordPress stores names with entities (``&#8217;``): they are decoded once;
    the result is plain text that templates escape.
    """
    text = html.unescape(value or "")
    cleaned = sanitize.plain_text(text)[:MAX_NAME]
    return cleaned or fallback, cleaned != " ".join(text.split())[:MAX_NAME]


class _Tags(HTMLParser):
    """Record which tags a body uses (no regex over HTML)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.add(tag)

    def handle_endtag(self, tag: str) -> None:
        self.tags.add(tag)

    def handle_comment(self, data: str) -> None:
        self.tags.add("!--")


def body_html(raw: str) -> str:
    """Sanitized HTML for a WordPress-style body (raises ``sanitize.Rejected``).

    WordPress stores what the commenter typed and adds paragraphs at display
    time, so plain text gets paragraphs and line breaks, and markup without
    block elements gets paragraphs on blank lines. Entities are decoded once:
    by ``html.unescape`` for plain text, by the sanitizer's parser otherwise.
    """
    text = (raw or "").replace("\r\n", "\n").strip()
    if not text:
        return ""
    if not nh3.is_html(text):
        return sanitize.clean(sanitize.text_to_html(html.unescape(text)))
    if "\n\n" in text:
        probe = _Tags()
        probe.feed(text)
        probe.close()
        if not probe.tags & _BLOCKS:
            paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
            text = "".join(f"<p>{p}</p>" for p in paragraphs)
    return sanitize.clean(text)


HIDDEN_POST = "the Pelican article is a draft or hidden"


def hold(
    status: str, *, body: str = "", post: str = "", kind: str = "", source: str = ""
) -> tuple[str, str]:
    """Apply the one hold policy of every importer; return (status, reason or '').

    Only a response that would be public, or already waits, is held: spam and
    trash keep their status. Of several reasons, the first in this fixed order
    is recorded: the body was refused, the post is not public, the response
    type is unknown, the source itself held it (unknown approval value, a
    private webmention).
    """
    if status not in ("approved", "pending"):
        return status, ""
    for reason in (body and f"body refused: {body}", post, kind, source):
        if reason:
            return "pending", reason
    return status, ""
