"""axe-core finds no accessibility violation on the pages readers use most."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
import pytest

from tests.test_site import source_posts

LONGEST = max(source_posts(), key=lambda m: len(m.get("title", "")))
ARTICLE = f"/{LONGEST['date'][:4]}/{LONGEST['date'][5:7]}/{LONGEST['slug']}/"


# The post with threaded comments, likes, linkbacks and the comment form; once
# more with the moderation notice shown, as after posting a comment.
RESPONSES = "/2018/02/chronic-back-pain-a-place-to-start/"
PATHS = ["/", ARTICLE, "/tags/", "/about/", "/page/2/", RESPONSES]


@pytest.mark.parametrize(
    "path", [*PATHS, RESPONSES + "#comment-awaiting-moderation", "/contact/"]
)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_reports_no_violations(page: object, path: str, scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)
    response = page.goto(path)
    assert response.ok, path
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    assert page.console_errors == []


def test_skip_link_moves_focus_to_main(page: object) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
