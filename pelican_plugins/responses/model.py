"""The response record shared by the store, the importers and the plugin."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
import re
import unicodedata

TYPES = ("comment", "pingback", "trackback", "webmention")
#: Only "approved" is ever public. "deleted" is a moderator's tombstone: the
#: row stays (content wiped) so that a re-import cannot bring the item back.
STATUSES = ("approved", "pending", "spam", "trash", "deleted")
DELETED = "deleted"
LINKBACK_TYPES = ("pingback", "trackback", "webmention")
#: What a webmention's source says it is (its h-entry); None for the rest.
KINDS = ("reply", "like", "repost", "bookmark", "mention")

#: Fields written to content/responses/<key>.json; everything else stays in SQLite.
PUBLIC_FIELDS = (
    "id",
    "type",
    "parent",
    "author_name",
    "author_url",
    "date",
    "content_html",
    "source_url",
    "source_title",
)
#: Public fields written only when set, so files without them stay byte-identical
#: and readers of either age accept them (readers ignore fields they do not know).
OPTIONAL_PUBLIC_FIELDS = ("kind",)

_ID = re.compile(r"[a-z0-9][a-z0-9.-]*\Z")
#: A key names ``<key>.json``: its UTF-8 form plus ".json" must fit a file name.
MAX_KEY_BYTES = 250
#: The ``#comment-…`` fragment of every response on a post page.
ANCHOR_PREFIX = "comment-"
_DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z")


def utc_stamp(when: datetime | float) -> str | None:
    """Return the store's date (``YYYY-MM-DDTHH:MM:SSZ``) for *when*: one format.

    *when* is a datetime (naive counts as UTC) or a POSIX time. None when its
    UTC form falls outside years 1-9999 (``9999-12-31T23:00:00-05:00``).
    """
    try:
        if isinstance(when, datetime):
            moment = when if when.tzinfo else when.replace(tzinfo=UTC)
        else:
            moment = datetime.fromtimestamp(when, UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, ValueError, OSError):
        return None


class Rejected(ValueError):
    """Input refused outright, never half-used: a comment body, an export file."""


@dataclass(frozen=True, slots=True)
class Response:
    """One comment or linkback, with the private fields the public file never holds."""

    id: str
    key: str
    type: str
    status: str
    parent: str | None
    author_name: str
    author_url: str | None
    date: str
    content_html: str
    source_url: str | None = None
    source_title: str | None = None
    author_email: str | None = None
    author_ip: str | None = None
    raw_content: str | None = None
    origin: str = ""
    extra: dict | None = None
    kind: str | None = None


def check_key(key: str) -> str:
    """Return *key* lowercased, or raise ValueError if it cannot name one file.

    Every slug Pelican accepts is a key (``körper-übung``, ``日本語``,
    ``two words``); what could leave the folder or break a file name is not:
    a separator, a leading dot, a control character, or more than 250 bytes.
    """
    if not isinstance(key, str):
        raise ValueError(f"invalid responses key {key!r}")
    lowered = key.lower()
    if (
        not lowered.strip()
        or lowered != lowered.strip()
        or lowered.startswith(".")
        or "/" in lowered
        or "\\" in lowered
        or not (lowered.isprintable() or _only_format_marks(lowered))
        or len(lowered.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES
    ):
        raise ValueError(f"invalid responses key {key!r}")
    return lowered


def _only_format_marks(text: str) -> bool:
    """Tell whether the unprintable characters of *text* are harmless in a name.

    ``isprintable`` is the fast test; it also refuses format marks (a
    zero-width non-joiner in a Persian slug) and odd spaces, which a file name
    holds fine. Control characters and lone surrogates stay refused.
    """
    return not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text)


def anchor_number(response_id: str) -> str:
    """``wp-<host>-12`` → ``12``, WordPress's own ``#comment-12``; others unchanged.

    Comments imported from WordPress keep their old anchors, so links to
    ``/post/#comment-12`` from around the web still land on them.
    """
    if response_id.startswith("wp-"):
        number = response_id.rsplit("-", 1)[-1]
        if number.isascii() and number.isdigit():
            return number
    return response_id


def anchors(ids: Iterable[str]) -> dict[str, str]:
    """Map the ids of one post's responses to their anchors (after ``comment-``).

    Where two would share one (two WordPress hosts imported), both keep their
    full id. A kept id never equals another response's number: a bare-number
    id wants that same number, so both would have fallen back.
    """
    wanted = {rid: anchor_number(rid) for rid in ids}
    taken = Counter(wanted.values())
    return {rid: a if taken[a] == 1 else rid for rid, a in wanted.items()}


def anchor_target(fragment: str, ids: Iterable[str]) -> str | None:
    """Return the id whose anchor on this post is *fragment* (``comment-5``).

    The inverse of :func:`anchors` over the same ids: a reply to
    ``/post/#comment-5`` threads under the response the page shows there.
    """
    if not fragment.startswith(ANCHOR_PREFIX):
        return None
    wanted = fragment[len(ANCHOR_PREFIX) :]
    for rid, anchor in anchors(ids).items():
        if anchor == wanted:
            return rid
    return None


def validate(item: Response) -> Response:
    """Raise ValueError unless *item* has a known type, status, safe id and UTC date."""
    if not _ID.match(item.id or ""):
        raise ValueError(f"invalid response id {item.id!r}")
    check_key(item.key)
    if item.type not in TYPES:
        raise ValueError(f"{item.id}: unknown type {item.type!r}")
    if item.status not in STATUSES:
        raise ValueError(f"{item.id}: unknown status {item.status!r}")
    if not _DATE.match(item.date or ""):
        raise ValueError(f"{item.id}: date must be UTC 'YYYY-MM-DDTHH:MM:SSZ'")
    if item.kind is not None and item.kind not in KINDS:
        raise ValueError(f"{item.id}: unknown kind {item.kind!r}")
    if item.parent is not None and not _ID.match(item.parent):
        raise ValueError(f"{item.id}: invalid parent id {item.parent!r}")
    return item
