"""Responses: comments and linkbacks under every post (issue 5).

The public JSON files are read after Pelican's content cache has done its work
(``article_generator_finalized``), so a new response shows up on the next build
without touching or re-reading the post. Each body is sanitized again on the
way out, so a sanitizer upgrade also fixes stored data.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pelican import signals

from pelican_plugins.responses import settings as plugin_settings
from pelican_plugins.responses import targets
from pelican_plugins.responses.endpoints import receiver_endpoints, target_url
from pelican_plugins.responses.feeds import write_feeds
from pelican_plugins.responses.model import check_key
from pelican_plugins.responses.store import load_public
from pelican_plugins.responses.view import Responses, assemble

logger = logging.getLogger(__name__)

_ERRORS = "_RESPONSES_ERRORS"
_OPTIONS = "_RESPONSES_OPTIONS"
_USED = "_RESPONSES_USED"


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


def article_key(article: Any) -> str:
    """Return the responses key: ``responses_key`` metadata, else the slug."""
    return check_key(str(article.metadata.get("responses_key") or article.slug))


def attach(generator: Any) -> None:
    """Attach ``article.responses`` to every published article and translation."""
    _attach(generator, [*generator.articles, *generator.translations], first=True)


def attach_pages(generator: Any) -> None:
    """Attach ``page.responses`` the same way: pages have threads and feeds too."""
    _attach(generator, [*generator.pages, *generator.translations], first=False)


def _attach(generator: Any, contents: list[Any], *, first: bool) -> None:
    settings = generator.settings
    options = plugin_settings.load(settings)
    folder = Path(settings["PATH"]) / options["RESPONSES_DIR"]
    present = {p.stem for p in folder.glob("*.json")} if folder.is_dir() else set()
    zone = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    date_format = settings.get("DEFAULT_DATE_FORMAT", "%B %-d, %Y")
    per_post_feed = options["RESPONSES_ARTICLE_FEED_ATOM"]
    receiver = receiver_endpoints(options["RESPONSES_RECEIVER_URL"])
    site_url = settings.get("SITEURL") or ""
    # Shared with every generator's templates: pages advertise the endpoints too.
    generator.context["responses_endpoints"] = receiver
    # Per-run state for the later signals: the articles pass starts it afresh.
    if first or _USED not in settings:
        settings[_ERRORS] = []
        settings[_USED] = set()
    errors: list[str] = settings[_ERRORS]
    used: set[str] = settings[_USED]
    for article in contents:
        try:
            key = article_key(article)
        except ValueError as error:
            logger.error("responses: %s: %s", article.source_path, error)
            errors.append(str(error))
            continue
        records: list[dict] = []
        if key in present:
            used.add(key)
            try:
                records = load_public(folder, key)
            except ValueError as error:
                logger.error("responses: skipped %s", error)
                errors.append(str(error))
        article.responses = assemble(
            key,
            records,
            options,
            zone=zone,
            date_format=date_format,
            feed_url=per_post_feed.format(key=key) if per_post_feed else None,
            target=target_url(site_url, article.url),
            receiver=receiver,
        )
    if not first:
        for stem in sorted(present - used):
            logger.warning(
                "responses: %s/%s.json matches no article or page", folder, stem
            )
    settings[_OPTIONS] = options


def on_pages_written(generator: Any, writer: Any) -> None:
    """Write the responses feeds once the articles and pages are written."""
    options = generator.settings.get(_OPTIONS)
    if options is not None:
        articles = generator.context.get("articles", [])
        write_feeds([*articles, *generator.pages], options, generator.settings)


def report(pelican: Any) -> None:
    """Fail the build (after every page is written) if a responses file was bad."""
    errors = pelican.settings.get(_ERRORS) or []
    options = pelican.settings.get(_OPTIONS) or {}
    if errors and options.get("RESPONSES_FAIL_ON_ERROR", True):
        raise ResponsesDataError(
            f"responses: {len(errors)} file(s) skipped: " + "; ".join(errors)
        )


def write_targets(generators: list[Any]) -> None:
    """Write the receiver's targets file: every published post and page."""
    contents: list[Any] = []
    settings: dict[str, Any] = {}
    for generator in generators:
        settings = generator.settings
        contents += getattr(generator, "articles", [])
        contents += getattr(generator, "translations", [])
        contents += getattr(generator, "pages", [])
    if not settings:
        return
    options = settings.get(_OPTIONS) or plugin_settings.load(settings)
    name = options["RESPONSES_TARGETS_FILE"]
    if not name:
        return
    mapping, posts = targets.collect(contents, article_key)
    site_url = settings.get("SITEURL") or ""
    targets.write(Path(settings["OUTPUT_PATH"]) / name, site_url, mapping, posts)


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    pelican_log = logging.getLogger("pelican")
    if not any(isinstance(f, _DataErrorWithoutTraceback) for f in pelican_log.filters):
        pelican_log.addFilter(_DataErrorWithoutTraceback())
    signals.article_generator_finalized.connect(attach)
    signals.page_generator_finalized.connect(attach_pages)
    signals.page_writer_finalized.connect(on_pages_written)
    signals.all_generators_finalized.connect(write_targets)
    signals.finalized.connect(report)


__all__ = ["Responses", "ResponsesDataError", "article_key", "register"]
