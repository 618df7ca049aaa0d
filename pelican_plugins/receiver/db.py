"""The receiver's side of the private store: the verification queue and form log.

Responses themselves are only ever written through ``ResponseStore``; this
module owns the two receiver tables of ``responses.schema``. Every thread gets
its own connection (SQLite connections are not shared between threads).
"""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
from pathlib import Path
import sqlite3
import threading
import time
from typing import Any

from pelican_plugins.responses import schema
from pelican_plugins.responses.model import utc_stamp
from pelican_plugins.responses.store import ResponseStore

QUEUED, VERIFIED, FAILED, DELETED = "queued", "verified", "failed", "deleted"


#: Queue a mention, or queue it again: a webmention always (an update, spec
#: §3.2.4), a pingback only when the earlier one failed or was deleted.
_UPSERT = {
    protocol: "INSERT INTO mentions (protocol, source, target, key, received_at,"
    " next_attempt, sender_ip) VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (source, key) DO UPDATE SET state = 'queued',"
    " protocol = excluded.protocol, target = excluded.target,"
    " next_attempt = excluded.next_attempt, attempts = 0, reason = NULL,"
    f" sender_ip = excluded.sender_ip {again} RETURNING id"
    for protocol, again in (
        ("webmention", ""),
        ("pingback", f"WHERE mentions.state IN ('{FAILED}', '{DELETED}')"),
    )
}


class _GroupCommit:
    """Group commit: concurrent writers share one transaction and one fsync.

    A durable commit costs an fsync whatever it holds, so the lever under load
    is rows per fsync. A writer announces itself with :meth:`coming` before its
    checks; the leader of a batch waits (at most ``delay`` seconds) while
    announced writers are still on their way, as PostgreSQL's ``commit_delay``
    does, then commits the batch. A lone writer never waits. Every writer
    returns only after its own batch is durable; leadership passes to a member
    of the next batch, so no thread commits for others forever; a failed
    commit (disk full) fails every request of that batch.
    """

    def __init__(self, delay: float = 0.005, limit: int = 256) -> None:
        self.delay = delay
        self.limit = limit
        self._lock = threading.Lock()
        self._joined = threading.Condition(self._lock)
        self._open: _Batch | None = None
        self._writing = False
        self._coming = 0
        self._local = threading.local()

    @contextlib.contextmanager
    def coming(self) -> Iterator[None]:
        """Announce a write that will probably follow (the leader may wait for it)."""
        with self._lock:
            self._coming += 1
        self._local.announced = True
        try:
            yield
        finally:
            if self._local.announced:
                self._local.announced = False
                with self._lock:
                    self._coming -= 1
                    self._joined.notify()

    def submit(self, item: tuple, commit: Any) -> Any:
        """Queue *item*; return its result once its batch is committed."""
        with self._lock:
            if getattr(self._local, "announced", False):
                self._local.announced = False
                self._coming -= 1
            if self._open is None:
                self._open = _Batch(self._lock)
            batch = self._open
            index = len(batch.items)
            batch.items.append(item)
            self._joined.notify()
            while not batch.done and (self._writing or batch is not self._open):
                batch.turn.wait()
            if not batch.done:
                self._lead(batch, commit)
        if batch.error is not None:
            raise batch.error
        return batch.results[index]

    def _lead(self, batch: _Batch, commit: Any) -> None:
        """Commit *batch* (called holding the lock, which the commit releases)."""
        self._writing = True
        deadline = time.monotonic() + self.delay
        while self._coming > 0 and len(batch.items) < self.limit:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self._joined.wait(left)
        self._open = None
        self._lock.release()
        try:
            batch.results = commit(batch.items)
        except Exception as error:  # noqa: BLE001 (re-raised by every member)
            batch.error = error
        finally:
            self._lock.acquire()
            batch.done = True
            self._writing = False
            batch.turn.notify_all()
            if self._open is not None:
                self._open.turn.notify()  # one member of the next batch leads it


class _Batch:
    def __init__(self, lock: threading.Lock) -> None:
        self.items: list[tuple] = []
        self.results: list[Any] = []
        self.error: BaseException | None = None
        self.done = False
        self.turn = threading.Condition(lock)


class Database:
    """Per-thread connections to one store, plus the queries the service needs."""

    def __init__(self, db_path: Path, responses_folder: Path) -> None:
        self.path = Path(db_path)
        self.folder = Path(responses_folder)
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()
        self._group = _GroupCommit()
        schema.connect(self.path).close()  # migrate once, before any thread starts

    @property
    def conn(self) -> sqlite3.Connection:
        """Return the calling thread's connection."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = schema.connect(self.path)
            with self._lock:
                self._all.append(db)
        return db

    @property
    def store(self) -> ResponseStore:
        """Return the calling thread's ResponseStore (the public files' only writer)."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = ResponseStore(self.folder, self.path)
            with self._lock:
                self._all.append(store)
        return store

    def close(self) -> None:
        """Close every connection opened by any thread."""
        with self._lock:
            for item in self._all:
                item.close()
            self._all.clear()
        self._local = threading.local()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One short ``BEGIN IMMEDIATE`` transaction on this thread's connection."""
        db = self.conn
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # -- the verification queue (webmentions and pingbacks) ----------------------

    def coming(self) -> contextlib.AbstractContextManager[None]:
        """Announce an :meth:`enqueue` that will probably follow (see _GroupCommit)."""
        return self._group.coming()

    def enqueue(
        self, protocol: str, source: str, target: str, key: str, *, ip: str, now: float
    ) -> int | None:
        """Queue a mention; return its id, or None for a pingback already registered.

        A webmention with the same source for the same post is queued again (an
        update, spec §3.2.4); a pingback only when the earlier one failed.
        """
        args = (protocol, source, target, key, ip, now)
        return self._group.submit(args, self._enqueue_batch)

    def _enqueue_batch(self, batch: list[tuple]) -> list[int | None]:
        """Insert a batch of mentions in one transaction: one fsync for all."""
        results: list[int | None] = []
        with self.transaction() as db:
            for protocol, source, target, key, ip, now in batch:
                row = db.execute(
                    _UPSERT[protocol],
                    (protocol, source, target, key, utc_stamp(now), now, ip),
                ).fetchone()
                results.append(None if row is None else row[0])
        return results

    def queued(self) -> int:
        """How many mentions wait for verification."""
        return self.conn.execute(
            "SELECT count(*) FROM mentions WHERE state = ?", (QUEUED,)
        ).fetchone()[0]

    def mention(self, mention_id: int) -> dict[str, Any] | None:
        """One queue row as a dict, or None."""
        cursor = self.conn.execute("SELECT * FROM mentions WHERE id = ?", (mention_id,))
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([c[0] for c in cursor.description], row, strict=True))

    def due(self, now: float, limit: int = 50) -> list[dict[str, Any]]:
        """Queued rows whose time has come, oldest first."""
        cursor = self.conn.execute(
            "SELECT * FROM mentions WHERE state = ? AND next_attempt <= ?"
            " ORDER BY next_attempt, id LIMIT ?",
            (QUEUED, now, limit),
        )
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def lease(self, mention_id: int, until: float) -> bool:
        """Take a queued row for one attempt; False if another thread took it."""
        cursor = self.conn.execute(
            "UPDATE mentions SET next_attempt = ?, attempts = attempts + 1"
            " WHERE id = ? AND state = ? AND next_attempt < ?",
            (until, mention_id, QUEUED, until),
        )
        return cursor.rowcount == 1

    def postpone(self, ids: list[int], until: float) -> None:
        """Move queued rows to a later time (a busy source host)."""
        with self.transaction() as db:
            db.executemany(
                "UPDATE mentions SET next_attempt = max(next_attempt, ?)"
                " WHERE id = ? AND state = ?",
                [(until, i, QUEUED) for i in ids],
            )

    def finish(self, mention_id: int, state: str, now: float, **values: Any) -> None:
        """Record a verification outcome (state plus any of the row's columns)."""
        names = ", ".join(f"{name} = ?" for name in values)
        sets = "state = ?, checked_at = ?" + (", " + names if names else "")
        self.conn.execute(
            f"UPDATE mentions SET {sets} WHERE id = ?",
            (state, utc_stamp(now), *values.values(), mention_id),
        )

    # -- the comment form log ----------------------------------------------------

    def recent(self, since: float, ip: str | None = None) -> int:
        """Comments received since *since* (from *ip*, or from anyone)."""
        if ip is None:
            sql, args = "SELECT count(*) FROM submissions WHERE at >= ?", (since,)
        else:
            sql = "SELECT count(*) FROM submissions WHERE ip = ? AND at >= ?"
            args = (ip, since)
        return self.conn.execute(sql, args).fetchone()[0]

    def seen(self, digest: str) -> bool:
        """Tell whether this exact comment was received before (comment_duplicate)."""
        row = self.conn.execute(
            "SELECT 1 FROM submissions WHERE digest = ?", (digest,)
        ).fetchone()
        return row is not None

    def log_submission(
        self, response_id: str, key: str, ip: str, digest: str, now: float
    ) -> bool:
        """Log a comment; False when the same comment was sent before (duplicate)."""
        try:
            self.conn.execute(
                "INSERT INTO submissions (response_id, key, ip, digest, at)"
                " VALUES (?, ?, ?, ?, ?)",
                (response_id, key, ip, digest, now),
            )
        except sqlite3.IntegrityError:
            return False
        return True

    def forget_submission(self, response_id: str) -> None:
        """Drop a log row whose comment could not be stored."""
        self.conn.execute(
            "DELETE FROM submissions WHERE response_id = ?", (response_id,)
        )

    def pending(self) -> int:
        """Items awaiting a moderator."""
        return self.conn.execute(
            "SELECT count(*) FROM responses WHERE status = 'pending'"
        ).fetchone()[0]
