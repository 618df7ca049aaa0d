"""Tag slugs: the importer and the redirects use the slugs plugin's one rule."""

from __future__ import annotations

import json
from pathlib import Path

from pelican_plugins.importers.urls import load_settings, tag_slugs
from tests.importers.migration import OLD, import_posts, post
from tests.support import DEV_CONF, build, write_post

SITE = "https://blog.example"


def test_tag_slugs_follow_the_slugs_plugin() -> None:
    settings = load_settings(DEV_CONF)
    assert tag_slugs(settings, ["C", "C++", "C#", "c"]) == {
        "C": "c",
        "c": "c",
        "C#": "c-sharp",
        "C++": "c-plus-plus",
    }
    pinned = {**settings, "SLUGS_PINNED": {"c++": "cpp"}}
    assert tag_slugs(pinned, ["C++", "Q&amp;A"]) == {"C++": "cpp", "Q&amp;A": "qa"}
    bare = {**settings, "PLUGINS": []}
    assert tag_slugs(bare, ["C", "C++"]) == {"C": "c", "C++": "c"}


def test_an_old_tag_page_redirects_to_its_pinned_slug(tmp_path: Path) -> None:
    """WordPress served C++ at /tag/c/; SLUGS_PINNED puts it at /tag/cpp/."""
    settings = {**load_settings(DEV_CONF), "SLUGS_PINNED": {"C++": "cpp"}}
    terms = '<category domain="post_tag" nicename="c"><![CDATA[C++]]></category>'
    item = post(
        "7", "Templates", "templates", f"{OLD}/templates/", "<p>T</p>", terms=terms
    )
    content = import_posts(tmp_path, item, settings=settings)
    entries = json.loads((content / "redirects.json").read_text("utf-8"))
    assert {"from": "/tag/c/", "tag": "C++"} in entries
    output = build(
        tmp_path / "output", content=content, SITEURL=SITE, SLUGS_PINNED={"C++": "cpp"}
    )
    page = (output / "tag" / "c" / "index.html").read_text("utf-8")
    assert f"{SITE}/tag/cpp/" in page


def test_a_redirect_finds_its_tag_whatever_the_case(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_post(
        content / "posts",
        "a.md",
        "Title: A\nDate: 2020-01-05\nTags: Back Pain\n\nHello.\n",
    )
    (content / "redirects.json").write_text(
        json.dumps([{"from": "/tag/back-2/", "tag": "back pain"}]), "utf-8"
    )
    output = build(tmp_path / "output", content=content, SITEURL=SITE)
    page = (output / "tag" / "back-2" / "index.html").read_text("utf-8")
    assert f"{SITE}/tag/back-pain/" in page
