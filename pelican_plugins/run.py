"""One build's working state for our plugins, new at the start of every build.

``make devserver`` (``pelican -lr``) runs many builds in one process: the same
Pelican instance and settings dict for every content change, a new instance
when the settings file changes. What a plugin works out during one build
(resolved settings, errors to report at the end, the pending responses feed)
must not leak into the next one, so it all lives in one :class:`Run`, created
by :func:`begin` when ``Pelican.run()`` starts (its ``get_generators`` signal,
sent before any generator, reader or cache exists) and replaced by the next.

The run is kept under one private key of the settings dict because that dict
is the one object every signal reaches: readers only get the settings,
generators get them next to the context, and ``finalized`` gets the Pelican
instance. Nothing else of ours is written into the settings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pelican import signals

KEY = "_LISTENING_BACK_RUN"  # "_": private, and left out of cache_guard's fingerprint

T = TypeVar("T")


class Run:
    """Per-plugin state of one build: ``run.state("toc", make)``."""

    def __init__(self) -> None:
        self._state: dict[str, Any] = {}

    def state(self, name: str, make: Callable[[], T]) -> T:
        """Return *name*'s state in this build, made by *make* on first use."""
        try:
            return self._state[name]
        except KeyError:
            value = self._state[name] = make()
            return value

    def get(self, name: str) -> Any:
        """Return *name*'s state, or None before the plugin stored any."""
        return self._state.get(name)

    def put(self, name: str, value: Any) -> None:
        """Store *name*'s state for the rest of this build."""
        self._state[name] = value

    def clear(self) -> None:
        """Drop everything, so nothing of this build stays alive in the next."""
        self._state.clear()


def begin(pelican: Any) -> None:
    """Start a new run for this build (``get_generators``: once per ``run()``)."""
    previous = pelican.settings.get(KEY)
    if isinstance(previous, Run):
        # Pelican copied the settings (with this object) into the new build's
        # context just before this signal; emptied, it holds nothing stale.
        previous.clear()
    pelican.settings[KEY] = Run()


def current(settings: Mapping[str, Any]) -> Run:
    """Return the build's run; a throwaway one outside a build (tests, scripts)."""
    run = settings.get(KEY)
    return run if isinstance(run, Run) else Run()


def state(settings: Mapping[str, Any], name: str, make: Callable[[], T]) -> T:
    """Shortcut for ``current(settings).state(name, make)``."""
    return current(settings).state(name, make)


def connect() -> None:
    """Start a run per build; every plugin's ``register`` calls it (once is kept)."""
    signals.get_generators.connect(begin)


__all__ = ["KEY", "Run", "begin", "connect", "current", "state"]
