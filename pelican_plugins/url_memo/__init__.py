"""Compute each article's and page's URL once per build instead of on every read.

Pelican's ``Content.url`` is a property: every read copies the metadata, works
out a relative source path and formats the date, about 130,000 instructions.
A themed build reads it tens of thousands of times (every listing, feed,
sidebar and share link). Once a generator has finished, the inputs of the URL
(slug, date, category, author, language, status) are settled, so this plugin
stores the value in Pelican's own ``override_url`` hook, which ``url`` returns
as is. Only ``url`` is frozen: ``save_as`` stays computed, so Pelican still
warns when two posts would write the same file.

A content item that already has an ``override_url`` (``URL:`` metadata) keeps it.
A plugin that changes slugs or dates after the generators finish would need
this one left out of ``PLUGINS``.
"""

from __future__ import annotations

from typing import Any

from pelican import signals

from pelican_plugins.contents import all_contents


def freeze_urls(generator: Any) -> None:
    """Store every content item's current URL in its ``override_url``."""
    for content in all_contents(generator):
        if not hasattr(content, "override_url"):
            content.override_url = content.url


def register() -> None:
    """Freeze when each content generator has finished reading and grouping."""
    signals.article_generator_finalized.connect(freeze_urls)
    signals.page_generator_finalized.connect(freeze_urls)
