"""WordPress comments, pingbacks and trackbacks from a WXR export as responses."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import BinaryIO

from pelican_plugins.importers.articles import Article, ArticleIndex
from pelican_plugins.importers.clean import Repair
from pelican_plugins.importers.convert import (
    HIDDEN_POST,
    UNKNOWN_DATE,
    body_html,
    hold,
    plain_name,
    rfc822_date,
    site_id,
    wp_date,
    wp_number,
)
from pelican_plugins.importers.posts import PostWriter
from pelican_plugins.importers.report import Report
from pelican_plugins.importers.urls import site_zone
from pelican_plugins.importers.wxr import WxrComment, WxrItem, WxrReader
from pelican_plugins.importers.xmlstream import Broken
from pelican_plugins.responses import sanitize
from pelican_plugins.responses.model import Response
from pelican_plugins.responses.thread import by_date, repair_parents

#: ``wp:comment_approved`` → store status; anything else is held as pending.
STATUS = {
    "1": "approved",
    "approve": "approved",
    "0": "pending",
    "hold": "pending",
    "spam": "spam",
    "trash": "trash",
    "post-trashed": "trash",
}
#: ``wp:comment_type`` → response type; unknown types are held (see README).
TYPES = {
    "": "comment",
    "comment": "comment",
    "pingback": "pingback",
    "trackback": "trackback",
    "webmention": "webmention",
}


def _shorten(value: str, limit: int = 40) -> str:
    """Cut a hostile value (5,000 digits) to a length a message can show."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


class WordPressImporter:
    """Turn WXR items into responses keyed to the matching Pelican articles."""

    name = "wordpress"
    detect = staticmethod(WxrReader.detect)

    def __init__(
        self, index: ArticleIndex, report: Report, writer: PostWriter | None = None
    ) -> None:
        self.index = index
        self.report = report
        self.writer = writer
        # Local dates without a GMT twin are read in the site's time zone.
        self.zone = site_zone(index.settings)
        self.reader: WxrReader | None = None
        self._repair_at = 0

    def bytes_read(self) -> int:
        """Input bytes consumed so far, for the progress bar."""
        return self.reader.cleaner.bytes_read if self.reader else 0

    def responses(self, source: BinaryIO) -> Iterator[Response]:
        """Yield every response of the export, one item at a time."""
        self.reader = reader = WxrReader(source)
        if self.writer is not None:
            self.writer.start(reader)
        site = ""
        for item in reader:
            site = site or site_id(reader.site)
            self._log_repairs(item)
            if self.writer is not None:
                self.writer.observe(item)
            if item.skipped:
                self.report.warnings.append(
                    f"{item.label}: {item.skipped} too deeply nested elements ignored"
                )
            article = self._article(item)
            if article is None:
                if item.comments:
                    self.report.unmatched.append(
                        f"{item.label}: {len(item.comments)} responses"
                    )
                    self.report.unmatched_responses += len(item.comments)
                continue
            yield from self.item_responses(item, article, site)
        self._log_repairs(None)
        self.report.add_parse(reader.cleaner, reader.stream.broken)
        if self.writer is not None:
            self.writer.finish(reader)

    @property
    def broken(self) -> list[Broken]:
        """The records that could not be parsed, kept for quarantine."""
        return self.reader.stream.broken if self.reader else []

    def _article(self, item: WxrItem) -> Article | None:
        found = self.index.match(
            post_id=item.post_id,
            link=item.link,
            slug=item.post_name,
            is_page=item.post_type == "page",
        )
        if found is None and self.writer is not None:
            try:
                found = self.writer.write(item)
            except ValueError as error:
                self.report.warnings.append(str(error))
        return found

    def _log_repairs(self, item: WxrItem | None) -> None:
        """Attach the cleaner's repairs to the item (and comment) they fall in."""
        repairs: list[Repair] = self.reader.cleaner.repairs if self.reader else []
        while self._repair_at < len(repairs):
            repair = repairs[self._repair_at]
            if item is not None and repair.line > item.end_line:
                return
            self._repair_at += 1
            where = "outside any item"
            if item is not None and repair.line >= item.line:
                where = item.label
                for comment in item.comments:
                    if comment.line <= repair.line <= comment.end_line:
                        where = f"comment {comment.comment_id} of {item.label}"
            offset = "" if repair.offset is None else f", byte {repair.offset}"
            self.report.repairs.append(
                f"line {repair.line}{offset}, {where}: {repair.detail}"
            )

    def item_responses(
        self, item: WxrItem, article: Article, site: str
    ) -> list[Response]:
        """Responses of one item, threads repaired within the item."""
        hidden = ""
        if item.password:
            hidden = "post is password-protected"
        elif item.status not in ("publish", "inherit"):
            hidden = f"post status is {item.status!r}"
        elif not article.public:
            hidden = HIDDEN_POST
        by_id: dict[str, WxrComment] = {}
        for comment in item.comments:
            cid = wp_number(comment.comment_id)
            if cid is None:
                self.report.dropped["no valid wp:comment_id"] += 1
                self.report.warnings.append(
                    f"line {comment.line}, {item.label}: comment skipped, its "
                    f"wp:comment_id {_shorten(comment.comment_id)!r} is not a number"
                )
                continue
            if cid in by_id:
                self.report.dropped["duplicate wp:comment_id in one item"] += 1
                self.report.warnings.append(
                    f"line {comment.line}, {item.label}: comment {cid} skipped, "
                    f"the item already has a comment {cid}"
                )
                continue
            by_id[cid] = comment
        ids = {cid: f"wp-{site}-{cid}" for cid in by_id}
        parents = {}
        for cid, c in by_id.items():
            number = wp_number(c.parent)
            if number is None and c.parent not in ("", "0"):
                self.report.warnings.append(
                    f"line {c.line}, {item.label}: comment {cid} has parent "
                    f"{_shorten(c.parent)!r}, not a number; now top-level"
                )
            parents[ids[cid]] = (
                ids.get(number, f"wp-{site}-{number}")
                if number not in (None, "0")
                else None
            )
        fallback = (
            wp_date(item.date_gmt, item.date, self.zone)
            or rfc822_date(item.pub_date)
            or UNKNOWN_DATE
        )
        context = (article, item, hidden, fallback)
        made = [
            self._response(c, ids[cid], parents[ids[cid]], context)
            for cid, c in sorted(by_id.items(), key=lambda kv: int(kv[0]))
        ]
        return self._threaded(made, item.label)

    def _threaded(self, made: list[Response], label: str) -> list[Response]:
        """Repair the parent links with the pages' own rule, reporting each change."""
        fixed, warnings = repair_parents({r.id: r.parent for r in made}, by_date(made))
        self.report.warnings.extend(f"{label}: {w}" for w in warnings)
        return [
            r if fixed[r.id] == r.parent else replace(r, parent=fixed[r.id])
            for r in made
        ]

    def _response(
        self,
        comment: WxrComment,
        rid: str,
        parent: str | None,
        context: tuple[Article, WxrItem, str, str],
    ) -> Response:
        article, item, hidden, fallback = context
        extra: dict = {"wp_post_id": item.post_id}
        status = STATUS.get(comment.approved.lower())
        source = ""
        if status is None:
            source = (
                f"unknown wp:comment_approved {comment.approved!r}"
                if comment.approved
                else "no wp:comment_approved"
            )
        kind = TYPES.get(comment.type.lower())
        kind_reason = ""
        if kind is None:
            kind = "comment"
            extra["wp_comment_type"] = comment.type
            kind_reason = f"unknown comment type {comment.type!r}"
        date = wp_date(comment.date_gmt, comment.date, self.zone)
        if date is None:
            date = fallback
            self.report.warnings.append(f"{rid}: no valid date; using {date}")
        name, stripped = plain_name(comment.author)
        if stripped:
            self.report.warnings.append(
                f"{rid}: invisible characters removed from name"
            )
        refused = ""
        try:
            content = body_html(comment.content)
        except sanitize.Rejected as error:
            content, refused = "", str(error)
        status, reason = hold(
            status or "pending",
            body=refused,
            post=hidden,
            kind=kind_reason,
            source=source,
        )
        if reason:
            extra["held"] = reason
        self.report.count_held(status, reason)
        if comment.meta:
            extra["commentmeta"] = comment.meta
        url = sanitize.safe_url(comment.author_url)
        linkback = kind != "comment"
        return Response(
            id=rid,
            key=article.key,
            type=kind,
            status=status,
            parent=None if linkback else parent,
            author_name=name,
            author_url=url,
            date=date,
            content_html=content,
            source_url=url if linkback else None,
            source_title=name if linkback else None,
            author_email=comment.author_email or None,
            author_ip=comment.author_ip or None,
            raw_content=comment.content,
            origin="wxr",
            extra=extra,
        )
