"""Slug repair is its own plugin: tag and category URLs do not depend on the cloud."""

from __future__ import annotations

from pathlib import Path

from pelican.settings import read_settings
import pytest

from tests.support import DEV_CONF, build_apart, soup, write_post

SLUGS = "pelican_plugins.slugs"
CLOUD = "pelican_plugins.tag_cloud"
PLUGINS = list(read_settings(str(DEV_CONF))["PLUGINS"])


def _without(*names: str) -> list[str]:
    return [p for p in PLUGINS if p not in names]


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("slugs") / "content"
    posts = [
        ("p1", "C", "C, Q&amp;A"),
        ("p2", "C++", "C++, stretching"),
        ("p3", "C#", "C#, Q&A"),
        ("p4", "C", "C, C++"),
    ]
    for day, (slug, category, tags) in enumerate(posts, start=1):
        write_post(
            folder / "posts",
            f"{slug}.md",
            f"Title: Post {slug}\nDate: 2020-03-{day:02d}\nCategory: {category}\n"
            f"Tags: {tags}\nSlug: {slug}\n\nText.\n",
        )
    write_post(folder / "pages", "about.md", "Title: About\nSlug: about\n\nMe.\n")
    return folder


def _terms(site: Path) -> set[str]:
    """Every tag and category page of a built site, as its URL path."""
    return {
        path.parent.relative_to(site).as_posix()
        for kind in ("tag", "category")
        for path in (site / kind).glob("*/index.html")
    }


def _titles(page: Path) -> list[str]:
    return sorted(a.get_text() for a in soup(page).select(".summary .entry-title a"))


def test_taking_the_tag_cloud_out_moves_no_url(content: Path, tmp_path: Path) -> None:
    full = build_apart(tmp_path / "full", content=content, PLUGINS=PLUGINS)
    bare = build_apart(tmp_path / "bare", content=content, PLUGINS=_without(CLOUD))
    assert _terms(bare) == _terms(full)
    assert {"tag/c", "tag/c-plus-plus", "tag/c-sharp", "tag/qa"} <= _terms(bare)
    assert {"category/c", "category/c-plus-plus", "category/c-sharp"} <= _terms(bare)
    assert _titles(bare / "tag/c-plus-plus/index.html") == ["Post p2", "Post p4"]
    assert soup(bare / "index.html").select_one("nav.widget_tag_cloud") is None


def test_the_cloud_works_without_slug_repair(content: Path, tmp_path: Path) -> None:
    site = build_apart(tmp_path / "site", content=content, PLUGINS=_without(SLUGS))
    cloud = soup(site / "index.html").select_one("nav[aria-label=Tags]")
    assert cloud is not None
    for link in cloud.select("a"):
        assert (site / link["href"].strip("/") / "index.html").is_file()
    # Pelican's own slugs: C, C++ and C# fight over one page again.
    assert "tag/c" in _terms(site)
    assert "tag/c-plus-plus" not in _terms(site)


@pytest.mark.parametrize("setting", ["SLUGS_PINNED", "TAG_CLOUD_SLUGS"])
def test_pinned_slugs_keep_published_urls(
    content: Path, tmp_path: Path, setting: str
) -> None:
    site = build_apart(
        tmp_path / "site",
        content=content,
        PLUGINS=_without(CLOUD),
        **{setting: {"C++": "cpp"}},
    )
    assert _titles(site / "tag/cpp/index.html") == ["Post p2", "Post p4"]
    assert _titles(site / "category/cpp/index.html") == ["Post p2"]
    assert "tag/c-plus-plus" not in _terms(site)
