"""axe-core finds no accessibility violation on a tombstone page."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
import pytest

from tests.support import serve
from tests.tombstone_site import GONE_PATH, build_with_tombstone


@pytest.fixture(scope="module")
def tombstone_url(tmp_path_factory):
    site = build_with_tombstone(tmp_path_factory.mktemp("tombstone"))
    with serve(site) as url:
        yield url


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_tombstone_has_no_axe_violations(browser, tombstone_url, scheme):
    context = browser.new_context(base_url=tombstone_url)
    try:
        page = context.new_page()
        page.emulate_media(color_scheme=scheme)
        assert page.goto(GONE_PATH).ok
        assert page.locator("h1").inner_text() == "This post was removed"
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
    finally:
        context.close()
