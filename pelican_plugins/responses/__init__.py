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


class ResponsesDataError(Exception):
    """Raised at the end of a build that skipped malformed responses files."""

    exitcode = 1


def article_key(article: Any) -> str:
    """Return the responses key: ``responses_key`` metadata, else the slug."""
    return check_key(str(article.metadata.get("responses_key") or article.slug))


def attach(generator: Any) -> None:
    """Attach ``article.responses`` to every published article and translation."""
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
    errors: list[str] = []
    used: set[str] = set()
    for article in [*generator.articles, *generator.translations]:
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
    for stem in sorted(present - used):
        logger.warning("responses: %s/%s.json matches no article", folder, stem)
    # Per-run state for the later signals, replaced on every build.
    settings[_ERRORS] = errors
    settings[_OPTIONS] = options


def on_articles_written(generator: Any, writer: Any) -> None:
    """Write the responses feeds once the articles themselves are written."""
    options = generator.settings.get(_OPTIONS)
    if options is not None:
        write_feeds(generator.articles, options, generator.settings)


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
    signals.article_generator_finalized.connect(attach)
    signals.article_writer_finalized.connect(on_articles_written)
    signals.all_generators_finalized.connect(write_targets)
    signals.finalized.connect(report)


__all__ = ["Responses", "ResponsesDataError", "article_key", "register"]
