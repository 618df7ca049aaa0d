"""The table of contents of one rendered body, and the body with its back-links.

Pure functions of (HTML, options): no Pelican here. The body that summaries and
feeds see is the input with ``[TOC]`` marker paragraphs removed and nothing
else changed; the decorated body (heading ids, back-links, optional permalinks)
is returned separately, split where an in-content table belongs, so the theme
renders the table itself between the two halves.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from html import escape
import itertools
import sys
from typing import Any, NamedTuple

from pelican_plugins.toc.scan import (
    BACKLINK_CLASS,
    PERMALINK_CLASS,
    Heading,
    Scan,
    UnreadableHTML,
    scan,
)
from pelican_plugins.toc.slug import heading_id, unique

PLACEMENTS = ("auto", "marker", "none")

Edits = list[tuple[int, int, str]]  # (offset, characters removed, text inserted)


class Entry(NamedTuple):
    """One listed heading as themes read it: ``entry.id`` or ``entry["id"]``.

    Built when a page is rendered (see :class:`Outline`), never kept.
    """

    level: int
    id: str
    text: str
    children: list[Entry]

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        """Item access by field name too, as the dicts entries used to be."""
        return (
            getattr(self, key) if isinstance(key, str) else tuple.__getitem__(self, key)
        )


class Outline(NamedTuple):
    """The listed headings of one post, flat: what is kept for every post.

    One byte per heading for its level, and its id and text, alternating,
    in one string (*joined*) with where each ends (*ends*): about 10 bytes a
    heading besides its characters, where a tree of dicts took 160 and a
    string of its own for each id and text 45 more.
    """

    levels: bytes = b""
    joined: str = ""
    ends: Sequence[int] = ()

    def strings(self) -> list[str]:
        """Return the ids and texts, alternating, as the reader found them."""
        joined = self.joined
        return [joined[a:b] for a, b in zip((0, *self.ends), self.ends, strict=False)]

    def entries(self) -> list[Entry]:
        """Return the headings nested as the table lists them (:func:`nest`)."""
        strings = self.strings()
        return nest(zip(self.levels, strings[::2], strings[1::2], strict=True))


class Inserts(NamedTuple):
    """Texts to insert into the clean body, at offsets in ascending order.

    The decorated body is kept as these few insertions, not as a second copy
    of every post's body; offsets sit in one machine-word array and repeated
    texts (every back-link of a site) are one shared string.
    """

    offsets: array[int]
    texts: tuple[str, ...]

    def pairs(self) -> Iterator[tuple[int, str]]:
        """(offset, text) in order."""
        return zip(self.offsets, self.texts, strict=True)


@dataclass(frozen=True)
class Options:
    """What to list and what to insert; see the ``TOC_`` settings."""

    levels: tuple[int, int] = (2, 4)
    min_headings: int = 2
    enabled: bool = True
    placement: str = "auto"
    marker: str = "[TOC]"
    backlinks: bool = True
    backlink_label: str = "Back to table of contents"
    permalinks: bool = False
    permalink_label: str = "Link to this section"
    exclude_classes: frozenset[str] = frozenset({"no-toc"})
    nav_id: str = "toc"
    # Ids the theme puts around the body (<main id="main">, comment anchors).
    reserved_ids: frozenset[str] = frozenset(
        {"main", "content", "comments", "respond", "reply-title", "commentform"}
    )


@dataclass
class Result:
    """The clean body, the table's entries and the insertions that decorate it."""

    content: str
    outline: Outline = field(default_factory=Outline)
    nav_id: str = ""
    inserts: Inserts | None = None  # None: no table, the body stays as it is
    split: int | None = None  # offset in `content` where an in-content table goes
    inline: bool = False  # the table goes between the halves, not above the body
    problem: str = ""  # why the body was left alone, for the build log

    @property
    def entries(self) -> list[Entry]:
        """The table's entries, nested (empty: no table)."""
        return self.outline.entries()

    @property
    def parts(self) -> tuple[str, str] | None:
        """The decorated body: before / after the table (None: no table)."""
        if self.inserts is None:
            return None
        return decorate(self.content, self.inserts, self.split)


def decorate(clean: str, inserts: Inserts, split: int | None) -> tuple[str, str]:
    """Apply *inserts* to *clean*; cut it at *split* (an insertion there goes after).

    >>> ins = Inserts(array("q", [3, 18]), (' id="a"', "<p>back</p>"))
    >>> decorate("<h2>A</h2><p>x</p>", ins, 0)
    ('', '<h2 id="a">A</h2><p>x</p><p>back</p>')
    """
    cut = len(clean) + 1 if split is None else split  # None: all of it before
    halves: list[list[str]] = [[], []]
    position = 0
    for offset, text in inserts.pairs():
        half = halves[offset >= cut]
        if position < cut <= offset:
            halves[0].append(clean[position:cut])
            position = cut
        half.append(clean[position:offset])
        half.append(text)
        position = offset
    if position < cut:
        halves[0].append(clean[position:cut])
        position = cut
    halves[1].append(clean[position:])
    return "".join(halves[0]), "".join(halves[1])


def _clean_offsets(edits: Edits, removals: Edits) -> Inserts:
    """Re-base insertions on the body with its markers removed, in offset order."""
    offsets = array("q")
    texts = []
    for offset, removed, text in sorted(edits, key=lambda e: e[0]):
        if removed:
            continue
        shift = 0
        if removals:
            shift = sum(n for start, n, _ in removals if start + n <= offset)
        offsets.append(offset - shift)
        texts.append(sys.intern(text))
    return Inserts(offsets, tuple(texts))


def nest(flat: Iterable[tuple[int, str, str]]) -> list[Entry]:
    """Nest (level, id, text) headings under the nearest earlier, lower-level one.

    Skipped levels (h2 then h4) nest one step deeper, never through an empty
    item; a first heading deeper than later ones stays at the top.

    >>> out = nest([(2, "a", "A"), (4, "b", "B"), (3, "c", "C"), (2, "d", "D")])
    >>> [(e.id, [c.id for c in e.children]) for e in out]
    [('a', ['b', 'c']), ('d', [])]
    """
    top: list[Entry] = []
    stack: list[Entry] = []
    for level, target, text in flat:
        entry = Entry(level, target, text, [])
        while stack and stack[-1].level >= level:
            stack.pop()
        (stack[-1].children if stack else top).append(entry)
        stack.append(entry)
    return top


def _wanted(heading: Heading, low: int, high: int, options: Options) -> bool:
    return (
        low <= heading.level <= high
        and not heading.classes & options.exclude_classes
        and bool(heading.text)
    )


def _splice(source: str, edits: Edits, split: int | None) -> tuple[str, int | None]:
    """Apply (offset, length-removed, text) edits; return text and split index."""
    out: list[str] = []
    position = 0
    split_at = None
    length = 0
    for offset, removed, text in sorted(edits, key=lambda e: e[0]):
        chunk = source[position:offset]
        out.append(chunk)
        length += len(chunk)
        if split is not None and split_at is None and offset >= split:
            split_at = length - (offset - split)
        out.append(text)
        length += len(text)
        position = offset + removed
    out.append(source[position:])
    if split is not None and split_at is None:
        split_at = length + (split - position)
    return "".join(out), split_at


def _wants_permalink(heading: Heading, options: Options, *, decorated: bool) -> bool:
    # Never inside or around another link: nested anchors are invalid HTML.
    return (
        options.permalinks
        and not decorated
        and heading.close is not None
        and not (heading.has_link or heading.in_link)
    )


def _permalink(target: str, options: Options) -> str:
    return (
        f' <a class="{PERMALINK_CLASS}" href="#{escape(target)}" '
        f'aria-label="{escape(options.permalink_label)}">#</a>'
    )


def _backlinks(headings: list[Heading], nav_id: str, label: str, end: int) -> Edits:
    """Link back at the end of each section.

    A section ends before the next heading of the same or a higher level, and
    at the end of the body.
    """
    link = (
        f'<p class="{BACKLINK_CLASS}"><a href="#{escape(nav_id)}">'
        f"{escape(label)}</a></p>"
    )
    edits = [
        (heading.insert_at, 0, link + "\n")
        for previous, heading in itertools.pairwise(headings)
        if heading.level <= previous.level and not heading.in_link
    ]
    edits.append((end, 0, "\n" + link))
    return edits


def toc(
    html: str,
    options: Options,
    *,
    enabled: bool | None = None,
    depth: int | None = None,
    found: Scan | None = None,
) -> Result:
    """Build the table for *html*; *enabled*/*depth* are per-post overrides.

    *found* is *html*'s ``Scan`` when the caller already has it (the Markdown
    fast path); otherwise *html* is scanned here.
    """
    if found is None:
        try:
            found = scan(html, options.marker)
        except UnreadableHTML as error:
            return Result(html, problem=str(error))
    removals: Edits = [(start, end - start, "") for start, end in found.markers]
    clean = _splice(html, removals, None)[0] if removals else html
    low, high = options.levels[0], depth or options.levels[1]
    headings = [h for h in found.headings if _wanted(h, low, high, options)]
    wanted = options.enabled if enabled is None else enabled
    if not wanted or len(headings) < (1 if enabled else options.min_headings):
        return Result(clean)

    used = set(found.ids) | options.reserved_ids
    nav_id = unique(options.nav_id, used)
    used.add(nav_id)
    edits = list(removals)
    levels = bytearray()
    strings: list[str] = []
    ends = array("I")
    for ordinal, heading in enumerate(headings, start=1):
        target = heading.id
        if not target:
            target = heading_id(heading.text, ordinal, used)
            used.add(target)
            end = heading.tag_end - (2 if heading.self_closing else 1)
            edits.append((end, 0, f' id="{escape(target)}"'))
        levels.append(heading.level)
        for string in (target, heading.text):
            strings.append(string)
            ends.append((ends[-1] if ends else 0) + len(string))
        if _wants_permalink(heading, options, decorated=found.decorated):
            edits.append((heading.close or 0, 0, _permalink(target, options)))
    if options.backlinks and not found.decorated:
        edits += _backlinks(headings, nav_id, options.backlink_label, len(html))

    split = None
    if options.placement != "none":
        if found.markers:
            split = found.markers[0][0]  # where the first marker began, in both
        elif options.placement == "auto" and not headings[0].in_link:
            split = headings[0].insert_at  # no markers: html is the clean body
    inserts = _clean_offsets(edits, removals)
    outline = Outline(bytes(levels), "".join(strings), ends)
    return Result(clean, outline, nav_id, inserts, split, split is not None)
