"""The plugin's settings, declared once (see pelican_plugins.config)."""

from __future__ import annotations

from typing import Any

from pelican_plugins.config import Setting, resolve
from pelican_plugins.responses.endpoints import receiver_base

PLUGIN = "responses"
PREFIX = "RESPONSES_"


def _positive(value: Any) -> bool:
    return value >= 1


SPEC = {
    "RESPONSES_DIR": Setting(
        "responses", "folder of public JSON files, relative to PATH", types=(str,)
    ),
    "RESPONSES_DB": Setting(
        "var/responses.sqlite3",
        "private SQLite store, relative to the settings file (moderation CLI)",
        types=(str,),
    ),
    "RESPONSES_ORDER": Setting(
        "asc",
        "top-level order: 'asc' oldest first, 'desc' newest",
        choices=("asc", "desc"),
    ),
    "RESPONSES_MAX_DEPTH": Setting(
        5,
        "deepest nesting level; deeper replies join it",
        types=(int,),
        check=_positive,
    ),
    "RESPONSES_MERGE_PINGS": Setting(
        False, "list linkbacks among the comments (Twenty Ten style)", types=(bool,)
    ),
    "RESPONSES_AVATARS": Setting(
        True, "show a locally generated initials avatar", types=(bool,)
    ),
    "RESPONSES_RECEIVER_URL": Setting(
        None,
        "receiver's public base address (http/https); form, reply links and"
        " advertised endpoints follow from it (None: comments closed)",
        types=(str, type(None)),
        check=lambda v: v is None or receiver_base(v) is not None,
    ),
    "RESPONSES_FORM_ACTION": Setting(
        None,
        "where the comment form posts, overriding the receiver's /comments",
        types=(str, type(None)),
    ),
    "RESPONSES_TARGETS_FILE": Setting(
        "responses-targets.json",
        "receiver's list of post/page URLs, relative to OUTPUT_PATH (None: off)",
        types=(str, type(None)),
    ),
    "RESPONSES_FEED_ATOM": Setting(
        "feeds/responses.atom.xml",
        "site-wide responses feed (None: off)",
        types=(str, type(None)),
    ),
    "RESPONSES_ARTICLE_FEED_ATOM": Setting(
        "feeds/responses/{key}.atom.xml",
        "per-post responses feed, {key} = the post's key (None: off)",
        types=(str, type(None)),
        check=lambda v: v is None or "{key}" in v,
    ),
    "RESPONSES_FEED_MAX_ITEMS": Setting(
        50, "entries in the site-wide feed", types=(int,), check=_positive
    ),
    "RESPONSES_FAIL_ON_ERROR": Setting(
        True,
        "exit non-zero after the build when a responses file was skipped",
        types=(bool,),
    ),
}


def load(settings: dict[str, Any]) -> dict[str, Any]:
    """Resolve the plugin's settings, warning about bad or unknown values."""
    return resolve(PLUGIN, PREFIX, SPEC, settings)
