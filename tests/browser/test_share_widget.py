"""The share widget and tag cloud in a real Chromium: copy, native share, hint, axe."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
import pytest

ARTICLE = "/2018/02/chronic-back-pain-a-place-to-start/"
MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/124.0 Safari/537.36"
)
WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/124.0 Safari/537.36"
)


@pytest.fixture
def new_page(browser: object, base_url: str) -> Iterator[object]:
    """Open tabs in contexts built with the given options; close them afterwards."""
    contexts = []

    def make(**options: object) -> object:
        context = browser.new_context(base_url=base_url, **options)  # type: ignore[attr-defined]
        contexts.append(context)
        tab = context.new_page()
        tab.console_errors = []
        tab.on(
            "console",
            lambda m: tab.console_errors.append(m.text) if m.type == "error" else None,
        )
        return tab

    yield make
    for context in contexts:
        context.close()


def test_copy_button_puts_the_exact_permalink_on_the_clipboard(
    new_page: object, base_url: str
) -> None:
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    page.goto(ARTICLE)
    button = page.get_by_role("button", name="Copy link")
    assert button.is_visible()
    button.click()
    status = page.locator("[data-share-status]")
    status.wait_for(state="visible")
    assert status.text_content() == "Link copied to the clipboard."
    assert status.get_attribute("aria-live") == "polite"
    copied = page.evaluate("navigator.clipboard.readText()")
    permalink = page.locator(".entry-utility a[rel=bookmark]").get_attribute("href")
    assert copied == base_url + permalink == base_url + ARTICLE
    assert page.console_errors == []


def test_copy_failure_is_reported_not_silent(new_page: object) -> None:
    page = new_page()
    page.add_init_script(
        "navigator.clipboard.writeText = () => Promise.reject(new Error('denied'));"
    )
    page.goto(ARTICLE)
    page.get_by_role("button", name="Copy link").click()
    status = page.locator("[data-share-status]")
    status.wait_for(state="visible")
    assert "Could not copy" in status.text_content()


@pytest.mark.parametrize(("agent", "shortcut"), [(MAC, "⌘D"), (WINDOWS, "Ctrl+D")])
def test_bookmark_hint_names_the_platform_shortcut(
    new_page: object, agent: str, shortcut: str
) -> None:
    page = new_page(user_agent=agent)
    page.goto(ARTICLE)
    hint = page.locator("[data-bookmark-hint]")
    assert hint.is_visible()
    assert hint.text_content() == f"Press {shortcut} to bookmark this page."


def test_bookmark_hint_is_hidden_on_touch_devices(new_page: object) -> None:
    page = new_page(
        has_touch=True, is_mobile=True, viewport={"width": 390, "height": 800}
    )
    page.goto(ARTICLE)
    assert page.locator("[data-copy]").is_visible()
    assert not page.locator("[data-bookmark-hint]").is_visible()


def test_native_share_button_only_where_the_api_exists(new_page: object) -> None:
    plain = new_page()
    plain.add_init_script("delete Navigator.prototype.share;")
    plain.goto(ARTICLE)
    assert not plain.get_by_role("button", name="Share…").is_visible()

    page = new_page()
    page.add_init_script(
        "window.shared = [];"
        "Navigator.prototype.share = function (d) {"
        " window.shared.push(d); return Promise.resolve(); };"
    )
    page.goto(ARTICLE)
    page.get_by_role("button", name="Share…").click()
    shared = page.evaluate("window.shared")
    assert shared[0]["url"].endswith(ARTICLE)


def test_without_javascript_the_links_work_and_buttons_stay_hidden(
    new_page: object,
) -> None:
    page = new_page(java_script_enabled=False)
    page.goto(ARTICLE)
    assert page.locator(".share-links a").count() == 7
    assert page.locator(".share-reddit").is_visible()
    assert not page.locator("[data-share-tools]").is_visible()


def test_axe_finds_nothing_on_a_page_with_both_widgets(new_page: object) -> None:
    for scheme in ("light", "dark"):
        page = new_page(color_scheme=scheme)
        page.goto(ARTICLE)
        assert page.locator("nav.widget_tag_cloud a").count() > 10
        assert page.locator("[data-copy]").is_visible()
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()


def test_share_page_sends_readers_straight_to_their_server(new_page: object) -> None:
    page = new_page()
    query = "?title=Q%26A%20%231&url=https%3A%2F%2Flisteningback.example%2Fx%2F"
    page.goto("/share/" + query)
    assert page.locator("[data-fedi-text]").text_content() == (
        "Q&A #1 https://listeningback.example/x/"
    )
    assert Axe().run(page).violations_count == 0
    page.route("https://**/*", lambda route: route.fulfill(body="ok"))
    page.get_by_label("Your server").fill("not a host")
    page.get_by_role("button", name="Go to my server").click()
    assert "Type a server name" in page.locator("[data-fedi-status]").text_content()
    page.get_by_label("Your server").fill("@me@Mastodon.Example")
    with page.expect_navigation():
        page.get_by_role("button", name="Go to my server").click()
    assert page.url == (
        "https://mastodon.example/share?text="
        "Q%26A+%231+https%3A%2F%2Flisteningback.example%2Fx%2F"
    )


def test_share_page_opened_directly_explains_and_links_home(new_page: object) -> None:
    page = new_page()
    page.goto("/share/")
    explanation = page.locator("[data-fedi-empty]")
    assert explanation.is_visible()
    assert "nothing to share" in explanation.text_content()
    assert not page.locator("[data-fedi-form]").is_visible()
    assert "Text:" not in page.locator("main").inner_text()
    assert Axe().run(page).violations_count == 0
    page.get_by_role("link", name="Back to the home page").click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == "/"
    assert page.locator("article").count() > 0  # the home page's posts
    assert page.console_errors == []
