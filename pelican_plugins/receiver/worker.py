"""The verification worker: threads inside the service, the queue in SQLite.

A queued mention is leased (``next_attempt`` moved past the lease), fetched
through the one guarded fetcher, and finished as verified, failed or deleted.
A crash mid-fetch loses nothing: the lease runs out and the row is due again.
Fetches to one source host are at least ``host_interval`` seconds apart, so
the service cannot be made to flood anyone (D8).
"""

from __future__ import annotations

from collections.abc import Callable
import contextlib
import logging
import sqlite3
import threading
import time
from typing import Any
from urllib.parse import urlsplit

from pelican_plugins import net
from pelican_plugins.receiver import db as queue
from pelican_plugins.receiver.config import Config
from pelican_plugins.receiver.db import Database
from pelican_plugins.receiver.verify import examine, response_for
from pelican_plugins.responses.sanitize import Verdict, linkback_source

logger = logging.getLogger(__name__)

LEASE = 120.0
ACCEPT = "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.5"


class Worker:
    """Verify queued mentions in ``config.workers`` background threads."""

    def __init__(
        self,
        db: Database,
        config: Config,
        policy: net.Policy | None = None,
        on_pending: Callable[[Any], None] | None = None,
    ) -> None:
        self.db = db
        self.config = config
        self.policy = policy or net.Policy(allow_private=config.allow_private)
        self.on_pending = on_pending
        self._host_free: dict[str, float] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Start the threads."""
        for n in range(self.config.workers):
            thread = threading.Thread(
                target=self._run, name=f"receiver-verify-{n}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Stop the threads (a fetch in flight ends within its deadline)."""
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(self.policy.deadline + 1)
        self._threads.clear()

    def wake(self) -> None:
        """Look at the queue now rather than at the next poll."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                worked = self.run_once()
            except sqlite3.Error as error:
                logger.error("receiver: verifier store error: %s", error)
                worked = False
            if not worked:
                self._wake.wait(0.5)
                self._wake.clear()

    def claim(self, now: float) -> dict[str, Any] | None:
        """Lease the next due row whose source host may be fetched now."""
        with self._lock:
            busy: dict[float, list[int]] = {}
            chosen = None
            for row in self.db.due(now):
                host = urlsplit(row["source"]).hostname or ""
                free = self._host_free.get(host, 0.0)
                if free > now:
                    busy.setdefault(free, []).append(row["id"])
                    continue
                if self.db.lease(row["id"], now + LEASE):
                    self._host_free[host] = now + self.config.host_interval
                    chosen = row
                    break
            for until, ids in busy.items():
                self.db.postpone(ids, until)
            return chosen

    def run_once(self) -> bool:
        """Verify one due mention; False when none is due."""
        row = self.claim(time.time())
        if row is None:
            return False
        self.verify(row)
        return True

    def verify(self, row: dict[str, Any]) -> None:
        """Fetch the source and record what it says (verified, failed or deleted)."""
        now = time.time()
        if linkback_source(row["source"]).verdict is not Verdict.OK:
            # queued as sent, so its answer told nothing, and never fetched
            self.db.finish(row["id"], queue.FAILED, now, reason="refused source URL")
            return
        try:
            answer = net.fetch(
                row["source"], headers={"Accept": ACCEPT}, policy=self.policy
            )
        except (net.Deadline, net.NetworkError) as error:
            if row["attempts"] + 1 < self.config.max_attempts:
                self.db.finish(row["id"], queue.QUEUED, now, reason=error.reason)
                self.db.postpone([row["id"]], now + 60 * 2 ** row["attempts"])
            else:
                self.db.finish(row["id"], queue.FAILED, now, reason=error.reason)
            return
        except net.FetchError as error:  # refused address, redirect loop: final
            self.db.finish(row["id"], queue.FAILED, now, reason=error.reason)
            return
        if answer.status == 410:
            self._gone(row, now, 410, "the source is gone (410)")
            return
        if not 200 <= answer.status < 300:
            self.db.finish(
                row["id"],
                queue.FAILED,
                now,
                http_status=answer.status,
                reason=f"the source answered {answer.status}",
            )
            return
        evidence = examine(answer.body, answer.content_type, answer.url, row["target"])
        if evidence is None:
            if row["response_id"]:
                self._gone(row, now, answer.status, "the source no longer links")
            else:
                self.db.finish(
                    row["id"],
                    queue.FAILED,
                    now,
                    http_status=answer.status,
                    reason="the source does not link to the target",
                )
            return
        item = response_for(row, evidence)
        report = self.db.store.merge([item])
        self.db.finish(
            row["id"],
            queue.VERIFIED,
            now,
            http_status=answer.status,
            reason=None,
            response_id=item.id,
            author_name=evidence.author_name,
            author_url=evidence.author_url,
            author_photo=evidence.author_photo,
            kind=item.kind,
        )
        if report.created and self.on_pending is not None:
            self.on_pending(item)

    def _gone(self, row: dict[str, Any], now: float, status: int, why: str) -> None:
        """Mark the mention deleted and take its item out of the public file (D14)."""
        if row["response_id"]:
            with contextlib.suppress(KeyError):  # already deleted by a moderator
                self.db.store.delete(row["response_id"])
        self.db.finish(row["id"], queue.DELETED, now, http_status=status, reason=why)
