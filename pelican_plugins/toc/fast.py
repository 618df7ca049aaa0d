r"""The Markdown fast path: find headings and markers on Python-Markdown's tree.

Most posts are plain Markdown, whose headings are already elements before the
HTML is written; parsing that HTML again with ``html.parser`` (``scan``) cost
most of this plugin's build time. A tree processor, run last, reads each
heading's text, ids and classes from the tree and leaves a sentinel (``\x02``
cannot occur in Markdown's input, which strips it) at each place the
transform needs an offset: before a heading, after its start tag, before its
end tag, and around a ``[TOC]`` paragraph. Splitting the output on the
sentinel gives Markdown's usual HTML plus those offsets, i.e. the same
``Scan`` that ``scan`` would have produced, so ``transform`` does the rest
exactly as before.

Whatever the tree cannot answer exactly goes to the slow path: raw HTML that
holds a heading, a marker, an unclosed construct or one half of a link; a
heading nested in an id-carrying ``div``/``section`` (docutils-style
wrapper); output of this plugin in the source; odd attribute values. Raw HTML
is only ever read with ``html.parser``, one pass over the stashed blocks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from pelican_plugins.toc.scan import (
    _OURS,
    HEADINGS,
    NAV_CLASS,
    WRAPPERS,
    Heading,
    Scan,
    UnreadableHTML,
    _Scanner,
    scan,
)

SENTINEL = "\x02toc\x03"
_SPECIAL = ("&", "<", ">", "\x02", "\x03")
_UNSAFE_ATTRIBUTE = ("&", "\x02", "\x03")


class SlowPath(Exception):
    """The tree alone cannot give the slow path's exact answer."""


@dataclass
class Found:
    """What the tree processor saw in one conversion."""

    ids: set[str] = field(default_factory=set)
    # One (kind, heading or None) per sentinel, in document order; kinds are
    # "start" (before <hN), "open" (after its start tag), "close" (before </hN>),
    # "marker" (before a marker <p>) and "marker-end" (after its </p>).
    events: list[tuple[str, Heading | None]] = field(default_factory=list)
    slow: str = ""  # why the slow path is needed, when it is


def _special(text: str | None) -> bool:
    return bool(text) and any(c in text for c in _SPECIAL)  # type: ignore[operator]


def _walk(parent: Element) -> Iterator[tuple[Element, Element | None, Element]]:
    """(parent, previous sibling, element) in document order."""
    previous = None
    for child in parent:
        yield parent, previous, child
        yield from _walk(child)
        previous = child


def _before(parent: Element, previous: Element | None) -> None:
    if previous is None:
        parent.text = (parent.text or "") + SENTINEL
    else:
        previous.tail = (previous.tail or "") + SENTINEL


def _attributes(element: Element, found: Found) -> frozenset[str]:
    """Note the element's id (and <a name>); return its classes."""
    get = element.attrib.get
    for name in ("id", "name") if element.tag == "a" else ("id",):
        value = get(name)
        if value:
            if any(c in value for c in _UNSAFE_ATTRIBUTE):
                raise SlowPath(f"unusual {name} attribute")
            found.ids.add(value)
    classes = get("class")
    if not classes:
        return frozenset()
    if any(c in classes for c in _UNSAFE_ATTRIBUTE):
        raise SlowPath("unusual class attribute")
    names = frozenset(classes.split())
    if names & _OURS or (element.tag == "nav" and NAV_CLASS in names):
        raise SlowPath("already decorated")
    return names


def _rendered(md: Markdown, element: Element) -> str:
    """Return the element's final HTML as Markdown writes it (stash restored)."""
    tail, element.tail = element.tail, None
    try:
        html = md.serializer(element)
    finally:
        element.tail = tail
    for processor in md.postprocessors:
        html = processor.run(html)
    return html


def _heading_text(md: Markdown, element: Element) -> tuple[list[str], bool]:
    """Return the heading's raw text parts as ``scan`` reads them, and any link.

    ``Heading.text`` does the one normalisation (spaces, length) for both paths.
    """
    text = element.text or ""
    if not len(element) and not _special(text):
        return [text], False
    found = scan(_rendered(md, element), "")
    if len(found.headings) != 1:
        raise SlowPath("heading with nested heading markup")
    return found.headings[0].text_parts, found.headings[0].has_link


def _is_marker(md: Markdown, element: Element, marker: str) -> bool:
    # scan only counts a <p> holding nothing but text.
    if not marker or len(element):
        return False
    text = element.text or ""
    if not _special(text):
        return text.strip() == marker
    if scan(_rendered(md, element), marker).markers:
        raise SlowPath("marker written with entities or raw HTML")
    return False


def _check_stash(md: Markdown, marker: str, found: Found) -> None:
    """Read the raw HTML Markdown stashed, one parser pass; add its ids."""
    blocks = md.htmlStash.rawHtmlBlocks
    if not blocks:
        return
    if not all(isinstance(block, str) for block in blocks):
        raise SlowPath("raw HTML kept as elements")
    scanner = _Scanner("".join(blocks), marker)
    try:
        for block in blocks:
            depth = scanner.link_depth
            scanner.feed(block)
            if (
                scanner.headings
                or scanner.link_depth != depth
                or scanner.rawdata
                or scanner.cdata_elem
                or scanner.wrapper
                or (scanner.marker and scanner.paragraph)
            ):
                raise SlowPath("raw HTML with headings or open constructs")
    except AssertionError as error:  # the parser's own failure (see scan())
        raise SlowPath(str(error)) from error
    if scanner.markers or scanner.decorated:
        raise SlowPath("raw HTML with a marker or this plugin's output")
    found.ids |= scanner.ids


def collect(md: Markdown, root: Element, marker: str) -> Found:
    """Mark *root* with sentinels and note headings and ids (``slow`` if not)."""
    found = Found()
    try:
        _check_stash(md, marker, found)
        for parent, previous, element in _walk(root):
            classes = _attributes(element, found)
            level = HEADINGS.get(element.tag) if isinstance(element.tag, str) else None
            if level is not None:
                _add_heading(md, found, (parent, previous, element), level, classes)
            elif element.tag == "p" and _is_marker(md, element, marker):
                _before(parent, previous)
                element.tail = SENTINEL + (element.tail or "")
                found.events += [("marker", None), ("marker-end", None)]
    except (SlowPath, UnreadableHTML) as why:
        return Found(slow=str(why) or "slow")
    return found


def _add_heading(
    md: Markdown,
    found: Found,
    place: tuple[Element, Element | None, Element],
    level: int,
    classes: frozenset[str],
) -> None:
    parent, previous, element = place
    if previous is None and parent.tag in WRAPPERS and parent.get("id"):
        raise SlowPath("heading in an id-carrying wrapper")
    text_parts, has_link = _heading_text(md, element)
    heading = Heading(
        level=level,
        start=0,
        tag_end=0,
        self_closing=False,
        id=element.get("id") or None,
        id_on_wrapper=False,
        insert_at=0,
        classes=classes,
        text_parts=text_parts,
        has_link=has_link,
    )
    _before(parent, previous)
    element.text = SENTINEL + (element.text or "")
    if len(element):
        last = element[-1]
        last.tail = (last.tail or "") + SENTINEL
    else:
        element.text += SENTINEL
    found.events += [("start", heading), ("open", heading), ("close", heading)]


def finish(html: str, found: Found) -> tuple[str, Scan | None]:
    """Remove the sentinels from *html*; return it and its ``Scan`` (None: slow)."""
    pieces = html.split(SENTINEL)
    if found.slow or len(pieces) != len(found.events) + 1:
        return "".join(pieces), None
    headings: list[Heading] = []
    markers: list[tuple[int, int]] = []
    offset = 0
    for piece, (kind, heading) in zip(pieces, found.events, strict=False):
        offset += len(piece)
        if kind == "marker":
            markers.append((offset, offset))
        elif kind == "marker-end":
            markers[-1] = (markers[-1][0], offset)
        elif heading is not None and kind == "start":
            heading.start = heading.insert_at = offset
            headings.append(heading)
        elif heading is not None and kind == "open":
            heading.tag_end = offset
        elif heading is not None:
            heading.close = offset
    return "".join(pieces), Scan(headings, found.ids, markers, decorated=False)


class TocTreeprocessor(Treeprocessor):
    """Runs on the body only (not on Markdown-formatted metadata)."""

    def __init__(self, md: Markdown, extension: TocExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: Element) -> None:
        """Collect the body's headings, markers and ids (first conversion only)."""
        extension = self.extension
        if extension.active:
            extension.found = collect(self.md, root, extension.marker)


class TocExtension(Extension):
    """Registers the tree processor after every other one."""

    def __init__(self, marker: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.marker = marker
        self.found: Found | None = None
        self.active = True  # the reader turns it off once the body is done

    def extendMarkdown(self, md: Markdown) -> None:
        """Add the tree processor at the lowest priority."""
        md.treeprocessors.register(TocTreeprocessor(md, self), "toc_plugin", -100)
