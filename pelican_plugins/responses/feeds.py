"""Atom feeds of approved responses: one per post and one for the whole site."""

from __future__ import annotations

from collections.abc import Iterable
import io
from pathlib import Path
from typing import Any

import feedgenerator
from markupsafe import Markup

from pelican_plugins import atomic
from pelican_plugins.responses.view import ResponseView


def entry_title(view: ResponseView, post_title: str) -> str:
    """'Comment by NAME on POST' or 'Pingback from SOURCE on POST' (plain text)."""
    if view.is_ping:
        return (
            f"{view.label} from {view.source_title or view.author_name} on {post_title}"
        )
    return f"Comment by {view.author_name} on {post_title}"


def render_feed(
    title: str,
    link: str,
    feed_url: str,
    entries: Iterable[tuple[Any, ResponseView]],
    *,
    site_url: str,
    language: str,
) -> str:
    """Return an Atom document; its dates all come from the responses themselves."""
    feed = feedgenerator.Atom1Feed(
        title=title, link=link, description="", feed_url=feed_url, language=language
    )
    for article, view in entries:
        post_title = Markup(article.title).striptags()
        url = f"{site_url}/{article.url}#comment-{view.id}"
        feed.add_item(
            title=entry_title(view, post_title),
            link=url,
            unique_id=url,
            description=str(view.content),
            content=str(view.content),
            author_name=view.author_name,
            author_link=view.author_url,
            pubdate=view.date,
            updateddate=view.date,
        )
    buffer = io.StringIO()
    feed.write(buffer, "utf-8")
    return buffer.getvalue()


def write_feeds(
    articles: list[Any], options: dict[str, Any], settings: dict[str, Any]
) -> list[Path]:
    """Write the per-post feeds and the site-wide feed into OUTPUT_PATH."""
    output = Path(settings["OUTPUT_PATH"])
    site_url = settings.get("FEED_DOMAIN") or settings.get("SITEURL") or ""
    language = settings.get("DEFAULT_LANG", "en")
    sitename = settings.get("SITENAME", "")
    written = []
    everything: list[tuple[Any, ResponseView]] = []
    per_post = options["RESPONSES_ARTICLE_FEED_ATOM"]
    for article in articles:
        responses = getattr(article, "responses", None)
        if responses is None or not responses.items:
            continue
        pairs = [(article, view) for view in responses.items]
        everything.extend(pairs)
        if per_post:
            path = per_post.format(key=responses.key)
            title = Markup(article.title).striptags()
            text = render_feed(
                f"{sitename}: responses to {title}",
                f"{site_url}/{article.url}",
                f"{site_url}/{path}",
                reversed(pairs),
                site_url=site_url,
                language=language,
            )
            written.append(_write(output, path, text))
    site_feed = options["RESPONSES_FEED_ATOM"]
    if site_feed and everything:
        everything.sort(key=lambda pair: (pair[1].date, pair[1].id), reverse=True)
        text = render_feed(
            f"{sitename}: responses",
            f"{site_url}/",
            f"{site_url}/{site_feed}",
            everything[: options["RESPONSES_FEED_MAX_ITEMS"]],
            site_url=site_url,
            language=language,
        )
        written.append(_write(output, site_feed, text))
    return written


def _write(output: Path, relative: str, text: str) -> Path:
    target = (output / relative).resolve()
    if not target.is_relative_to(output.resolve()):
        raise ValueError(f"responses feed path {relative!r} leaves OUTPUT_PATH")
    atomic.write_text(target, text)
    return target
