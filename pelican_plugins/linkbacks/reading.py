"""Find each post's links while Pelican reads it, so its reader cache keeps them.

The manifest needs every published post's links. Parsing every body again
when the manifest is written cost a second HTML parse per post on every
build, warm or cold. Here the links are taken from the reader's own output and
returned as reader metadata (``linkbacks_hrefs``, as written in the HTML),
which Pelican's content cache (``CONTENT_CACHING_LAYER = "reader"``) stores
with the body: a warm build parses no HTML for them. They are stored before
they are resolved against the post's URL, because that URL depends on
``SITEURL``, which the cache is shared across (``make html`` and ``make
publish``).

Pelican's ``{filename}`` placeholders are still unresolved here; they always
resolve to our own site, which is never a target, so the targets are the same.
"""

from __future__ import annotations

from typing import Any

from pelican.readers import BaseReader

from pelican_plugins.linkbacks.links import hrefs
from pelican_plugins.readers import wrap_readers

#: Reader metadata key, and the content attribute Pelican makes of it.
HREFS = "linkbacks_hrefs"


class LinkbacksReaderMixin:
    """Run the reader as usual, then note the links of its HTML."""

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        """Read *source_path* and add its links to the metadata."""
        content, metadata = super().read(source_path)  # type: ignore[misc]
        metadata[HREFS] = hrefs(content or "")
        return content, metadata


def on_readers_init(readers: Any) -> None:
    """Give every reader (and any plugin's subclass of one) the link finder."""
    wrap_readers(
        readers,
        "Linkbacks",
        lambda cls: LinkbacksReaderMixin if issubclass(cls, BaseReader) else None,
    )


def content_hrefs(item: Any) -> tuple[str, ...]:
    """Return the links of *item*, found at reading or, when missing, now.

    They are missing when the item came from a reader cache written before
    this plugin was enabled, or from a reader outside Pelican's ``Readers``.
    """
    found = getattr(item, HREFS, None)
    if isinstance(found, tuple):
        return found
    return hrefs(item.content or "")
