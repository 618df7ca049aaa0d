"""Migrated WordPress content in a real Chromium, at desktop and phone widths.

A caption, a gallery and a nested page are checked at 1280 px and 390 px, in
light and dark mode: nothing scrolls sideways, images fit the column, the
gallery keeps its columns, and the block with a pale inline background stays
readable in dark mode. Screenshots are written for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.importers.migration import migrate
from tests.support import PUBLISH_CONF, build, serve

pytestmark = pytest.mark.browser

CAPTION = "/2013/01/caption-post/"
GALLERY = "/2013/02/gallery-post/"
NESTED = "/learn/method/details/"
WIDTHS = {"desktop": 1280, "phone": 390}

CONTRAST = """(element) => {
  const rgb = (value) => value.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const style = getComputedStyle(element);
  const a = lum(rgb(style.color)), b = lum(rgb(style.backgroundColor));
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@pytest.fixture(scope="module")
def migrated_url(tmp_path_factory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("migration-browser")
    content, _ = migrate(tmp)
    # Site-relative links, so the served copy is self-contained.
    output = build(tmp / "output", content=content, conf=PUBLISH_CONF, SITEURL="")
    with serve(output) as url:
        yield url


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", list(WIDTHS))
def test_caption_gallery_and_nested_page(browser, migrated_url, shots, width, scheme):
    context = browser.new_context(
        base_url=migrated_url,
        viewport={"width": WIDTHS[width], "height": 900},
        color_scheme=scheme,
    )
    tab = context.new_page()
    try:
        for path in (CAPTION, GALLERY, NESTED):
            response = tab.goto(path)
            assert response.status == 200
            tab.wait_for_load_state("load")
            overflow = tab.evaluate(
                "document.scrollingElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, (path, width, overflow)
            column = tab.evaluate(
                "document.querySelector('.entry-content').getBoundingClientRect().width"
            )
            for img in tab.query_selector_all(".entry-content img"):
                box = img.bounding_box()
                if box:
                    assert box["width"] <= column + 1, (path, width)
            name = path.strip("/").replace("/", "-")
            tab.screenshot(path=shots / f"{name}-{width}-{scheme}.png", full_page=True)
        tab.goto(CAPTION)
        column = tab.evaluate(
            "document.querySelector('.entry-content').getBoundingClientRect().width"
        )
        caption = tab.query_selector("figure.wp-caption figcaption")
        assert caption.is_visible()
        assert caption.inner_text() == "Lying on the floor, knees up"
        figure = tab.query_selector("figure.aligncenter").bounding_box()
        left = figure["x"] - tab.evaluate(
            "document.querySelector('.entry-content').getBoundingClientRect().left"
        )
        assert abs(left - (column - figure["width"]) / 2) <= 2  # centred
        tab.goto(GALLERY)
        tops = [
            round(i.bounding_box()["y"])
            for i in tab.query_selector_all(".gallery-item")
        ]
        assert len(tops) == 2 and tops[0] == tops[1]  # two columns, side by side
        pale = tab.query_selector('.entry-content p[style*="background"]')
        assert tab.evaluate(CONTRAST, pale) >= 4.5
        tab.goto(NESTED)
        assert "Page note one." in tab.inner_text("#comments")
    finally:
        context.close()
