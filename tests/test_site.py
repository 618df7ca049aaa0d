"""The sample blog as a reader sees it, from a real Pelican build of content/."""

from __future__ import annotations

from pathlib import Path
import re
from urllib.parse import urlsplit
import xml.etree.ElementTree as ET

import pytest

from tests.support import CONTENT, build, html_pages, soup, write_post

ATOM = "{http://www.w3.org/2005/Atom}"


def source_posts() -> list[dict[str, str]]:
    """Metadata of every post in content/posts, read from its header lines."""
    posts = []
    for path in sorted((CONTENT / "posts").iterdir()):
        text = path.read_text("utf-8")
        meta: dict[str, str] = {"file": path.name}
        if path.suffix == ".md":
            for line in text.split("\n\n", 1)[0].splitlines():
                key, _, value = line.partition(":")
                meta[key.strip().lower()] = value.strip()
        else:
            for key, value in re.findall(r"^:(\w+):\s*(.*)$", text, re.M):
                meta[key.lower()] = value.strip()
            meta["title"] = text.splitlines()[0].strip()
        posts.append(meta)
    return posts


def article_page(site: Path, meta: dict[str, str]) -> Path:
    year, month = meta["date"][:4], meta["date"][5:7]
    return site / year / month / meta["slug"] / "index.html"


def test_sample_content_has_what_the_widgets_need() -> None:
    posts = source_posts()
    assert len(posts) >= 10
    assert any(p["file"].endswith(".rst") for p in posts)
    tags = [t.strip() for p in posts for t in p.get("tags", "").split(",") if t.strip()]
    counts = {t: tags.count(t) for t in set(tags)}
    assert len(counts) >= 25
    assert max(counts.values()) >= 4 * min(counts.values()), "tags are used unevenly"
    assert any(not p.get("tags") for p in posts), "one post has no tags"
    assert (CONTENT / "pages" / "about.md").exists()
    assert (CONTENT / "pages" / "contact.md").exists()


@pytest.mark.parametrize("meta", source_posts(), ids=lambda m: m["file"])
def test_article_page_shows_title_byline_and_meta_line(
    site: Path, meta: dict[str, str]
) -> None:
    page = soup(article_page(site, meta))
    assert page.h1.get_text(strip=True)
    byline = page.select_one(".byline")
    assert byline.select_one("time[datetime]")
    assert byline.select_one("a[rel=author]")["href"] == "/about/"

    line = page.select_one(".entry-utility")
    text = " ".join(line.get_text().split())
    permalink = line.select_one("a[rel=bookmark]")
    assert (
        permalink["href"] == f"/{meta['date'][:4]}/{meta['date'][5:7]}/{meta['slug']}/"
    )
    assert text.endswith("Bookmark the permalink.")
    assert text.startswith("This entry was posted in " + meta["category"])
    if meta.get("tags"):
        assert " and tagged " in text
        shown = [a.get_text() for a in line.select("a[rel=tag]")]
        expected = [t.strip() for t in meta["tags"].split(",")]
        assert shown == expected
    else:
        assert "tagged" not in text
    for link in line.find_all("a"):
        assert link.get_text(strip=True), "the meta line never shows an empty link"


def test_meta_line_variants_without_category_or_tags(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_post(
        content / "posts",
        "a.md",
        "Title: Both\nDate: 2020-01-01\n"
        "Category: pain relief\nTags: walking\nSlug: both\n\nText.\n",
    )
    write_post(
        content / "posts",
        "b.md",
        "Title: Only tags\nDate: 2020-01-02\n"
        "Tags: walking, sleep\nSlug: only-tags\n\nText.\n",
    )
    write_post(
        content / "posts",
        "c.md",
        "Title: Nothing\nDate: 2020-01-03\nSlug: nothing\n\nText.\n",
    )
    write_post(content / "pages", "about.md", "Title: About\nSlug: about\n\nMe.\n")
    site = build(tmp_path / "out", content=content)

    def line(slug: str) -> str:
        page = soup(site / "2020" / "01" / slug / "index.html")
        return " ".join(page.select_one(".entry-utility").get_text().split())

    assert line("both") == (
        "This entry was posted in pain relief and tagged walking. "
        "Bookmark the permalink."
    )
    assert line("only-tags") == (
        "This entry was tagged walking, sleep. Bookmark the permalink."
    )
    assert line("nothing") == "Bookmark the permalink."


def test_home_page_lists_newest_first_and_paginates(site: Path) -> None:
    posts = sorted(source_posts(), key=lambda p: p["date"], reverse=True)
    home = soup(site / "index.html")
    titles = [a.get_text(strip=True) for a in home.select(".summary .entry-title a")]
    assert titles[0] == posts[0]["title"]
    assert len(titles) == 8
    older = home.select_one(".pagination a[rel=next]")
    assert older["href"] == "/page/2/"
    second = soup(site / "page" / "2" / "index.html")
    more = [a.get_text(strip=True) for a in second.select(".summary .entry-title a")]
    assert more[0] == posts[8]["title"]
    assert second.select_one(".pagination a[rel=prev]")["href"] == "/"


def test_pages_tags_categories_archives_and_author_exist(site: Path) -> None:
    for path in (
        "about",
        "contact",
        "tags",
        "categories",
        "archives",
        "author/hanna-vogel",
    ):
        assert (site / path / "index.html").exists(), path
    tags = soup(site / "tags" / "index.html").select(".tag-index a")
    assert len(tags) >= 25
    for link in tags:
        assert (site / link["href"].strip("/") / "index.html").exists()


def test_atom_feeds_are_written_and_list_posts(site: Path) -> None:
    feed = ET.parse(site / "feeds" / "all.atom.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == min(20, len(source_posts()))
    assert list((site / "feeds" / "tag").glob("*.atom.xml"))


def test_no_request_goes_to_a_third_party_host(site: Path) -> None:
    for path in html_pages(site):
        page = soup(path)
        for element in page.find_all(src=True):
            assert not urlsplit(element["src"]).netloc, (path, element)
        for link in page.find_all("link", href=True):
            if {"stylesheet", "icon", "preload", "prefetch", "modulepreload"} & set(
                link.get("rel", [])
            ):
                assert not urlsplit(link["href"]).netloc, (path, link)
        assert not page.find("iframe"), path


def test_outside_links_are_present(site: Path) -> None:
    outside = set()
    for path in html_pages(site):
        for a in soup(path).select(".entry-content a[href^=http]"):
            outside.add(urlsplit(a["href"]).netloc)
    assert len(outside) >= 2


def test_untrusted_metadata_is_escaped_by_the_theme(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_post(
        content / "posts",
        "x.md",
        'Title: Pain &amp; "relief" <script>alert(1)</script>\n'
        "Date: 2020-02-02\nCategory: <b>cat</b>\nTags: <img src=x onerror=alert(1)>\n"
        "Slug: xss\n\nBody.\n",
    )
    site = build(tmp_path / "out", content=content)
    raw = (site / "2020" / "02" / "xss" / "index.html").read_text("utf-8")
    assert "<script>alert" not in raw
    assert "<img src=x" not in raw
    assert "<b>cat</b>" not in raw
    assert "&lt;b&gt;cat&lt;/b&gt;" in raw


def test_pagination_pages_never_collide_with_other_tags(tmp_path: Path) -> None:
    content = tmp_path / "content"
    for n in range(17):
        write_post(
            content / "posts",
            f"p{n}.md",
            f"Title: Post {n}\n"
            f"Date: 2021-01-{n + 1:02d}\nTags: back-5\nSlug: p{n}\n\nText.\n",
        )
    write_post(
        content / "posts",
        "lone.md",
        "Title: The lone post\nDate: 2021-02-01\nTags: back-53\nSlug: lone\n\nText.\n",
    )
    site = build(tmp_path / "out", content=content)
    third = soup(site / "tag" / "back-5" / "page" / "3" / "index.html")
    assert [a.get_text() for a in third.select(".summary .entry-title a")] == ["Post 0"]
    lone = soup(site / "tag" / "back-53" / "index.html")
    assert [a.get_text() for a in lone.select(".summary .entry-title a")] == [
        "The lone post"
    ]


def test_publish_build_uses_absolute_urls(published_site: Path) -> None:
    home = soup(published_site / "index.html")
    first = home.select_one(".summary .entry-title a")["href"]
    assert first.startswith("https://listeningback.example/")
    feed = ET.parse(published_site / "feeds" / "all.atom.xml").getroot()
    link = feed.find(f"{ATOM}entry/{ATOM}link").get("href")
    assert link.startswith("https://listeningback.example/")
