"""The comment form, reply links and likes line in a real Chromium.

A small HTTP server on 127.0.0.1 stands where the receiver would be: it records
what the browser sends and answers as the receiver contract says (303 back to
the post's ``#comment-awaiting-moderation``), so the static side is tested end to
end without JavaScript.
"""

from __future__ import annotations

from collections.abc import Iterator
import http.server
import threading
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
import pytest

from tests.support import build, serve

POST = "/2018/02/chronic-back-pain-a-place-to-start/"
NOTICE = "#comment-awaiting-moderation"


class _Receiver(http.server.BaseHTTPRequestHandler):
    """Records each request; a POST to /comments is sent back to the post."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8")
        fields = parse_qs(body, keep_blank_values=True)
        self.server.requests.append(("POST", self.path, fields))  # type: ignore[attr-defined]
        target = fields.get("target", ["/"])[0]
        site = self.server.site_url  # type: ignore[attr-defined]
        self.send_response(303)
        self.send_header("Location", urljoin(site, target) + NOTICE)
        self.end_headers()

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        fields = parse_qs(parts.query, keep_blank_values=True)
        self.server.requests.append(("GET", parts.path, fields))  # type: ignore[attr-defined]
        if parts.path == "/comments/token":
            # JSON for the site's own origin only, as the receiver answers it.
            origin = self.server.site_url  # type: ignore[attr-defined]
            data = b'{"token": "tok-123"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        # An icon of its own, so the browser asks for nothing else.
        body = (
            b'<!DOCTYPE html><title>Reply</title><link rel="icon" href="data:,">'
            b"<p>reply page</p>"
        )
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def receiver() -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="module")
def wired_site(
    receiver: http.server.ThreadingHTTPServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The sample blog built against the stand-in receiver, served over HTTP."""
    url = f"http://127.0.0.1:{receiver.server_address[1]}/"
    site = build(tmp_path_factory.mktemp("wired") / "out", RESPONSES_RECEIVER_URL=url)
    with serve(site) as base:
        receiver.site_url = base  # type: ignore[attr-defined]
        yield base


@pytest.fixture(scope="module")
def base_url(wired_site: str) -> str:
    """The `page` fixture of this module opens the wired sample blog."""
    return wired_site


def _post(page: Any, receiver: Any, name: str) -> dict[str, list[str]]:
    """Sign and send the comment form; return the fields the receiver got."""
    page.fill("#author", name)
    page.fill("#email", "lena@mail.example")
    with page.expect_navigation():
        page.click("#commentform button[type=submit]")
    method, path, fields = receiver.requests[-1]
    assert (method, path) == ("POST", "/comments")
    return fields


@pytest.fixture
def no_js(browser: object, wired_site: str) -> Iterator[object]:
    """A page with JavaScript switched off, on the wired sample blog."""
    context = browser.new_context(  # type: ignore[attr-defined]
        base_url=wired_site, java_script_enabled=False
    )
    yield context.new_page()
    context.close()


def test_moderation_notice_shows_only_when_it_is_the_target(page: object) -> None:
    page.goto(POST)
    notice = page.locator(NOTICE)
    assert notice.count() == 1
    assert not notice.is_visible()
    page.goto(POST + NOTICE)
    assert notice.is_visible()
    assert notice.inner_text() == "Your comment is awaiting moderation."
    assert page.console_errors == []


def _width(page: Any, selector: str) -> float:
    return page.locator(selector).bounding_box()["width"]


def test_likes_names_show_on_keyboard_focus_and_on_hover(page: object) -> None:
    page.goto(POST)
    line = page.locator("#comments .reactions")
    assert line.inner_text().split("\n")[0].startswith("3 likes")
    names = ".reaction-like .reaction-names"
    assert _width(page, names) <= 1  # out of sight until asked for
    for _ in range(200):  # a reader tabbing down the page
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('reaction-like')"):
            break
    else:
        pytest.fail("the likes count is not reachable with Tab")
    assert _width(page, names) > 50
    assert "Ines Carvalho" in page.locator(names).inner_text()
    page.keyboard.press("Tab")  # into the first name's link: the list stays open
    assert page.evaluate("document.activeElement.textContent") == "Ines Carvalho"
    assert _width(page, names) > 50
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")  # focus leaves the likes
    assert _width(page, names) <= 1
    reposts = ".reaction-repost .reaction-names"
    assert _width(page, reposts) <= 1
    page.hover(".reaction-repost .reaction-count")
    assert _width(page, reposts) > 50
    assert "Slow Movement Club" in page.locator(reposts).inner_text()


def test_the_form_posts_without_javascript(
    no_js: Any, receiver: http.server.ThreadingHTTPServer
) -> None:
    no_js.goto(POST)
    assert not no_js.locator("#hp-homepage").is_visible()
    assert not no_js.locator(NOTICE).is_visible()
    no_js.fill("#comment", "Does the slow arch help after a long drive?")
    no_js.locator("#comment").focus()
    order = []
    for _ in range(4):  # the honeypot is never reached by Tab
        no_js.keyboard.press("Tab")
        order.append(no_js.evaluate("document.activeElement.name"))
    assert order == ["author", "email", "url", ""]  # "" = the submit button
    fields = _post(no_js, receiver, "Lena <Test>")
    assert fields == {
        "comment": ["Does the slow arch help after a long drive?"],
        "author": ["Lena <Test>"],
        "email": ["lena@mail.example"],
        "url": [""],
        "homepage": [""],
        "target": [POST],
        "parent": [""],
        "token": [""],
    }
    assert no_js.url.endswith(POST + NOTICE)
    expect(no_js.locator(NOTICE)).to_be_in_viewport()  # the visitor sees it at once


def test_required_fields_stop_an_empty_post(
    no_js: Any, receiver: http.server.ThreadingHTTPServer
) -> None:
    before = len(receiver.requests)  # type: ignore[attr-defined]
    no_js.goto(POST)
    no_js.click("#commentform button[type=submit]")
    no_js.wait_for_timeout(300)
    assert len(receiver.requests) == before  # type: ignore[attr-defined]
    assert no_js.evaluate("document.activeElement.id") == "comment"


def test_a_reply_link_opens_the_receiver_reply_page_without_javascript(
    no_js: Any, receiver: http.server.ThreadingHTTPServer
) -> None:
    no_js.goto(POST)
    link = no_js.get_by_role("link", name="Reply to Tomás Ruiz")
    with no_js.expect_navigation():
        link.click()
    method, path, fields = receiver.requests[-1]  # type: ignore[attr-defined]
    assert (method, path) == ("GET", "/comments/reply")
    assert fields == {"target": [POST], "parent": ["wp-listeningback.example-104"]}
    assert no_js.locator("p").inner_text() == "reply page"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_open_names_list_and_shown_notice_pass_axe(page: Any, scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)
    page.goto(POST + NOTICE)
    page.focus(".reaction-like")
    assert _width(page, ".reaction-like .reaction-names") > 50
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_script_moves_the_form_under_the_comment_and_back(
    page: Any, receiver: http.server.ThreadingHTTPServer
) -> None:
    page.goto(POST)
    page.get_by_role("link", name="Reply to Tomás Ruiz").click()
    assert page.url.endswith(POST)  # no navigation: the form came to the comment
    assert page.locator("#li-comment-104 > #respond").count() == 1
    assert page.input_value("#commentform input[name=parent]") == (
        "wp-listeningback.example-104"
    )
    assert page.inner_text("#reply-title").startswith("Leave a Reply to Tomás Ruiz")
    assert page.evaluate("document.activeElement.id") == "comment"
    # Focusing the form fetched a token, so the receiver can skip its confirm page.
    page.wait_for_function(
        "document.querySelector('#commentform [name=token]').value === 'tok-123'"
    )
    page.click("#cancel-comment-reply-link")
    assert page.locator("#li-comment-104 #respond").count() == 0
    assert page.input_value("#commentform input[name=parent]") == ""
    assert page.inner_text("#reply-title").strip() == "Leave a Reply"
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Reply to Tomás Ruiz"
    )
    page.get_by_role("link", name="Reply to Marit Olsen").first.click()
    page.fill("#comment", "Same here.")
    fields = _post(page, receiver, "Lena")
    assert fields["parent"] == ["wp-listeningback.example-101"]
    assert fields["token"] == ["tok-123"]
    assert page.locator(NOTICE).is_visible()
    assert page.console_errors == []
