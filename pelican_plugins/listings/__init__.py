"""Site-wide listings the theme shows on every page: recent and sticky posts.

On tag, category and author pages Pelican rebinds ``articles`` to that
listing's posts, so a sidebar built on it would show the wrong "Recent
posts". This plugin puts the whole site's latest posts in the context as
``recent_articles``, and the posts marked ``Sticky: true`` (WordPress's
``is_sticky``) as ``sticky_articles``, which the home page shows first.
"""

from __future__ import annotations

from typing import Any

from pelican import signals

from pelican_plugins.config import Setting, resolve

PLUGIN = "listings"
PREFIX = "LISTINGS_"
SPEC = {
    "LISTINGS_RECENT_COUNT": Setting(
        5,
        "posts in the sidebar's Recent posts",
        types=(int,),
        check=lambda v: v >= 0,
    ),
}
_TRUE = {"true", "yes", "1", "on"}


def is_sticky(article: Any) -> bool:
    """Whether a post is pinned to the top of the home page."""
    return str(article.metadata.get("sticky", "")).strip().lower() in _TRUE


def attach(generator: Any) -> None:
    """Put the site's latest posts and its sticky posts in the shared context."""
    options = resolve(PLUGIN, PREFIX, SPEC, generator.settings)
    articles = generator.articles
    generator.context["recent_articles"] = articles[: options["LISTINGS_RECENT_COUNT"]]
    generator.context["sticky_articles"] = [a for a in articles if is_sticky(a)]


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.article_generator_finalized.connect(attach)
