"""Cache guard plugin for Pelican: keeps the content cache correct.

Pelican's content cache is keyed on each source file alone, so a changed
setting (a Markdown extension, a TOC level, a new plugin version) would keep
serving stale reader output until someone remembers ``--ignore-cache``. This
plugin fingerprints everything that shapes reader output at the start of every
build and discards the cache when the fingerprint has changed. It also rejects a
``CHECK_MODIFIED_METHOD`` that Pelican would silently turn into "never changed".
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
import shutil
from typing import Any

from pelican import signals

from pelican_plugins import atomic
from pelican_plugins.responses.cache import FOLDER as RESPONSES_VIEWS
from pelican_plugins.sources import distribution_version, package_digest

logger = logging.getLogger(__name__)

FINGERPRINT_FILE = "listening-back-fingerprint.json"

# Settings that only shape where and how pages are written, never what a reader
# returns: they stay out of the fingerprint so `make html` and `make publish`
# can share one cache.
OUTPUT_ONLY = frozenset(
    {
        "OUTPUT_PATH",
        "SITEURL",
        "FEED_DOMAIN",
        "DELETE_OUTPUT_DIRECTORY",
        "OUTPUT_RETENTION",
        "LOAD_CONTENT_CACHE",
        "CACHE_CONTENT",
        "WRITE_SELECTED",
        "BIND",
        "PORT",
        "RELATIVE_URLS",
        "BOOKMARKS_DEV_SITEURL",
    }
)
PACKAGES = ("pelican", "markdown", "docutils", "listening-back-kit")
#: Every plugin's source is part of the fingerprint.
PLUGINS_FOLDER = Path(__file__).resolve().parents[1]


def canonical(value: Any) -> Any:
    """Turn a settings value into JSON-able data that is stable across runs."""
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in sorted(value.items(), key=str)}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((canonical(v) for v in value), key=repr)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if callable(value):
        module = getattr(value, "__module__", "?")
        return f"{module}.{getattr(value, '__qualname__', '?')}"
    text = repr(value)
    # Reprs with memory addresses change every run; the type is the stable part.
    return type(value).__qualname__ if " at 0x" in text else text


def completed_markdown(config: Any) -> Any:
    """``MARKDOWN`` as Pelican's Markdown reader completes it in place.

    The reader appends every configured extension (and ``meta``) to
    ``extensions`` in the settings themselves, so without this the second
    build in one process (``make devserver``) would see a changed setting.
    """
    if not isinstance(config, dict):
        return config
    configs = config.get("extension_configs") or {}
    extensions = list(config.get("extensions") or [])
    for name in [*configs, "markdown.extensions.meta"]:
        if name not in extensions:
            extensions.append(name)
    return {**config, "extension_configs": configs, "extensions": extensions}


def fingerprint(settings: dict[str, Any]) -> str:
    """Return a digest of every setting, version and source that shapes reading."""
    shaping = {
        k: v
        for k, v in settings.items()
        if k.isupper() and not k.startswith("_") and k not in OUTPUT_ONLY
    }
    if "MARKDOWN" in shaping:
        shaping["MARKDOWN"] = completed_markdown(shaping["MARKDOWN"])
    data = {
        "settings": canonical(shaping),
        "versions": {name: distribution_version(name) for name in PACKAGES},
        # Our own plugin code: a plugin fix invalidates cached reader output.
        "plugins": package_digest(PLUGINS_FOLDER).hex(),
    }
    blob = json.dumps(data, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def check_modified_method(settings: dict[str, Any]) -> None:
    """Replace an unknown CHECK_MODIFIED_METHOD, which Pelican treats as 'unchanged'."""
    method = settings.get("CHECK_MODIFIED_METHOD", "mtime")
    if method != "mtime" and method not in hashlib.algorithms_available:
        logger.warning(
            "cache_guard: invalid CHECK_MODIFIED_METHOD (%r), falling back to "
            "default (%r)",
            method,
            "sha256",
        )
        settings["CHECK_MODIFIED_METHOD"] = "sha256"


def _fingerprint_path(settings: dict[str, Any]) -> Path:
    return Path(settings["CACHE_PATH"]) / FINGERPRINT_FILE


def _pelican_caches(folder: Path) -> list[Path]:
    """Pelican's content caches in *folder*: ``<Generator class>[-Readers]``."""
    if not folder.is_dir():
        return []
    return [
        path
        for path in folder.iterdir()
        if path.is_file() and path.name.removesuffix("-Readers").isidentifier()
    ]


def on_initialized(pelican: Any) -> None:
    """Check the settings once, before the first build of this Pelican instance."""
    check_modified_method(pelican.settings)


def on_build(pelican: Any) -> None:
    """At the start of every build, drop a cache made under other settings.

    ``get_generators`` comes before any generator loads its cache, once per
    ``Pelican.run()``: under ``make devserver`` every rebuild checks again,
    and a build never changes a setting for the ones after it. The stale files
    are removed (rather than ``LOAD_CONTENT_CACHE`` turned off) and the new
    fingerprint recorded at once: any cache saved from here on matches it.
    """
    settings = pelican.settings
    path = _fingerprint_path(settings)
    current = fingerprint(settings)
    try:
        stored = json.loads(path.read_text("utf-8"))["digest"]
    except (OSError, ValueError, KeyError, TypeError):
        stored = None
    if stored == current:
        return
    stale = _pelican_caches(path.parent)
    if stale and settings.get("LOAD_CONTENT_CACHE"):
        logger.info("cache_guard: settings or plugins changed; rebuilding the cache")
    for cache in stale:
        cache.unlink(missing_ok=True)
    # The responses plugin's views are made by code and settings too.
    shutil.rmtree(path.parent / RESPONSES_VIEWS, ignore_errors=True)
    if settings.get("CACHE_CONTENT"):
        atomic.write_text(path, json.dumps({"digest": current}))


def register() -> None:
    """Check settings once per instance and the cache at the start of every build."""
    signals.initialized.connect(on_initialized)
    signals.get_generators.connect(on_build)
