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
from xml.parsers.expat import ErrorString

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from pelican_plugins.responses.model import Rejected

#: Levels kept below a record; deeper elements are counted, not built (A27).
MAX_RECORD_DEPTH = 8


class XMLRejected(Rejected):
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
    raw: bytes  # emptied once quarantined, so many broken records cost no memory
    after: str  # the last complete record before it, for the message
    saved: bool = False


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
        self.container = ""  # the element that holds the records (WXR: channel)
        self.level2 = ""  # the first child of the root (WXR: channel)
        self.container_start = -1
        self._opened: dict[int, tuple[str, int]] = {}
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
                holder = self._opened.get(self.depth - 1)
                if holder is not None:
                    self.container, self.container_start = holder
            self.stack.append(Node(name, attrib, self.line()))
        else:
            if self.depth <= 2:
                self._opened[self.depth] = (name, self.byte_index())
                if self.depth == 2 and not self.level2:
                    self.level2 = name
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
        self._window_line = 1  # the current parser's line number of _window[0]
        self._shift = 0  # true line in the file = parser line + _shift
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
        target.line = lambda: expat.CurrentLineNumber + self._shift
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
                raise XMLRejected(self._describe(error)) from None
            raise Truncated(
                f"the file is cut short ({self._describe(error)}); "
                f"last complete record: {self.last}"
            ) from None
        yield from self._drain()

    def _feed(self, chunk: bytes) -> Iterator[Node]:
        """Parse *chunk*; after a broken record, go on with a fresh parser.

        A loop, not recursion: a thousand broken records in one chunk cost a
        thousand restarts, not a thousand stack frames each holding the rest
        of the chunk.
        """
        self._window += chunk
        while True:
            try:
                self._parser.feed(chunk)
            except (ParseError, DefusedXmlException) as error:
                yield from self._drain(trim=False)
                chunk = self._recover(error)
                continue
            yield from self._drain()
            return

    def _drain(self, trim: bool = True) -> Iterator[Node]:
        target = self.target
        if self._prologue is None and target.first_record >= 0:
            self._prologue = self._restart_prologue()
        records, target.records = target.records, []
        for node in records:
            self.count += 1
            self.last = self.label(node)
            yield node
        if trim and self._prologue is not None:
            keep = target.record_start if target.record_depth else target.record_end
            cut = keep - self._base
            if cut > 0:
                self._window_line += self._window.count(b"\n", 0, cut)
                del self._window[:cut]
                self._base += cut

    def _describe(self, error: Exception) -> str:
        return _describe(error, self._shift)

    def _restart_prologue(self) -> bytes:
        """Return the bytes that reopen the records' container for a new parser.

        Everything up to the container's start tag (the XML declaration, the
        root with its namespace declarations, ``<channel>``) but not the header
        fields after it, so a 10 MB channel header is not replayed per restart.
        """
        target = self.target
        start = target.container_start
        if start < 0:
            return bytes(self._window[: target.first_record])
        end = _tag_end(self._window, start)
        return bytes(self._window[:end])

    def _recover(self, error: Exception) -> bytes:
        """Quarantine the record being read; return the input for a fresh parser."""
        target = self.target
        if isinstance(error, DefusedXmlException) or not target.record_depth:
            raise XMLRejected(self._describe(error)) from None
        record = target.stack[target.record_depth - 1]
        line = record.line if record is not None else 0
        start = target.record_start - self._base
        index = max(start, self._parser.parser.ErrorByteIndex - self._base)
        end = self._window.find(self.close_tag, index)
        while end == -1:
            chunk = next(self.chunks, None)
            if chunk is None:
                raise Truncated(
                    f"{self._describe(error)}, in the record at line {line} that never "
                    f"closes; last complete record: {self.last}"
                )
            self._window += chunk
            end = self._window.find(self.close_tag, index)
        end += len(self.close_tag)
        self.broken.append(
            Broken(
                line, self._describe(error), bytes(self._window[start:end]), self.last
            )
        )
        # The file's line at the cut, so lines stay true after the restart.
        line_at_end = (
            self._window_line + self._window.count(b"\n", 0, end) + self._shift
        )
        prologue = self._prologue or b""
        fresh = _Target(self.canon, self.record_tags)
        fresh.header = target.header
        fresh.root = target.root
        fresh.level2 = target.level2
        self.target = fresh
        self._parser = self._new_parser()
        self._shift = line_at_end - 1 - prologue.count(b"\n")
        self._window_line = 1
        self._window[:end] = prologue
        self._base = 0
        return bytes(self._window)


def _tag_end(data: bytearray, start: int) -> int:
    """Index just past the start tag that begins at *start* (quotes respected)."""
    quote = 0
    for index in range(start, len(data)):
        byte = data[index]
        if quote:
            if byte == quote:
                quote = 0
        elif byte in (0x22, 0x27):
            quote = byte
        elif byte == 0x3E:  # ">"
            return index + 1
    return len(data)


def _describe(error: Exception, shift: int = 0) -> str:
    """Say what broke and where, with the line counted in the whole file."""
    if isinstance(error, DefusedXmlException):
        return f"DTD/entities not allowed in an export ({type(error).__name__})"
    if isinstance(error, ParseError):
        line, column = error.position
        return f"{ErrorString(error.code)}: line {line + shift}, column {column}"
    return str(error)
