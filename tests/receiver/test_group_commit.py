"""Group commit: every writer gets its own result after its batch, batches share."""

from __future__ import annotations

from pathlib import Path
import sqlite3
import threading
import time

import pytest

from pelican_plugins.receiver.db import Database, _GroupCommit


class Recorder:
    """A commit function that records its batches and can be told to fail."""

    def __init__(self, pause: float = 0.0, fail: bool = False) -> None:
        self.batches: list[list[tuple]] = []
        self.pause = pause
        self.fail = fail

    def __call__(self, items: list[tuple]) -> list[str]:
        self.batches.append(list(items))
        time.sleep(self.pause)
        if self.fail:
            raise OSError("disk full")
        return [f"row {item[0]}" for item in items]


def test_a_lone_writer_does_not_wait() -> None:
    group, commit = _GroupCommit(delay=5.0), Recorder()
    started = time.monotonic()
    with group.coming():
        assert group.submit((1,), commit) == "row 1"
    assert time.monotonic() - started < 1.0
    assert commit.batches == [[(1,)]]


def test_announced_writers_share_one_commit_and_get_their_own_results() -> None:
    group, commit = _GroupCommit(delay=2.0), Recorder()
    results: dict[int, str] = {}
    ready = threading.Barrier(8)

    def writer(n: int) -> None:
        with group.coming():
            ready.wait()  # all eight have announced themselves
            time.sleep(0.01 * n)  # and arrive one after another
            results[n] = group.submit((n,), commit)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results == {n: f"row {n}" for n in range(8)}
    assert sorted(item for batch in commit.batches for item in batch) == [
        (n,) for n in range(8)
    ]
    assert len(commit.batches) < 8  # the leader waited for announced writers


def test_a_withdrawn_announcement_does_not_hold_the_leader() -> None:
    group, commit = _GroupCommit(delay=5.0), Recorder()
    with group.coming():
        pass  # a request refused by its checks
    started = time.monotonic()
    with group.coming():
        group.submit((1,), commit)
    assert time.monotonic() - started < 1.0


def test_a_failed_commit_fails_every_member_of_its_batch() -> None:
    group, commit = _GroupCommit(), Recorder(pause=0.2, fail=True)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            group.submit((n,), commit)
        except OSError as error:
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(errors) == 4
    with pytest.raises(OSError, match="disk full"):
        group.submit((9,), commit)


def test_a_failed_batch_leaves_the_store_writable(tmp_path: Path) -> None:
    """Batches share one writer connection: a failure must not wedge it."""
    db = Database(tmp_path / "r.sqlite3", tmp_path / "responses")
    post = "https://blog.example/2019/03/first-lesson/"
    first = db.enqueue("webmention", "https://a.example/", post, "k", ip="", now=1.0)
    # The store refuses one row (as a full disk would): only its batch fails.
    db._batch_writer().execute(
        "CREATE TEMP TRIGGER refuse AFTER INSERT ON mentions"
        " WHEN NEW.source LIKE '%refused%'"
        " BEGIN SELECT RAISE(FAIL, 'refused'); END"
    )
    with pytest.raises(sqlite3.IntegrityError, match="refused"):
        db.enqueue("webmention", "https://refused.example/", post, "k", ip="", now=2.0)
    second = db.enqueue("webmention", "https://b.example/", post, "k", ip="", now=3.0)
    db.close()
    with sqlite3.connect(tmp_path / "r.sqlite3") as conn:
        rows = conn.execute("SELECT id, source FROM mentions ORDER BY id").fetchall()
    assert rows == [(first, "https://a.example/"), (second, "https://b.example/")]
