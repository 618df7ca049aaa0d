"""What a fetched source says about a target: the pure half of verification.

The source must link to exactly the target (spec §3.2.2). Title and excerpt
are taken as WordPress takes them for a pingback (the page title; about 100
characters either side of the link, marked ``[…]``); an h-entry, read with
mf2py, adds the author's h-card and the kind (reply, like, repost, bookmark,
mention). Nothing here fetches: photo and author URLs are only recorded (D15).
"""

from __future__ import annotations

from dataclasses import dataclass
import hashlib
import html
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag
import mf2py

from pelican_plugins.responses import sanitize
from pelican_plugins.responses.model import Response
from pelican_plugins.responses.targets import canonical

CONTEXT = 100
MAX_TITLE = 250
HTML_TYPES = ("text/html", "application/xhtml+xml", "")
LINK_ATTRIBUTES = (("a", "href"), ("area", "href"), ("img", "src"), ("video", "src"))
LINK_ATTRIBUTES += (("audio", "src"), ("source", "src"), ("link", "href"))
BLOCKS = frozenset(
    {
        *("p", "li", "td", "th", "dd", "dt", "blockquote", "pre", "caption"),
        *("figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "div", "article"),
        *("section", "main", "body"),
    }
)
#: mf2 property -> kind, in the order a reply-and-like entry is classed.
KIND_PROPERTIES = (
    ("in-reply-to", "reply"),
    ("repost-of", "repost"),
    ("like-of", "like"),
    ("bookmark-of", "bookmark"),
)


@dataclass(frozen=True)
class Evidence:
    """What verification learned from a source that links to the target."""

    title: str
    excerpt: str
    kind: str = "mention"
    author_name: str | None = None
    author_url: str | None = None
    author_photo: str | None = None
    content_html: str | None = None


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def find_link(soup: BeautifulSoup, base: str, target: str) -> Tag | None:
    """Return the first element linking to exactly *target* (relative resolved)."""
    for name, attribute in LINK_ATTRIBUTES:
        for tag in soup.find_all(name):
            value = tag.get(attribute)
            if isinstance(value, str) and target in (
                value.strip(),
                urljoin(base, value.strip()),
            ):
                return tag
    return None


def excerpt_around(text: str, anchor: str) -> str:
    """Return ``[…] context […]``: *anchor* with about 100 characters either side."""
    text = " ".join(text.split())
    anchor = _clip(" ".join(anchor.split()), CONTEXT)
    at = max(text.find(anchor), 0)
    start, end = max(at - CONTEXT, 0), min(at + len(anchor) + CONTEXT, len(text))
    return f"[…] {text[start:end].strip()} […]"


def _block_text(tag: Tag) -> str:
    for parent in tag.parents:
        if isinstance(parent, Tag) and parent.name in BLOCKS:
            return parent.get_text(" ")
    return tag.get_text(" ")


def _urls(values: list[Any]) -> list[str]:
    found = []
    for value in values:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            found += [
                u
                for u in value.get("properties", {}).get("url", [])
                if isinstance(u, str)
            ]
            if isinstance(value.get("value"), str):
                found.append(value["value"])
    return found


def _first_text(values: list[Any]) -> str | None:
    for value in values:
        text = value.get("value") if isinstance(value, dict) else value
        if isinstance(text, str) and text.strip():
            return text
    return None


def _entries(items: list[dict]) -> list[dict]:
    found = []
    for item in items:
        if "h-entry" in item.get("type", []):
            found.append(item)
        found += _entries(item.get("children", []))
    return found


def read_entry(parsed: dict, target: str) -> dict[str, Any]:
    """Return kind, author and content of the h-entry naming *target* (or the first)."""
    entries = _entries(parsed.get("items", []))
    if not entries:
        return {}
    wanted = canonical(target)

    def kind_of(entry: dict) -> str | None:
        props = entry.get("properties", {})
        for prop, kind in KIND_PROPERTIES:
            if wanted in {canonical(u) for u in _urls(props.get(prop, []))}:
                return kind
        return None

    entry = next((e for e in entries if kind_of(e)), entries[0])
    props = entry.get("properties", {})
    found: dict[str, Any] = {"kind": kind_of(entry) or "mention"}
    author = (props.get("author") or [None])[0]
    if isinstance(author, dict):
        card = author.get("properties", {})
        found["author_name"] = _first_text(card.get("name", [])) or _first_text(
            [author]
        )
        found["author_url"] = (_urls(card.get("url", [])) or [None])[0]
        found["author_photo"] = _first_text(card.get("photo", []))
    elif isinstance(author, str):
        found["author_name"] = author
    content = (props.get("content") or [None])[0]
    if isinstance(content, dict) and isinstance(content.get("html"), str):
        found["content_html"] = content["html"]
    found["name"] = _first_text(props.get("name", []))
    return found


def _reply_html(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        return sanitize.clean(raw) or None
    except sanitize.Rejected:
        return None  # too large or hostile: the excerpt stands in


def examine(body: bytes, content_type: str, url: str, target: str) -> Evidence | None:
    """Return what *body* (fetched from *url*) says about *target*; None: no link."""
    if content_type in HTML_TYPES:
        soup = BeautifulSoup(body, "lxml")
        link = find_link(soup, url, target)
        if link is None:
            return None
        entry = read_entry(
            mf2py.parse(doc=BeautifulSoup(body, "lxml"), url=url), target
        )
        title = soup.title.get_text(" ") if soup.title else ""
        title = sanitize.plain_text(title or entry.get("name") or "") or url
        anchor = link.get_text(" ") or target
        return Evidence(
            title=_clip(title, MAX_TITLE),
            excerpt=excerpt_around(sanitize.plain_text(_block_text(link)), anchor),
            kind=entry.get("kind", "mention"),
            author_name=sanitize.plain_text(entry.get("author_name") or "") or None,
            author_url=sanitize.safe_url(entry.get("author_url")),
            author_photo=sanitize.safe_url(entry.get("author_photo")),
            content_html=_reply_html(entry.get("content_html")),
        )
    if content_type.startswith("text/"):
        text = body.decode("utf-8", "replace")
        if target not in text:
            return None
        return Evidence(
            title=url, excerpt=excerpt_around(sanitize.plain_text(text), target)
        )
    return None


def response_id(source: str, key: str) -> str:
    """Return the stored id of *source*'s mention of *key* (updates replace it)."""
    return "lb-" + hashlib.sha256(f"{source}\n{key}".encode()).hexdigest()[:24]


def response_for(row: dict[str, Any], evidence: Evidence) -> Response:
    """Return the pending item a verified mention becomes (a queue row + evidence)."""
    webmention = row["protocol"] == "webmention"
    kind = evidence.kind if webmention else None
    content = evidence.content_html if kind == "reply" else None
    return Response(
        id=response_id(row["source"], row["key"]),
        key=row["key"],
        type=row["protocol"],
        status="pending",
        parent=None,
        # WordPress names a pingback after the source's title.
        author_name=(evidence.author_name if webmention else None) or evidence.title,
        author_url=evidence.author_url or row["source"],
        date=row["received_at"],
        content_html=content or f"<p>{html.escape(evidence.excerpt, quote=False)}</p>",
        source_url=row["source"],
        source_title=evidence.title,
        author_ip=row.get("sender_ip"),
        origin="receiver",
        kind=kind,
        extra={"author_photo": evidence.author_photo}
        if evidence.author_photo
        else None,
    )
