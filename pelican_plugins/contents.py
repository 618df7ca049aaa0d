"""Every content list a Pelican generator keeps, for plugins that touch them all."""

from __future__ import annotations

from collections.abc import Iterator
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
