"""webmention.io JF2 feeds (``/api/mentions.jf2``) as responses (docs/wordpress.md).

``in-reply-to`` becomes a comment (threaded under ``#comment-ID`` targets),
likes, reposts, bookmarks and mentions become webmentions, and anything that
arrived as a pingback (``wm-protocol``) stays a pingback.
"""

from __future__ import annotations

from collections.abc import Iterator
import json
from pathlib import Path
import re
from typing import BinaryIO
from urllib.parse import urlsplit

from pelican_plugins.importers.articles import ArticleIndex
from pelican_plugins.importers.convert import (
    HIDDEN_POST,
    UNKNOWN_DATE,
    body_html,
    hold,
    id_part,
    iso_date,
    plain_name,
)
from pelican_plugins.importers.report import Report
from pelican_plugins.responses import sanitize
from pelican_plugins.responses.model import (
    ANCHOR_PREFIX,
    Rejected,
    Response,
    anchor_target,
)
from pelican_plugins.responses.store import load_public

MAX_BYTES = 64 * 1024 * 1024


_SURROGATE = re.compile("[\ud800-\udfff]")


def _text(value: object) -> str:
    """Return a stripped string; lone surrogates (valid JSON) become U+FFFD (B20)."""
    return _SURROGATE.sub("\ufffd", value).strip() if isinstance(value, str) else ""


class Jf2Importer:
    """Read a JF2 feed's ``children`` into responses."""

    broken: tuple = ()  # JSON is read whole: no record is quarantined

    name = "jf2"

    def __init__(self, index: ArticleIndex, report: Report, writer: object = None):
        self.index = index
        self.report = report
        self.responses_dir: Path = index.content / "responses"
        self._read = 0
        self._public: dict[str, set[str]] = {}
        self._file_ids: set[str] = set()

    @staticmethod
    def detect(peek: bytes) -> bool:
        """Say whether the first bytes look like a JSON feed."""
        head = peek.lstrip(b"\xef\xbb\xbf \t\r\n")
        return head.startswith(b"{") and b'"children"' in peek

    def bytes_read(self) -> int:
        """Input bytes consumed so far, for the progress bar."""
        return self._read

    def responses(self, source: BinaryIO) -> Iterator[Response]:
        """Yield one response per entry that targets a known article."""
        raw = source.read(MAX_BYTES + 1)
        self._read = len(raw)
        if len(raw) > MAX_BYTES:
            raise Rejected(f"JF2 file over {MAX_BYTES} bytes")
        try:
            feed = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as error:
            raise Rejected(
                f"not a JF2 feed: invalid UTF-8 at byte {error.start}"
            ) from None
        except RecursionError:
            raise Rejected("not a JF2 feed: nested too deeply to read") from None
        except ValueError as error:  # JSONDecodeError, or a 5,000-digit number
            raise Rejected(f"not a JF2 feed: {error}") from None
        children = feed.get("children") if isinstance(feed, dict) else None
        if not isinstance(children, list):
            raise Rejected("not a JF2 feed: no children list")
        self._file_ids = {
            f"jf2-{wm}"
            for entry in children
            if isinstance(entry, dict)
            and (wm := id_part(str(entry.get("wm-id") or "")))
        }
        seen: set[str] = set()
        for number, entry in enumerate(children, 1):
            if not isinstance(entry, dict):
                self.report.dropped["JF2 child is not an object"] += 1
                continue
            item = self._response(number, entry)
            if item is not None and item.id not in seen:
                seen.add(item.id)
                yield item

    def _reply_parent(self, number: int, key: str, target: str) -> str | None:
        """Return the response a reply to ``target`` (``…/post/#comment-5``) answers.

        The anchor is resolved with the rule the pages use
        (:func:`model.anchor_target`) over the post's public responses and the
        entries of this file; an anchor that names none of them is reported.
        """
        try:
            fragment = urlsplit(target).fragment
        except ValueError:
            return None
        if not fragment.startswith(ANCHOR_PREFIX):
            return None
        if key not in self._public:
            try:
                records = load_public(self.responses_dir, key)
            except ValueError as error:
                self.report.warnings.append(f"JF2: {error}")
                records = []
            self._public[key] = {r["id"] for r in records}
        found = anchor_target(fragment, self._public[key] | self._file_ids)
        if found is None:
            self.report.warnings.append(
                f"JF2 child {number}: reply to #{fragment[:60]}, which no response "
                "of the post has; listed top-level"
            )
        return found

    def _response(self, number: int, entry: dict) -> Response | None:
        wm_id = id_part(str(entry.get("wm-id") or ""))
        if not wm_id:
            self.report.dropped["JF2 entry without wm-id"] += 1
            return None
        target = _text(entry.get("wm-target"))
        article = self.index.match(link=target) if target else None
        if article is None:
            self.report.unmatched.append(f"JF2 entry {wm_id}: target {target!r}")
            self.report.unmatched_responses += 1
            return None
        prop = _text(entry.get("wm-property"))
        kind = "comment" if prop == "in-reply-to" else "webmention"
        if _text(entry.get("wm-protocol")) == "pingback":
            kind = "pingback"
        parent = (
            self._reply_parent(number, article.key, target)
            if kind == "comment"
            else None
        )
        author = entry.get("author") if isinstance(entry.get("author"), dict) else {}
        name, _ = plain_name(_text(author.get("name")))
        source = sanitize.safe_url(
            _text(entry.get("wm-source")) or _text(entry.get("url"))
        )
        content = entry.get("content") if isinstance(entry.get("content"), dict) else {}
        raw = _text(content.get("html")) or _text(content.get("text"))
        raw = raw or _text(entry.get("summary"))
        extra: dict = {"wm-property": prop}
        refused = ""
        try:
            html = sanitize.clean(raw) if content.get("html") else body_html(raw)
        except sanitize.Rejected as error:
            html, refused = "", str(error)
        status, reason = hold(
            "approved",
            body=refused,
            post="" if article.public else HIDDEN_POST,
            source="private webmention" if entry.get("wm-private") else "",
        )
        if reason:
            extra["held"] = reason
        self.report.count_held(status, reason)
        date = iso_date(_text(entry.get("published"))) or iso_date(
            _text(entry.get("wm-received"))
        )
        return Response(
            id=f"jf2-{wm_id}",
            key=article.key,
            type=kind,
            status=status,
            parent=parent,
            author_name=name,
            author_url=sanitize.safe_url(_text(author.get("url"))),
            date=date or UNKNOWN_DATE,
            content_html=html,
            source_url=source if kind != "comment" else None,
            source_title=plain_name(_text(entry.get("name")), name)[0]
            if kind != "comment"
            else None,
            raw_content=raw,
            origin="jf2",
            extra=extra,
        )
