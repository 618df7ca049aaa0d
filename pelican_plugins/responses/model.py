"""The response record shared by the store, the importers and the plugin."""

from __future__ import annotations

from dataclasses import dataclass
import re

TYPES = ("comment", "pingback", "trackback", "webmention")
STATUSES = ("approved", "pending", "spam", "trash")  # only "approved" is ever public
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
_KEY = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")
_DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z")


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
    """Return *key* lowercased, or raise ValueError if it could escape a folder."""
    if not isinstance(key, str):
        raise ValueError(f"invalid responses key {key!r}")
    lowered = key.lower()
    if not _KEY.match(lowered) or ".." in lowered:
        raise ValueError(f"invalid responses key {key!r}")
    return lowered


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
