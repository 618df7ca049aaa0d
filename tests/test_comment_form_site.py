"""Real builds with and without a receiver: form, reply links, head links, likes."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup
import pytest

from pelican_plugins.responses.store import ResponseStore
from tests.support import build, html_pages, soup, write_post
from tests.test_responses_site import item

RECEIVER = "https://r.example/receiver"
SITE = "https://blog.example"
POST = "Title: {title}\nDate: 2021-0{n}-01 10:00\nSlug: {slug}\n\nBody {n}.\n"


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    write_post(content / "posts", "a.md", POST.format(title="Alpha", n=1, slug="alpha"))
    write_post(content / "posts", "b.md", POST.format(title="Beta", n=2, slug="beta"))
    write_post(content / "pages", "p.md", "Title: Contact\nSlug: contact\n\nHello.\n")
    items = [
        item(1, "alpha", author_name='Ann <b>"Q"</b>'),
        item(2, "alpha", parent="t-1"),
        item(3, "alpha", parent="t-2"),
        item(4, "alpha", type="pingback", source_url="https://p.example/"),
    ]
    with ResponseStore(content / "responses", tmp_path / "db.sqlite3") as store:
        store.merge(items)
    return content


@pytest.fixture
def alpha(blog: Path, tmp_path: Path) -> BeautifulSoup:
    """Post "Alpha" built with SITEURL, a receiver and RESPONSES_MAX_DEPTH = 3."""
    site = build(
        tmp_path / "out",
        content=blog,
        SITEURL=SITE,
        RESPONSES_RECEIVER_URL=RECEIVER,
        RESPONSES_MAX_DEPTH=3,
    )
    return soup(site / "2021/01/alpha/index.html")


def test_form_fields_follow_the_receiver_contract(alpha: BeautifulSoup) -> None:
    page = alpha
    respond = page.select_one("section#respond")
    assert respond.select_one("#reply-title").get_text() == "Leave a Reply"
    notes = respond.select_one(".comment-notes").get_text(" ", strip=True)
    assert notes == (
        "Your email address will not be published. Required fields are marked *"
    )
    form = respond.select_one("form#commentform")
    assert form["method"] == "post"
    assert form["action"] == "https://r.example/receiver/comments"
    assert form["data-token-url"] == "https://r.example/receiver/comments/token"
    assert page.select_one("script[src$='/js/comment-reply.js'][defer]")
    fields = {f["name"]: f for f in form.select("input, textarea")}
    assert set(fields) == {
        "comment",
        "author",
        "email",
        "url",
        "homepage",
        "target",
        "parent",
        "token",
    }
    limits = {n: fields[n].get("maxlength") for n in ("comment", "author", "email")}
    assert limits == {"comment": "16384", "author": "245", "email": "100"}
    assert fields["url"]["maxlength"] == "200"
    assert [n for n, f in fields.items() if f.has_attr("required")] == [
        "comment",
        "author",
        "email",
    ]
    assert (fields["email"]["type"], fields["url"]["type"]) == ("email", "url")
    assert fields["email"]["aria-describedby"] == "email-notes"
    for name in ("comment", "author", "email", "url"):  # every field is labelled
        label = form.select_one(f"label[for={fields[name]['id']}]").get_text()
        assert label.startswith(("Comment", "Name", "Email", "Website"))
        assert ("*" in label) == (name != "url")
    assert fields["target"]["value"] == f"{SITE}/2021/01/alpha/"
    assert fields["parent"]["value"] == ""
    assert fields["token"]["value"] == ""
    assert {fields[n]["type"] for n in ("target", "parent", "token")} == {"hidden"}
    # The honeypot is a real text field hidden by CSS, out of the tab order.
    honeypot = fields["homepage"]
    assert not honeypot.has_attr("type")
    assert honeypot["tabindex"] == "-1"
    assert honeypot["autocomplete"] == "off"
    assert honeypot.find_parent("p")["class"] == ["comment-form-hp"]
    assert honeypot.find_parent("p")["aria-hidden"] == "true"
    notice = page.select_one("#comments #comment-awaiting-moderation")
    assert notice["role"] == "status"
    assert notice.get_text() == "Your comment is awaiting moderation."
    assert page.select_one(".nocomments") is None


def test_reply_links_open_the_receiver_reply_page_up_to_max_depth(
    alpha: BeautifulSoup, blog: Path, tmp_path: Path
) -> None:
    page = alpha
    links = {a.find_parent("li")["id"]: a for a in page.select("a.comment-reply-link")}
    assert sorted(links) == ["li-comment-t-1", "li-comment-t-2"]  # t-3 is at depth 3
    first = links["li-comment-t-1"]
    assert first.get_text() == "Reply"
    # Names are plain text: markup in one is shown as typed, never parsed.
    assert first["aria-label"] == 'Reply to Ann <b>"Q"</b>'
    assert page.select_one("#comments b") is None
    parts = urlsplit(first["href"])
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://r.example/receiver/comments/reply"
    )
    assert parse_qs(parts.query) == {
        "target": [f"{SITE}/2021/01/alpha/"],
        "parent": ["t-1"],
    }
    assert page.select_one("#comment-t-4 a.comment-reply-link") is None  # a ping
    flat = build(
        tmp_path / "flat",
        content=blog,
        RESPONSES_RECEIVER_URL=RECEIVER,
        RESPONSES_MAX_DEPTH=1,
    )
    assert not soup(flat / "2021/01/alpha/index.html").select("a.comment-reply-link")


def test_head_links_advertise_the_endpoints_on_posts_and_pages(
    blog: Path, tmp_path: Path
) -> None:
    site = build(tmp_path / "out", content=blog, RESPONSES_RECEIVER_URL=RECEIVER)
    for path in ("2021/01/alpha/index.html", "2021/02/beta/index.html"):
        text = (site / path).read_text("utf-8")
        # The Pingback spec's exact form, once.
        assert text.count('<link rel="pingback" href="') == 1
        assert '<link rel="pingback" href="https://r.example/receiver/xmlrpc">' in text
        head = soup(site / path).head
        assert [link["href"] for link in head.select("link[rel=webmention]")] == [
            "https://r.example/receiver/webmention"
        ]
    contact = soup(site / "contact/index.html").head
    assert contact.select_one("link[rel=pingback]")["href"] == (
        "https://r.example/receiver/xmlrpc"
    )
    assert soup(site / "index.html").select_one("link[rel=pingback]") is None
    beta = soup(site / "2021/02/beta/index.html")  # no responses yet: form all the same
    assert beta.select_one("form#commentform")
    assert beta.select_one("input[name=target]")["value"] == "/2021/02/beta/"


def test_without_a_receiver_comments_are_closed_and_nothing_is_advertised(
    blog: Path, tmp_path: Path
) -> None:
    site = build(tmp_path / "out", content=blog, RESPONSES_RECEIVER_URL=None)
    for path in html_pages(site):
        page = soup(path)
        assert page.select_one("link[rel=pingback], link[rel=webmention]") is None
        assert page.select_one("#commentform, .comment-reply-link") is None, path
        assert page.select_one("#comment-awaiting-moderation") is None
    alpha = soup(site / "2021/01/alpha/index.html")
    assert alpha.select_one(".nocomments").get_text() == "Comments are closed."
    assert alpha.select_one("#comments-title")  # approved comments still show


ELSEWHERE = "https://elsewhere.example/post-comment"


@pytest.mark.parametrize("receiver", [RECEIVER, None])
def test_form_action_setting_overrides_only_the_form(
    blog: Path, tmp_path: Path, receiver: str | None
) -> None:
    site = build(
        tmp_path / "out",
        content=blog,
        RESPONSES_RECEIVER_URL=receiver,
        RESPONSES_FORM_ACTION=ELSEWHERE,
    )
    page = soup(site / "2021/01/alpha/index.html")
    form = page.select_one("#commentform")
    assert form["action"] == ELSEWHERE
    # The receiver's token and reply script are no use to another service.
    assert not form.has_attr("data-token-url")
    assert page.select_one("script[src$='/js/comment-reply.js']") is None
    pingback = page.select_one("link[rel=pingback]")
    replies = page.select(".comment-reply-link")
    if receiver:
        assert pingback["href"].startswith(RECEIVER)
        assert replies  # they open the receiver's reply page
    else:
        assert pingback is None
        assert replies == []  # no reply page to open


def test_a_bad_receiver_address_warns_and_leaves_comments_closed(
    blog: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    site = build(
        tmp_path / "out", content=blog, RESPONSES_RECEIVER_URL="receiver.example"
    )
    assert "invalid RESPONSES_RECEIVER_URL ('receiver.example')" in caplog.text
    page = soup(site / "2021/01/alpha/index.html")
    assert page.select_one(".nocomments").get_text() == "Comments are closed."
    assert page.select_one("link[rel=pingback]") is None


def test_sample_blog_shows_likes_a_webmention_reply_and_the_form(site: Path) -> None:
    page = soup(site / "2018/02/chronic-back-pain-a-place-to-start/index.html")
    line = page.select_one("#comments .reactions")
    assert [c.get_text() for c in line.select(".reaction-count")] == [
        "3 likes",
        "1 repost",
    ]
    assert line.get_text(" ", strip=True).startswith("3 likes")
    assert "· 1 repost" in line.get_text(" ", strip=True)
    likes = [n.get_text(strip=True) for n in line.select(".reaction-like bdi")]
    assert likes == ["Ines Carvalho", "Jonas Brandt", "Aiko Tanaka"]
    assert all(li["tabindex"] == "0" for li in line.select(".reaction"))
    # Likes are not responses: the heading counts the eight listed items.
    listed = page.select(".commentlist li, .pinglist li")
    heading = page.select_one("#comments-title").get_text(" ", strip=True)
    assert heading.startswith(f"{len(listed)} Responses to") and len(listed) == 8
    reply = page.select_one("#li-comment-104 #li-comment-wm-505")  # under Tomás
    assert "altered motor control" in reply.get_text()
    assert reply.select_one(".comment-source a")["href"].startswith(
        "https://ruth-moves.example/"
    )
    assert page.select_one("form#commentform")["action"] == (
        "http://127.0.0.1:8001/comments"
    )
    contact = soup(site / "contact/index.html").select_one(".entry-content")
    assert "“Leave a Reply” form" in contact.get_text()


def test_published_sample_advertises_the_public_receiver(published_site: Path) -> None:
    path = published_site / "2018/02/chronic-back-pain-a-place-to-start/index.html"
    text = path.read_text("utf-8")
    assert (
        '<link rel="pingback" href="https://listeningback.example/receiver/xmlrpc">'
        in text
    )
    page = soup(path)
    assert page.select_one("input[name=target]")["value"] == (
        "https://listeningback.example/2018/02/chronic-back-pain-a-place-to-start/"
    )
