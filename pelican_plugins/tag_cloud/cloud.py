"""Pure tag-cloud arithmetic: WordPress's size formula, buckets, selection and order.

Nothing here knows about Pelican; the plugin glue in ``__init__`` feeds it
``(name, count, url)`` entries and stores the result in the context.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
import math
import random
import re
from typing import Any

_DIGITS = re.compile(r"([0-9]+)")
# WordPress's link class. Its per-link ``tag-link-ID`` and ``tag-link-position-N``
# are left out (no theme styles them, and the sidebar cloud is on every page);
# bucket mode adds pelican-tag-cloud's ``tag-N``.
_LINK_CLASS = "tag-cloud-link"


def php_round(value: float) -> int:
    """Round half away from zero like PHP's ``round()`` (Python rounds to even)."""
    integral = math.trunc(value)
    if abs(value - integral) >= 0.5:
        integral += 1 if value > 0 else -1
    return int(integral)


def php_number(value: float) -> str:
    """Print a number as PHP does with ``precision=14``: 14.588235294118, 8, 22."""
    text = format(value, ".14g")
    return "0" if text == "-0" else text


def scale(count: int) -> int:
    """WordPress's ``default_topic_count_scale``: ``round(log10(count + 1) * 100)``."""
    return php_round(math.log10(count + 1) * 100)


def font_sizes(counts: Sequence[int], smallest: float, largest: float) -> list[float]:
    """Font size per count, exactly as ``wp_generate_tag_cloud`` computes it.

    Counts 1, 5, 20 scale to 30, 78, 132 and give 8, 14.588235294118 and 22
    (smallest 8, largest 22). Equal counts all give ``smallest``.
    """
    if not counts:
        return []
    scaled = [scale(c) for c in counts]
    low = min(scaled)
    spread = max(scaled) - low
    if spread <= 0:
        spread = 1
    font_spread = largest - smallest
    if font_spread < 0:
        font_spread = 1
    step = font_spread / spread
    return [smallest + (s - low) * step for s in scaled]


def buckets(counts: Sequence[int], steps: int) -> list[int]:
    """Size classes 1 (biggest) … ``steps`` (smallest), like pelican-tag-cloud.

    The log scale runs from the smallest to the largest count present and is cut
    into ``steps`` equal parts, so there is never a ``tag-0`` and every step can
    be reached. Equal counts all land in the smallest class, as in WordPress.
    """
    if not counts:
        return []
    low, high = math.log(min(counts)), math.log(max(counts))
    if high <= low:
        return [steps] * len(counts)
    out = []
    for count in counts:
        part = (high - math.log(count)) / (high - low)
        out.append(1 + min(steps - 1, max(0, math.floor(part * steps))))
    return out


def natural_key(name: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key like PHP's ``strnatcasecmp``: digit runs by value, text case-blind."""
    parts: list[tuple[int, int, str]] = []
    for i, piece in enumerate(_DIGITS.split(name.strip())):
        if not piece:
            continue
        if i % 2:
            parts.append((0, int(piece), piece))
        else:
            parts.append((1, 0, piece.casefold()))
    return tuple(parts)


def _name_order(entry: Entry) -> tuple[Any, ...]:
    return (natural_key(entry.name), entry.name, entry.url)


@dataclass(frozen=True, slots=True)
class Entry:
    """One taxonomy term before selection: its name, post count, URL and object."""

    name: str
    count: int
    url: str
    obj: Any = None


@dataclass(frozen=True, slots=True)
class CloudItem:
    """One link of the cloud, with every string the template needs precomputed.

    It also indexes like pelican-tag-cloud's ``(tag, bucket, count)`` tuple, so
    themes written for that plugin (``tag.0.url``, ``tag.1``) keep working.
    """

    tag: Any
    name: str
    url: str
    count: int
    size: str
    style: str
    bucket: int
    css_class: str
    label: str
    count_text: str

    def __getitem__(self, index: int) -> Any:
        return (self.tag, self.bucket, self.count)[index]

    def __iter__(self) -> Any:
        return iter((self.tag, self.bucket, self.count))

    def __len__(self) -> int:
        return 3


def select(
    entries: Iterable[Entry],
    number: int,
    orderby: str = "name",
    order: str = "asc",
    seed: int = 0,
) -> list[Entry]:
    """Top ``number`` entries by count (ties by name), then put in display order.

    ``number`` 0 keeps all. ``orderby`` is ``name`` (natural, case-insensitive)
    or ``count`` (ties by name); ``order`` is ``asc``, ``desc`` or ``shuffle``,
    a seeded shuffle that gives the same order for the same input and seed.
    """
    by_name = sorted(entries, key=_name_order)
    chosen = sorted(by_name, key=lambda e: -e.count)
    if number > 0:
        chosen = chosen[:number]
    if order == "shuffle":
        chosen.sort(key=_name_order)
        random.Random(seed).shuffle(chosen)
        return chosen
    if orderby == "count":
        chosen.sort(key=_name_order)
        chosen.sort(key=lambda e: e.count, reverse=order == "desc")
        return chosen
    chosen.sort(key=_name_order, reverse=order == "desc")
    return chosen


def items_label(count: int) -> str:
    """WordPress's ``'%s item'`` / ``'%s items'`` text with a thousands separator."""
    return f"{count:,} {'item' if count == 1 else 'items'}"


def build_cloud(
    entries: Iterable[Entry],
    *,
    smallest: float = 8,
    largest: float = 22,
    unit: str = "pt",
    number: int = 45,
    orderby: str = "name",
    order: str = "asc",
    seed: int = 0,
    steps: int = 4,
    mode: str = "sizes",
    show_count: bool = False,
) -> list[CloudItem]:
    """Select, size and order the terms; return the items the template renders."""
    chosen = select(entries, number, orderby, order, seed)
    counts = [e.count for e in chosen]
    sizes = font_sizes(counts, smallest, largest)
    classes = buckets(counts, steps)
    sizes_mode = mode == "sizes"
    out = []
    for entry, size, bucket in zip(chosen, sizes, classes, strict=True):
        size_text = php_number(size) + unit
        out.append(
            CloudItem(
                tag=entry.obj,
                name=entry.name,
                url=entry.url,
                count=entry.count,
                size=size_text,
                style=f"font-size: {size_text};" if sizes_mode else "",
                bucket=bucket,
                css_class=_LINK_CLASS if sizes_mode else f"{_LINK_CLASS} tag-{bucket}",
                label=f"{entry.name} ({items_label(entry.count)})",
                count_text=f" ({entry.count:,})" if show_count else "",
            )
        )
    return out
