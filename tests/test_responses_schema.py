"""The store's schema version: in-place upgrade of a store made by the first release."""

from __future__ import annotations

from dataclasses import replace
import json
from pathlib import Path
import shutil
import sqlite3

import pytest

from pelican_plugins.responses import schema
from pelican_plugins.responses.model import Response
from pelican_plugins.responses.store import ResponseStore, load_public
from tests.test_responses_site import item

FIXTURE = Path(__file__).parent / "fixtures" / "receiver" / "responses-v0.sqlite3"


def rows(db_path: Path) -> list[tuple]:
    with sqlite3.connect(db_path) as db:
        return db.execute("SELECT * FROM responses ORDER BY id").fetchall()


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    path = tmp_path / "var" / "responses.sqlite3"
    path.parent.mkdir()
    shutil.copyfile(FIXTURE, path)
    return path


def test_first_release_store_upgrades_in_place_with_nothing_lost(
    old_store: Path, tmp_path: Path
) -> None:
    before = rows(old_store)
    assert len(before) == 4
    folder = tmp_path / "content" / "responses"
    with ResponseStore(folder, old_store) as store:
        assert [r.id for r in store.list("pending")] == ["wp-oldblog.example-13"]
        ruth = store.get("wp-oldblog.example-12")
        assert ruth is not None
        assert ruth.author_name == "Ruth Ödegaard"
        assert ruth.author_email == "ruth@example.org"
        assert ruth.extra == {"wp_comment_id": 12}
        assert ruth.kind is None
        store.export()
    after = rows(old_store)
    assert [row[:-1] for row in after] == [tuple(row) for row in before]
    assert [row[-1] for row in after] == [None] * 4  # the new column, empty
    with sqlite3.connect(old_store) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    public = load_public(folder, "first-lesson")
    assert [item["id"] for item in public] == [
        "wp-oldblog.example-12",
        "wp-oldblog.example-14",
    ]
    assert all("kind" not in item for item in public)
    assert not (folder / "second-lesson.json").exists()  # spam stays private


def test_upgraded_store_keeps_the_moderators_decisions(
    old_store: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "responses"
    with ResponseStore(folder, old_store) as store:
        spam = store.get("wp-oldblog.example-15")
        assert spam is not None
        store.merge([replace(spam, status="approved", content_html="<p>again</p>")])
        assert store.get("wp-oldblog.example-15").status == "spam"


def test_fresh_and_upgraded_stores_have_the_same_schema(
    old_store: Path, tmp_path: Path
) -> None:
    ResponseStore(tmp_path / "a", old_store).close()
    ResponseStore(tmp_path / "b", tmp_path / "fresh.sqlite3").close()

    def shape(path: Path) -> list[tuple]:
        with sqlite3.connect(path) as db:
            return db.execute(
                "SELECT type, name, tbl_name FROM sqlite_master ORDER BY name"
            ).fetchall()

    assert shape(old_store) == shape(tmp_path / "fresh.sqlite3")
    with sqlite3.connect(old_store) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(responses)")]
    assert columns[-1] == "kind"
    assert {"id", "moderated", "author_email"} <= set(columns)


def test_two_opens_upgrade_once_and_reopening_changes_nothing(old_store: Path) -> None:
    first = schema.connect(old_store)
    second = schema.connect(old_store)
    for db in (first, second):
        assert db.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION
    assert schema.migrate(first) == schema.VERSION  # nothing left to do
    first.close()
    second.close()


def test_a_store_from_a_newer_release_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {schema.VERSION + 1}")
        db.execute("CREATE TABLE later (x)")
    with pytest.raises(schema.NewerStoreError, match="newer than this release"):
        ResponseStore(tmp_path / "r", path)
    with sqlite3.connect(path) as db:
        names = [row[0] for row in db.execute("SELECT name FROM sqlite_master")]
    assert names == ["later"]


def test_unique_keys_refuse_a_second_mention_of_one_post_by_one_source(
    tmp_path: Path,
) -> None:
    db = schema.connect(tmp_path / "s.sqlite3")
    insert = (
        "INSERT INTO mentions (protocol, source, target, key, received_at)"
        " VALUES (?, ?, ?, ?, ?)"
    )
    row = ("webmention", "https://a.example/p", "https://b/x/", "x", "2024")
    db.execute(insert, row)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(insert, ("pingback", *row[1:]))
    db.close()


def reply(n: int, **over: object) -> Response:
    return item(
        n,
        "post",
        id=f"wm-{n}",
        type="webmention",
        source_url=f"https://kim.example/{n}",
        **over,
    )


def test_kind_is_public_only_when_set_and_readers_ignore_unknown_fields(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "responses"
    with ResponseStore(folder, tmp_path / "s.sqlite3") as store:
        store.merge([reply(1, kind="like"), reply(2)])
    stored = json.loads((folder / "post.json").read_text("utf-8"))["responses"]
    assert stored[0]["kind"] == "like"
    assert "kind" not in stored[1]
    # a file from a newer release: an unknown field and an unknown kind
    stored[0]["mood"] = "sunny"
    stored[1]["kind"] = "applause"
    (folder / "post.json").write_text(
        json.dumps({"key": "post", "responses": stored}), "utf-8"
    )
    read = load_public(folder, "post")
    assert read[0]["kind"] == "like"
    assert "mood" not in read[0]
    assert "kind" not in read[1]


def test_an_unknown_kind_is_refused_on_the_way_in(tmp_path: Path) -> None:
    with (
        ResponseStore(tmp_path / "r", tmp_path / "s.sqlite3") as store,
        pytest.raises(ValueError, match="unknown kind"),
    ):
        store.merge([reply(1, kind="applause")])
