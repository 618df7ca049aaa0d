"""WordPress's ``wpautop`` paragraphing, applied to a parsed tree.

WordPress stores post text without ``<p>`` and adds paragraphs when it shows
a post (``wpautop()`` in wp-includes/formatting.php). Its rules are reproduced
on a BeautifulSoup tree instead of WordPress's regular expressions:

- at the top level, text and inline elements between block elements form
  runs; each run is split on blank lines and every part with content becomes
  a ``<p>``;
- inside a block element (``div``, ``li``, ``blockquote``…) text gets
  paragraphs only when a blank line splits it, as in WordPress;
- every other newline in text becomes ``<br>``, except next to a block tag;
- ``pre``, ``script``, ``style``, ``svg``, ``math`` and ``textarea`` keep
  their text exactly; a tab-indented line is just text.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_TABLES = frozenset({"table", "thead", "tfoot", "tbody", "tr", "colgroup"})
_LISTS = frozenset({"ul", "ol", "dl"})
#: WordPress's block tags ($allblocks in wpautop): never wrapped in <p>.
BLOCKS = (
    _HEADINGS
    | _TABLES
    | _LISTS
    | {"caption", "col", "td", "th", "div", "dd", "dt", "li", "pre", "form", "map"}
    | {"area", "blockquote", "address", "style", "p", "hr", "fieldset", "legend"}
    | {"section", "article", "aside", "hgroup", "header", "footer", "nav"}
    | {"figure", "figcaption", "details", "menu", "summary"}
)
#: Whose text wpautop never touches.
VERBATIM = frozenset({"pre", "script", "style", "svg", "math", "textarea"})
#: Blocks whose text may get paragraphs (the others hold only rows, items…).
_NO_PARAGRAPHS = (
    VERBATIM
    | _HEADINGS
    | _TABLES
    | _LISTS
    | {"p", "hr", "caption", "figcaption", "summary", "legend", "address"}
)
#: Tags whose whitespace WordPress collapses instead of adding <br>.
_COLLAPSE = frozenset({"audio", "video", "object", "select", "figure", "picture"})
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")


def _is_block(node: object) -> bool:
    return isinstance(node, Tag) and node.name in BLOCKS


def wpautop(soup: BeautifulSoup) -> None:
    """Add WordPress paragraphs and line breaks to *soup* in place."""
    _container(soup, soup, top=True)


def _container(soup: BeautifulSoup, element: Tag, *, top: bool) -> None:
    runs: list[list] = [[]]
    for child in list(element.children):
        if _is_block(child):
            runs.append([])
            if child.name not in _NO_PARAGRAPHS:
                _container(soup, child, top=False)
            elif child.name not in VERBATIM:
                _breaks(soup, child)
            runs.append([])
        else:
            runs[-1].append(child)
    runs = [run for run in runs if run]
    split = top or any(_has_break(run) for run in runs)
    for run in runs:
        if split:
            for paragraph in _paragraphs(run):
                _wrap(soup, paragraph)
        else:
            _breaks_in_run(soup, run)


def _has_break(run: list) -> bool:
    return any(
        isinstance(node, NavigableString)
        and not isinstance(node, Comment)
        and _PARAGRAPH_BREAK.search(str(node).strip(" \t"))
        for node in run
    )


def _paragraphs(run: list) -> list[list]:
    """Split a run at blank lines in its text nodes (new nodes replace split ones)."""
    paragraphs: list[list] = [[]]
    for node in run:
        if isinstance(node, NavigableString) and not isinstance(node, Comment):
            pieces = _PARAGRAPH_BREAK.split(str(node))
            if len(pieces) == 1:
                paragraphs[-1].append(node)
                continue
            replacements = []
            for index, piece in enumerate(pieces):
                if index:
                    paragraphs.append([])
                if piece:
                    text = NavigableString(piece)
                    replacements.append(text)
                    paragraphs[-1].append(text)
            for text in replacements:
                node.insert_before(text)
            node.extract()
        else:
            paragraphs[-1].append(node)
    return paragraphs


def _wrap(soup: BeautifulSoup, paragraph: list) -> None:
    """Wrap one paragraph's nodes in <p>, or leave bare whitespace and comments."""
    meaningful = [
        n
        for n in paragraph
        if isinstance(n, Tag) or (not isinstance(n, Comment) and str(n).strip())
    ]
    if not meaningful:
        for node in paragraph:
            if isinstance(node, NavigableString) and not isinstance(node, Comment):
                node.replace_with("\n")
        return
    first, last = meaningful[0], meaningful[-1]
    inner = paragraph[paragraph.index(first) : paragraph.index(last) + 1]
    p = soup.new_tag("p")
    first.insert_before(p)
    for node in inner:
        p.append(node.extract())
    p.insert_before("\n")
    p.insert_after("\n")
    _strip_edges(p)
    _breaks(soup, p)


def _strip_edges(element: Tag) -> None:
    """Trim whitespace at the start and end of a new paragraph."""
    first = element.contents[0] if element.contents else None
    if isinstance(first, NavigableString) and not isinstance(first, Comment):
        first.replace_with(str(first).lstrip())
    last = element.contents[-1] if element.contents else None
    if isinstance(last, NavigableString) and not isinstance(last, Comment):
        last.replace_with(str(last).rstrip())


def _breaks_in_run(soup: BeautifulSoup, run: list) -> None:
    """Line breaks in a run inside a block: none at the run's edges."""
    meaningful = [
        i
        for i, n in enumerate(run)
        if isinstance(n, Tag) or (not isinstance(n, Comment) and str(n).strip())
    ]
    if not meaningful:
        return
    for index, node in enumerate(run):
        if isinstance(node, Tag):
            _breaks(soup, node)
        elif not isinstance(node, Comment) and meaningful[0] <= index <= meaningful[-1]:
            current = node
            text = str(current)
            if index == meaningful[0]:
                lead = text[: len(text) - len(text.lstrip())]
                current = _replace_text(current, text.lstrip(), before=lead)
                text = str(current)
            if index == meaningful[-1]:
                trail = text[len(text.rstrip()) :]
                current = _replace_text(current, text.rstrip(), after=trail)
            _text_breaks(soup, current)


def _replace_text(node, text: str, before: str = "", after: str = ""):
    new = NavigableString(text)
    node.replace_with(new)
    if before:
        new.insert_before(before)
    if after:
        new.insert_after(after)
    return new


def _breaks(soup: BeautifulSoup, element: Tag) -> None:
    """Turn newlines inside *element*'s text into <br> (not in verbatim tags)."""
    if element.name in VERBATIM or element.name in _COLLAPSE:
        return
    for child in list(element.children):
        if isinstance(child, Tag):
            if _is_block(child):
                _container(soup, child, top=False)
            else:
                _breaks(soup, child)
        elif not isinstance(child, Comment):
            _text_breaks(soup, child)


def _text_breaks(soup: BeautifulSoup, node: NavigableString) -> None:
    lines = str(node).split("\n")
    if len(lines) == 1:
        return
    if not str(node).strip():
        before, after = node.previous_sibling, node.next_sibling
        if before is None or after is None or _is_block(before) or _is_block(after):
            return  # layout whitespace between or around blocks
    for index, line in enumerate(lines):
        if index:
            node.insert_before(soup.new_tag("br"))
            node.insert_before("\n")
        if line:
            node.insert_before(line)
    node.extract()
