"""Atom feeds of approved responses: one per post and one for the whole site.

Written with a small serializer rather than feedgenerator: a 500-post site
writes 500 of these, and the XML is simple and fully escaped here. Each post's
feed is written with its page, from the same rows (``FeedWriter``).
"""

from __future__ import annotations

from collections.abc import Iterable
import heapq
import os
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from markupsafe import Markup

from pelican_plugins.responses.sanitize import plain_text
from pelican_plugins.responses.view import ResponseView


def entry_title(view: ResponseView, post_title: str) -> str:
    """'Comment by NAME on POST' or 'Pingback from SOURCE on POST' (plain text)."""
    if view.is_ping:
        return (
            f"{view.label} from {view.source_title or view.author_name} on {post_title}"
        )
    return f"Comment by {view.author_name} on {post_title}"


def _text(value: str) -> str:
    """Escape text; names, URLs and bodies arrive without control characters."""
    # What xml.sax.saxutils.escape does, without its per-call dict loop.
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: str) -> str:
    """Quote an attribute value: URLs here are normalised and free of controls."""
    return quoteattr(value)


def render_feed(
    title: str,
    link: str,
    feed_url: str,
    entries: Iterable[tuple[str, str, ResponseView]],
    *,
    site_url: str,
    language: str,
) -> str:
    """Return an Atom document from (post title, post URL, response) triples.

    Every date, including the feed's own ``updated``, comes from the responses.
    """
    parts = []
    updated = ""
    for post_title, post_url, view in entries:
        url = f"{site_url}/{post_url}#comment-{view.anchor}"
        stamp = view.date_iso
        updated = max(updated, stamp)
        uri = f"<uri>{_text(view.author_url)}</uri>" if view.author_url else ""
        # Post titles were made plain text in FeedWriter.add; the names and titles
        # of responses were stripped of controls by the view.
        heading = entry_title(view, post_title)
        parts.append(
            "<entry>"
            f"<title>{_text(heading)}</title>"
            f'<link href={_attr(url)} rel="alternate"/>'
            f"<id>{_text(url)}</id>"
            f"<published>{stamp}</published><updated>{stamp}</updated>"
            f"<author><name>{_text(view.author_name)}</name>{uri}</author>"
            f'<content type="html">{_text(str(view.content))}</content>'
            "</entry>\n"
        )
    head = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={_attr(language)}>'
        f"<title>{_text(title)}</title>"
        f'<link href={_attr(link)} rel="alternate"/>'
        f'<link href={_attr(feed_url)} rel="self"/>'
        f"<id>{_text(feed_url)}</id><updated>{updated}</updated>\n"
    )
    return head + "".join(parts) + "</feed>\n"


class FeedWriter:
    """Writes each post's feed as its page is written; the site feed at the end.

    Only the site feed's newest entries are kept until then (a bounded heap),
    so no build holds every response of a large site for its feeds.
    """

    def __init__(self, options: dict[str, Any], settings: dict[str, Any]) -> None:
        self.output = Path(settings["OUTPUT_PATH"])
        self.site_url = settings.get("FEED_DOMAIN") or settings.get("SITEURL") or ""
        self.language = settings.get("DEFAULT_LANG", "en")
        self.sitename = settings.get("SITENAME", "")
        self.per_post = options["RESPONSES_ARTICLE_FEED_ATOM"]
        self.site_feed = options["RESPONSES_FEED_ATOM"]
        self.max_items = options["RESPONSES_FEED_MAX_ITEMS"]
        self.written: list[Path] = []
        # ((date, id, -article position, -item position), triple), smallest first.
        self._newest: list[tuple[tuple, tuple[str, str, ResponseView]]] = []

    def add(self, article: Any, responses: Any, position: int) -> None:
        """Write *article*'s feed; keep its entries if they are among the newest.

        *position* is the article's place in the listing order: between two
        entries of the same date and id the earlier article's comes first.
        """
        if not responses.items:
            return
        # One line without controls: XML 1.0 cannot carry them, in any title.
        title = plain_text(Markup(article.title).striptags())
        url = article.url
        triples = [(title, url, view) for view in responses.items]
        if self.per_post:
            path = self.per_post.format(key=responses.key)
            text = render_feed(
                f"{self.sitename}: responses to {title}",
                f"{self.site_url}/{url}",
                f"{self.site_url}/{path}",
                reversed(triples),
                site_url=self.site_url,
                language=self.language,
            )
            self.written.append(_write(self.output, path, text))
        if self.site_feed:
            newest = self._newest
            for number, triple in enumerate(triples):
                view = triple[2]
                entry = ((view.date, view.id, -position, -number), triple)
                if len(newest) < self.max_items:
                    heapq.heappush(newest, entry)
                elif entry[0] > newest[0][0]:
                    heapq.heapreplace(newest, entry)

    def finish(self) -> list[Path]:
        """Write the site-wide feed (newest first); return every file written."""
        if self.site_feed and self._newest:
            entries = [triple for _, triple in sorted(self._newest, reverse=True)]
            text = render_feed(
                f"{self.sitename}: responses",
                f"{self.site_url}/",
                f"{self.site_url}/{self.site_feed}",
                entries,
                site_url=self.site_url,
                language=self.language,
            )
            self.written.append(_write(self.output, self.site_feed, text))
        self._newest = []
        return self.written


def _write(output: Path, relative: str, text: str) -> Path:
    clean = os.path.normpath(relative)
    if os.path.isabs(clean) or clean.split(os.sep)[0] == "..":
        raise ValueError(f"responses feed path {relative!r} leaves OUTPUT_PATH")
    # Site output, like Pelican's own writer: rebuilt every time, no fsync needed.
    target = output / clean
    data = text.encode("utf-8")
    # A warm rebuild leaves most feeds as they were: comparing costs an eighth
    # of the CPU of truncating and rewriting them, and keeps their mtime.
    try:
        if target.read_bytes() == data:
            return target
    except OSError:
        pass
    try:
        handle = target.open("wb")
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle = target.open("wb")
    with handle:
        handle.write(data)
    return target
