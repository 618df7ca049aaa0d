"""Tag names and slugs: unescape once, and give every distinct tag its own safe slug.

Pelican compares tags by slug, so ``C`` and ``C++`` (both ``c``) silently become
one tag whose page lists both sets of posts under one name. WordPress exports
names HTML-escaped (``Q&amp;A``). Both are fixed here, before Pelican groups
articles by tag (``article_generator_pretaxonomy``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
import hashlib
import html
import re

from pelican_plugins.slugs.rules import unique

# Only complete references ending in ";" are decoded: "AT&T" and "Q&notes" stay.
_ENTITY = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
)
_SPACE = re.compile(r"\s+")
# A piece that ends in the start of a character reference ("Q&amp", "&#38").
_CUT_ENTITY = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31})$"
)
# Symbols that carry meaning in tag names but vanish from slugs.
_SPELLED = {
    "+": " plus ",
    "#": " sharp ",
    "&": " and ",
    "@": " at ",
    "%": " percent ",
    "*": " star ",
    "=": " equals ",
}


def clean_name(raw: str) -> str:
    """Decode HTML character references exactly once and collapse whitespace."""
    decoded = _ENTITY.sub(lambda m: html.unescape(m.group(0)), raw)
    return _SPACE.sub(" ", decoded).strip()


def term_key(name: str) -> str:
    """Return the key under which names are one tag or category (cleaned, folded)."""
    return clean_name(name).casefold()


def repair_split(names: list[str]) -> list[str]:
    """Undo Pelican's ';' split when every ';' was the end of a character reference.

    Pelican splits a Tags line on ';' whenever it has one, so ``C, Q&amp;A``
    arrives as ``["C, Q&amp", "A"]``. Joined again, it is split on commas.
    """
    if len(names) > 1 and all(_CUT_ENTITY.search(n) for n in names[:-1]):
        return [n.strip() for n in ";".join(names).split(",") if n.strip()]
    return names


def is_safe_slug(slug: str) -> bool:
    """Tell whether a slug is one non-empty path segment with no leading dot."""
    return (
        bool(slug) and not slug.startswith(".") and not ({"/", "\\", "\0"} & set(slug))
    )


def spelled(name: str) -> str:
    """Spell out meaningful symbols: ``C++`` becomes ``C plus plus``."""
    return "".join(_SPELLED.get(ch, ch) for ch in name)


def _fallback(name: str) -> str:
    return "tag-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]


def _loss(name: str) -> tuple[int, str, str]:
    """How many characters a slug drops from the name (fewest wins a shared slug)."""
    kept = sum(ch.isalnum() or ch in " -_" for ch in name)
    return (len(name) - kept, name.casefold(), name)


def assign_slugs(
    names: Iterable[str],
    slugify: Callable[[str], str],
    pinned: Mapping[str, str] | None = None,
) -> dict[str, tuple[str, str]]:
    """Map each tag (by case-folded name) to its display name and a unique slug.

    Names that differ only in case are one tag (as in Pelican and WordPress).
    A name keeps its ordinary slug unless that is unsafe or shared; of names that
    share one, the name losing the fewest characters keeps it (``C`` keeps ``c``),
    the others get a spelled-out slug (``c-plus-plus``, ``c-sharp``), then a
    numeric suffix. The result depends only on the set of names, never on order.
    """
    pins = {k.casefold(): v for k, v in (pinned or {}).items()}
    display: dict[str, str] = {}
    for name in sorted(set(names)):
        display.setdefault(name.casefold(), name)
    taken: set[str] = set()
    slugs: dict[str, str] = {}
    for key in sorted(display):
        pin = pins.get(key, "")
        if is_safe_slug(pin) and pin not in taken:
            slugs[key] = pin
            taken.add(pin)
    groups: dict[str, list[str]] = {}
    for key, name in sorted(display.items()):
        if key not in slugs:
            base = slugify(name)
            groups.setdefault(base if is_safe_slug(base) else "", []).append(name)
    rest: list[str] = []
    for base in sorted(groups):
        ranked = groups[base]
        if len(ranked) > 1:
            ranked.sort(key=_loss)
        if base and base not in taken:
            slugs[ranked.pop(0).casefold()] = base
            taken.add(base)
        rest.extend(ranked)
    for name in rest:
        slug = slugify(spelled(name))
        if not is_safe_slug(slug):
            slug = _fallback(name)
        slug = unique(slug, taken)
        slugs[name.casefold()] = slug
        taken.add(slug)
    return {key: (display[key], slugs[key]) for key in sorted(display)}
