"""Deciding what to send (pure): compare the build's manifest with the state.

- a new post notifies all its targets;
- an edited post notifies its old and new targets (Webmention §3.1.4);
- a deleted post notifies every target it had (§3.1.5) from its tombstone;
- an unchanged post notifies nothing, except targets due for a retry;
- the first run without a state records every link and sends nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pelican_plugins.linkbacks.manifest import Manifest, Source
from pelican_plugins.linkbacks.state import (
    FAILED,
    RECORDED,
    RETRY,
    SourceState,
    State,
    TargetState,
)

NEW, EDITED, DELETED, NEW_LINK, RETRYING = (
    "new post",
    "edited",
    "deleted",
    "new link",
    "retry",
)
MAX_ATTEMPTS = 5
FIRST_DELAY = timedelta(hours=1)


@dataclass(frozen=True)
class Job:
    """One notification to make: *source* mentions (or mentioned) *target*."""

    source: str
    target: str
    reason: str
    deleted: bool = False


@dataclass(frozen=True)
class Outcome:
    """What became of one job."""

    status: str
    reason: str = ""


@dataclass
class Plan:
    """The jobs of one run, and what was left alone and why (for --dry-run)."""

    jobs: list[Job] = field(default_factory=list)
    unchanged: dict[str, list[str]] = field(default_factory=dict)
    first_run: bool = False
    recorded: int = 0


def retry_delay(attempts: int) -> timedelta:
    """Backoff before the next try: 1 h, 4 h, 16 h, 64 h."""
    return FIRST_DELAY * 4 ** max(attempts - 1, 0)


def _due(target: TargetState, now: datetime) -> bool:
    if target.status != RETRY:
        return False
    return target.next_try is None or datetime.fromisoformat(target.next_try) <= now


def _source_jobs(
    source: Source, old: SourceState | None, now: datetime, send_all: bool
) -> tuple[list[Job], list[str]]:
    """Jobs for one current post, and its targets left alone."""
    if old is None or send_all:
        return [Job(source.url, t, NEW) for t in source.targets], []
    if old.deleted or old.digest != source.digest:
        targets = dict.fromkeys([*old.targets, *source.targets])
        return [Job(source.url, t, EDITED) for t in targets], []
    jobs, left = [], []
    for target in dict.fromkeys([*source.targets, *old.targets]):
        known = old.targets.get(target)
        if known is None:
            jobs.append(Job(source.url, target, NEW_LINK))
        elif _due(known, now):
            jobs.append(Job(source.url, target, RETRYING))
        elif known.linked:
            left.append(target)
    return jobs, left


def make_plan(
    manifest: Manifest,
    state: State,
    *,
    now: datetime,
    first_run: bool = False,
    send_all: bool = False,
) -> Plan:
    """Return the jobs of this run (see the module docstring for the rules)."""
    plan = Plan(first_run=first_run and not send_all)
    if plan.first_run:
        plan.recorded = sum(len(s.targets) for s in manifest.sources)
        return plan
    current = {s.url for s in manifest.sources}
    for source in manifest.sources:
        old = state.sources.get(source.url)
        jobs, left = _source_jobs(source, old, now, send_all)
        plan.jobs += jobs
        if left:
            plan.unchanged[source.url] = left
    for url, old in state.sources.items():
        if url in current:
            continue
        for target, known in old.targets.items():
            if not old.deleted:
                plan.jobs.append(Job(url, target, DELETED, deleted=True))
            elif _due(known, now):
                plan.jobs.append(Job(url, target, RETRYING, deleted=True))
    return plan


def _after(
    previous: TargetState | None, outcome: Outcome, now: datetime
) -> TargetState:
    if outcome.status != RETRY:
        return TargetState(outcome.status, outcome.reason)
    attempts = previous.attempts + 1 if previous and previous.status == RETRY else 1
    if attempts > MAX_ATTEMPTS:
        return TargetState(
            FAILED, f"gave up after {MAX_ATTEMPTS} tries: {outcome.reason}"
        )
    return TargetState(
        RETRY,
        outcome.reason,
        attempts=attempts,
        next_try=(now + retry_delay(attempts)).isoformat(timespec="seconds"),
    )


def apply(
    state: State,
    manifest: Manifest,
    plan: Plan,
    outcomes: Mapping[Job, Outcome],
    *,
    now: datetime,
) -> None:
    """Update *state* in place with this run's manifest and outcomes."""
    current = {s.url: s for s in manifest.sources}
    for source in manifest.sources:
        entry = state.sources.get(source.url)
        if entry is None:
            entry = state.sources[source.url] = SourceState(
                source.save_as, source.title, source.digest
            )
        entry.save_as, entry.title = source.save_as, source.title
        entry.digest, entry.deleted = source.digest, False
        linked = set(source.targets)
        for target in source.targets:
            if target not in entry.targets and plan.first_run:
                entry.targets[target] = TargetState(RECORDED)
        for target, known in entry.targets.items():
            known.linked = target in linked
    for job in plan.jobs:
        entry = state.sources[job.source]
        previous = entry.targets.get(job.target)
        after = _after(previous, outcomes[job], now)
        after.linked = (
            job.source in current and job.target in current[job.source].targets
        )
        entry.targets[job.target] = after
    for url, entry in state.sources.items():
        if url not in current:
            entry.deleted = True
            continue
        entry.targets = {
            t: known
            for t, known in entry.targets.items()
            if known.linked or known.status == RETRY
        }
