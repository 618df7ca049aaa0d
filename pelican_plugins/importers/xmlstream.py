"""Streaming, defused XML reading of record-shaped exports (WXR items, Disqus posts).

The expat parser behind :class:`defusedxml.ElementTree.DefusedXMLParser` is fed
clean chunks; a small target keeps only the record being read (an ``<item>``)
as a light tree and hands it over when it closes, so memory stays flat however
large the file. A record that breaks the XML is quarantined: its raw text is
kept, parsing restarts after its closing tag, and later records still import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

#: Levels kept below a record; deeper elements are counted, not built (A27).
MAX_RECORD_DEPTH = 8


class XMLRejected(Exception):
    """The file as a whole is refused (DTD, entities, broken header, wrong format)."""


@dataclass(slots=True)
class Node:
    """A light element: canonical tag, attributes, text and kept children."""

    tag: str
    attrib: dict[str, str]
    line: int
    end_line: int = 0
    skipped: int = 0  # elements nested too deep to keep (records only)
    parts: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)

    @property
    def text(self) -> str:
        """All character data directly inside the element (CDATA sections joined)."""
        return "".join(self.parts)

    def find(self, tag: str) -> Node | None:
        """First child with this canonical tag."""
        for child in self.children:
            if child.tag == tag:
                return child
        return None

    def findall(self, tag: str) -> list[Node]:
        """Every child with this canonical tag."""
        return [child for child in self.children if child.tag == tag]

    def get(self, tag: str, default: str = "") -> str:
        """Return the first such child's stripped text, or *default*."""
        child = self.find(tag)
        if child is None:
            return default
        return child.text.strip() or default


@dataclass(slots=True)
class Broken:
    """A record that could not be parsed: where, why, and its raw text."""

    line: int
    error: str
    raw: bytes
    after: str  # the last complete record before it, for the message


class _Target:
    """Parser target that builds only records and the header fields."""

    def __init__(self, canon: Callable[[str], str], record_tags: set[str]) -> None:
        self.canon = canon
        self.record_tags = record_tags
        self.header: dict[str, str] = {}
        self.root = ""
        self.records: list[Node] = []
        self.stack: list[Node | None] = []
        self.depth = 0
        self.record_depth = 0
        self.too_deep = 0
        self.line: Callable[[], int] = lambda: 0
        self.byte_index: Callable[[], int] = lambda: 0
        self.record_start = 0
        self.first_record = -1
        self.record_end = 0
        self._names: dict[str, str] = {}

    def _name(self, tag: str) -> str:
        name = self._names[tag] = self.canon(_clark(tag))
        return name

    def start(self, tag: str, attrs: list[str]) -> None:
        """Expat start handler (``ordered_attributes``: a flat name/value list)."""
        attrib = (
            {_clark(k): v for k, v in zip(attrs[::2], attrs[1::2], strict=True)}
            if attrs
            else {}
        )
        self.depth += 1
        name = self._names.get(tag) or self._name(tag)
        if self.record_depth:
            below = self.depth - self.record_depth
            if below > MAX_RECORD_DEPTH:
                self.too_deep += 1
                self.stack.append(None)
                return
            # Line numbers are only needed for records and their children.
            node = Node(name, attrib, self.line() if below == 1 else 0)
            parent = self.stack[-1]
            if parent is not None:
                parent.children.append(node)
            self.stack.append(node)
        elif name in self.record_tags and self.depth <= 3:
            self.record_depth = self.depth
            self.record_start = self.byte_index()
            if self.first_record < 0:
                self.first_record = self.record_start
            self.stack.append(Node(name, attrib, self.line()))
        else:
            if self.depth == 1 and not self.root:
                self.root = name
            # Header fields are the channel's children; containers (the root,
            # the channel) keep no text, so their whitespace cannot pile up.
            self.stack.append(Node(name, attrib, 0) if self.depth == 3 else None)

    def data(self, text: str) -> None:
        if self.stack and (node := self.stack[-1]) is not None:
            node.parts.append(text)

    def end(self, tag: str) -> None:
        node = self.stack.pop()
        if node is not None and node.line:
            node.end_line = self.line()
        if self.depth == self.record_depth and node is not None:
            self.record_end = self.byte_index()
            self.record_depth = 0
            node.skipped, self.too_deep = self.too_deep, 0
            self.records.append(node)
        elif not self.record_depth and node is not None:
            self.header.setdefault(node.tag, node.text.strip())
        self.depth -= 1

    def close(self) -> None:
        return None


def _clark(name: str) -> str:
    """Expat gives ``uri}local``; ElementTree's ``{uri}local`` is what we match."""
    return "{" + name if "}" in name else name


class Truncated(XMLRejected):
    """The file stops inside a record: the complete records were still read."""


class RecordStream:
    """Iterate over records (e.g. WXR ``<item>``) of a cleaned byte stream.

    ``self._window`` holds the current parser's input from byte
    ``self._base`` on: enough to cut out a broken record and restart after it.
    """

    def __init__(
        self,
        chunks: Iterator[bytes],
        canon: Callable[[str], str],
        record_tags: set[str],
        close_tag: bytes,
        label: Callable[[Node], str],
    ) -> None:
        self.chunks = chunks
        self.canon = canon
        self.record_tags = record_tags
        self.close_tag = close_tag
        self.label = label
        self.broken: list[Broken] = []
        self.count = 0
        self.last = "(none: no record was complete)"
        self.target = _Target(canon, record_tags)
        self._window = bytearray()
        self._base = 0
        self._prologue: bytes | None = None
        self._parser = self._new_parser()

    @property
    def header(self) -> dict[str, str]:
        """Fields read outside the records (channel title, wxr_version, ...)."""
        return self.target.header

    def _new_parser(self) -> DefusedXMLParser:
        """Return a defused parser whose element events go straight to our target.

        defusedxml's DTD/entity guards stay installed; only the element and
        text handlers are replaced, skipping ElementTree's per-event layer.
        """
        target = self.target
        parser = DefusedXMLParser(target=target, encoding="utf-8", forbid_dtd=True)
        expat = parser.parser
        expat.buffer_size = 1 << 16
        expat.StartElementHandler = target.start
        expat.EndElementHandler = target.end
        expat.CharacterDataHandler = target.data
        target.line = lambda: expat.CurrentLineNumber
        target.byte_index = lambda: expat.CurrentByteIndex
        return parser

    def __iter__(self) -> Iterator[Node]:
        for chunk in self.chunks:
            yield from self._feed(chunk)
        try:
            self._parser.close()
        except (ParseError, DefusedXmlException) as error:
            yield from self._drain()
            if isinstance(error, DefusedXmlException) or not self.count:
                raise XMLRejected(_describe(error)) from None
            raise Truncated(
                f"the file is cut short ({_describe(error)}); "
                f"last complete record: {self.last}"
            ) from None
        yield from self._drain()

    def _feed(self, chunk: bytes) -> Iterator[Node]:
        self._window += chunk
        try:
            self._parser.feed(chunk)
        except (ParseError, DefusedXmlException) as error:
            yield from self._drain(trim=False)
            yield from self._recover(error)
            return
        yield from self._drain()

    def _drain(self, trim: bool = True) -> Iterator[Node]:
        target = self.target
        if self._prologue is None and target.first_record >= 0:
            # Everything before the first record: replayed to restart the parser.
            self._prologue = bytes(self._window[: target.first_record])
        records, target.records = target.records, []
        for node in records:
            self.count += 1
            self.last = self.label(node)
            yield node
        if trim and self._prologue is not None:
            keep = target.record_start if target.record_depth else target.record_end
            cut = keep - self._base
            if cut > 0:
                del self._window[:cut]
                self._base += cut

    def _recover(self, error: Exception) -> Iterator[Node]:
        """Quarantine the record being read and restart the parser after it."""
        target = self.target
        if isinstance(error, DefusedXmlException) or not target.record_depth:
            raise XMLRejected(_describe(error)) from None
        record = target.stack[target.record_depth - 1]
        line = record.line if record is not None else 0
        start = target.record_start - self._base
        index = max(start, self._parser.parser.ErrorByteIndex - self._base)
        end = self._window.find(self.close_tag, index)
        while end == -1:
            chunk = next(self.chunks, None)
            if chunk is None:
                raise Truncated(
                    f"{_describe(error)}, in a record that never closes; "
                    f"last complete record: {self.last}"
                )
            self._window += chunk
            end = self._window.find(self.close_tag, index)
        end += len(self.close_tag)
        self.broken.append(
            Broken(line, _describe(error), bytes(self._window[start:end]), self.last)
        )
        rest = bytes(self._window[end:])
        fresh = _Target(self.canon, self.record_tags)
        fresh.header = target.header
        fresh.root = target.root
        self.target = fresh
        self._parser = self._new_parser()
        self._window = bytearray()
        self._base = 0
        yield from self._feed((self._prologue or b"") + rest)


def _describe(error: Exception) -> str:
    if isinstance(error, DefusedXmlException):
        return f"DTD/entities not allowed in an export ({type(error).__name__})"
    return str(error)
