"""WordPress eXtended RSS (WXR 1.0, 1.1, 1.2) read into plain records.

Namespaces are recognised by URI pattern, never by prefix, and for http and
https alike (docs/wordpress.md; docs/security.md row A13). Every field has a default, so
an export with missing or self-closing elements (WordPress.com) still reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
import re
from typing import BinaryIO

from pelican_plugins.importers.clean import Cleaner
from pelican_plugins.importers.xmlstream import Node, RecordStream, XMLRejected

_WP = re.compile(r"https?://wordpress\.org/export/(\d+\.\d+)/?\Z")
_EXCERPT = re.compile(r"https?://wordpress\.org/export/\d+\.\d+/excerpt/?\Z")
_KNOWN = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}
_VERSION = re.compile(r"\d+\.\d+\Z")
#: Elements read whole: items, and the channel's authors and terms.
_RECORDS = ("item", "wp:author", "wp:category", "wp:tag")


def canonical(tag: str) -> str:
    """Map ``{uri}local`` to ``wp:local``, ``content:local``... by namespace URI."""
    if not tag.startswith("{"):
        return tag
    uri, _, local = tag[1:].partition("}")
    uri_https = uri.replace("https://", "http://", 1)
    if _WP.match(uri):
        return f"wp:{local}"
    if _EXCERPT.match(uri):
        return f"excerpt:{local}"
    prefix = _KNOWN.get(uri_https) or _KNOWN.get(uri_https + "/")
    return f"{prefix}:{local}" if prefix else tag


@dataclass(slots=True)
class WxrComment:
    """One ``<wp:comment>``, every field as text with WordPress's defaults."""

    comment_id: str
    author: str
    author_email: str
    author_url: str
    author_ip: str
    date: str
    date_gmt: str
    content: str
    approved: str
    type: str
    parent: str
    user_id: str
    meta: dict[str, str]
    line: int
    end_line: int


@dataclass(slots=True)
class WxrItem:
    """One ``<item>``: a post, page, attachment... with its comments."""

    post_id: str
    title: str
    link: str
    guid: str
    post_name: str
    status: str
    post_type: str
    password: str
    date: str
    date_gmt: str
    modified: str
    modified_gmt: str
    pub_date: str
    content: str
    excerpt: str
    creator: str
    categories: list[tuple[str, str, str]]  # (domain, nicename, name)
    line: int
    end_line: int
    comments: list[WxrComment] = field(default_factory=list)
    skipped: int = 0
    post_parent: str = "0"
    menu_order: str = "0"
    is_sticky: bool = False
    attachment_url: str = ""
    postmeta: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """How messages name the item."""
        title = self.title if len(self.title) <= 60 else self.title[:57] + "..."
        return f"item {self.post_id or '?'} {title!r} (line {self.line})"


def _fields(node: Node) -> dict[str, str]:
    """Text of each child by tag, the first of a repeated tag winning."""
    fields: dict[str, str] = {}
    for child in node.children:
        if child.tag not in fields:
            fields[child.tag] = child.text
    return fields


def _comment(node: Node) -> WxrComment:
    meta = {}
    for entry in node.findall("wp:commentmeta"):
        meta.setdefault(entry.get("wp:meta_key"), entry.get("wp:meta_value"))
    f = _fields(node)

    def get(tag: str, default: str = "") -> str:
        return f.get(tag, "").strip() or default

    return WxrComment(
        comment_id=get("wp:comment_id"),
        author=get("wp:comment_author"),
        author_email=get("wp:comment_author_email"),
        author_url=get("wp:comment_author_url"),
        author_ip=get("wp:comment_author_IP"),
        date=get("wp:comment_date"),
        date_gmt=get("wp:comment_date_gmt"),
        content=f.get("wp:comment_content", ""),
        approved=get("wp:comment_approved"),
        type=get("wp:comment_type"),
        parent=get("wp:comment_parent", "0"),
        user_id=get("wp:comment_user_id", "0"),
        meta=meta,
        line=node.line,
        end_line=node.end_line,
    )


def item_from_node(node: Node) -> WxrItem:
    """Turn one parsed ``<item>`` into a :class:`WxrItem`."""
    content = node.find("content:encoded")
    excerpt = node.find("excerpt:encoded")
    categories = []
    for cat in node.findall("category"):
        domain = cat.attrib.get("domain", "category").strip() or "category"
        if domain == "tag":  # WXR 1.0 spelling
            domain = "post_tag"
        name = cat.text.strip()
        categories.append((domain, cat.attrib.get("nicename", "").strip(), name))
    item = WxrItem(
        post_id=node.get("wp:post_id"),
        title=node.get("title"),
        link=node.get("link"),
        guid=node.get("guid"),
        post_name=node.get("wp:post_name"),
        status=node.get("wp:status", "publish"),
        post_type=node.get("wp:post_type", "post"),
        password=node.get("wp:post_password"),
        date=node.get("wp:post_date"),
        date_gmt=node.get("wp:post_date_gmt"),
        modified=node.get("wp:post_modified"),
        modified_gmt=node.get("wp:post_modified_gmt"),
        pub_date=node.get("pubDate"),
        content="" if content is None else content.text,
        excerpt="" if excerpt is None else excerpt.text,
        creator=node.get("dc:creator"),
        categories=categories,
        line=node.line,
        end_line=node.end_line,
    )
    item.comments = [_comment(c) for c in node.findall("wp:comment")]
    item.skipped = node.skipped
    item.post_parent = node.get("wp:post_parent", "0")
    item.menu_order = node.get("wp:menu_order", "0")
    item.is_sticky = node.get("wp:is_sticky", "0") == "1"
    item.attachment_url = node.get("wp:attachment_url")
    for entry in node.findall("wp:postmeta"):
        key = entry.get("wp:meta_key")
        if key:
            item.postmeta.setdefault(
                key,
                entry.find("wp:meta_value").text
                if entry.find("wp:meta_value") is not None
                else "",
            )
    return item


@dataclass(frozen=True, slots=True)
class WxrTerm:
    """A channel-level category or tag: slug (nicename), name and parent slug."""

    taxonomy: str
    nicename: str
    name: str
    parent: str


def _channel_record(node: Node, reader: WxrReader) -> None:
    """Keep the authors' display names and the terms' parents from the channel."""
    if node.tag == "wp:author":
        login = node.get("wp:author_login")
        display = node.get("wp:author_display_name")
        if login:
            reader.authors[login.lower()] = display  # logins ignore case
    elif node.tag == "wp:category":
        nicename = node.get("wp:category_nicename")
        if nicename:
            reader.terms[("category", nicename)] = WxrTerm(
                "category",
                nicename,
                node.get("wp:cat_name"),
                node.get("wp:category_parent"),
            )
    elif node.tag == "wp:tag":
        nicename = node.get("wp:tag_slug")
        if nicename:
            reader.terms[("post_tag", nicename)] = WxrTerm(
                "post_tag", nicename, node.get("wp:tag_name"), ""
            )


def _label(node: Node) -> str:
    post_id = node.get("wp:post_id", "?")
    return f"item {post_id} {node.get('title')!r} (line {node.line})"


class WxrReader:
    """Stream a WXR export: ``header`` after the first item, then ``WxrItem``s."""

    name = "wordpress"

    def __init__(self, source: BinaryIO) -> None:
        self.cleaner = Cleaner(source)
        self.stream = RecordStream(
            self.cleaner.chunks(), canonical, set(_RECORDS), b"</item>", _label
        )
        self.version = ""
        self.site = ""
        #: Author login → display name, from the channel's ``<wp:author>``.
        self.authors: dict[str, str] = {}
        #: (taxonomy, nicename) → term, from the channel's categories and tags.
        self.terms: dict[tuple[str, str], WxrTerm] = {}

    @staticmethod
    def detect(peek: bytes) -> bool:
        """Say whether the first bytes look like a WordPress export."""
        head = peek[:8192].decode("utf-8", "replace").replace("\0", "")
        return "<rss" in head and "wordpress.org/export/" in head

    def _check_header(self) -> None:
        header = self.stream.header
        target = self.stream.target
        if target.root != "rss" or target.level2 != "channel":
            raise XMLRejected("not a WXR file: no <rss><channel> root")
        if target.container not in ("", "channel"):
            raise XMLRejected(
                f"not a WXR file: items inside <{target.container}>, not <channel>"
            )
        version = header.get("wp:wxr_version", "")
        if not _VERSION.match(version):
            raise XMLRejected(
                "not a WXR file: missing or invalid <wp:wxr_version> "
                f"({version!r}); is the wp namespace declared?"
            )
        self.version = version
        self.site = (
            header.get("wp:base_blog_url")
            or header.get("wp:base_site_url")
            or header.get("link")
            or ""
        )

    def __iter__(self) -> Iterator[WxrItem]:
        checked = False
        for node in self.stream:
            if not checked:
                self._check_header()
                checked = True
            if node.tag == "item":
                yield item_from_node(node)
            else:
                _channel_record(node, self)
        if not checked:
            self._check_header()
