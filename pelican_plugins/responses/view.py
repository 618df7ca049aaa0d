"""Public JSON records turned into display data: re-sanitized, escaped-ready, dated."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
import functools
import hashlib
import html
import logging
from typing import Any

from markupsafe import Markup
import nh3

from pelican_plugins.responses.model import LINKBACK_TYPES, TYPES
from pelican_plugins.responses.sanitize import Rejected, clean, plain_text, safe_url
from pelican_plugins.responses.thread import (
    Node,
    build_threads,
    flatten,
    unique_by_date,
)

logger = logging.getLogger(__name__)

EXCERPT_WORDS = 40
AVATAR_HUES = 8
LABELS = {"pingback": "Pingback", "trackback": "Trackback", "webmention": "Webmention"}
_TEXT_ONLY = nh3.Cleaner(tags=set(), clean_content_tags={"script", "style"})


@dataclass(slots=True)
class ResponseView:
    """One response as the theme sees it; every string is plain text but content."""

    id: str
    type: str
    parent: str | None
    author_name: str
    author_url: str | None
    date: datetime
    date_iso: str
    date_text: str
    content: Markup
    source_url: str | None
    source_title: str | None
    excerpt: str
    initial: str
    hue: int
    # The #comment-… fragment: WordPress's own number for comments imported from
    # it, so links to /post/#comment-12 from around the web still land on them.
    anchor: str = ""

    @property
    def is_ping(self) -> bool:
        """True for pingbacks, trackbacks and webmentions."""
        return self.type in LINKBACK_TYPES

    @property
    def label(self) -> str:
        """'Pingback', 'Trackback' or 'Webmention'; '' for comments."""
        return LABELS.get(self.type, "")


@dataclass(slots=True)
class Row:
    """One ``<li>`` of the rendered lists, in document order.

    The theme renders every list with one flat loop: *start* names the list
    (``commentlist`` or ``pinglist``) that opens before the first row, *end*
    closes it after the last; *opens* keeps the item open around its replies
    and *closes* counts the reply lists that end after it. *depth* is 0 in the
    linkback list.
    """

    item: ResponseView
    depth: int
    opens: bool = False
    closes: int = 0
    start: str = ""
    end: bool = False


@dataclass(frozen=True, slots=True)  # one per post, kept for the whole build
class Responses:
    """Everything the theme needs for one article: lists, counts and options."""

    key: str
    threads: list[Node] = field(default_factory=list)
    pings: list[ResponseView] = field(default_factory=list)
    items: list[ResponseView] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    comment_count: int = 0
    ping_count: int = 0
    merged: bool = False
    avatars: bool = True
    form_action: str | None = None
    feed_url: str | None = None
    pending: bool = False  # its file is read when the article's page is written

    @property
    def count(self) -> int:
        """What the heading prints: exactly the number of listed responses."""
        return self.comment_count + self.ping_count

    def summary(self) -> Responses:
        """Only the counts, which listings print once the article page is out."""
        return Responses(
            key=self.key, comment_count=self.comment_count, ping_count=self.ping_count
        )


def display_name(name: Any) -> str:
    """Plain-text author name without invisible or reordering characters."""
    text = plain_text(str(name or ""))
    return text or "Anonymous"


def excerpt(content_html: str, words: int = EXCERPT_WORDS) -> str:
    """Plain-text excerpt of sanitized HTML; cut on words, so no markup is split."""
    text = html.unescape(_TEXT_ONLY.clean(content_html)).split()
    return " ".join(text[:words]) + (" …" if len(text) > words else "")


@functools.lru_cache(maxsize=4096)  # pure; the same names recur across a site
def _author(name: str) -> tuple[str, str, int]:
    """Display name, avatar initial and avatar hue for one raw author name."""
    shown = display_name(name)
    digest = hashlib.sha256(shown.encode()).digest()
    return shown, shown[0].upper(), int.from_bytes(digest[:4], "big") % AVATAR_HUES


def wordpress_anchor(response_id: str) -> str:
    """``wp-<host>-12`` → ``12``, WordPress's own ``#comment-12``; others unchanged."""
    if response_id.startswith("wp-"):
        number = response_id.rsplit("-", 1)[-1]
        if number.isascii() and number.isdigit():
            return number
    return response_id


def _set_anchors(views: list[ResponseView]) -> None:
    """Give each view its anchor; where two would share one, both keep their id.

    A kept id never equals another view's number: a bare-number id wants that
    same number, so both would have fallen back.
    """
    wanted = [wordpress_anchor(v.id) for v in views]
    taken = Counter(wanted)
    for view, anchor in zip(views, wanted, strict=True):
        view.anchor = anchor if taken[anchor] == 1 else view.id


def make_view(record: dict, zone: tzinfo, date_format: str) -> ResponseView | None:
    """Build one view from a public record, or None (logged) when it is unusable."""
    kind = record.get("type")
    stamp = record.get("date")
    try:
        if len(stamp) != 20 or stamp[10] != "T" or stamp[-1] != "Z":
            raise ValueError(stamp)
        date = datetime.fromisoformat(stamp[:-1]).replace(tzinfo=UTC)
    except (TypeError, ValueError):
        logger.warning("responses: %s has no valid date; skipped", record.get("id"))
        return None
    if kind not in TYPES:
        logger.warning("responses: %s has unknown type %r; skipped", record["id"], kind)
        return None
    try:
        content = clean(str(record.get("content_html") or ""))
    except Rejected as error:
        logger.warning("responses: %s body withheld (%s)", record["id"], error)
        content = ""
    raw_name = record.get("author_name")
    name, initial, hue = _author(str(raw_name or ""))
    source_title = record.get("source_title")
    parent = record.get("parent")
    return ResponseView(
        id=record["id"],
        type=kind,
        parent=parent if isinstance(parent, str) else None,
        author_name=name,
        author_url=safe_url(record.get("author_url")),
        date=date,
        date_iso=stamp,
        # One strftime call; the time part is fixed, as WordPress themes print it.
        date_text=date.astimezone(zone).strftime(date_format + " at %H:%M"),
        content=Markup(content),  # sanitized by clean() above
        source_url=safe_url(record.get("source_url")),
        source_title=display_name(source_title) if source_title else None,
        excerpt=excerpt(content) if kind in LINKBACK_TYPES else "",
        initial=initial,
        hue=hue,
    )


def assemble(
    key: str,
    records: list[dict],
    options: dict[str, Any],
    *,
    zone: tzinfo,
    date_format: str,
    feed_url: str | None = None,
) -> Responses:
    """Turn one article's public records into its :class:`Responses`."""
    # Every usable response is listed once: threads keep orphans and cycles.
    items = unique_by_date(
        view for r in records if (view := make_view(r, zone, date_format))
    )
    _set_anchors(items)
    newest_first = options["RESPONSES_ORDER"] == "desc"
    merged = options["RESPONSES_MERGE_PINGS"]
    comments = items if merged else [v for v in items if not v.is_ping]
    threads = build_threads(
        comments, max_depth=options["RESPONSES_MAX_DEPTH"], newest_first=newest_first
    )
    flat = flatten(threads)
    pings = [] if merged else [v for v in items if v.is_ping]
    if newest_first:
        pings.reverse()
    thread_rows = [
        Row(node.item, node.depth, opens, closes) for node, opens, closes in flat
    ]
    ping_rows = [Row(ping, 0) for ping in pings]
    for name, rows in (("commentlist", thread_rows), ("pinglist", ping_rows)):
        if rows:
            rows[0].start = name
            rows[-1].end = True
    return Responses(
        key=key,
        threads=threads,
        pings=pings,
        items=items,
        rows=thread_rows + ping_rows,
        comment_count=len(thread_rows),
        ping_count=len(pings),
        merged=merged,
        avatars=options["RESPONSES_AVATARS"],
        form_action=options["RESPONSES_FORM_ACTION"],
        feed_url=feed_url if items else None,
    )
