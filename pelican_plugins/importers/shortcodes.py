"""A small tokenizer for WordPress shortcode syntax in post text.

It follows WordPress's grammar (``get_shortcode_regex`` and
``shortcode_parse_atts``): only registered names are tags, ``[[x]]`` is the
escaped literal ``[x]``, ``[x]`` encloses content only when a ``[/x]`` follows,
and a tag never contains itself. It works on text only; the HTML around the
shortcodes is parsed as a tree later.
"""

from __future__ import annotations

from dataclasses import dataclass
import re

_NAME = re.compile(r"[\w-]+")
# shortcode_parse_atts(): name="v", name='v', name=v, "v", 'v', v.
_ATT = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)"""
    r"""|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)"""
    r"""|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)"""
    r"""|"([^"]*)"(?:\s|$)"""
    r"""|'([^']*)'(?:\s|$)"""
    r"""|(\S+)(?:\s|$)"""
)


@dataclass(frozen=True, slots=True)
class Shortcode:
    """One shortcode as written: its name, attributes and enclosed content."""

    name: str
    atts: dict[str, str]
    content: str | None
    raw: str


def parse_atts(text: str) -> dict[str, str]:
    """Parse shortcode attributes; positional values get the keys ``0``, ``1``…."""
    text = text.replace("\u00a0", " ").replace("\u200b", " ")
    atts: dict[str, str] = {}
    position = 0
    for match in _ATT.finditer(text.strip()):
        groups = match.groups()
        for key_at, value_at in ((0, 1), (2, 3), (4, 5)):
            if groups[key_at] is not None:
                value = groups[value_at]
                atts[groups[key_at].lower()] = "" if _open_lt(value) else value
                break
        else:
            value = next(g for g in groups[6:] if g is not None)
            atts[str(position)] = "" if _open_lt(value) else value
            position += 1
    return atts


def _open_lt(value: str) -> bool:
    """WordPress empties a value whose ``<`` is never closed."""
    return "<" in value and ">" not in value[value.rindex("<") :]


def tokenize(text: str, names: frozenset[str] | set[str]) -> list[str | Shortcode]:
    """Split *text* into literal strings and shortcodes of the registered *names*."""
    out: list[str | Shortcode] = []
    literal: list[str] = []
    i = 0
    while True:
        start = text.find("[", i)
        if start < 0:
            literal.append(text[i:])
            break
        literal.append(text[i:start])
        found = _at(text, start, names)
        if found is None:
            literal.append("[")
            i = start + 1
            continue
        code, end = found
        if isinstance(code, str):  # an escaped [[x]] prints [x]
            literal.append(code)
        else:
            out.append("".join(literal))
            literal = []
            out.append(code)
        i = end
    out.append("".join(literal))
    return [part for part in out if part != ""]


def _at(text: str, start: int, names: frozenset[str] | set[str]):
    """Return the shortcode opening at *start* and where it ends, or None."""
    escaped = text.startswith("[[", start)
    begin = start + 1 if escaped else start
    name_match = _NAME.match(text, begin + 1)
    if name_match is None or name_match.group() not in names:
        return None
    name = name_match.group()
    close = text.find("]", name_match.end())
    if close < 0:
        return None
    atts_text = text[name_match.end() : close]
    if atts_text and not atts_text[0].isspace() and atts_text[0] != "/":
        return None  # [gallery-x] or [galleryx] is another name
    self_closing = atts_text.endswith("/")
    if self_closing:
        atts_text = atts_text[:-1]
    end = close + 1
    content = None
    if not self_closing:
        closing = f"[/{name}]"
        next_open = text.find(closing, end)
        if next_open >= 0:
            content = text[end:next_open]
            end = next_open + len(closing)
    if escaped:
        if text.startswith("]", end):
            return text[begin:end], end + 1
        return None
    raw = text[start:end]
    return Shortcode(name, parse_atts(atts_text), content, raw), end
