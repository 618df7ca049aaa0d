"""The command line for real: exit codes, summary, --posts, kill and re-run (A15)."""

from __future__ import annotations

from pathlib import Path
import shutil
import signal

import pytest

from bench.corpus import generate
from tests.importers.wxrdoc import (
    command,
    comment,
    import_text,
    item,
    site,
    stored,
    tree_bytes,
    wxr,
)


def test_summary_and_exit_code_zero(tmp_path):
    content = site(tmp_path, "a-post")
    export = tmp_path / "export.xml"
    export.write_text(
        wxr(
            item(1, comments=[comment(1), comment(2, approved="0")]),
            item(2, title="Lost", slug="lost", comments=[comment(3)]),
        ),
        "utf-8",
    )
    db = tmp_path / "var" / "r.sqlite3"
    done = command("wordpress", export, "--content", content, "--db", db)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "imported (new)" in done.stdout
    assert "held privately" in done.stdout
    assert "'Lost'" in done.stdout  # unmatched items are listed
    assert "\x1b[" not in done.stderr  # no progress bar without a terminal
    assert db.exists() and (content / "responses" / "a-post.json").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('<!DOCTYPE r [<!ENTITY e "x">]><rss>', "does not look like"),
        (wxr(item(1)).replace("<rss", '<!DOCTYPE r [<!ENTITY e "x">]>\n<rss'), "DTD"),
        (wxr(item(1), version="x"), "wxr_version"),
    ],
)
def test_rejected_files_write_nothing(tmp_path, text, message):  # A1, A12
    content = site(tmp_path, "a-post")
    export = tmp_path / "export.xml"
    export.write_text(text, "utf-8")
    done = command("wordpress", export, "--content", content, "--db", tmp_path / "v/db")
    assert done.returncode == 2
    assert message in done.stdout
    assert not (tmp_path / "v").exists()
    assert not (content / "responses").exists()


def test_truncated_file_imports_the_complete_items_then_completes(tmp_path):  # A10
    content = site(tmp_path, "one", "two")
    full = wxr(
        item(1, slug="one", title="One", comments=[comment(1)]),
        item(2, slug="two", title="Two", comments=[comment(2)]),
    )
    cut = full[: full.index("<wp:comment_id>2")]
    report = import_text(tmp_path, cut, content)
    assert report.exit_code == 1
    assert "last complete record: item 1 'One'" in report.fatal
    assert set(stored(tmp_path, content)) == {"wp-old.example-1"}
    report = import_text(tmp_path, full, content)
    assert (report.exit_code, report.created, report.unchanged) == (0, 1, 1)


def test_a_broken_item_is_quarantined_and_the_rest_imports(tmp_path):  # A11
    content = site(tmp_path, "one", "two")
    bad = item(1, slug="one", content="x").replace("<![CDATA[x]]>", "<![CDATA[]]>]]>")
    doc = wxr(bad, item(2, slug="two", comments=[comment(2)]))
    report = import_text(tmp_path, doc, content)
    assert report.exit_code == 1
    assert len(report.quarantined) == 1
    assert set(stored(tmp_path, content)) == {"wp-old.example-2"}
    kept = list((tmp_path / "var" / "quarantine").iterdir())
    assert len(kept) == 1 and b"<wp:post_id>1<" in kept[0].read_bytes()


def test_posts_are_written_safely(tmp_path):  # A22, A23
    content = site(tmp_path, "existing")
    items = [
        item(1, title="Existing", slug="existing", comments=[comment(1)]),
        item(2, title="New one", slug="new-one", comments=[comment(2)]),
        item(3, title="Evil", slug="../../x", comments=[comment(3)]),
        item(4, title="Evil 2", slug="../output-evil/x"),
        item(5, title="Abs", slug="/etc/passwd"),
        item(6, title="Nul", slug="a\0b"),
        item(7, title="Index", slug="index", kind="page"),
        item(8, title="Dup A", slug="dup"),
        item(9, title="Dup B", slug="dup"),
        item(10, title="Secret", slug="secret", password="pw", comments=[comment(4)]),
        item(11, title="Menu", slug="menu", kind="nav_menu_item"),
    ]
    outside = set(tmp_path.parent.rglob("*"))
    report = import_text(tmp_path, wxr(*items), content, posts=True)
    written = sorted(report.posts_written)
    assert written == sorted(
        [
            "posts/new-one.html",
            "posts/x.html",
            "posts/output-evil-x.html",
            "posts/etc-passwd.html",
            "posts/ab.html",
            "pages/page-7.html",
            "posts/dup.html",
            "posts/dup-9.html",
            "posts/secret.html",
        ]
    )
    assert set(tmp_path.parent.rglob("*")) - outside <= set(tmp_path.rglob("*"))
    new = (content / "posts" / "new-one.html").read_text("utf-8")
    assert "<title>New one</title>" in new
    assert '<meta name="date" content="2020-01-02 10:00">' in new
    assert '<meta name="status" content="published">' in new
    assert '<meta name="wp_post_id" content="2">' in new
    assert "<body>\n<p>Body</p>\n</body>" in new
    secret = (content / "posts" / "secret.html").read_text("utf-8")
    assert '<meta name="status" content="draft">' in secret

    assert (
        (content / "posts" / "existing.md")
        .read_text("utf-8")
        .startswith("Title: existing")
    )
    keys = {r.id: (r.key, r.status) for r in stored(tmp_path, content).values()}
    assert keys["wp-old.example-2"] == ("new-one", "approved")
    assert keys["wp-old.example-4"] == ("secret", "pending")
    again = import_text(tmp_path, wxr(*items), content, posts=True)
    assert again.posts_written == [] and again.created == 0


def test_killed_import_completes_on_rerun_without_duplicates(tmp_path):  # A15
    corpus = generate(tmp_path / "corpus", posts=60, responses=10, seed=3)
    export = corpus / "export.xml"
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    for folder in (clean, killed):
        shutil.copytree(corpus / "content", folder / "content")

    def wp_import(folder: Path, *extra: str):
        db = folder / "db.sqlite3"
        return command(
            "wordpress", export, "--content", folder / "content", "--db", db, *extra
        )

    # The test-only wrapper kills the real command after its 3rd batch.
    done = command(
        "3",
        "wordpress",
        export,
        "--content",
        killed / "content",
        "--db",
        killed / "db.sqlite3",
        "--batch-size",
        "100",
        module="tests.importers.killed_import",
    )
    assert done.returncode == -signal.SIGKILL
    assert 0 < len(stored_at(killed)) < 600
    rerun = wp_import(killed)
    assert rerun.returncode == 0, rerun.stdout
    first = wp_import(clean)
    assert first.returncode == 0
    assert tree_bytes(killed / "content") == tree_bytes(clean / "content")
    assert stored_at(killed) == stored_at(clean)
    assert len(stored_at(clean)) == 600


def stored_at(folder: Path) -> dict:
    return stored(folder, folder / "content", db=folder / "db.sqlite3")
