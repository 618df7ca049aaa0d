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


def reserve(content: Any, names: Iterable[str]) -> None:
    """Give *content* each of *names* (as None) that it lacks; call it at creation.

    A plugin that sets attributes on articles and pages after reading calls
    this from ``content_object_init``. CPython keeps an object's attributes in
    a compact table whose names its class shares, but only names set while the
    objects are being made get in: once every post exists, a name added to
    each of them makes every post copy its attributes into a dict of its own,
    about 1.3 KB more per post (6.5 MB at 5,000 posts). One spare name is
    left, and ``url_memo``'s ``override_url`` takes it (Pelican tests for its
    presence, so it cannot be reserved).
    """
    for name in names:
        if not hasattr(content, name):
            setattr(content, name, None)
