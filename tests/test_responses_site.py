"""Real Pelican builds with responses: headings, lists, links, feeds, counts, faults."""

from __future__ import annotations

import json
from pathlib import Path
import shutil

from lxml import etree
import pytest

from pelican_plugins.responses import ResponsesDataError
from pelican_plugins.responses.model import Response
from pelican_plugins.responses.store import ResponseStore
from tests.support import build, soup, write_post

UGC = "nofollow ugc noopener noreferrer"
POST = """Title: {title}
Date: 2021-0{n}-01 10:00
Slug: {slug}
{extra}
Body of post {n}. Summaries never carry responses.
"""


def item(n: int, key: str, **over: object) -> Response:
    values: dict = {
        "id": f"t-{n}",
        "key": key,
        "type": "comment",
        "status": "approved",
        "parent": None,
        "author_name": f"Reader {n}",
        "author_url": None,
        "date": f"2021-05-{n:02d}T10:00:00Z",
        "content_html": f"<p>Response body {n}</p>",
        "author_email": f"secret{n}@mail.example",
        "author_ip": "198.51.100.9",
    }
    values.update(over)
    return Response(**values)


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    posts = content / "posts"
    write_post(
        posts, "one.md", POST.format(title="Only One", n=1, slug="only-one", extra="")
    )
    write_post(
        posts, "many.md", POST.format(title="Many & More", n=2, slug="many", extra="")
    )
    write_post(
        posts, "none.md", POST.format(title="Quiet", n=3, slug="quiet", extra="")
    )
    write_post(
        posts,
        "moved.md",
        POST.format(
            title="Moved", n=4, slug="new-slug", extra="Responses_key: old-slug"
        ),
    )
    items = [
        item(1, "only-one"),
        item(2, "only-one", status="pending", content_html="<p>PENDING-BODY</p>"),
        item(3, "only-one", status="spam", content_html="<p>SPAM-BODY</p>"),
        item(10, "many", author_url="https://reader.example/"),
        item(11, "many", parent="t-10"),
        item(12, "many", parent="t-11"),
        item(13, "many", parent="t-missing"),
        item(
            14,
            "many",
            type="pingback",
            source_url="https://cites.example/post",
            source_title="A citing post",
            content_html="<p>[…] an excerpt of the citing page […]</p>",
        ),
        item(15, "many", type="trackback", source_url="https://tb.example/"),
        item(20, "old-slug"),
    ]
    with ResponseStore(content / "responses", tmp_path / "var" / "db.sqlite3") as store:
        store.merge(items)
    return content


def test_headings_lists_and_links(blog: Path, tmp_path: Path) -> None:
    # No receiver: comments are closed, as before one existed.
    site = build(tmp_path / "out", content=blog, RESPONSES_RECEIVER_URL=None)
    one = soup(site / "2021/01/only-one/index.html")
    assert one.select_one("#comments-title").get_text(" ", strip=True) == (
        "One Response to Only One"
    )
    assert one.select_one("#comments-title em").get_text() == "Only One"
    assert len(one.select(".commentlist li")) == 1
    page = (site / "2021/01/only-one/index.html").read_text()
    for secret in ("PENDING-BODY", "SPAM-BODY", "@mail.example", "198.51.100.9"):
        assert secret not in page  # B22

    many = soup(site / "2021/02/many/index.html")
    heading = many.select_one("#comments-title").get_text(" ", strip=True)
    listed = many.select(".commentlist li") + many.select(".pinglist li")
    assert (
        heading
        == f"{len(listed)} Responses to Many & More"
        == "6 Responses to Many & More"
    )
    top = many.select(".commentlist > li")
    assert [li["id"] for li in top] == [
        "li-comment-t-10",
        "li-comment-t-13",
    ]  # orphan on top
    assert many.select_one("#li-comment-t-12")["class"] == ["comment", "depth-3"]
    link = many.select_one("#comment-t-10 .fn a")
    assert link["href"] == "https://reader.example/"
    assert link["rel"] == UGC.split()
    assert many.select_one("#comment-t-10 .fn bdi")  # B21
    assert (
        many.select_one("#comment-t-10 a.comment-permalink")["href"] == "#comment-t-10"
    )
    assert many.select_one("#comment-t-10 time")["datetime"] == "2021-05-10T10:00:00Z"
    ping = many.select_one("#comment-t-14")
    assert ping.get_text(" ", strip=True).startswith("Pingback: A citing post")
    assert ping.select_one("a")["href"] == "https://cites.example/post"
    assert ping.select_one("a")["rel"] == UGC.split()
    assert (
        "an excerpt of the citing page" in ping.select_one(".ping-excerpt").get_text()
    )
    assert many.select_one("#pings-title")

    quiet = soup(site / "2021/03/quiet/index.html")
    assert quiet.select_one("#comments-title") is None  # nothing when there are none
    assert quiet.select_one(".nocomments").get_text() == "Comments are closed."
    assert quiet.select_one("form") is None

    moved = soup(site / "2021/04/new-slug/index.html")  # responses_key metadata
    assert moved.select_one("#comment-t-20")


def test_listing_counts_and_summaries(blog: Path, tmp_path: Path) -> None:
    site = build(tmp_path / "out", content=blog)
    index = soup(site / "index.html")
    counts = {
        a["href"]: a.get_text(" ", strip=True) for a in index.select("a.response-count")
    }
    assert counts == {
        "/2021/02/many/#comments": "6 Responses to “Many & More”",
        "/2021/01/only-one/#comments": "One Response to “Only One”",
        "/2021/04/new-slug/#comments": "One Response to “Moved”",
    }
    assert (
        "Response body" not in index.select_one("main").get_text()
    )  # not in summaries
    archives = soup(site / "archives/index.html")
    assert len(archives.select("a.response-count")) == 3
    feed = (site / "feeds/all.atom.xml").read_text()
    assert "Response body" not in feed


def test_feeds_list_approved_responses_with_dates_from_the_data(
    blog: Path, tmp_path: Path
) -> None:
    site = build(tmp_path / "out", content=blog)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    whole = etree.parse(str(site / "feeds/responses.atom.xml"))
    entries = whole.findall("a:entry", ns)
    assert len(entries) == 8
    assert whole.findtext("a:updated", namespaces=ns) == "2021-05-20T10:00:00Z"
    text = (site / "feeds/responses.atom.xml").read_text()
    assert "PENDING-BODY" not in text
    assert "SPAM-BODY" not in text
    assert "@mail.example" not in text
    per_post = etree.parse(str(site / "feeds/responses/many.atom.xml"))
    titles = [
        e.findtext("a:title", namespaces=ns) for e in per_post.findall("a:entry", ns)
    ]
    assert titles[0] == "Trackback from Reader 15 on Many & More"
    assert "Pingback from A citing post on Many & More" in titles
    assert len(titles) == 6
    assert not (site / "feeds/responses/quiet.atom.xml").exists()
    again = build(tmp_path / "out2", content=blog)
    assert (again / "feeds/responses.atom.xml").read_bytes() == (
        site / "feeds/responses.atom.xml"
    ).read_bytes()


def test_settings_merge_pings_order_depth_and_form(blog: Path, tmp_path: Path) -> None:
    site = build(
        tmp_path / "out",
        content=blog,
        RESPONSES_MERGE_PINGS=True,
        RESPONSES_ORDER="desc",
        RESPONSES_MAX_DEPTH=2,
        RESPONSES_AVATARS=False,
        RESPONSES_FORM_ACTION="https://receiver.example/comment",
    )
    many = soup(site / "2021/02/many/index.html")
    assert many.select_one(".pinglist") is None
    top = [li["id"] for li in many.select(".commentlist > li")]
    assert top == [
        "li-comment-t-15",
        "li-comment-t-14",
        "li-comment-t-13",
        "li-comment-t-10",
    ]
    assert many.select_one("#li-comment-t-12")["class"] == ["comment", "depth-2"]
    assert many.select_one(".avatar") is None
    form = many.select_one("form#commentform")
    assert form["action"] == "https://receiver.example/comment"
    assert many.select_one("#reply-title").get_text() == "Leave a Reply"
    notes = many.select_one(".comment-notes").get_text(" ", strip=True)
    assert notes == (
        "Your email address will not be published. Required fields are marked *"
    )
    assert form.select_one("input[name=target]")["value"] == "/2021/02/many/"


def test_new_response_shows_up_with_the_content_cache_on(
    blog: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    site = build(tmp_path / "out", content=blog, cache=cache)
    assert soup(site / "2021/03/quiet/index.html").select_one("#comments-title") is None
    with ResponseStore(blog / "responses", tmp_path / "var" / "db.sqlite3") as store:
        store.merge([item(30, "quiet")])
    site = build(tmp_path / "out", content=blog, cache=cache)
    title = soup(site / "2021/03/quiet/index.html").select_one("#comments-title")
    assert title.get_text(" ", strip=True) == "One Response to Quiet"


def test_malformed_file_skips_that_article_only(blog: Path, tmp_path: Path) -> None:
    (blog / "responses" / "only-one.json").write_text('{"responses": [', "utf-8")
    with pytest.raises(ResponsesDataError, match=r"only-one\.json"):  # F5: exit code 1
        build(tmp_path / "out", content=blog)
    site = tmp_path / "out"
    assert soup(site / "2021/02/many/index.html").select_one("#comments-title")
    assert (
        soup(site / "2021/01/only-one/index.html").select_one("#comments-title") is None
    )
    assert (site / "archives/index.html").exists()  # the rest was built
    shutil.rmtree(site)
    build(site, content=blog, RESPONSES_FAIL_ON_ERROR=False)  # opt out: logged only
    assert (site / "2021/01/only-one/index.html").exists()


def test_hand_edited_hostile_json_is_sanitized_at_render_time(
    blog: Path, tmp_path: Path
) -> None:
    path = blog / "responses" / "quiet.json"
    path.write_text(
        json.dumps(
            {
                "key": "quiet",
                "responses": [
                    {
                        "id": "evil",
                        "type": "comment",
                        "parent": None,
                        "author_name": '"><script>alert(1)</script>',
                        "author_url": "javascript:alert(1)",
                        "date": "2021-06-01T00:00:00Z",
                        "content_html": "<img src=x onerror=alert(1)><p>kept</p>",
                        "source_url": None,
                        "source_title": None,
                    }
                ],
            }
        ),
        "utf-8",
    )
    site = build(tmp_path / "out", content=blog)
    page = soup(site / "2021/03/quiet/index.html")
    body = page.select_one("#comment-evil")
    assert body.select_one(".comment-content").decode_contents() == "<p>kept</p>"
    assert body.select_one(".fn").get_text() == '"><script>alert(1)</script>'
    assert body.select_one(".fn a") is None  # B5: not linked
    assert not page.select("#comments script, #comments img")


def test_noncharacters_never_break_the_feeds(blog: Path, tmp_path: Path) -> None:
    # U+FFFE and U+FFFF are valid in a JSON string but not in XML 1.0: one such
    # character in a stored body would make every response feed unreadable.
    # So is one in the post's own title (the per-post feed's <title>).
    write_post(
        blog / "posts",
        "none.md",
        POST.format(title="Quiet\ufffeTitle", n=3, slug="quiet", extra=""),
    )
    path = blog / "responses" / "quiet.json"
    path.write_text(
        json.dumps(
            {
                "key": "quiet",
                "responses": [
                    {
                        "id": "odd",
                        "type": "comment",
                        "parent": None,
                        "author_name": "Odd\uffffName",
                        "author_url": None,
                        "date": "2021-06-01T00:00:00Z",
                        "content_html": "<p>before\ufffe\uffffafter</p>",
                        "source_url": None,
                        "source_title": None,
                    }
                ],
            }
        ),
        "utf-8",
    )
    site = build(tmp_path / "out", content=blog)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    for feed in ("feeds/responses.atom.xml", "feeds/responses/quiet.atom.xml"):
        entries = etree.parse(str(site / feed)).findall("a:entry", ns)
        odd = [e for e in entries if "#comment-odd" in e.findtext("a:id", "", ns)]
        assert len(odd) == 1
        assert "beforeafter" in odd[0].findtext("a:content", "", ns)
        assert odd[0].findtext("a:title", "", ns).startswith("Comment by Odd Name on")
    page = soup(site / "2021/03/quiet/index.html")
    text = page.select_one("#comment-odd .comment-content").get_text()
    assert text == "beforeafter"
