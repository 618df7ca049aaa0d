"""Each post's response views kept between builds, so a warm rebuild skips sanitizing.

Parsing a public JSON file and sanitizing every body again is most of the
responses plugin's cost in a rebuild where nothing changed. An entry holds
the views of one post (:func:`view.make_views`), found by the SHA-256 of the
public file's bytes and a digest of everything else that shapes a view: the
sanitizer's libraries, this package's own source, the time zone and the date
format. Approving or deleting a response rewrites the file, so its old entry
no longer matches and cannot be shown.

Entries live in ``CACHE_PATH/responses-views/``, one small file per post, are
read when ``LOAD_CONTENT_CACHE`` is on and written when ``CACHE_CONTENT`` is,
like Pelican's own content cache; ``cache_guard`` deletes the folder along
with Pelican's caches. A missing, torn or foreign entry is a miss: the file
is parsed and sanitized as without a cache.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
import pickle
import sys
from typing import Any

from pelican_plugins.sources import distribution_version, package_digest

logger = logging.getLogger(__name__)

#: The folder under ``CACHE_PATH``; cache_guard removes it with Pelican's caches.
FOLDER = "responses-views"
#: Bumped when an entry's layout changes.
FORMAT = 1
# What the views are made with besides our own code (hashed from source).
_LIBRARIES = ("nh3", "lxml", "markupsafe")


def context_digest(zone: str, date_format: str) -> bytes:
    """Digest of what, besides the public file, shapes a post's views."""
    digest = hashlib.sha256(f"{FORMAT}\0{sys.version}\0{zone}\0{date_format}".encode())
    for name in _LIBRARIES:
        digest.update(f"\0{name}={distribution_version(name)}".encode())
    # Our sanitizer, view and thread rules: a fix to any of them is a new context.
    digest.update(b"\0" + package_digest(Path(__file__).parent))
    return digest.digest()


class ViewCache:
    """One build's reads and writes of the views cache (kept in the run state)."""

    def __init__(self, folder: Path, context: bytes, *, load: bool, save: bool) -> None:
        self.folder = folder
        self.context = context
        self.load = load
        self.save = save
        self.hits = 0
        self.misses = 0
        self._made = False

    @classmethod
    def for_settings(
        cls, settings: dict[str, Any], zone: str, date_format: str
    ) -> ViewCache | None:
        """Return this build's cache; None when Pelican's cache settings are off."""
        load = bool(settings.get("LOAD_CONTENT_CACHE"))
        save = bool(settings.get("CACHE_CONTENT"))
        if not (load or save) or not settings.get("CACHE_PATH"):
            return None
        folder = Path(settings["CACHE_PATH"]) / FOLDER
        return cls(folder, context_digest(zone, date_format), load=load, save=save)

    def _path(self, key: str) -> Path:
        # Keys may be up to 250 bytes of any script: name the file by a digest.
        return self.folder / (hashlib.sha256(key.encode()).hexdigest()[:32] + ".pickle")

    def get(self, key: str, source: bytes) -> list | None:
        """Return the views cached for *key* made from *source*, or None."""
        if not self.load:
            self.misses += 1
            return None
        try:
            blob = self._path(key).read_bytes()
            # Our own cache folder, trusted as Pelican trusts its pickled cache.
            context, digest, views = pickle.loads(blob)
        except Exception:  # noqa: BLE001 (absent, torn or foreign: all a miss)
            views = None
        else:
            if context != self.context or digest != _digest(source):
                views = None
        if views is None or not isinstance(views, list):
            self.misses += 1
            return None
        self.hits += 1
        return views

    def put(self, key: str, source: bytes, views: list) -> None:
        """Keep *views*, made from *source*, for the next build."""
        if not self.save:
            return
        blob = pickle.dumps(
            (self.context, _digest(source), views), protocol=pickle.HIGHEST_PROTOCOL
        )
        # Written in place, not through a temporary file and a rename, which
        # cost six times as much here: a torn entry cannot unpickle (a pickle
        # ends with its STOP code), so a reader takes it for a miss.
        try:
            if not self._made:
                self.folder.mkdir(parents=True, exist_ok=True)
                self._made = True
            self._path(key).write_bytes(blob)
        except OSError as error:  # a cache that cannot be written is only slower
            logger.debug("responses: views cache not written: %s", error)
            self.save = False


def _digest(source: bytes) -> bytes:
    return hashlib.sha256(source).digest()
