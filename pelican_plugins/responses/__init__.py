"""Responses: comments and linkbacks under every post and page (issue 5).

The public JSON files are read after Pelican's content cache has done its work,
one at a time as each article's or page's own page is written, so a new
response shows up on the next build without touching or re-reading the post,
and a large site never holds every response at once. Each body is sanitized
again on the way out, so a sanitizer upgrade also fixes stored data; between
builds each post's sanitized views are kept (``responses.cache``) and reused
only while its file, the sanitizer and this code are unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import logging
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pelican import signals

from pelican_plugins import run
from pelican_plugins.contents import published, reserve
from pelican_plugins.responses import settings as plugin_settings
from pelican_plugins.responses import targets
from pelican_plugins.responses.cache import ViewCache
from pelican_plugins.responses.endpoints import (
    Endpoints,
    receiver_endpoints,
    target_url,
)
from pelican_plugins.responses.feeds import FeedWriter
from pelican_plugins.responses.model import check_key
from pelican_plugins.responses.store import parse_public, public_file
from pelican_plugins.responses.view import (
    Responses,
    ResponseView,
    assemble_views,
    make_views,
)

logger = logging.getLogger(__name__)
PLUGIN = plugin_settings.PLUGIN


class ResponsesDataError(Exception):
    """Raised at the end of a build that skipped malformed responses files."""

    exitcode = 1


class _DataErrorWithoutTraceback(logging.Filter):
    """Log a :class:`ResponsesDataError` as its one line, without a traceback.

    The `pelican` command logs any build error with its traceback. For this
    one the traceback says nothing: every page was written and each bad file
    was named. Raising an Exception (not exiting) keeps `pelican -r` (the
    devserver) watching for the fix.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], ResponsesDataError):
            record.exc_info = None
            record.exc_text = None
        return True


@dataclass
class _Build:
    """The responses plugin's state during one build (``pelican_plugins.run``)."""

    options: dict[str, Any]
    folder: Path
    zone: ZoneInfo
    date_format: str
    receiver: Endpoints | None = None
    site_url: str = ""
    present: set[str] = field(default_factory=set)
    used: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    # Articles (not translations), then pages, in listing order: the site
    # feed's tie-break.
    order: dict[int, int] = field(default_factory=dict)
    feeds: FeedWriter | None = None
    shown: Any = None  # the article or page whose page is being written
    views: ViewCache | None = None  # each post's views kept between builds


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
    receiver = receiver_endpoints(options["RESPONSES_RECEIVER_URL"])
    # Shared with every generator's templates: pages advertise the endpoints too.
    generator.context["responses_endpoints"] = receiver
    zone = settings.get("TIMEZONE") or "UTC"
    date_format = settings.get("DEFAULT_DATE_FORMAT", "%B %-d, %Y")
    build = _Build(
        options,
        folder,
        ZoneInfo(zone),
        date_format,
        receiver=receiver,
        site_url=settings.get("SITEURL") or "",
        present={p.stem for p in folder.glob("*.json")} if folder.is_dir() else set(),
        views=ViewCache.for_settings(settings, zone, date_format),
    )
    run.current(settings).put(PLUGIN, build)
    build.order = {id(a): n for n, a in enumerate(generator.articles)}
    build.feeds = FeedWriter(options, settings)
    _give(build, published([generator]))


def attach_pages(generator: Any) -> None:
    """Pages get responses the same way: threads, counts and feeds like posts."""
    build = _state(generator.settings)
    if build is None:
        return
    start = len(build.order)
    build.order.update({id(p): start + n for n, p in enumerate(generator.pages)})
    _give(build, published([generator]))
    for stem in sorted(build.present - build.used):
        logger.warning(
            "responses: %s/%s.json matches no article or page", build.folder, stem
        )


def _give(build: _Build, contents: list[Any]) -> None:
    for content in contents:
        try:
            key = article_key(content)
        except ValueError as error:
            logger.error("responses: %s: %s", content.source_path, error)
            build.errors.append(str(error))
            continue
        if key in build.present:
            build.used.add(key)
        content.responses = Responses(key=key, pending=key in build.present)


def _release(build: _Build) -> None:
    """Keep only the counts of the article or page whose page was just written."""
    content, build.shown = build.shown, None
    if content is not None:
        content.responses = content.responses.summary()


def render(generator: Any, content: Any) -> None:
    """Read and render one post's responses just before its page is written.

    Its per-post feed is written from the same rows; the previous post's
    rows are dropped, keeping the counts that listings print. A post without
    a responses file is rendered too: its form and reply addresses need it.
    """
    build = _state(generator.settings)
    if build is None:
        return
    _release(build)
    responses = getattr(content, "responses", None)
    if not isinstance(responses, Responses):
        return
    views: list[ResponseView] = []
    if responses.pending:
        try:
            views = _views(build, responses.key)
        except ValueError as error:
            logger.error("responses: skipped %s", error)
            build.errors.append(str(error))
    per_post_feed = build.options["RESPONSES_ARTICLE_FEED_ATOM"]
    key = responses.key
    content.responses = full = assemble_views(
        key,
        views,
        build.options,
        feed_url=per_post_feed.format(key=key) if per_post_feed else None,
        target=target_url(build.site_url, content.url),
        receiver=build.receiver,
    )
    build.shown = content
    position = build.order.get(id(content))
    if position is not None and build.feeds is not None:
        build.feeds.add(content, full, position)


def _views(build: _Build, key: str) -> list[ResponseView]:
    """One post's views: from the views cache if its file is unchanged, else made.

    ValueError (naming the file) when the file is bad; views made with a
    warning are not cached, so the next build warns again.
    """
    path = public_file(build.folder, key)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    cache = build.views
    cached = cache.get(key, raw) if cache is not None else None
    if cached is not None:
        return cached
    views, clean = make_views(parse_public(path, raw), build.zone, build.date_format)
    if clean and cache is not None:
        cache.put(key, raw, views)
    return views


def on_articles_written(generator: Any, writer: Any) -> None:
    """Let the last article's rows go once every article page is out."""
    build = _state(generator.settings)
    if build is not None:
        _release(build)


def on_pages_written(generator: Any, writer: Any) -> None:
    """Write the site-wide feed once every article and page (and its feed) is out."""
    build = _state(generator.settings)
    if build is not None:
        _release(build)
        if build.feeds is not None:
            build.feeds.finish()
        if build.views is not None:
            logger.debug(
                "responses: views of %d posts from the cache, %d made",
                build.views.hits,
                build.views.misses,
            )


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


def write_targets(generators: list[Any]) -> None:
    """Write the receiver's targets file: every published post and page.

    Published as :func:`contents.published` says: hidden ones too.
    """
    contents = published(generators)
    settings: dict[str, Any] = {}
    for generator in generators:
        settings = generator.settings
    if not settings:
        return
    build = _state(settings)
    options = build.options if build is not None else plugin_settings.load(settings)
    name = options["RESPONSES_TARGETS_FILE"]
    if not name:
        return
    mapping, posts = targets.collect(contents, article_key)
    site_url = settings.get("SITEURL") or ""
    targets.write(Path(settings["OUTPUT_PATH"]) / name, site_url, mapping, posts)


def on_content_object_init(content: Any) -> None:
    """Reserve ``responses`` while the post is made (``contents.reserve``)."""
    reserve(content, ("responses",))


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    run.connect()
    signals.content_object_init.connect(on_content_object_init)
    pelican_log = logging.getLogger("pelican")
    if not any(isinstance(f, _DataErrorWithoutTraceback) for f in pelican_log.filters):
        pelican_log.addFilter(_DataErrorWithoutTraceback())
    signals.article_generator_finalized.connect(attach)
    signals.page_generator_finalized.connect(attach_pages)
    signals.article_generator_write_article.connect(render)
    signals.page_generator_write_page.connect(render)
    signals.article_writer_finalized.connect(on_articles_written)
    signals.page_writer_finalized.connect(on_pages_written)
    signals.all_generators_finalized.connect(write_targets)
    signals.finalized.connect(report)


__all__ = ["Responses", "ResponsesDataError", "article_key", "register"]
