"""``Old_urls`` metadata is read by one rule (responses.targets.old_urls)
for the redirect pages, the receiver's targets file and the importer."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from pelican_plugins.importers.articles import ArticleIndex
from pelican_plugins.importers.urls import load_settings
from pelican_plugins.responses.targets import old_urls
from tests.support import DEV_CONF, build, write_post

SITE = "https://blog.example"
OLD = "/a/, /b/ https://BLOG.example:443/c/,https://other.example/d/ /?p=12"


@pytest.mark.parametrize(
    ("value", "siteurl", "paths"),
    [
        ("/a/, /b/", SITE, ["/a/", "/b/"]),
        ("/a,/b\t/c", SITE, ["/a/", "/b/", "/c/"]),
        (["/a/", "/b"], SITE, ["/a/", "/b/"]),
        ("https://blog.example/x/y", SITE, ["/x/y/"]),
        ("https://BLOG.example:443/?p=12#c", SITE, ["/?p=12"]),
        ("https://host.example/blog/x/", "https://host.example/blog", ["/x/"]),
        ("https://other.example/x/", SITE, []),  # another host: warned, skipped
        ("https://blog.example/x/", "", []),  # no SITEURL to tell
        ("/a/ /a", SITE, ["/a/"]),
        ("/b/../c/ relative/ /<x>", SITE, []),
        ("", SITE, []),
        (None, SITE, []),
    ],
)
def test_old_urls(value: object, siteurl: str, paths: list[str]) -> None:
    assert old_urls(value, siteurl) == paths


def test_another_host_is_warned_about_with_its_place(caplog) -> None:
    with caplog.at_level(logging.WARNING):
        assert old_urls("/a/ https://other.example/d/", SITE, "posts/p.md") == ["/a/"]
    assert "posts/p.md: old URL 'https://other.example/d/' is not a path" in caplog.text


@pytest.fixture
def site(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    write_post(
        content / "posts",
        "moved.md",
        f"Title: Moved\nDate: 2019-03-02 10:00\nOld_urls: {OLD}\n\nHello.\n",
    )
    return content


def test_the_build_redirects_and_accepts_every_old_url_of_ours(
    site: Path, tmp_path: Path, caplog
) -> None:
    with caplog.at_level(logging.WARNING):
        output = build(tmp_path / "output", content=site, SITEURL=SITE)
    for old in ("a", "b", "c"):
        page = (output / old / "index.html").read_text("utf-8")
        assert f"{SITE}/2019/03/moved/" in page, old
    assert not list(output.glob("a,*")) and not list(output.glob("?p=*"))
    netlify = (output / "_redirects").read_text("utf-8").splitlines()
    assert sorted(line.split()[0] for line in netlify) == ["/a/", "/b/", "/c/"]
    targets = json.loads((output / "responses-targets.json").read_text("utf-8"))
    assert {url for url, key in targets["targets"].items() if key == "moved"} == {
        "/2019/03/moved/",
        "/a/",
        "/b/",
        "/c/",
        "/?p=12",
    }
    assert "'https://other.example/d/' is not a path on this site" in caplog.text


def test_the_importer_matches_a_pingback_to_each_old_url(site: Path) -> None:
    index = ArticleIndex(site, {**load_settings(DEV_CONF), "SITEURL": SITE})
    for link in ("https://blog.example/a/", "https://blog.example/b/", "/c/"):
        found = index.match(link=link)
        assert found is not None and found.slug == "moved", link
