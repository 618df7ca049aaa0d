"""The sender's memory: what was sent, per source and target, in one JSON file.

Written atomically (the old file or the new one, never half), with the previous
good version kept as ``<name>.bak``. A corrupt file is set aside, the backup is
used if it is good, and otherwise the state is rebuilt like a first run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
import json
import os
from pathlib import Path
from typing import Any

from pelican_plugins import atomic

VERSION = 1

# Statuses of one (source, target) pair.
SENT = "sent"  # a webmention accepted, a pingback registered (or fault 48)
RECORDED = "recorded"  # first run: counted as sent, nothing was sent
NO_ENDPOINT = "no-endpoint"
FAILED = "failed"  # refused by the endpoint, or gave up: not retried until an edit
BLOCKED = "blocked"  # the guarded fetcher refused an address
RETRY = "retry"  # a temporary failure, tried again after ``next_try``
STATUSES = frozenset({SENT, RECORDED, NO_ENDPOINT, FAILED, BLOCKED, RETRY})


class StateError(ValueError):
    """The state file cannot be used (corrupt, or of an unknown shape)."""


@dataclass
class TargetState:
    """The outcome of the last notification of one target."""

    status: str
    reason: str = ""
    attempts: int = 0
    next_try: str | None = None  # ISO 8601 UTC, for RETRY only
    linked: bool = True  # False once the source dropped the link


@dataclass
class SourceState:
    """One post or page of ours, as last sent."""

    save_as: str
    title: str
    digest: str
    deleted: bool = False
    targets: dict[str, TargetState] = field(default_factory=dict)


@dataclass
class State:
    """Every source we ever sent for."""

    sources: dict[str, SourceState] = field(default_factory=dict)

    def to_json(self) -> str:
        """Serialise in a stable order (diff-friendly)."""
        data = {
            "version": VERSION,
            "sources": {k: asdict(v) for k, v in self.sources.items()},
        }
        return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> State:
        """Parse and check a state file's text; raise :class:`StateError`."""
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise StateError(f"not JSON ({exc})") from None
        if not isinstance(data, dict) or data.get("version") != VERSION:
            raise StateError("unknown format or version")
        sources = data.get("sources")
        if not isinstance(sources, dict):
            raise StateError("no 'sources' mapping")
        state = cls()
        for url, raw in sources.items():
            state.sources[url] = _source(url, raw)
        return state


def _source(url: str, raw: Any) -> SourceState:
    try:
        targets = {
            str(t): TargetState(**v) for t, v in dict(raw.pop("targets")).items()
        }
        source = SourceState(**raw, targets=targets)
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        raise StateError(f"bad entry for {url}: {exc}") from None
    if not all(
        isinstance(v, str) for v in (source.save_as, source.title, source.digest)
    ) or any(t.status not in STATUSES for t in source.targets.values()):
        raise StateError(f"bad entry for {url}")
    return source


@dataclass
class Loaded:
    """A state and what loading it took: first run, recovery, set-aside file."""

    state: State
    first_run: bool = False
    notice: str = ""


def load(path: Path, now: datetime | None = None) -> Loaded:
    """Read the state at *path*, recovering from a corrupt file.

    A missing file means a first run. A corrupt one is renamed to
    ``<name>.corrupt-<UTC time>``; then the backup is used if it is good,
    otherwise the state is rebuilt (treated as a first run).
    """
    if not path.exists():
        return Loaded(State(), first_run=True)
    try:
        return Loaded(State.from_json(path.read_text("utf-8")))
    except (StateError, UnicodeDecodeError) as exc:
        problem = str(exc)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    os.replace(path, aside)
    backup = backup_path(path)
    try:
        state = State.from_json(backup.read_text("utf-8"))
    except (OSError, StateError, UnicodeDecodeError):
        notice = (
            f"state file {path} is corrupt ({problem}); set aside as {aside.name}, "
            "no usable backup: rebuilt like a first run"
        )
        return Loaded(State(), first_run=True, notice=notice)
    notice = (
        f"state file {path} is corrupt ({problem}); set aside as {aside.name}, "
        f"restored from {backup.name}"
    )
    return Loaded(state, notice=notice)


def backup_path(path: Path) -> Path:
    """Where the previous good state is kept."""
    return path.with_name(path.name + ".bak")


def save(path: Path, state: State) -> None:
    """Write *state* atomically, keeping the previous good file as the backup."""
    if path.exists():
        try:
            previous = path.read_bytes()
            State.from_json(previous.decode("utf-8"))
        except (StateError, UnicodeDecodeError):
            pass
        else:
            atomic.write_bytes(backup_path(path), previous)
    atomic.write_text(path, state.to_json())
