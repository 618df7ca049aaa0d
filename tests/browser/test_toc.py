"""The "On this page" table in a real Chromium: jump to a section and back."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
import pytest

CHRONIC = "/2018/02/chronic-back-pain-a-place-to-start/"
REST = "/2020/05/recovery-after-injury/"

# The target ends at the top of the viewport (scroll-margin-top is 1rem).
AT_TOP = """(selector) => {
  const box = document.querySelector(selector).getBoundingClientRect();
  return box.top >= 0 && box.top < 40;
}"""


def at_top(page: object, selector: str) -> None:
    # Smooth scrolling is on unless reduced motion is asked for: wait until the
    # scroll has settled with the target at the top.
    page.wait_for_function(  # type: ignore[attr-defined]
        f"({AT_TOP})({selector!r})", timeout=5000
    )


SETTLED = """() => {
  const same = window.__lastScrollY === window.scrollY;
  window.__lastScrollY = window.scrollY;
  return same;
}"""


def settle(page: object) -> None:
    # A person presses Enter after focus has scrolled the link into view; a
    # key press during a smooth scroll would be cancelled along with it.
    page.wait_for_function(SETTLED, polling=200, timeout=5000)  # type: ignore[attr-defined]


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_entry_moves_to_its_heading_and_backlink_returns(
    page: object, motion: str
) -> None:
    page.emulate_media(reduced_motion=motion)
    assert page.goto(CHRONIC).ok
    nav = page.get_by_role("navigation", name="On this page")
    entry = nav.get_by_role("link", name="Muscles that forgot how to let go")
    entry.click()
    assert page.evaluate("location.hash") == "#muscles-that-forgot-how-to-let-go"
    at_top(page, "#muscles-that-forgot-how-to-let-go")

    # The section's own back-link: the first one after its heading.
    back = page.locator("#muscles-that-forgot-how-to-let-go ~ .toc-backlink a").first
    assert back.get_attribute("href") == "#toc"
    back.focus()
    settle(page)
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#toc"
    at_top(page, "#toc")
    assert page.console_errors == []


def test_keyboard_reaches_the_table_and_the_backlinks(page: object) -> None:
    assert page.goto(REST).ok
    names = []
    for _ in range(60):
        page.keyboard.press("Tab")
        names.append(page.evaluate("document.activeElement.textContent.trim()"))
        if names[-1] == "Back to table of contents":
            break
    assert "Guarding is clever, at first" in names
    assert names[-1] == "Back to table of contents"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#toc"


def test_backlinks_have_a_clear_accessible_name(page: object) -> None:
    assert page.goto(CHRONIC).ok
    links = page.get_by_role("link", name="Back to table of contents")
    assert links.count() == page.locator(".toc-backlink").count() == 10
    snapshot = page.locator(".toc-backlink").first.aria_snapshot()
    assert 'link "Back to table of contents"' in snapshot


@pytest.mark.parametrize("path", [CHRONIC, REST])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_on_pages_with_a_table(page: object, path: str, scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)
    assert page.goto(path).ok
    assert page.locator("nav.toc").count() == 1
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
