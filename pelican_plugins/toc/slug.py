"""Heading ids: readable, Unicode-aware, never empty, unique on the page.

Pelican's own ``slugify`` stopped hyphenating in 4.5 unless given
``SLUG_REGEX_SUBSTITUTIONS``, which is how the old TOC plugin came to emit ids
with spaces. This one keeps every script's letters and digits (so a Japanese
heading keeps a Japanese id), joins words with ``-`` and needs no settings.
"""

from __future__ import annotations

from collections.abc import Container
import unicodedata

from pelican_plugins.slugs import unique

__all__ = ["heading_id", "slugify", "unique"]

MAX_LENGTH = 64
# Letters, combining marks and digits of any script stay; the rest separates.
_KEEP = frozenset({"L", "M", "N"})
# Most headings are ASCII: one C-level translate does what the loop below does.
_ASCII_SEPARATORS = str.maketrans(
    {chr(c): " " for c in range(128) if not chr(c).isalnum()}
)


def slugify(text: str, max_length: int = MAX_LENGTH) -> str:
    r"""Turn heading text into an id fragment; '' when nothing readable is left.

    >>> slugify("Sitting & standing:  the *real*\ndifference")
    'sitting-standing-the-real-difference'
    >>> slugify("身体の記憶")
    '身体の記憶'
    """
    if text.isascii():
        words = text.lower().translate(_ASCII_SEPARATORS).split()
    else:
        words = _words(text)
    slug = "-".join(words)
    if len(slug) > max_length:
        # Cut at a word boundary when there is one, so ids stay readable.
        cut = slug[:max_length]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug


def _words(text: str) -> list[str]:
    words: list[str] = []
    current: list[str] = []
    for char in unicodedata.normalize("NFKC", text).lower():
        if unicodedata.category(char)[0] in _KEEP:
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def heading_id(text: str, ordinal: int, used: Container[str]) -> str:
    """Return a fresh id for the *ordinal*-th heading (1-based), unique against *used*.

    Headings with no letters or digits at all (emoji, punctuation) get
    ``section-N``: stable for the same input, and still meaningful in a URL.
    """
    return unique(slugify(text) or f"section-{ordinal}", used)
