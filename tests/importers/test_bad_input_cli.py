"""Hostile and damaged exports fed to the real commands (docs/importing-safely.md).

Every case runs ``python -m pelican_plugins.importers`` (or the moderation
command) in a subprocess and checks what a user sees: the exit code the
README promises, one readable ``Error:`` line and no traceback, nothing
written when the file is refused, and every valid neighbour imported.
"""

from __future__ import annotations

import json
from pathlib import Path
import subprocess
import sys
import time

from pelican_plugins.responses.store import ResponseStore, load_public, writer_lock
from tests.importers.wxrdoc import (
    ID,
    command,
    comment,
    item,
    site,
    stored,
    tree_bytes,
    wxr,
)
from tests.support import ROOT

TARGET = "https://listeningback.example/2020/01/a-post/"


def run(*args: object, module: str = "pelican_plugins.importers") -> tuple[int, str]:
    """Run a real command; return its exit code and everything it printed."""
    done = command(*args, module=module)
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output
    return done.returncode, output


def wp(tmp: Path, text: str | bytes, *extra: object, kind: str = "wordpress"):
    """Import *text* as a file of *kind* into tmp/var and tmp/content."""
    export = tmp / f"export.{'json' if kind == 'jf2' else 'xml'}"
    export.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    db = tmp / "var" / "responses.sqlite3"
    return run(kind, export, "--content", tmp / "content", "--db", db, *extra)


def refused(tmp: Path, code: int, output: str, message: str) -> None:
    """Exit 2, one error line naming the problem, and nothing written at all."""
    assert code == 2, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error:"), output
    assert message in lines[0], output
    assert not (tmp / "var").exists()
    assert not (tmp / "content" / "responses").exists()


def good_and(bad: str, post_id: int = 2) -> str:
    """A WXR with a valid item before and after *bad*."""
    return wxr(
        item(1, comments=[comment(1)]),
        bad,
        item(3, slug="b-post", comments=[comment(30)]),
    )


def neighbours_imported(tmp: Path) -> None:
    public = load_public(tmp / "content" / "responses", "a-post")
    assert ID + "1" in {r["id"] for r in public}
    assert ID + "30" in stored(tmp, tmp / "content")


# --- Crashes that used to abort the batch -------------------------------------


def test_channel_without_link_or_base_url(tmp_path):
    site(tmp_path, "a-post")
    doc = wxr(item(1, comments=[comment(1)]))
    for tag in ("link", "wp:base_site_url", "wp:base_blog_url"):
        start = doc.index(f"<{tag}>https://old.example")
        doc = doc[:start] + doc[doc.index(f"</{tag}>", start) + len(tag) + 3 :]
    code, output = wp(tmp_path, doc)
    assert code == 0, output
    assert set(stored(tmp_path, tmp_path / "content")) == {"wp-site-1"}


def test_year_9999_with_a_negative_offset_in_wxr(tmp_path):
    site(tmp_path, "a-post", "b-post")
    late = item(2, slug="a-post", comments=[comment(2, date="bad", date_gmt="bad")])
    late = late.replace(
        "<wp:post_date>",
        "<pubDate>Fri, 31 Dec 9999 23:30:00 -0100</pubDate><wp:post_date>",
    )
    late = late.replace("2020-01-02 10:00:00", "0000-00-00 00:00:00")
    code, output = wp(tmp_path, good_and(late))
    assert code == 0, output
    items = stored(tmp_path, tmp_path / "content")
    assert items[ID + "2"].date == "1970-01-01T00:00:00Z"  # unknown, said so
    assert "no valid date" in output
    neighbours_imported(tmp_path)


DISQUS = """<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
  <thread dsq:id="100"><id/><link>https://old.example/2020/01/a-post/</link></thread>
  <thread dsq:id="200"><id/><link>http://[oops/</link></thread>
  <post dsq:id="1"><message>late</message><thread dsq:id="100"/>
    <createdAt>9999-12-31T23:30:00-01:00</createdAt></post>
  <post dsq:id="2"><message>fine</message><thread dsq:id="100"/>
    <createdAt>2020-01-02T10:00:00Z</createdAt></post>
  <post dsq:id="3"><message>odd thread</message><thread dsq:id="200"/></post>
</disqus>
"""


def test_disqus_year_9999_and_an_unparsable_thread_url(tmp_path):
    site(tmp_path, "a-post")
    code, output = wp(tmp_path, DISQUS, kind="disqus")
    assert code == 0, output
    items = stored(tmp_path, tmp_path / "content")
    assert set(items) == {"disqus-1", "disqus-2"}
    assert items["disqus-1"].date == "1970-01-01T00:00:00Z"
    assert "thread 200 is unknown or matches no article" in output


def jf2(*children: dict) -> str:
    return json.dumps({"type": "feed", "children": list(children)})


def test_jf2_year_9999_and_an_unparsable_target(tmp_path):
    site(tmp_path, "a-post")
    feed = jf2(
        {"wm-id": 1, "wm-target": TARGET, "published": "9999-12-31T23:30:00-01:00"},
        {"wm-id": 2, "wm-target": "http://[oops/", "wm-property": "in-reply-to"},
        {"wm-id": 3, "wm-target": TARGET + "#x", "wm-property": "like-of"},
    )
    code, output = wp(tmp_path, feed, kind="jf2")
    assert code == 0, output
    assert set(stored(tmp_path, tmp_path / "content")) == {"jf2-1", "jf2-3"}
    assert "JF2 entry 2: target 'http://[oops/'" in output


def test_comment_ids_that_are_not_numbers(tmp_path):
    site(tmp_path, "a-post", "b-post")
    odd = item(
        2,
        slug="a-post",
        comments=[comment("²"), comment("9" * 5000), comment(4, parent="²")],
    )
    code, output = wp(tmp_path, good_and(odd))
    assert code == 1, output  # partial: two comments could not be imported
    assert "wp:comment_id '²' is not a number" in output
    assert "'" + "9" * 39 + "…' is not a number" in output
    assert "9" * 100 not in output  # a hostile value is cut, not echoed whole
    items = stored(tmp_path, tmp_path / "content")
    assert items[ID + "4"].parent is None  # its parent '²' is no id: top-level
    neighbours_imported(tmp_path)


def test_unmatched_item_with_an_unparsable_link(tmp_path):
    site(tmp_path, "a-post", "b-post")
    lost = item(2, slug="gone", link="http://[oops/", comments=[comment(2)])
    code, output = wp(tmp_path, good_and(lost))
    assert code == 0, output
    assert "'A post' (line" in output and "1 responses" in output  # unmatched
    neighbours_imported(tmp_path)


def test_jf2_nested_100000_deep_is_refused(tmp_path):
    site(tmp_path, "a-post")
    deep = '{"children": [' + "[" * 100_000 + "]" * 100_000 + "]}"
    code, output = wp(tmp_path, deep, kind="jf2")
    refused(tmp_path, code, output, "nested too deeply")


# --- Wrong answers and lost data ------------------------------------------------


def test_not_a_wxr_is_refused(tmp_path):
    site(tmp_path, "a-post")
    # A broken record first: a refused file writes no quarantine either.
    doc = wxr(broken(2), item(1, comments=[comment(1)]))
    doc = doc.replace("channel>", "notachanneltag>")
    refused(tmp_path, *wp(tmp_path, doc), "not a WXR file")


def broken(post_id: int) -> str:
    """An item whose comment holds a raw ']]>' (not split WordPress-style)."""
    text = item(post_id, slug="a-post", comments=[comment(post_id * 10)])
    return text.replace("Hello there.", "raw ]]> inside")


def test_three_broken_records_three_quarantine_files_true_lines(tmp_path):
    site(tmp_path, "a-post", "b-post")
    doc = good_and(broken(2) + item(4) + broken(5) + broken(6))
    # <item> lines in file order: items 1, 2, 4, 5, 6, 3.
    lines = [n for n, line in enumerate(doc.split("\n"), 1) if "<item>" in line]
    where = {2: lines[1], 5: lines[3], 6: lines[4]}
    code, output = wp(tmp_path, doc)
    assert code == 1, output
    quarantine = tmp_path / "var" / "quarantine"
    files = {f.name.split("-")[1]: f for f in quarantine.iterdir()}
    assert sorted(files) == sorted(f"line{n}" for n in where.values())
    for post_id, line in where.items():
        assert f"record at line {line} " in output
        raw = files[f"line{line}"].read_text("utf-8")
        assert f"<wp:post_id>{post_id}</wp:post_id>" in raw
    neighbours_imported(tmp_path)
    before = tree_bytes(quarantine)
    assert wp(tmp_path, doc)[0] == 1
    assert tree_bytes(quarantine) == before  # a re-run overwrites nothing


def test_moderated_deletion_survives_a_reimport(tmp_path):
    content = site(tmp_path, "a-post")
    doc = wxr(item(1, comments=[comment(1), comment(2, content="Delete me")]))
    assert wp(tmp_path, doc)[0] == 0
    db = tmp_path / "var" / "responses.sqlite3"
    moderate = ("--db", db, "--content", content, "moderate")
    code, output = run(
        *moderate, "delete", ID + "2", module="pelican_plugins.responses"
    )
    assert code == 0, output
    code, output = wp(tmp_path, doc)
    assert code == 0, output
    public = (content / "responses" / "a-post.json").read_text("utf-8")
    assert ID + "2" not in public and "Delete me" not in public
    assert ID + "1" in public
    kept = stored(tmp_path, content)[ID + "2"]
    assert (kept.status, kept.content_html, kept.raw_content) == ("deleted", "", None)


def test_same_comment_id_under_two_items_is_a_conflict_not_an_overwrite(tmp_path):
    content = site(tmp_path, "a-post", "b-post")
    doc = wxr(
        item(1, comments=[comment(7, content="First post's comment")]),
        item(2, slug="b-post", comments=[comment(7, content="Second post's")]),
    )
    code, output = wp(tmp_path, doc)
    assert code == 1, output
    assert "wp-old.example-7 appears again (post 'b-post'" in output
    assert stored(tmp_path, content)[ID + "7"].key == "a-post"
    before = tree_bytes(content)
    code, output = wp(tmp_path, doc)
    assert code == 1
    assert _row(output, "updated") == "0"  # a re-import is a no-op
    assert _row(output, "already present") == "1"
    assert tree_bytes(content) == before


def _row(output: str, name: str) -> str:
    """The count in the summary table's row *name*."""
    for line in output.splitlines():
        cells = [c.strip() for c in line.split("│") if c.strip()]
        if cells and cells[0] == name:
            return cells[1]
    return ""


def test_an_encoding_error_late_in_a_cp1252_file_refuses_it(tmp_path):
    site(tmp_path, "a-post", "b-post")
    doc = good_and(broken(2)).replace('encoding="UTF-8"', 'encoding="windows-1252"')
    data = doc.encode("cp1252")
    bad_at = data.rindex(b"</channel>")
    data = data[:bad_at] + b"\x81" + data[bad_at:]  # undefined in cp1252
    code, output = wp(tmp_path, data)
    refused(tmp_path, code, output, f"at byte {bad_at}")


def test_a_reply_to_a_wordpress_comment_anchor_threads(tmp_path):
    content = site(tmp_path, "a-post")
    assert wp(tmp_path, wxr(item(1, comments=[comment(5)])))[0] == 0
    feed = jf2(
        {
            "wm-id": 9,
            "wm-property": "in-reply-to",
            "wm-target": TARGET + "#comment-5",  # what the page shows for it
            "content": {"text": "Agreed"},
        },
        {
            "wm-id": 10,
            "wm-property": "in-reply-to",
            "wm-target": TARGET + "#comment-404",
            "content": {"text": "To nothing"},
        },
    )
    code, output = wp(tmp_path, feed, kind="jf2")
    assert code == 0, output
    items = stored(tmp_path, content)
    assert items["jf2-9"].parent == ID + "5"
    assert items["jf2-10"].parent is None
    assert "reply to #comment-404" in output


def test_mojibake_is_reported_kept_and_fixed_only_on_request(tmp_path):
    content = site(tmp_path, "a-post")
    doc = wxr(item(1, comments=[comment(1, author="RenÃ©", content="cafÃ© au lait")]))
    code, output = wp(tmp_path, doc)
    assert code == 0, output
    assert "possible mojibake" in output and "'cafÃ©'" in output
    kept = stored(tmp_path, content)[ID + "1"]
    assert kept.author_name == "RenÃ©" and "cafÃ©" in kept.content_html
    code, output = wp(tmp_path, doc, "--fix-mojibake")
    fixed = stored(tmp_path, content)[ID + "1"]
    assert fixed.author_name == "René" and "café au lait" in fixed.content_html
    assert fixed.raw_content == "cafÃ© au lait"  # the raw text is kept


def test_utf8_bytes_in_a_file_declared_latin1_are_reported(tmp_path):
    site(tmp_path, "a-post")
    doc = wxr(item(1, comments=[comment(1, content="café")]))
    data = doc.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("utf-8")
    code, output = wp(tmp_path, data)
    assert code == 0, output
    assert "possible mojibake" in output and "'cafÃ©'" in output


def test_a_second_import_waits_for_the_first(tmp_path):
    site(tmp_path, "a-post")
    export = tmp_path / "export.xml"
    export.write_text(wxr(item(1, comments=[comment(1)])), "utf-8")
    db = tmp_path / "var" / "responses.sqlite3"
    args = ["wordpress", export, "--content", tmp_path / "content", "--db", db]
    with writer_lock(db):  # the "first import" holds the store
        second = subprocess.Popen(
            [sys.executable, "-m", "pelican_plugins.importers", *map(str, args)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = second.stderr.readline()
        assert line.startswith("Waiting: another import is writing to")
        time.sleep(0.2)
        assert second.poll() is None  # still waiting, nothing half-written
        assert not db.exists()
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, out + err
    assert set(stored(tmp_path, tmp_path / "content")) == {ID + "1"}


def test_two_imports_at_once_on_a_fresh_database(tmp_path):
    site(tmp_path, "a-post", "b-post")
    db = tmp_path / "var" / "responses.sqlite3"
    procs = []
    for n, slug in ((1, "a-post"), (2, "b-post")):
        export = tmp_path / f"e{n}.xml"
        export.write_text(
            wxr(item(n, slug=slug, comments=[comment(n * 100 + i) for i in range(50)])),
            "utf-8",
        )
        args = ["wordpress", export, "--content", tmp_path / "content", "--db", db]
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "pelican_plugins.importers", *map(str, args)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, out + err
        assert "locked" not in out + err
    assert len(stored(tmp_path, tmp_path / "content")) == 100


# --- The moderation command ---------------------------------------------------


def moderate_list(tmp: Path, db: Path) -> tuple[int, str]:
    """Run ``moderate list`` against *db*."""
    return run(
        "--db",
        db,
        "--content",
        tmp,
        "moderate",
        "list",
        module="pelican_plugins.responses",
    )


def test_moderate_on_a_corrupt_database(tmp_path):
    db = tmp_path / "db.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    code, output = moderate_list(tmp_path, db)
    assert code == 2
    assert [line for line in output.splitlines() if line.strip()] == [
        f"Error: {db} is not a readable responses database (file is not a database)"
    ]


def test_moderate_with_a_mistyped_db_creates_nothing(tmp_path):
    ResponseStore(tmp_path / "responses", tmp_path / "db.sqlite3").close()
    typo = tmp_path / "db.sqlite"
    code, output = moderate_list(tmp_path, typo)
    assert code == 2
    assert f"Error: no responses database at {typo}" in output
    assert not typo.exists()


def test_import_into_a_corrupt_database_is_refused(tmp_path):
    content = site(tmp_path, "a-post")
    db = tmp_path / "var" / "responses.sqlite3"
    db.parent.mkdir()
    db.write_bytes(b"this is not a database" * 100)
    export = tmp_path / "export.xml"
    export.write_text(wxr(item(1, comments=[comment(1)])), "utf-8")
    code, output = run("wordpress", export, "--content", content, "--db", db)
    assert code == 2, output
    assert f"Error: the store {db} cannot be written: file is not a database" in output
    assert db.read_bytes() == b"this is not a database" * 100
    assert not (content / "responses").exists()
