"""Command line: ``python -m pelican_plugins.linkbacks send|tombstones``.

Exit codes: 0 the run completed (failed targets are listed and kept for a
retry); 2 bad arguments or input (no manifest, a development build, an
unreadable state file); 3 the state could not be saved.
"""

from __future__ import annotations

import argparse
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
import sys

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from pelican_plugins import net
from pelican_plugins.linkbacks import manifest as manifests
from pelican_plugins.linkbacks import plan as plans
from pelican_plugins.linkbacks import send, serverlines
from pelican_plugins.linkbacks import state as states
from pelican_plugins.linkbacks.settings import DEFAULT_STATE_FILE

OK, BAD_INPUT, NOT_SAVED = 0, 2, 3
PROG = "python -m pelican_plugins.linkbacks"

LABELS = {
    states.SENT: "sent",
    states.NO_ENDPOINT: "no endpoint",
    states.FAILED: "failed",
    states.RETRY: "failed, will retry later",
    states.BLOCKED: "blocked",
}


def parser() -> argparse.ArgumentParser:
    """Build the command-line interface."""
    top = argparse.ArgumentParser(
        prog=PROG, description="Send webmentions and pingbacks for the built site."
    )
    sub = top.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("send", help="notify every page our posts link to")
    cmd.add_argument("--output", type=Path, default=Path("output"), help="built site")
    cmd.add_argument(
        "--state",
        type=Path,
        default=Path(DEFAULT_STATE_FILE),
        help=f"what was sent so far (default {DEFAULT_STATE_FILE})",
    )
    cmd.add_argument("--dry-run", action="store_true", help="print, send nothing")
    cmd.add_argument(
        "--all",
        action="store_true",
        dest="send_all",
        help="send for every post, even on a first run or when already sent",
    )
    cmd.add_argument(
        "--allow-private-addresses",
        action="store_true",
        help="TESTS ONLY: let requests reach loopback and private addresses",
    )
    gone = sub.add_parser(
        "tombstones", help="print web server lines that answer 410 for deleted posts"
    )
    gone.add_argument("--output", type=Path, default=Path("output"), help="built site")
    gone.add_argument("--format", choices=serverlines.FORMATS, default=None)
    return top


def _say(console: Console, text: str) -> None:
    """Print plain text: no markup, no colouring, never wrapped mid-URL."""
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def _error(err: Console, message: str) -> None:
    _say(err, f"linkbacks: error: {message}")


def _dry_run(out: Console, plan: plans.Plan) -> None:
    if plan.first_run:
        _say(
            out,
            f"first run: {plan.recorded} links would be recorded as already sent; "
            "nothing would be sent (--all sends them)",
        )
        return
    by_source: dict[str, list[plans.Job]] = {}
    for job in plan.jobs:
        by_source.setdefault(job.source, []).append(job)
    for source in sorted({*by_source, *plan.unchanged}):
        _say(out, source)
        for job in by_source.get(source, []):
            _say(out, f"  send to {job.target} ({job.reason})")
        for target in plan.unchanged.get(source, []):
            _say(out, f"  skip {target} (already sent)")
    _say(out, f"{len(plan.jobs)} to send")


def _summary(
    out: Console, plan: plans.Plan, outcomes: dict[plans.Job, plans.Outcome]
) -> None:
    counts = Counter(o.status for o in outcomes.values())
    table = Table(title="Linkbacks")
    table.add_column("Result")
    table.add_column("Count", justify="right")
    table.add_row("sent", str(counts[states.SENT]))
    table.add_row("already sent", str(sum(len(v) for v in plan.unchanged.values())))
    for status in (states.NO_ENDPOINT, states.FAILED, states.RETRY, states.BLOCKED):
        table.add_row(LABELS[status], str(counts[status]))
    out.print(table)
    problems = [
        (job, o)
        for job, o in outcomes.items()
        if o.status in (states.FAILED, states.RETRY, states.BLOCKED)
    ]
    if problems:
        detail = Table(title="Not sent")
        for name in ("Source", "Target", "Result", "Reason"):
            detail.add_column(name, overflow="fold")
        for job, o in sorted(problems, key=lambda p: (p[0].source, p[0].target)):
            detail.add_row(job.source, job.target, LABELS[o.status], o.reason)
        out.print(detail)


def _send(args: argparse.Namespace, out: Console, err: Console) -> int:
    try:
        manifest = manifests.read(args.output)
    except manifests.ManifestError as exc:
        _error(err, str(exc))
        return BAD_INPUT
    now = datetime.now(UTC)
    try:
        loaded = states.load(args.state, now)
    except OSError as exc:
        _error(err, f"cannot read state file {args.state}: {exc.strerror or exc}")
        return BAD_INPUT
    if loaded.notice:
        _say(err, f"linkbacks: warning: {loaded.notice}")
    plan = plans.make_plan(
        manifest,
        loaded.state,
        now=now,
        first_run=loaded.first_run,
        send_all=args.send_all,
    )
    if args.dry_run:
        _dry_run(out, plan)
        return OK
    allow = args.allow_private_addresses or manifest.allow_private_addresses
    if allow:
        _say(err, "linkbacks: warning: private addresses allowed (tests only)")
    outcomes: dict[plans.Job, plans.Outcome] = {}
    if plan.jobs:
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=err) as progress:
            task = progress.add_task("Sending linkbacks", total=len(plan.jobs))
            outcomes = send.run(
                plan.jobs,
                net.Policy(allow_private=allow),
                on_done=lambda job, outcome: progress.advance(task),
            )
    plans.apply(loaded.state, manifest, plan, outcomes, now=now)
    try:
        states.save(args.state, loaded.state)
    except OSError as exc:
        _error(err, f"cannot save state file {args.state}: {exc.strerror or exc}")
        return NOT_SAVED
    if plan.first_run:
        _say(
            out,
            f"first run: recorded {plan.recorded} links of {len(manifest.sources)} "
            "posts and pages as already sent; nothing was sent (--all sends them)",
        )
        return OK
    _summary(out, plan, outcomes)
    return OK


def _tombstones(args: argparse.Namespace, err: Console) -> int:
    try:
        manifest = manifests.read(args.output)
    except manifests.ManifestError as exc:
        _error(err, str(exc))
        return BAD_INPUT
    formats = [args.format] if args.format else list(serverlines.FORMATS)
    for fmt in formats:
        if len(formats) > 1:
            sys.stdout.write(f"# --- {fmt} ---\n")
        sys.stdout.write(serverlines.server_lines(manifest.tombstones, fmt))
    return OK


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = parser().parse_args(argv)
    out, err = Console(), Console(stderr=True)
    if args.command == "send":
        return _send(args, out, err)
    return _tombstones(args, err)
