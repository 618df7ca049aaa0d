"""Threading: a pure function from flat responses to WordPress-shaped nested lists."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


class Threadable(Protocol):
    """Anything with an id, an optional parent id and a sortable date."""

    id: str
    parent: str | None
    date: Any


@dataclass
class Node:
    """One listed response, at its display depth (1 = top level), with its replies."""

    item: Any
    depth: int
    children: list[Node] = field(default_factory=list)


def repair_parents(
    parents: Mapping[str, str | None], order: Iterable[str]
) -> tuple[dict[str, str | None], list[str]]:
    """Return usable parent links and one warning per change: the one thread rule.

    A parent that is not among the ids is missing: the reply becomes
    top-level. In a reply cycle the earliest member in *order* (the importers
    and the pages both pass (date, id) order) is cut loose and becomes
    top-level, so the result never depends on input order. Nothing is
    dropped, and the walk is iterative: a long chain cannot overflow the stack.
    """
    order = list(order)
    fixed: dict[str, str | None] = {}
    warnings: list[str] = []
    for rid in order:
        parent = parents[rid]
        if parent is not None and parent not in parents:
            warnings.append(f"{rid}: parent {parent} is missing; now top-level")
            parent = None
        fixed[rid] = parent
    rooted: set[str] = set()
    for rid in order:
        chain = [rid]
        seen = {rid}
        up = fixed[rid]
        while up is not None and up not in rooted and up not in seen:
            chain.append(up)
            seen.add(up)
            up = fixed[up]
        if up == rid:
            fixed[rid] = None
            loop = " -> ".join([*chain, rid])
            warnings.append(f"{rid}: reply cycle {loop} broken; now top-level")
        if up is None or up in rooted or up == rid:
            rooted.update(chain)
    return fixed, warnings


def break_parents(items: Sequence[Threadable]) -> dict[str, str | None]:
    """Map each id to a usable parent id (:func:`repair_parents`, warnings unused).

    Items must be in (date, id) order, as :func:`unique_by_date` returns them.
    """
    parents = {item.id: item.parent for item in items}
    return repair_parents(parents, [item.id for item in items])[0]


def by_date(items: Iterable[Threadable]) -> list[str]:
    """Ids in (date, id) order: the order in which cycles are cut."""
    return [item.id for item in sorted(items, key=lambda item: (item.date, item.id))]


def build_threads(
    items: Iterable[Threadable], *, max_depth: int = 5, newest_first: bool = False
) -> list[Node]:
    """Nest *items* by parent, oldest first; replies below *max_depth* stay at it.

    Like WordPress's walker, a reply that would be deeper than *max_depth* is
    listed right after its parent, at the same level. *newest_first* reverses
    the top-level threads only (WordPress's comment_order = desc).
    """
    ordered = unique_by_date(items)
    parent = break_parents(ordered)
    replies: dict[str | None, list[Threadable]] = defaultdict(list)
    for item in ordered:
        replies[parent[item.id]].append(item)
    roots: list[Node] = []
    stack: list[tuple[Threadable, Node | None, int]] = [
        (item, None, 1) for item in reversed(replies[None])
    ]
    while stack:
        item, holder, depth = stack.pop()
        node = Node(item, depth)
        (holder.children if holder else roots).append(node)
        below = (node, depth + 1) if depth < max_depth else (holder, depth)
        stack.extend((child, *below) for child in reversed(replies[item.id]))
    if newest_first:
        roots.reverse()
    return roots


def flatten(nodes: Sequence[Node]) -> list[tuple[Node, bool, int]]:
    """List a forest in document order as (node, opens, closes) triples.

    *opens* is true when replies follow (the item's ``<li>`` stays open around
    a nested list); *closes* counts the nested lists that end right after a
    leaf. A template can then render any depth with one flat loop.
    """
    out: list[tuple[Node, bool, int]] = []
    stack = [(node, 0) for node in reversed(nodes)]
    while stack:
        node, closes = stack.pop()
        children = node.children
        if not children:
            out.append((node, False, closes))
            continue
        out.append((node, True, 0))
        # The last reply also closes this node's list (and whatever it closed).
        stack.append((children[-1], closes + 1))
        stack.extend((child, 0) for child in reversed(children[:-1]))
    return out


def unique_by_date(items: Iterable[Threadable]) -> list[Threadable]:
    """Sort by (date, id); keep the first of any repeated id: one id, one permalink."""
    seen: set[str] = set()
    kept = []
    for item in sorted(items, key=lambda item: (item.date, item.id)):
        if item.id not in seen:
            seen.add(item.id)
            kept.append(item)
    return kept
