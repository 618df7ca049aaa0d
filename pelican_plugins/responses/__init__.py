"""Responses: comments and linkbacks under every post (issue 5).

The public JSON files are read after Pelican's content cache has done its work,
one at a time as each article's page is written, so a new response shows up on
the next build without touching or re-reading the post. Each body is sanitized
again on the way out, so a sanitizer upgrade also fixes stored data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import logging
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pelican import signals

from pelican_plugins import run
from pelican_plugins.responses import settings as plugin_settings
from pelican_plugins.responses.feeds import FeedWriter
from pelican_plugins.responses.model import check_key
from pelican_plugins.responses.store import load_public
from pelican_plugins.responses.view import Responses, assemble

logger = logging.getLogger(__name__)
PLUGIN = plugin_settings.PLUGIN


class ResponsesDataError(Exception):
    """Raised at the end of a build that skipped malformed responses files."""

    exitcode = 1


@dataclass
class _Build:
    """The responses plugin's state during one build (``pelican_plugins.run``)."""

    options: dict[str, Any]
    folder: Path
    zone: ZoneInfo
    date_format: str
    errors: list[str] = field(default_factory=list)
    # Articles (not translations) in listing order: the site feed's tie-break.
    order: dict[int, int] = field(default_factory=dict)
    feeds: FeedWriter | None = None
    shown: Any = None  # the article whose page is being written


def article_key(article: Any) -> str:
    """Return the responses key: ``responses_key`` metadata, else the slug."""
    return check_key(str(article.metadata.get("responses_key") or article.slug))


def _state(settings: dict[str, Any]) -> _Build | None:
    return run.current(settings).get(PLUGIN)


def attach(generator: Any) -> None:
    """Give every published article and translation its (still empty) responses.

    Only the key is checked here. Each article's file is read and rendered
    when its own page is written (:func:`render`), and the rows are let go
    right after, so a 5,000-post site never holds every response at once.
    """
    settings = generator.settings
    options = plugin_settings.load(settings)
    folder = Path(settings["PATH"]) / options["RESPONSES_DIR"]
    present = {p.stem for p in folder.glob("*.json")} if folder.is_dir() else set()
    build = _Build(
        options,
        folder,
        ZoneInfo(settings.get("TIMEZONE") or "UTC"),
        settings.get("DEFAULT_DATE_FORMAT", "%B %-d, %Y"),
    )
    run.current(settings).put(PLUGIN, build)
    build.order = {id(a): n for n, a in enumerate(generator.articles)}
    build.feeds = FeedWriter(options, settings)
    used: set[str] = set()
    for article in [*generator.articles, *generator.translations]:
        try:
            key = article_key(article)
        except ValueError as error:
            logger.error("responses: %s: %s", article.source_path, error)
            build.errors.append(str(error))
            continue
        if key in present:
            used.add(key)
        article.responses = Responses(key=key, pending=key in present)
    for stem in sorted(present - used):
        logger.warning("responses: %s/%s.json matches no article", folder, stem)


def _release(build: _Build) -> None:
    """Keep only the counts of the article whose page was just written."""
    article, build.shown = build.shown, None
    if article is not None:
        article.responses = article.responses.summary()


def render(generator: Any, content: Any) -> None:
    """Read and render one article's responses just before its page is written.

    Its per-post feed is written from the same rows; the previous article's
    rows are dropped, keeping the counts that listings print.
    """
    build = _state(generator.settings)
    if build is None:
        return
    _release(build)
    responses = getattr(content, "responses", None)
    if not isinstance(responses, Responses) or not responses.pending:
        return
    records: list[dict] = []
    try:
        records = load_public(build.folder, responses.key)
    except ValueError as error:
        logger.error("responses: skipped %s", error)
        build.errors.append(str(error))
    per_post_feed = build.options["RESPONSES_ARTICLE_FEED_ATOM"]
    key = responses.key
    content.responses = full = assemble(
        key,
        records,
        build.options,
        zone=build.zone,
        date_format=build.date_format,
        feed_url=per_post_feed.format(key=key) if per_post_feed else None,
    )
    build.shown = content
    position = build.order.get(id(content))
    if position is not None and build.feeds is not None:
        build.feeds.add(content, full, position)


def on_articles_written(generator: Any, writer: Any) -> None:
    """Write the site-wide feed once every article page (and its feed) is out."""
    build = _state(generator.settings)
    if build is not None:
        _release(build)
        if build.feeds is not None:
            build.feeds.finish()


def report(pelican: Any) -> None:
    """Fail the build (after every page is written) if a responses file was bad."""
    build = _state(pelican.settings)
    if build is None:
        return
    if build.errors and build.options.get("RESPONSES_FAIL_ON_ERROR", True):
        raise ResponsesDataError(
            f"responses: {len(build.errors)} file(s) skipped: "
            + "; ".join(build.errors)
        )


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    run.connect()
    signals.article_generator_finalized.connect(attach)
    signals.article_generator_write_article.connect(render)
    signals.article_writer_finalized.connect(on_articles_written)
    signals.finalized.connect(report)


__all__ = ["Responses", "ResponsesDataError", "article_key", "register"]
