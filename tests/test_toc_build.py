"""The TOC plugin in real Pelican builds: golden fragments for Markdown, reST and
HTML input, summaries and feeds left clean, per-post metadata and the cache."""

from __future__ import annotations

import os
from pathlib import Path

from bs4 import BeautifulSoup
import pytest

from tests.support import build, count_reads, soup, write_post

FIXTURES = Path(__file__).parent / "fixtures" / "toc"
GOLDEN = Path(__file__).parent / "golden" / "toc"
BACKLINK = "Back to table of contents"


def article(site: Path, slug: str) -> Path:
    [page] = site.glob(f"2021/01/{slug}/index.html")
    return page


def fragment(page: Path) -> str:
    """The table and the body of one built article, pretty-printed."""
    post = soup(page).select_one("article.post")
    assert post is not None
    kept = [str(tag) for tag in post.select("article.post > nav.toc, .entry-content")]
    return BeautifulSoup("".join(kept), "lxml").prettify()


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("toc") / "output", content=FIXTURES)


@pytest.mark.parametrize("slug", ["toc-markdown", "toc-rest", "toc-legacy"])
def test_fragment_matches_golden(fixture_site: Path, slug: str) -> None:
    actual = fragment(article(fixture_site, slug))
    golden = GOLDEN / f"{slug}.html"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(actual, "utf-8")
    assert actual == golden.read_text("utf-8")


def entries(page: Path) -> list[tuple[str, str]]:
    nav = soup(page).select_one("nav.toc")
    assert nav is not None
    return [(a["href"], a.get_text()) for a in nav.select("li > a")]


def test_markdown_headings_of_every_kind(fixture_site: Path) -> None:
    page = article(fixture_site, "toc-markdown")
    assert entries(page) == [
        (
            "#sitting-standing-the-real-difference",
            "Sitting & standing: the real difference",
        ),
        ("#a-basic-understanding-of-back-pain", "A Basic Understanding of Back Pain"),
        ("#why-script-stays-text-script", "Why <script> stays text <script>"),
        ("#from-h3-to-h4", "From h3 to h4"),
        ("#intro-1", "Intro"),
        ("#intro-2", "Intro"),
        ("#身体の記憶", "身体の記憶"),
        ("#section-8", "🙂 ✨"),
    ]
    html = page.read_text("utf-8")
    assert "Why &lt;script&gt; stays text &lt;script&gt;</a>" in html  # E2
    assert "&amp;lt;" not in html
    assert "[TOC]" not in html
    doc = soup(page)
    # The marker placed the table between the two opening paragraphs.
    nav = doc.select_one(".entry-content > nav.toc")
    assert nav is not None
    assert "opening paragraph" in nav.find_previous_sibling("p").get_text()
    assert nav.find_next_sibling("p").get_text().startswith("A second paragraph")
    assert len(doc.select("nav.toc")) == 1


def test_rest_keeps_docutils_ids_and_honours_toc_depth(fixture_site: Path) -> None:
    page = article(fixture_site, "toc-rest")
    assert [href for href, _ in entries(page)] == [
        "#guarding-protection",
        "#the-script-reflex",
        "#intro",
        "#intro-1",
    ]
    doc = soup(page)
    assert doc.select_one("#the-script-reflex h3").get_text() == "The <script> reflex"
    assert not doc.select(".entry-content h2[id], .entry-content h3[id]")


def test_legacy_html_keeps_existing_ids(fixture_site: Path) -> None:
    page = article(fixture_site, "toc-legacy")
    assert entries(page) == [
        ("#existing", "A heading that kept its id"),
        ("#bold-and-linked-heading", "Bold and linked heading"),
        ("#existing-1", "Existing"),
    ]


def test_every_page_has_unique_ids_and_working_links(fixture_site: Path) -> None:
    for page in sorted(fixture_site.glob("2021/01/*/index.html")):
        doc = soup(page)
        ids = [tag["id"] for tag in doc.select("[id]")]
        assert len(ids) == len(set(ids)), page
        for link in doc.select("nav.toc a, .toc-backlink a"):
            assert doc.find(id=link["href"][1:]) is not None, (page, link)
        assert not [li for li in doc.select("nav.toc li") if not li.find("a")]


def test_opt_out_and_too_few_headings_show_nothing(fixture_site: Path) -> None:
    for slug in ("toc-off", "toc-single"):
        doc = soup(article(fixture_site, slug))
        assert doc.select("nav.toc, .toc-backlink") == [], slug
        assert doc.select(".entry-content h2")


def test_index_and_feed_carry_neither_table_nor_backlinks(fixture_site: Path) -> None:
    index = (fixture_site / "index.html").read_text("utf-8")
    feed = (fixture_site / "feeds" / "all.atom.xml").read_text("utf-8")
    assert "toc-single" in index
    assert "Lead paragraph" in index  # a summary cut from the body
    for text in (index, feed):
        assert BACKLINK not in text
        assert "toc-backlink" not in text
        assert 'class="toc"' not in text
        assert "toc&quot;" not in text
        assert "[TOC]" not in text
    assert "A second paragraph, after the marker." in feed  # full content kept


def test_settings_change_the_output(tmp_path: Path) -> None:
    site = build(
        tmp_path / "out",
        content=FIXTURES,
        TOC_PLACEMENT="none",
        TOC_LIST="ol",
        TOC_TITLE="Contents",
        TOC_BACKLINK_LABEL="Up to the contents",
        TOC_PERMALINKS=True,
        TOC_LEVELS=(2, 2),
    )
    doc = soup(article(site, "toc-markdown"))
    nav = doc.select_one("article.post > nav.toc")
    assert nav is not None
    assert nav["aria-label"] == "Contents"
    assert nav.select_one("ol") is not None
    assert not nav.select("li li")
    assert not doc.select(".entry-content nav")
    assert doc.select_one(".toc-backlink a").get_text() == "Up to the contents"
    assert doc.select_one("#intro-1 .toc-permalink")["href"] == "#intro-1"
    assert doc.select_one("#from-h3-to-h4") is None  # h4 is no longer listed


def test_bad_settings_warn_and_fall_back(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    content = tmp_path / "content"
    write_post(
        content / "posts", "p.md", "Title: P\nDate: 2021-01-01\n\n## A\n\n## B\n"
    )
    site = build(tmp_path / "out", content=content, TOC_LIST="dl", TOC_LEVLES=(2, 3))
    assert "toc: invalid TOC_LIST ('dl'), falling back to default ('ul')" in caplog.text
    assert "toc: unknown setting TOC_LEVLES is ignored" in caplog.text
    assert soup(site / "2021/01/p/index.html").select("nav.toc ul li")


def test_unreadable_body_is_logged_and_left_alone(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    content = tmp_path / "content"
    # Markdown escapes such text; a raw block in reST passes it through. The
    # summary is given: Pelican's own truncation would choke on it too.
    text = (
        "Broken\n######\n\n:date: 2021-01-01\n:summary: Broken.\n\n"
        "A\n=\n\nB\n=\n\n"
        ".. raw:: html\n\n   <![<![<![ x\n"
    )
    write_post(content / "posts", "broken.rst", text)
    site = build(tmp_path / "out", content=content)
    assert "left without a table" in caplog.text
    assert "broken.rst" in caplog.text
    assert not soup(site / "2021/01/broken/index.html").select("nav.toc")


@pytest.mark.parametrize("layer", ["reader", "generator"])
def test_cached_builds_keep_the_table_and_see_setting_changes(
    tmp_path: Path, layer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    calls = count_reads(monkeypatch)

    def run(name: str, **overrides: object) -> str:
        site = build(
            tmp_path / name,
            content=FIXTURES,
            cache=cache,
            CONTENT_CACHING_LAYER=layer,
            **overrides,
        )
        return fragment(article(site, "toc-markdown"))

    first = run("a")
    assert len(calls) == 5
    assert run("b") == first
    assert len(calls) == 5  # the second build read nothing: all from the cache
    assert BACKLINK in first
    changed = run("c", TOC_BACKLINK_LABEL="Return to the list")
    assert len(calls) == 10  # cache_guard saw the TOC_ setting change
    assert "Return to the list" in changed
    assert BACKLINK not in changed
    assert run("d", TOC_BACKLINK_LABEL="Return to the list") == changed
    assert len(calls) == 10
