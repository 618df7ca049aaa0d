"""Rebuild on approval: a configured command, debounced, one run at a time.

Approvals call :meth:`Rebuilder.request`; the run starts once no request has
come for ``delay`` seconds, so approving ten comments builds once. Requests
during a run cause exactly one more run. The last result is shown on the
moderation page.
"""

from __future__ import annotations

from datetime import UTC, datetime
import logging
import subprocess
import threading
import time

logger = logging.getLogger(__name__)

TIMEOUT = 1800


class Rebuilder:
    """Run *command* (no shell) in a background thread after approvals."""

    def __init__(self, command: tuple[str, ...], delay: float) -> None:
        self.command = tuple(command)
        self.delay = delay
        self._wanted = threading.Condition()
        self._requested_at: float | None = None
        self._stop = False
        self._status = "no rebuild yet"
        self._thread = threading.Thread(
            target=self._run, name="receiver-rebuild", daemon=True
        )
        self._thread.start()

    def request(self) -> None:
        """Ask for a rebuild (debounced)."""
        with self._wanted:
            self._requested_at = time.monotonic()
            if not self._status.startswith("running"):
                self._status = "scheduled"
            self._wanted.notify()

    def status(self) -> str:
        """Return one line about the last or current run."""
        with self._wanted:
            return self._status

    def stop(self) -> None:
        """Stop the thread (a running command is left to finish)."""
        with self._wanted:
            self._stop = True
            self._wanted.notify()
        self._thread.join(1)

    def _next(self) -> bool:
        """Wait for a request, then for ``delay`` quiet seconds; False when stopping."""
        with self._wanted:
            while self._requested_at is None and not self._stop:
                self._wanted.wait()
            while not self._stop:
                quiet = time.monotonic() - (self._requested_at or 0)
                if quiet >= self.delay:
                    break
                self._wanted.wait(self.delay - quiet)
            self._requested_at = None
            if not self._stop:
                self._status = "running since " + _now()
            return not self._stop

    def _run(self) -> None:
        while self._next():
            try:
                done = subprocess.run(
                    self.command, capture_output=True, timeout=TIMEOUT, check=False
                )
            except (OSError, subprocess.TimeoutExpired) as error:
                result = f"failed at {_now()}: {error}"
            else:
                tail = done.stderr.decode("utf-8", "replace").strip().splitlines()
                result = (
                    f"succeeded at {_now()}"
                    if done.returncode == 0
                    else f"failed at {_now()} (exit {done.returncode})"
                    + (f": {tail[-1][:200]}" if tail else "")
                )
            logger.info("receiver: rebuild %s", result)
            with self._wanted:
                self._status = result


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
