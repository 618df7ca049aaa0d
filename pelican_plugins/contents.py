"""Every content list a Pelican generator keeps, and which of them are published."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import chain
from typing import Any

# Published, hidden and draft items and their translations, as Pelican 4 names them.
CONTENT_LISTS = (
    "articles",
    "translations",
    "hidden_articles",
    "hidden_translations",
    "drafts",
    "drafts_translations",
    "pages",
    "hidden_pages",
    "draft_pages",
    "draft_translations",
)


def all_contents(generator: Any) -> Iterator[Any]:
    """Yield every article or page the generator holds, whatever its status."""
    return chain.from_iterable(getattr(generator, n, ()) for n in CONTENT_LISTS)


# The lists of what a build publishes: listed and hidden articles and pages.
# Their translations hang on each item (Pelican's ``translations`` attribute).
PUBLISHED_LISTS = ("articles", "hidden_articles", "pages", "hidden_pages")


def published(source: Mapping[str, Any] | Iterable[Any]) -> list[Any]:
    """Every article and page the build publishes: the one rule for "published".

    Listed and hidden ones (a hidden page has a URL: it sends linkbacks, can
    be replied to and keeps its old URLs), each followed by its translations;
    never drafts. *source* is Pelican's context or its generators. Listings
    ("Recent posts", feeds) show only the listed articles instead.
    """
    holders = [source] if isinstance(source, Mapping) else list(source)
    found: list[Any] = []
    seen: set[int] = set()
    for holder in holders:
        for name in PUBLISHED_LISTS:
            items = (
                holder.get(name, ())
                if isinstance(holder, Mapping)
                else getattr(holder, name, ())
            )
            for item in items:
                for content in (item, *getattr(item, "translations", ())):
                    if id(content) not in seen:
                        seen.add(id(content))
                        found.append(content)
    return found
