"""Public JSON records turned into display data: re-sanitized, escaped-ready, dated."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
import functools
import hashlib
import html
import logging
from typing import Any

from markupsafe import Markup
import nh3

from pelican_plugins.responses.endpoints import (
    Endpoints,
    comment_form_action,
    reply_url,
)
from pelican_plugins.responses.model import KINDS, LINKBACK_TYPES, TYPES, anchors
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
#: Webmention kinds shown as one counted line instead of a listed response.
REACTIONS = {"like": ("like", "likes"), "repost": ("repost", "reposts")}
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
    # A webmention's kind ("reply", "like", …); None for everything else.
    kind: str | None = None

    @property
    def is_ping(self) -> bool:
        """True for pingbacks, trackbacks and webmentions."""
        return self.type in LINKBACK_TYPES

    @property
    def is_reaction(self) -> bool:
        """A like or repost: counted on the reactions line, not listed."""
        return self.type == "webmention" and self.kind in REACTIONS

    @property
    def is_reply(self) -> bool:
        """A comment, or a webmention reply: shown in the comment thread."""
        return self.type == "comment" or (
            self.type == "webmention" and self.kind == "reply"
        )

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
    # The receiver's reply page for this comment; None for linkbacks, at the
    # deepest level (as WordPress) and without a receiver.
    reply_url: str | None = None


@dataclass(frozen=True, slots=True)
class Reaction:
    """Likes (or reposts) of one post: "3 likes", and who sent them, oldest first."""

    kind: str
    people: tuple[ResponseView, ...]

    @property
    def text(self) -> str:
        """'1 like', '3 likes', '2 reposts'."""
        one, many = REACTIONS[self.kind]
        return f"{len(self.people)} {one if len(self.people) == 1 else many}"


@dataclass(frozen=True, slots=True)  # one per post, kept for the whole build
class Responses:
    """Everything the theme needs for one article: lists, counts and options."""

    key: str
    # Empty tuples, shared, in the placeholder and summary every post keeps.
    threads: Sequence[Node] = ()
    pings: Sequence[ResponseView] = ()
    items: Sequence[ResponseView] = ()
    rows: Sequence[Row] = ()
    comment_count: int = 0
    ping_count: int = 0
    merged: bool = False
    avatars: bool = True
    form_action: str | None = None
    feed_url: str | None = None
    reactions: tuple[Reaction, ...] = ()
    # The post's address as the form sends it (see endpoints.target_url).
    target: str = ""
    # The receiver's token endpoint, when the form posts to that receiver (the
    # optional script fills the form's token from it).
    token_url: str | None = None
    pending: bool = False  # its file is read when the article's page is written

    @property
    def count(self) -> int:
        """What the heading prints: exactly the number of listed responses.

        Likes and reposts have no text to list, so they are counted on their own
        line and not here (docs/comment-form.md).
        """
        return self.comment_count + self.ping_count

    @property
    def reaction_count(self) -> int:
        """Likes plus reposts."""
        return sum(len(reaction.people) for reaction in self.reactions)

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


def _set_anchors(views: list[ResponseView]) -> None:
    """Give each view its anchor by the one rule in :func:`model.anchors`."""
    found = anchors(v.id for v in views)
    for view in views:
        view.anchor = found[view.id]


def make_view(
    record: dict, zone: tzinfo, date_format: str, problems: list[str] | None = None
) -> ResponseView | None:
    """Build one view from a public record, or None (logged) when it is unusable.

    Each warning logged is also added to *problems*, if given: views made with
    a warning are not cached, so the warning shows again on the next build.
    """
    kind = record.get("type")
    stamp = record.get("date")
    try:
        if len(stamp) != 20 or stamp[10] != "T" or stamp[-1] != "Z":
            raise ValueError(stamp)
        date = datetime.fromisoformat(stamp[:-1]).replace(tzinfo=UTC)
    except (TypeError, ValueError):
        logger.warning("responses: %s has no valid date; skipped", record.get("id"))
        _note(problems, "date")
        return None
    if kind not in TYPES:
        logger.warning("responses: %s has unknown type %r; skipped", record["id"], kind)
        _note(problems, "type")
        return None
    try:
        content = clean(str(record.get("content_html") or ""))
    except Rejected as error:
        logger.warning("responses: %s body withheld (%s)", record["id"], error)
        _note(problems, "body")
        content = ""
    raw_name = record.get("author_name")
    name, initial, hue = _author(str(raw_name or ""))
    source_title = record.get("source_title")
    parent = record.get("parent")
    wm_kind = record.get("kind") if kind == "webmention" else None
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
        kind=wm_kind if wm_kind in KINDS else None,
    )


def _note(problems: list[str] | None, what: str) -> None:
    if problems is not None:
        problems.append(what)


def make_views(
    records: list[dict], zone: tzinfo, date_format: str
) -> tuple[list[ResponseView], bool]:
    """Every usable response of one post once, oldest first, anchors set.

    The flag is False when a record was skipped or withheld with a warning.
    This is all of a post's views that depends on its public file alone (and
    the zone and format): what ``responses.cache`` keeps between builds.
    """
    problems: list[str] = []
    views = unique_by_date(
        view for r in records if (view := make_view(r, zone, date_format, problems))
    )
    _set_anchors(views)
    return views, not problems


def reactions(items: list[ResponseView]) -> tuple[Reaction, ...]:
    """Group likes and reposts by kind (likes first), each oldest first."""
    return tuple(
        Reaction(kind, people)
        for kind in REACTIONS
        if (people := tuple(v for v in items if v.is_reaction and v.kind == kind))
    )


def assemble(
    key: str,
    records: list[dict],
    options: dict[str, Any],
    *,
    zone: tzinfo,
    date_format: str,
    feed_url: str | None = None,
    target: str = "",
    receiver: Endpoints | None = None,
) -> Responses:
    """Turn one article's public records into its :class:`Responses`."""
    everything, _ = make_views(records, zone, date_format)
    return assemble_views(
        key,
        everything,
        options,
        feed_url=feed_url,
        target=target,
        receiver=receiver,
    )


def assemble_views(
    key: str,
    everything: list[ResponseView],
    options: dict[str, Any],
    *,
    feed_url: str | None = None,
    target: str = "",
    receiver: Endpoints | None = None,
) -> Responses:
    """Turn one article's views (:func:`make_views`) into its :class:`Responses`.

    Comments and webmention replies form the thread; likes and reposts become
    :class:`Reaction` lines; other linkbacks are listed apart (or in the thread
    with ``RESPONSES_MERGE_PINGS``). *receiver* enables the reply links.
    Every usable response is listed once: threads keep orphans and cycles.
    """
    items = [v for v in everything if not v.is_reaction]
    newest_first = options["RESPONSES_ORDER"] == "desc"
    merged = options["RESPONSES_MERGE_PINGS"]
    max_depth = options["RESPONSES_MAX_DEPTH"]
    comments = items if merged else [v for v in items if v.is_reply]
    threads = build_threads(comments, max_depth=max_depth, newest_first=newest_first)
    flat = flatten(threads)
    pings = [] if merged else [v for v in items if not v.is_reply]
    if newest_first:
        pings.reverse()
    thread_rows = [
        Row(node.item, node.depth, opens, closes) for node, opens, closes in flat
    ]
    if receiver is not None:
        for row in thread_rows:
            # WordPress offers no reply at the deepest level: it would not nest.
            if row.item.type == "comment" and row.depth < max_depth:
                row.reply_url = reply_url(receiver, target, row.item.id)
    ping_rows = [Row(ping, 0) for ping in pings]
    for name, rows in (("commentlist", thread_rows), ("pinglist", ping_rows)):
        if rows:
            rows[0].start = name
            rows[-1].end = True
    action = comment_form_action(options["RESPONSES_FORM_ACTION"], receiver)
    posts_to_receiver = receiver is not None and action == receiver.comments
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
        form_action=action,
        feed_url=feed_url if items else None,
        reactions=reactions(everything),
        target=target,
        token_url=receiver.token if posts_to_receiver else None,
    )
