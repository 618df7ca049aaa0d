"""An "On this page" table of contents with back-links, for Markdown, reST and HTML.

The work happens inside the readers, so Pelican's content cache keeps it: each
reader's HTML goes through one ``html.parser`` pass (see ``scan``), and the
reader returns

- as the body: its own HTML with ``[TOC]`` markers removed and nothing else
  changed, which is what summaries, index pages and feeds are cut from;
- as metadata ``toc``: a small :class:`TocData` (None: no table) with the
  listed headings, flat, how to render the table, and the few heading ids
  and back-links to insert into the body (a second copy of every body would
  double the memory of a large site).

``content_object_init`` wraps it, on every article and page, as
``article.toc`` (:class:`Toc`): the nested entries, ``.nav`` and the
decorated body ``.before`` / ``.after``, built when a page is rendered, with
``{filename}`` links resolved as in ``article.content``. One attribute per
post, set when the post is made (``contents.reserve`` says why). The theme
partial ``partials/toc.html`` renders the table and the decorated body.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
import logging
from typing import Any, NamedTuple

from markdown import Markdown
from pelican import signals
from pelican.readers import HTMLReader, MarkdownReader, RstReader
from pelican.utils import pelican_open

from pelican_plugins import run
from pelican_plugins.readers import wrap_readers
from pelican_plugins.toc.fast import TocExtension, finish
from pelican_plugins.toc.scan import Scan
from pelican_plugins.toc.settings import overrides, resolved, run_options
from pelican_plugins.toc.transform import Entry, Inserts, Outline, decorate, toc

__all__ = ["Nav", "Toc", "TocData", "add_toc", "register"]

logger = logging.getLogger(__name__)

SUPPORTED = (MarkdownReader, RstReader, HTMLReader)


class Nav(NamedTuple):
    """How the table is rendered: ``article.toc.nav.id`` and so on."""

    id: str
    title: str
    list: str  # "ul" or "ol"
    inline: bool  # the table goes between the body's halves, not above it


class TocData(NamedTuple):
    """What the reader keeps of a post's table: Pelican caches it with the body.

    Flat and small, since every post holds one for the whole build: the
    listed headings (``transform.Outline``'s fields), the nav's fields, and the
    insertions that decorate the body (offsets fit a body of *length*).
    """

    levels: bytes
    joined: str
    ends: Sequence[int]
    nav_id: str
    title: str
    list: str
    inline: bool
    length: int
    split: int | None
    inserts: Inserts


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
    metadata["toc"] = None
    if result.inserts is not None:
        metadata["toc"] = TocData(
            *result.outline,
            nav_id=result.nav_id,
            title=config["TOC_TITLE"],
            list=config["TOC_LIST"],
            inline=result.inline,
            length=len(result.content),
            split=result.split,
            inserts=result.inserts,
        )
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


class Toc(Sequence[Entry]):
    """``article.toc``: the table's entries, its nav and the decorated body.

    Falsy when the post shows no table. Iterating gives the nested entries
    (``{level, id, text, children}``), built each time and not kept.
    """

    __slots__ = ("_content", "_data")

    def __init__(self, data: TocData | None, content: Any) -> None:
        self._data = data
        self._content = content

    def _entries(self) -> list[Entry]:
        data = self._data
        return (
            []
            if data is None
            else Outline(data.levels, data.joined, data.ends).entries()
        )

    def __bool__(self) -> bool:
        return self._data is not None

    def __len__(self) -> int:
        return len(self._entries())

    def __getitem__(self, index: Any) -> Any:
        return self._entries()[index]

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries())

    @property
    def nav(self) -> Nav | None:
        """The table's id, title, list tag and placement (None: no table)."""
        data = self._data
        if data is None:
            return None
        return Nav(data.nav_id, data.title, data.list, data.inline)

    def _part(self, index: int) -> str:
        data, content = self._data, self._content
        raw = content._content
        if data is None:
            return raw if index == 0 else ""
        if len(raw) != data.length:
            # Something rewrote the body after the reader: the offsets no
            # longer fit, so show it undecorated rather than broken.
            logger.warning("toc: %s changed after reading", content.source_path)
            return raw if index == 0 else ""
        html = decorate(raw, data.inserts, data.split)[index]
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
    """Give every article and page its ``toc`` (falsy where there is no table).

    It replaces the reader's :class:`TocData` (kept in ``content.metadata``)
    under the same name, so the plugin adds no attribute (``contents.reserve``).
    """
    data = getattr(content, "toc", None)
    content.toc = Toc(data if isinstance(data, TocData) else None, content)


def register() -> None:
    """Connect the plugin to Pelican."""
    run.connect()
    signals.readers_init.connect(on_readers_init)
    signals.content_object_init.connect(on_content_object_init)
