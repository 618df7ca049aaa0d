"""The sample blog in content/ with the TOC plugin: every page, index and feed."""

from __future__ import annotations

from pathlib import Path

from tests.support import html_pages, soup

BACKLINK = "Back to table of contents"


def test_every_table_is_well_formed_and_every_link_lands(site: Path) -> None:
    tables = 0
    for page in html_pages(site):
        doc = soup(page)
        ids = [tag["id"] for tag in doc.select("[id]")]
        assert len(ids) == len(set(ids)), page
        navs = doc.select("nav.toc")
        assert len(navs) <= 1, page  # never rendered twice
        for nav in navs:
            tables += 1
            assert nav["aria-label"] == "On this page"
            assert len(nav.select("li")) >= 2
            for item in nav.select("li"):
                link = item.find("a", recursive=False)
                assert link is not None and link.get_text().strip(), page
                target = doc.find(id=link["href"][1:])
                assert target is not None, (page, link["href"])
                assert " " not in link["href"]
            for back in doc.select(".toc-backlink a"):
                assert back["href"] == f"#{nav['id']}"
                assert back.get_text() == BACKLINK
        if not navs:
            assert not doc.select(".toc-backlink"), page
    assert tables >= 12  # the posts with two or more sections, and about/


def test_raw_html_heading_with_a_line_break_is_listed(site: Path) -> None:
    doc = soup(site / "2018/02/chronic-back-pain-a-place-to-start/index.html")
    heading = doc.select_one("h2#a-basic-understanding-of-back-pain")
    assert heading is not None
    first = doc.select_one("nav.toc li a")
    assert first.get_text() == "A Basic Understanding of Back Pain"
    # Placed automatically, after the introduction and before the first section.
    nav = doc.select_one(".entry-content > nav.toc")
    assert nav.find_next_sibling() is heading
    assert nav.find_previous_sibling("p") is not None


def test_non_latin_and_markup_headings_of_the_sample_posts(site: Path) -> None:
    memory = soup(site / "2018/10/muscle-memory-and-sensory-motor-amnesia/index.html")
    assert memory.find(id="身体の記憶").name == "h2"
    posture = soup(site / "2024/02/posture-myths/index.html")
    texts = [a.get_text() for a in posture.select("nav.toc a")]
    assert "Why <slouch> is not a diagnosis" in texts
    assert posture.find(id="why-slouch-is-not-a-diagnosis").name == "h2"


def test_a_single_section_post_has_no_table(site: Path) -> None:
    doc = soup(site / "2019/03/pandiculation-the-yawn-reflex/index.html")
    assert doc.select_one(".entry-content h2") is not None
    assert doc.select("nav.toc, .toc-backlink") == []


def test_index_pages_and_feeds_stay_clean(site: Path) -> None:
    listing = [*site.glob("index.html"), *site.glob("page/*/index.html")]
    listing += [*site.glob("tag/*/index.html"), *site.glob("category/*/index.html")]
    feeds = sorted(site.glob("feeds/**/*.xml"))
    assert listing and feeds
    for path in listing + feeds:
        text = path.read_text("utf-8")
        assert BACKLINK not in text, path
        assert "toc-backlink" not in text, path
        assert "On this page" not in text, path
