"""Tag names and slugs (E6) and the cloud in real builds of small sites."""

from __future__ import annotations

from pathlib import Path

from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify
import pytest

from pelican_plugins.slugs.names import assign_slugs, clean_name, is_safe_slug
from tests.support import build, soup, write_post

HARD = ["C", "C++", "C#", "../x", "a/b", "日本語", "Q&amp;A", "x", "!!!"]


def pelican_slug(name: str) -> str:
    return slugify(name, regex_subs=DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Q&amp;A", "Q&A"),
        ("Q&amp;amp;A", "Q&amp;A"),  # decoded exactly once
        ("AT&T", "AT&T"),
        ("Q&notes", "Q&notes"),  # no legacy entity without ";"
        ("caf&#233; &#x2014; bar", "café — bar"),
        ("  two\n words ", "two words"),
    ],
)
def test_names_are_unescaped_exactly_once(raw: str, name: str) -> None:
    assert clean_name(raw) == name


def test_hard_names_get_unique_safe_non_empty_slugs() -> None:
    table = assign_slugs([clean_name(n) for n in HARD], pelican_slug)
    slugs = [slug for _, slug in table.values()]
    assert len(set(slugs)) == len(HARD)
    assert all(is_safe_slug(s) for s in slugs)
    by_name = dict(table.values())
    assert by_name["C"] == "c"
    assert by_name["C++"] == "c-plus-plus"
    assert by_name["C#"] == "c-sharp"
    assert by_name["Q&A"] == "qa"
    assert by_name["日本語"] == "ri-ben-yu"
    assert by_name["x"] == "x"
    assert by_name["../x"] == "x-1"


def test_slugs_do_not_depend_on_input_order_and_respect_pins() -> None:
    names = [clean_name(n) for n in HARD]
    assert assign_slugs(names, pelican_slug) == assign_slugs(names[::-1], pelican_slug)
    pinned = dict(assign_slugs(names, pelican_slug, {"c++": "cpp"}).values())
    assert pinned["C++"] == "cpp"
    assert pinned["C"] == "c"


def test_unsafe_slug_from_custom_substitutions_falls_back() -> None:
    table = assign_slugs(["../etc", ".hidden"], lambda n: n)
    assert all(is_safe_slug(s) for _, s in table.values())


def test_names_differing_only_in_case_are_one_tag() -> None:
    table = assign_slugs(["Posture", "posture"], pelican_slug)
    assert list(table.values()) == [("Posture", "posture")]


def _post(content: Path, slug: str, tags: str, day: int) -> None:
    write_post(
        content / "posts",
        f"{slug}.md",
        f"Title: Post {slug}\nDate: 2020-03-{day:02d}\nTags: {tags}\n"
        f"Slug: {slug}\n\nText.\n",
    )


@pytest.fixture(scope="module")
def hard_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = tmp_path_factory.mktemp("hard") / "content"
    _post(content, "p1", "C, Q&amp;A", 1)
    _post(content, "p2", "C++, ../x, a/b", 2)
    _post(content, "p3", "C#, 日本語, Q&A", 3)
    _post(content, "p4", "C, C++, x", 4)
    write_post(content / "pages", "about.md", "Title: About\nSlug: about\n\nMe.\n")
    return build(tmp_path_factory.mktemp("hard-out") / "output", content=content)


def _titles(site: Path, slug: str) -> list[str]:
    page = soup(site / "tag" / slug / "index.html")
    return sorted(a.get_text() for a in page.select(".summary .entry-title a"))


def test_colliding_tags_get_their_own_pages_with_the_right_posts(
    hard_site: Path,
) -> None:
    assert _titles(hard_site, "c") == ["Post p1", "Post p4"]
    assert _titles(hard_site, "c-plus-plus") == ["Post p2", "Post p4"]
    assert _titles(hard_site, "c-sharp") == ["Post p3"]
    assert _titles(hard_site, "x") == ["Post p4"]
    assert _titles(hard_site, "x-1") == ["Post p2"]
    assert _titles(hard_site, "ab") == ["Post p2"]
    assert _titles(hard_site, "qa") == ["Post p1", "Post p3"]
    heading = soup(hard_site / "tag" / "c-plus-plus" / "index.html").h1.get_text()
    assert "C++" in heading


def test_escaped_names_show_once_escaped_everywhere(hard_site: Path) -> None:
    raw = (hard_site / "2020" / "03" / "p1" / "index.html").read_text("utf-8")
    assert "Q&amp;amp;A" not in raw
    page = soup(hard_site / "2020" / "03" / "p1" / "index.html")
    shown = [a.get_text() for a in page.select(".entry-utility a[rel=tag]")]
    assert shown == ["C", "Q&A"]
    cloud = page.select_one("nav[aria-label=Tags]")
    names = [a.get_text() for a in cloud.select("a")]
    assert names == ["../x", "a/b", "C", "C#", "C++", "Q&A", "x", "日本語"]
    labels = {a.get_text(): a["aria-label"] for a in cloud.select("a")}
    assert labels["Q&A"] == "Q&A (2 items)"
    assert labels["C#"] == "C# (1 item)"
    for link in cloud.select("a"):
        assert (hard_site / link["href"].strip("/") / "index.html").exists()


def test_tags_index_renders_as_the_full_cloud(hard_site: Path) -> None:
    page = soup(hard_site / "tags" / "index.html")
    cloud = page.select_one("main nav[aria-label='All tags']")
    assert len(cloud.select("a.tag-cloud-link")) == 8
    assert page.select_one("aside nav.widget_tag_cloud") is None, "no second cloud"


def test_cloud_options_cap_order_buckets_and_categories(tmp_path: Path) -> None:
    content = tmp_path / "content"
    for n in range(6):
        tags = ", ".join(f"t{k}" for k in range(n + 1))
        write_post(
            content / "posts",
            f"p{n}.md",
            f"Title: P{n}\nDate: 2020-04-{n + 1:02d}\nCategory: cat{n % 2}\n"
            f"Tags: {tags}\nSlug: p{n}\n\nText.\n",
        )
    site = build(
        tmp_path / "out",
        content=content,
        TAG_CLOUD_MAX_ITEMS=3,
        TAG_CLOUD_ORDERBY="count",
        TAG_CLOUD_ORDER="desc",
        TAG_CLOUD_MODE="buckets",
        TAG_CLOUD_FORMAT="flat",
        TAG_CLOUD_SHOW_COUNT=True,
        TAG_CLOUD_CATEGORIES=True,
    )
    page = soup(site / "index.html")
    cloud = page.select_one("nav[aria-label=Tags]")
    links = cloud.select("p.wp-tag-cloud a")
    assert [a.get_text() for a in links] == ["t0 (6)", "t1 (5)", "t2 (4)"]
    # Flat links are separated by whitespace, so names never run together.
    flat_text = cloud.select_one("p.wp-tag-cloud").get_text()
    assert " ".join(flat_text.split()) == "t0 (6) t1 (5) t2 (4)"
    assert all(not a.has_attr("style") for a in links)
    assert "tag-1" in links[0]["class"]
    cats = page.select_one("nav[aria-label=Categories]")
    assert [a.get_text() for a in cats.select("a")] == ["cat0 (3)", "cat1 (3)"]


def test_bad_cloud_setting_warns_and_falls_back(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    content = tmp_path / "content"
    _post(content, "p1", "one, two", 1)
    site = build(tmp_path / "out", content=content, TAG_CLOUD_UNIT="px;color:red")
    assert "tag_cloud: invalid TAG_CLOUD_UNIT" in caplog.text
    link = soup(site / "index.html").select_one("nav[aria-label=Tags] a")
    assert link["style"] == "font-size: 8pt;"


def test_relative_urls_render_the_cloud_per_page(tmp_path: Path) -> None:
    content = tmp_path / "content"
    _post(content, "p1", "one, two", 1)
    _post(content, "p2", "two", 2)
    site = build(tmp_path / "out", content=content, RELATIVE_URLS=True)
    article = soup(site / "2020" / "03" / "p1" / "index.html")
    hrefs = [a["href"] for a in article.select("nav[aria-label=Tags] a")]
    assert hrefs == ["../../../tag/one/", "../../../tag/two/"]
    home = soup(site / "index.html")
    assert [a["href"] for a in home.select("nav[aria-label=Tags] a")] == [
        "./tag/one/",
        "./tag/two/",
    ]


def test_colliding_categories_get_their_own_pages(tmp_path: Path) -> None:
    # Pelican would merge C, C++ and C# (all slug "c") into one category page.
    content = tmp_path / "content"
    for n, category in enumerate(["C", "C++", "C#", "Q&amp;A", "C"], start=1):
        write_post(
            content / "posts",
            f"p{n}.md",
            f"Title: Post {n}\nDate: 2020-04-{n:02d}\nCategory: {category}\n"
            f"Slug: p{n}\n\nText.\n",
        )
    site = build(tmp_path / "out", content=content)

    def titles(slug: str) -> list[str]:
        page = soup(site / "category" / slug / "index.html")
        return sorted(a.get_text() for a in page.select(".summary .entry-title a"))

    assert titles("c") == ["Post 1", "Post 5"]
    assert titles("c-plus-plus") == ["Post 2"]
    assert titles("c-sharp") == ["Post 3"]
    assert titles("qa") == ["Post 4"]
    post = soup(site / "2020" / "04" / "p4" / "index.html")
    shown = [a.get_text() for a in post.select(".entry-utility a[rel='category tag']")]
    assert shown == ["Q&A"]
