"""Disqus "Comments Export" XML as responses (docs/wordpress.md#disqus-export).

Threads come before posts, so one streaming pass maps each thread to its
article; posts are then collected (Disqus exports are small) so replies can
be threaded whatever their order. Spam and deleted posts are never public,
and posts whose thread is unknown or unmatched are reported, not dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import BinaryIO

from pelican_plugins.importers.articles import Article, ArticleIndex
from pelican_plugins.importers.clean import Cleaner
from pelican_plugins.importers.convert import (
    HIDDEN_POST,
    UNKNOWN_DATE,
    hold,
    id_part,
    iso_date,
    plain_name,
)
from pelican_plugins.importers.report import Report
from pelican_plugins.importers.xmlstream import Broken, Node, RecordStream, XMLRejected
from pelican_plugins.responses import sanitize
from pelican_plugins.responses.model import Response
from pelican_plugins.responses.thread import by_date, repair_parents

DISQUS = "http://disqus.com"
DSQ_ID = "{http://disqus.com/disqus-internals}id"


def canonical(tag: str) -> str:
    """Drop the Disqus default namespace; keep anything else qualified."""
    prefix = "{" + DISQUS + "}"
    return tag[len(prefix) :] if tag.startswith(prefix) else tag


def _true(node: Node, tag: str) -> bool:
    return node.get(tag).lower() == "true"


def _label(node: Node) -> str:
    return f"{node.tag} {node.attrib.get(DSQ_ID, '?')} (line {node.line})"


class DisqusImporter:
    """Read ``<thread>`` and ``<post>`` records into responses."""

    name = "disqus"

    def __init__(self, index: ArticleIndex, report: Report, writer: object = None):
        self.index = index
        self.report = report
        self.cleaner: Cleaner | None = None
        self.stream: RecordStream | None = None

    @staticmethod
    def detect(peek: bytes) -> bool:
        """Say whether the first bytes look like a Disqus export."""
        head = peek[:8192].decode("utf-8", "replace")
        return "<disqus" in head and "disqus.com" in head

    @property
    def broken(self) -> list[Broken]:
        """The records that could not be parsed, kept for quarantine."""
        return self.stream.broken if self.stream else []

    def bytes_read(self) -> int:
        """Input bytes consumed so far, for the progress bar."""
        return self.cleaner.bytes_read if self.cleaner else 0

    def _thread_article(self, node: Node) -> Article | None:
        identifier = node.get("id")
        return self.index.match(link=node.get("link")) or (
            self.index.match(post_id=identifier.split(" ")[0], slug=identifier)
            if identifier
            else None
        )

    def responses(self, source: BinaryIO) -> Iterator[Response]:
        """Yield the responses once the whole (small) file is read."""
        self.cleaner = Cleaner(source)
        self.stream = RecordStream(
            self.cleaner.chunks(), canonical, {"thread", "post"}, b"</post>", _label
        )
        threads: dict[str, Article | None] = {}
        items: dict[str, tuple[Node, Article, str]] = {}
        for node in self.stream:
            if self.stream.target.root != "disqus":
                raise XMLRejected("not a Disqus export: the root is not <disqus>")
            dsq = id_part(node.attrib.get(DSQ_ID, ""))
            if node.tag == "thread":
                threads[dsq] = self._thread_article(node)
                continue
            thread = node.find("thread")
            thread_id = (
                id_part(thread.attrib.get(DSQ_ID, "")) if thread is not None else ""
            )
            article = threads.get(thread_id)
            if not dsq:
                self.report.dropped["Disqus post without dsq:id"] += 1
            elif article is None:
                self.report.unmatched.append(
                    f"Disqus post {dsq} (line {node.line}): thread {thread_id or '?'} "
                    "is unknown or matches no article"
                )
                self.report.unmatched_responses += 1
            else:
                items.setdefault(f"disqus-{dsq}", (node, article, thread_id))
        self.report.repairs.extend(
            f"line {r.line}: {r.detail}" for r in self.cleaner.repairs
        )
        self.report.add_parse(self.cleaner, self.stream.broken)
        parents = {}
        for rid, (node, _, _) in items.items():
            parent = node.find("parent")
            pid = id_part(parent.attrib.get(DSQ_ID, "")) if parent is not None else ""
            parents[rid] = f"disqus-{pid}" if pid else None
        made = [
            self._response(
                rid, items[rid][0], items[rid][1], parents[rid], items[rid][2]
            )
            for rid in sorted(items)
        ]
        fixed, warnings = repair_parents({r.id: r.parent for r in made}, by_date(made))
        self.report.warnings.extend(warnings)
        for response in made:
            if fixed[response.id] != response.parent:
                response = replace(response, parent=fixed[response.id])  # noqa: PLW2901
            yield response

    def _response(
        self, rid: str, node: Node, article: Article, parent: str | None, thread: str
    ) -> Response:
        extra: dict = {"disqus_thread": thread}
        status = "approved"
        if _true(node, "isSpam"):
            status = "spam"
        elif _true(node, "isDeleted"):
            status = "trash"
        author = node.find("author")
        name, _ = plain_name(author.get("name") if author else "")
        email = author.get("email") if author else ""
        raw = node.get("message")
        refused = ""
        try:
            content = sanitize.clean(raw)
        except sanitize.Rejected as error:
            content, refused = "", str(error)
        status, reason = hold(
            status, body=refused, post="" if article.public else HIDDEN_POST
        )
        if reason:
            extra["held"] = reason
        self.report.count_held(status, reason)
        return Response(
            id=rid,
            key=article.key,
            type="comment",
            status=status,
            parent=parent,
            author_name=name,
            author_url=None,
            date=iso_date(node.get("createdAt")) or UNKNOWN_DATE,
            content_html=content,
            author_email=email or None,
            author_ip=node.get("ipAddress") or None,
            raw_content=raw,
            origin="disqus",
            extra=extra,
        )
