"""WordPress import into real stores: matching, status, types, threads, content."""

from __future__ import annotations

import json

import pytest

from pelican_plugins.responses.store import ResponseStore, load_public
from tests.importers.wxrdoc import (
    comment,
    import_text,
    item,
    site,
    site_settings,
    stored,
    tree_bytes,
    wxr,
)
from tests.support import write_post

ID = "wp-old.example-"


def test_matching_by_slug_permalink_and_post_id(tmp_path):
    content = site(tmp_path, "by-slug", "by-link")
    write_post(
        content / "posts",
        "renamed.md",
        "Title: Renamed\nDate: 2021-05-01\nSlug: new-name\nwp_post_id: 30\n\nx\n",
    )
    write_post(
        content / "posts",
        "keyed.md",
        "Title: Keyed\nDate: 2021-05-01\nSlug: keyed\nresponses_key: legacy-key\n\nx\n",
    )
    doc = wxr(
        item(
            10, slug="by-slug", link="https://old.example/?p=10", comments=[comment(1)]
        ),
        item(
            20,
            slug="wp-name",
            link="https://old.example/2020/01/by-link/",
            comments=[comment(2)],
        ),
        item(30, slug="old-name", comments=[comment(3)]),
        item(40, slug="keyed", comments=[comment(4)]),
        item(50, title="Gone", slug="nowhere", comments=[comment(5), comment(6)]),
    )
    report = import_text(tmp_path, doc, content)
    found = {r.id: r.key for r in stored(tmp_path, content).values()}
    assert found == {
        ID + "1": "by-slug",
        ID + "2": "by-link",
        ID + "3": "new-name",
        ID + "4": "legacy-key",
    }
    assert report.unmatched_responses == 2
    assert "'Gone'" in report.unmatched[0]
    assert report.exit_code == 0


def test_a_site_with_its_own_permalinks_matches_comments_by_them(tmp_path):
    # The import reads the site's ARTICLE_URL, as the build does: a comment on
    # an old post whose WordPress name differs still finds it by its address.
    content = site(tmp_path, "by-link")
    settings = {**site_settings(), "ARTICLE_URL": "journal/{slug}.html"}
    doc = wxr(
        item(
            20,
            slug="wp-name",
            link="https://old.example/journal/by-link.html",
            comments=[comment(2)],
        ),
    )
    report = import_text(tmp_path, doc, content, settings=settings)
    assert {r.id: r.key for r in stored(tmp_path, content).values()} == {
        ID + "2": "by-link"
    }
    assert report.unmatched_responses == 0


def test_only_approved_comments_are_public(tmp_path):  # A19, B22
    content = site(tmp_path, "a-post")
    statuses = ["1", "0", "spam", "trash", "post-trashed", "weird"]
    doc = wxr(
        item(1, comments=[comment(n, approved=s) for n, s in enumerate(statuses, 1)])
    )
    report = import_text(tmp_path, doc, content)
    items = stored(tmp_path, content)
    assert [items[f"{ID}{n}"].status for n in range(1, 7)] == [
        "approved",
        "pending",
        "spam",
        "trash",
        "trash",
        "pending",
    ]
    public = load_public(content / "responses", "a-post")
    assert [r["id"] for r in public] == [ID + "1"]
    assert sum(report.held.values()) == 5


@pytest.mark.parametrize(
    ("status", "password"),
    [("draft", ""), ("private", ""), ("publish", "secret"), ("future", "")],
)
def test_comments_on_hidden_posts_are_held(tmp_path, status, password):
    content = site(tmp_path, "a-post")
    doc = wxr(item(1, status=status, password=password, comments=[comment(1)]))
    import_text(tmp_path, doc, content)
    response = stored(tmp_path, content)[ID + "1"]
    assert response.status == "pending"
    assert response.extra["held"]
    assert load_public(content / "responses", "a-post") == []


def test_comments_on_a_draft_pelican_article_are_held(tmp_path):
    content = site(tmp_path, "a-post", extra={"Status": "draft"})
    import_text(tmp_path, wxr(item(1, comments=[comment(1)])), content)
    assert stored(tmp_path, content)[ID + "1"].status == "pending"


def test_types_and_hostile_linkbacks(tmp_path):  # A20, B5
    content = site(tmp_path, "a-post")
    doc = wxr(
        item(
            1,
            comments=[
                comment(1, kind="comment"),
                comment(
                    2,
                    kind="pingback",
                    author="Site &laquo; Post &#8217;s",
                    url="javascript:alert(1)",
                    content="[&#8230;] <script>x()</script>quoted [&#8230;]",
                ),
                comment(3, kind="trackback", url="https://tb.example/p?a=1&amp;b=2"),
                comment(4, kind="webmention", url="https://wm.example/"),
                comment(5, kind="note"),
            ],
        )
    )
    import_text(tmp_path, doc, content)
    items = stored(tmp_path, content)
    kinds = [items[f"{ID}{n}"].type for n in range(1, 6)]
    assert kinds == ["comment", "pingback", "trackback", "webmention", "comment"]
    ping = items[ID + "2"]
    assert ping.source_title == "Site « Post \u2019s"
    assert ping.source_url is None and ping.author_url is None
    assert "<script" not in ping.content_html and "x()" not in ping.content_html
    assert ping.content_html == "[…] quoted […]"
    assert items[ID + "3"].source_url == "https://tb.example/p?a=1&b=2"
    note = items[ID + "5"]
    assert note.status == "pending"
    assert note.extra["wp_comment_type"] == "note"


def test_bodies_are_sanitized_once(tmp_path):  # B1-B3, B21
    content = site(tmp_path, "a-post")
    bodies = {
        1: "First line\nsecond line\n\nIt&#8217;s a <3 day",
        2: "It&#8217;s <b>bold</b>\n\nnext para",
        3: '<p>x<img src=x onerror="alert(1)"></p><a href="javascript:y()">l</a>',
        4: "",
    }
    doc = wxr(
        item(
            1,
            comments=[
                *(comment(n, content=b) for n, b in bodies.items()),
                comment(5, author="admin\u202e\u200b"),
            ],
        )
    )
    report = import_text(tmp_path, doc, content)
    items = stored(tmp_path, content)
    assert items[ID + "1"].content_html == (
        "<p>First line<br>\nsecond line</p>\n<p>It\u2019s a &lt;3 day</p>"
    )
    assert (
        items[ID + "2"].content_html == "<p>It\u2019s <b>bold</b></p><p>next para</p>"
    )
    assert "onerror" not in items[ID + "3"].content_html
    assert "javascript" not in items[ID + "3"].content_html
    assert items[ID + "4"].content_html == ""
    assert items[ID + "5"].author_name == "admin"
    assert items[ID + "1"].raw_content == bodies[1]
    assert any("invisible" in w for w in report.warnings)


def test_private_fields_never_reach_the_public_file(tmp_path):
    content = site(tmp_path, "a-post")
    doc = wxr(
        item(1, comments=[comment(1, email="ann@mail.example", ip="203.0.113.9")])
    )
    import_text(tmp_path, doc, content)
    text = (content / "responses" / "a-post.json").read_text("utf-8")
    assert "ann@mail.example" not in text and "203.0.113.9" not in text
    assert stored(tmp_path, content)[ID + "1"].author_email == "ann@mail.example"


def test_threads_orphans_cycles_and_late_parents(tmp_path):  # A17
    content = site(tmp_path, "a-post")
    doc = wxr(
        item(
            1,
            comments=[
                comment(5, parent=3),  # parent comes later in the file
                comment(3),
                comment(7, parent=99),  # orphan
                comment(8, parent=9),  # 8 <-> 9 cycle
                comment(9, parent=8),
                comment(10, parent=10),  # its own parent
            ],
        )
    )
    report = import_text(tmp_path, doc, content)
    parents = {k: r.parent for k, r in stored(tmp_path, content).items()}
    assert parents == {
        ID + "3": None,
        ID + "5": ID + "3",
        ID + "7": None,
        ID + "8": None,
        ID + "9": ID + "8",
        ID + "10": None,
    }
    assert sum("missing" in w for w in report.warnings) == 1
    assert sum("cycle" in w for w in report.warnings) == 2


def test_same_author_same_second_and_zero_dates(tmp_path):  # A16, A18
    content = site(tmp_path, "a-post")
    doc = wxr(
        item(
            1,
            comments=[
                comment(1, date="2020-03-04 05:06:07"),
                comment(2, date="2020-03-04 05:06:07"),
                comment(3, date="2020-03-04 05:06:07", date_gmt="0000-00-00 00:00:00"),
                comment(4, date="0000-00-00 00:00:00"),
            ],
        )
    )
    report = import_text(tmp_path, doc, content)
    items = stored(tmp_path, content)
    assert len(items) == 4
    assert items[ID + "3"].date == "2020-03-04T05:06:07Z"
    assert items[ID + "4"].date == "2020-01-02T10:00:00Z"  # the post's date
    assert any(ID + "4" in w for w in report.warnings)


def test_missing_elements_get_defaults(tmp_path):  # A21
    content = site(tmp_path, "a-post")
    bare = "<item><wp:post_name>a-post</wp:post_name><wp:comment><wp:comment_id>4"
    bare += "</wp:comment_id></wp:comment><wp:comment/></item>"
    report = import_text(tmp_path, wxr(bare), content)
    response = stored(tmp_path, content)[ID + "4"]
    assert (response.author_name, response.status) == ("Anonymous", "pending")
    assert report.dropped == {"no valid wp:comment_id": 1}


def test_reimport_changes_no_byte(tmp_path):  # A14
    content = site(tmp_path, "a-post", "other")
    doc = wxr(
        item(
            1, comments=[comment(n, parent=n - 1 if n % 2 else 0) for n in range(1, 9)]
        ),
        item(2, slug="other", comments=[comment(20, approved="0")]),
    )
    first = import_text(tmp_path, doc, content)
    before = tree_bytes(tmp_path / "content") | {
        "db": json.dumps(sorted(map(repr, stored(tmp_path, content).values())))
    }
    second = import_text(tmp_path, doc, content)
    after = tree_bytes(tmp_path / "content") | {
        "db": json.dumps(sorted(map(repr, stored(tmp_path, content).values())))
    }
    assert (first.created, second.created, second.unchanged) == (9, 0, 9)
    assert before == after


def test_a_moderation_decision_survives_reimport(tmp_path):
    content = site(tmp_path, "a-post")
    doc = wxr(item(1, comments=[comment(1, approved="0")]))
    import_text(tmp_path, doc, content)
    with ResponseStore(content / "responses", tmp_path / "var/responses.sqlite3") as s:
        s.set_status(ID + "1", "approved")
    import_text(tmp_path, doc, content)
    assert stored(tmp_path, content)[ID + "1"].status == "approved"


def test_an_item_the_store_refuses_is_dropped_alone(tmp_path):
    content = site(tmp_path, "a-post")
    for name, slug in (("odd.md", "Über uns"), ("evil.md", "../escape")):
        write_post(
            content / "posts",
            name,
            f"Title: {name}\nDate: 2020-01-02\nSlug: {slug}\n\nx\n",
        )
    doc = wxr(
        item(1, comments=[comment(1)]),
        item(2, slug="Über uns", comments=[comment(2)]),
        item(3, slug="../escape", comments=[comment(3)]),
    )
    report = import_text(tmp_path, doc, content)
    # A slug Pelican accepts is a key; one that would leave the folder is not.
    assert set(stored(tmp_path, content)) == {ID + "1", ID + "2"}
    assert (content / "responses" / "über uns.json").is_file()
    assert report.dropped == {"invalid for the store (see warnings)": 1}
    assert any("responses key" in w for w in report.warnings)
    assert sorted(p.name for p in tmp_path.rglob("*.json")) == [
        "a-post.json",
        "über uns.json",
    ]


def test_byte_repairs_are_reported_with_their_comment(tmp_path):  # A5, A7
    content = site(tmp_path, "a-post")
    doc = wxr(item(1, comments=[comment(4), comment(5, content="caf\udce9 \x0b")]))
    data = doc.encode("utf-8", "surrogateescape")  # a raw 0xE9 byte
    report = import_text(tmp_path, data, content)
    assert stored(tmp_path, content)[ID + "5"].raw_content == "caf\u00e9 \ufffd"
    assert len(report.repairs) == 2
    assert all("comment 5 of item 1 'A post'" in r for r in report.repairs)
    assert "byte " in report.repairs[0] and "cp1252" in report.repairs[0]
