"""An "On this page" table of contents with back-links, for Markdown, reST and HTML.

The work happens inside the readers, so Pelican's content cache keeps it: each
reader's HTML goes through one ``html.parser`` pass (see ``scan``), and the
reader returns

- as the body: its own HTML with ``[TOC]`` markers removed and nothing else
  changed, which is what summaries, index pages and feeds are cut from;
- as metadata: ``toc`` (nested entries ``{level, id, text, children}``),
  ``toc_nav`` (how to render the table) and ``toc_edits`` (where an in-content
  table goes, and the few heading ids and back-links to insert into the body;
  a second copy of every body would double the memory of a large site).

``content_object_init`` wraps ``toc_edits`` as ``article.toc_body``, which
applies them when a page is rendered and resolves ``{filename}`` links like
``article.content`` does. The theme partial
``partials/toc.html`` renders the table and the decorated body.
"""

from __future__ import annotations

import logging
from typing import Any

from markdown import Markdown
from pelican import signals
from pelican.readers import HTMLReader, MarkdownReader, RstReader
from pelican.utils import pelican_open

from pelican_plugins import run
from pelican_plugins.readers import wrap_readers
from pelican_plugins.toc.fast import TocExtension, finish
from pelican_plugins.toc.scan import Scan
from pelican_plugins.toc.settings import overrides, resolved, run_options
from pelican_plugins.toc.transform import decorate, toc

__all__ = ["TocBody", "add_toc", "register"]

logger = logging.getLogger(__name__)

SUPPORTED = (MarkdownReader, RstReader, HTMLReader)


def add_toc(
    content: str,
    metadata: dict[str, Any],
    settings: dict[str, Any],
    source: str,
    found: Scan | None = None,
) -> tuple[str, dict[str, Any]]:
    """Return the reader's (body, metadata) with the table's data added.

    *found* is the body's ``Scan`` from the Markdown fast path, when it has
    one; it saves parsing the body again.
    """
    config = resolved(settings)
    enabled, depth = overrides(metadata, source)
    result = toc(
        content or "",
        run_options(settings),
        enabled=enabled,
        depth=depth,
        found=found,
    )
    if result.problem:
        logger.warning("toc: %s left without a table: %s", source, result.problem)
    metadata["toc"] = result.entries
    if result.inserts is not None:
        metadata["toc_nav"] = {
            "id": result.nav_id,
            "title": config["TOC_TITLE"],
            "list": config["TOC_LIST"],
            "inline": result.inline,
        }
        metadata["toc_edits"] = (len(result.content), result.split, result.inserts)
    return result.content, metadata


class TocReaderMixin:
    """Run the reader as usual, then add the table (cached with the output)."""

    settings: dict[str, Any]

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        """Read *source_path* and add the table of contents."""
        content, metadata = super().read(source_path)  # type: ignore[misc]
        return add_toc(content, metadata, self.settings, source_path)


class TocMarkdownMixin(TocReaderMixin):
    """Pelican's Markdown ``read`` with the fast path's tree processor added.

    Only used where the reader class keeps ``MarkdownReader.read``; it is that
    method plus the extension, whose findings replace the second HTML parse.
    """

    _md: Markdown
    _source_path: str | None
    _parse_metadata: Any

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        """Read *source_path*; find the table's data on Markdown's tree."""
        self._source_path = source_path
        config = dict(self.settings["MARKDOWN"])
        marker = run_options(self.settings).marker
        extension = TocExtension(marker)
        config["extensions"] = [*config.get("extensions", []), extension]
        self._md = Markdown(**config)
        with pelican_open(source_path) as text:
            converted = self._md.convert(text)
        # Formatted metadata (summary) is converted next; it is not the body.
        found, extension.active = extension.found, False
        metadata = (
            self._parse_metadata(self._md.Meta) if hasattr(self._md, "Meta") else {}
        )
        scanned = None
        if found is not None:  # None: the tree processor never ran (empty body)
            converted, scanned = finish(converted, found)
        return add_toc(converted, metadata, self.settings, source_path, scanned)


def _mixin_for(cls: type) -> type | None:
    """Pick the fast path where the class reads Markdown as Pelican does."""
    if not issubclass(cls, SUPPORTED) or issubclass(cls, TocReaderMixin):
        return None
    fast = issubclass(cls, MarkdownReader) and cls.read is MarkdownReader.read
    return TocMarkdownMixin if fast else TocReaderMixin


def on_readers_init(readers: Any) -> None:
    """Give Markdown, reST and HTML (and their subclasses) the table."""
    wrap_readers(readers, "Toc", _mixin_for)


class TocBody:
    """The decorated body's halves, with links resolved as in ``.content``."""

    def __init__(self, content: Any) -> None:
        self.content = content

    def _part(self, index: int) -> str:
        content = self.content
        length, split, inserts = content.toc_edits
        raw = content._content
        if len(raw) != length:
            # Something rewrote the body after the reader: the offsets no
            # longer fit, so show it undecorated rather than broken.
            logger.warning("toc: %s changed after reading", content.source_path)
            return raw if index == 0 else ""
        html = decorate(raw, inserts, split)[index]
        # Resolve `{filename}` links as Pelican does for the body, unless the
        # body had none (memoized .content then equals the raw body).
        if not html or content.content == raw:
            return html
        return content._update_content(html, content.get_siteurl())

    @property
    def before(self) -> str:
        """The body up to where an in-content table goes (all of it otherwise)."""
        return self._part(0)

    @property
    def after(self) -> str:
        """The body after an in-content table; empty when there is none."""
        return self._part(1)


def on_content_object_init(content: Any) -> None:
    """Expose the decorated body to templates as ``article.toc_body``."""
    if getattr(content, "toc_edits", None):
        content.toc_body = TocBody(content)


def register() -> None:
    """Connect the plugin to Pelican."""
    run.connect()
    signals.readers_init.connect(on_readers_init)
    signals.content_object_init.connect(on_content_object_init)
