"""The response store against a real SQLite file: merge, privacy, atomicity, keys."""

from __future__ import annotations

from dataclasses import replace
import json
import os
from pathlib import Path
import sqlite3
import subprocess
import sys

import pytest

from pelican_plugins.responses.model import PUBLIC_FIELDS, Response
from pelican_plugins.responses.store import ResponseStore, load_public


def make(n: int, key: str = "first-post", **over: object) -> Response:
    values: dict = {
        "id": f"wp-example.org-{n}",
        "key": key,
        "type": "comment",
        "status": "approved",
        "parent": None,
        "author_name": f"Reader {n}",
        "author_url": "https://reader.example/",
        "date": f"2020-01-{n % 28 + 1:02d}T10:00:00Z",
        "content_html": f"<p>Comment {n}</p>",
        "author_email": f"reader{n}@mail.example",
        "author_ip": "192.0.2.7",
        "raw_content": f"Comment {n}",
        "origin": "wxr",
        "extra": {"post_id": 7},
    }
    values.update(over)
    return Response(**values)


@pytest.fixture
def paths(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "content" / "responses", tmp_path / "var" / "responses.sqlite3"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.json"))}


def test_merge_is_idempotent_and_byte_stable(paths: tuple[Path, Path]) -> None:
    items = [make(n) for n in range(5)] + [make(9, key="other")]
    with ResponseStore(*paths) as store:
        first = store.merge(items)
        assert (first.created, first.updated, first.unchanged) == (6, 0, 0)
        assert first.touched_keys == {"first-post", "other"}
        before = snapshot(paths[0])
        mtimes = {p: p.stat().st_mtime_ns for p in paths[0].iterdir()}
        second = store.merge(iter(items))  # a generator works too
        assert (second.created, second.updated, second.unchanged) == (0, 0, 6)
        assert second.touched_keys == set()
        assert snapshot(paths[0]) == before
        assert {p: p.stat().st_mtime_ns for p in paths[0].iterdir()} == mtimes
        third = store.merge([make(1, content_html="<p>edited</p>")])
        assert (third.created, third.updated, third.unchanged) == (0, 1, 0)
        assert "edited" in (paths[0] / "first-post.json").read_text()


def test_public_file_holds_only_approved_public_fields(
    paths: tuple[Path, Path],
) -> None:
    items = [
        make(1),
        make(2, status="pending", content_html="<p>PENDING-TEXT</p>"),
        make(3, status="spam"),
        make(4, status="trash"),
        make(
            5,
            date="2019-05-01T00:00:00Z",
            type="pingback",
            source_url="https://s.example/",
        ),
    ]
    with ResponseStore(*paths) as store:
        store.merge(items)
    path = paths[0] / "first-post.json"
    text = path.read_text(encoding="utf-8")
    obj = json.loads(text)
    assert text == json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert obj["key"] == "first-post"
    assert [r["id"] for r in obj["responses"]] == [
        "wp-example.org-5",
        "wp-example.org-1",
    ]
    for response in obj["responses"]:
        assert set(response) == set(PUBLIC_FIELDS)
    for secret in (
        "@mail.example",
        "192.0.2.7",
        "PENDING-TEXT",
        "status",
        "wxr",
        "post_id",
    ):
        assert secret not in text
    assert load_public(paths[0], "first-post") == obj["responses"]
    assert load_public(paths[0], "no-such-post") == []


def test_private_store_keeps_everything(paths: tuple[Path, Path]) -> None:
    with ResponseStore(*paths) as store:
        store.merge([make(1), make(2, status="pending")])
        assert store.get("wp-example.org-2") == make(2, status="pending")
        assert [r.id for r in store.list("pending")] == ["wp-example.org-2"]
        assert len(store.list()) == 2
    # a fresh connection on the same file sees the same rows
    with ResponseStore(*paths) as store:
        assert store.get("wp-example.org-1").author_email == "reader1@mail.example"


_WRITER = """
import sys
from pathlib import Path
from pelican_plugins.responses.store import ResponseStore
from tests.test_responses_store import make
folder, db, first = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
with ResponseStore(folder, db) as store:
    for n in range(first, first + 100):
        # One item at a time, all on one post: every merge rewrites one file.
        store.merge([make(n, key="shared-post")])
"""


def test_two_writers_at_once_both_finish_and_the_store_keeps_everything(
    paths: tuple[Path, Path],
) -> None:
    # Two imports (or an import and a moderator) on one store at the same time:
    # neither dies with "database is locked", and no item of either is lost.
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(paths[0]), str(paths[1]), str(first)],
            cwd=Path(__file__).resolve().parents[1],
            stderr=subprocess.PIPE,
            text=True,
        )
        for first in (0, 1000)
    ]
    for writer in writers:
        _, errors = writer.communicate(timeout=120)
        assert writer.returncode == 0, errors
    with ResponseStore(*paths) as store:
        assert len(store.list()) == 200
        assert {r.id for r in store.list()} == {
            f"wp-example.org-{n}"
            for first in (0, 1000)
            for n in range(first, first + 100)
        }
    with sqlite3.connect(paths[1]) as check:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # What the site shows: every approved item of both writers is public.
    public = {record["id"] for record in load_public(paths[0], "shared-post")}
    assert len(public) == 200


_OPENER = """
import sys
from pathlib import Path
from pelican_plugins.responses.store import ResponseStore
with ResponseStore(Path(sys.argv[1]), Path(sys.argv[2])) as store:
    store.list()
"""


def test_many_processes_opening_a_new_store_at_once_all_succeed(
    paths: tuple[Path, Path],
) -> None:
    # The receiver, `moderate` and an import may all be first to open the file.
    openers = [
        subprocess.Popen(
            [sys.executable, "-c", _OPENER, str(paths[0]), str(paths[1])],
            cwd=Path(__file__).resolve().parents[1],
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    for opener in openers:
        _, errors = opener.communicate(timeout=120)
        assert opener.returncode == 0, errors


def test_moderation_moves_items_between_stores(paths: tuple[Path, Path]) -> None:
    public = paths[0] / "first-post.json"
    with ResponseStore(*paths) as store:
        store.merge([make(1, status="pending")])
        assert not public.exists()  # nothing approved yet, no file
        approved = store.set_status("wp-example.org-1", "approved")
        assert approved.status == "approved"
        assert "Comment 1" in public.read_text()
        # a re-import of the old pending state does not undo the moderator
        store.merge([make(1, status="pending")])
        assert store.get("wp-example.org-1").status == "approved"
        store.set_status("wp-example.org-1", "spam")
        assert not public.exists()
        store.delete("wp-example.org-1")
        gone = store.get("wp-example.org-1")  # a tombstone: nothing of it is left
        assert (gone.status, gone.content_html, gone.author_email) == (
            "deleted",
            "",
            None,
        )
        store.merge([make(1, status="approved")])  # a re-import keeps it deleted
        assert store.get("wp-example.org-1").status == "deleted"
        assert not public.exists()
        with pytest.raises(KeyError):
            store.set_status("wp-example.org-1", "approved")
        with pytest.raises(ValueError, match="status"):
            store.set_status("x", "published")


@pytest.mark.parametrize(
    "key", ["../escape", "a/b", "/etc/passwd", "..", ".hidden", "", "a\\b", "x\x00y"]
)
def test_keys_that_could_escape_are_rejected(
    paths: tuple[Path, Path], key: str
) -> None:
    with ResponseStore(*paths) as store:
        with pytest.raises(ValueError):
            store.merge([make(1, key=key)])
        assert store.list() == []  # the whole batch rolled back
    with pytest.raises(ValueError):
        load_public(paths[0], key)
    assert not list(paths[0].parent.parent.rglob("*.json"))


@pytest.mark.parametrize(
    "change",
    [
        {"id": "WP/../1"},
        {"type": "like"},
        {"status": "published"},
        {"date": "2020-01-01 10:00"},
        {"parent": "../x"},
    ],
)
def test_invalid_items_are_rejected(paths: tuple[Path, Path], change: dict) -> None:
    with ResponseStore(*paths) as store, pytest.raises(ValueError):
        store.merge([make(1), replace(make(2), **change)])


def test_crash_mid_write_keeps_the_old_file(
    paths: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:  # F2
    with ResponseStore(*paths) as store:
        store.merge([make(1)])
        public = paths[0] / "first-post.json"
        before = public.read_bytes()

        real_fsync = os.fsync

        def crash(fd: int) -> None:
            raise OSError("disk gone")

        monkeypatch.setattr(os, "fsync", crash)
        with pytest.raises(OSError, match="disk gone"):
            store.merge([make(1, content_html="<p>new</p>")])
        monkeypatch.setattr(os, "fsync", real_fsync)
        assert public.read_bytes() == before
        assert [p.name for p in paths[0].iterdir()] == [
            "first-post.json"
        ]  # no temp left
        # the database committed; running the same merge again repairs the file
        store.merge([make(1, content_html="<p>new</p>")])
        assert "new" in public.read_text()


def test_malformed_public_file_is_reported_by_name(paths: tuple[Path, Path]) -> None:
    paths[0].mkdir(parents=True)
    (paths[0] / "broken.json").write_text('{"key": "broken", "responses": [', "utf-8")
    with pytest.raises(ValueError, match=r"broken\.json"):
        load_public(paths[0], "broken")
    (paths[0] / "odd.json").write_text(
        '{"responses": [{"id": "a", "email": 1}]}', "utf-8"
    )
    with pytest.raises(ValueError, match=r"odd\.json"):
        load_public(paths[0], "odd")


def test_bulk_merge_touches_every_key_once(paths: tuple[Path, Path]) -> None:
    items = [make(n, key=f"post-{n % 50}") for n in range(2000)]
    with ResponseStore(*paths) as store:
        report = store.merge(items)
        assert report.created == 2000
        assert len(list(paths[0].glob("*.json"))) == 50
        assert len(store.list()) == 2000
        public = [load_public(paths[0], f"post-{n}") for n in range(50)]
        assert sum(map(len, public)) == 2000


def test_bulk_merge_without_per_file_fsync_writes_the_same_bytes(
    paths: tuple[Path, Path], tmp_path: Path
) -> None:
    items = [make(n, key=f"post-{n % 7}") for n in range(60)]
    with ResponseStore(*paths) as store:
        store.merge(items)
        durable = snapshot(paths[0])
    other = (tmp_path / "bulk" / "responses", tmp_path / "bulk" / "db.sqlite3")
    with ResponseStore(*other) as store:
        store.merge(items, durable=False)
    assert snapshot(other[0]) == durable
    assert not [p for p in other[0].iterdir() if p.name.startswith(".")]
