"""One rule names a page of the site (responses.targets.site_path_key).

Old URLs in metadata, the receiver's targets and the importer's article index
all compare these keys, so the cases are pinned here once and the callers are
checked to agree on them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pelican_plugins.importers import urls
from pelican_plugins.importers.articles import ArticleIndex
from pelican_plugins.importers.cli import run
from pelican_plugins.importers.urls import load_settings
from pelican_plugins.responses.targets import Targets, old_urls, site_path_key
from tests.importers.migration import OLD, post
from tests.importers.wxrdoc import wxr
from tests.support import DEV_CONF, build, write_post

SITE = "https://blog.example"
UNDER = "https://example.org/blog"


@pytest.mark.parametrize(
    ("url", "site", "key"),
    [
        # one trailing slash: the server redirects /post to /post/
        ("/2019/03/post", SITE, "/2019/03/post/"),
        ("/2019/03/post/", SITE, "/2019/03/post/"),
        ("/2019/03/post///", SITE, "/2019/03/post/"),
        ("https://blog.example", SITE, "/"),
        ("/", SITE, "/"),
        # percent-encoding: every spelling of one path is one key
        ("/caf%c3%a9/", SITE, "/caf%C3%A9/"),
        ("/café/", SITE, "/caf%C3%A9/"),
        ("https://blog.example/caf%C3%A9", SITE, "/caf%C3%A9/"),
        ("/%7euser/", SITE, "/~user/"),
        ("/a%2Fb/", SITE, "/a%2Fb/"),  # an encoded slash is no folder
        # the query is kept: plain permalinks are different posts
        ("/?p=12", SITE, "/?p=12"),
        ("/?p=13", SITE, "/?p=13"),
        ("/index.php?p=12", SITE, "/index.php/?p=12"),
        ("https://blog.example/?p=12#comment-3", SITE, "/?p=12"),
        # the fragment is dropped
        ("/2019/03/post/#comments", SITE, "/2019/03/post/"),
        # host: case, IDNA, default port, http or https are one site
        ("HTTPS://BLOG.Example/a", SITE, "/a/"),
        ("https://blog.example:443/a", SITE, "/a/"),
        ("http://blog.example/a", SITE, "/a/"),
        ("https://blog.example:8443/a", SITE, None),
        ("https://other.example/a", SITE, None),
        ("https://blog.example/a", "", None),  # no SITEURL: no full URL is ours
        # a site under a path: its prefix goes, and only URLs below it are ours
        ("https://example.org/blog/2019/03/post/", UNDER, "/2019/03/post/"),
        ("https://example.org/blog", UNDER, "/"),
        ("https://example.org/blog/?p=12", UNDER, "/?p=12"),
        ("https://example.org/2019/03/post/", UNDER, None),
        ("https://example.org/blogroll/", UNDER, None),
        ("/2019/03/post/", UNDER, "/2019/03/post/"),  # a site path is already below
        # not a page
        ("/a/../b/", SITE, None),
        ("/a/%2e%2e/b/", SITE, None),
        ("/./a/", SITE, None),
        ("/a%00b/", SITE, None),  # a NUL names no file and no page
        ("/<x>", SITE, None),
        ("relative/", SITE, None),
        ("//blog.example/a", SITE, None),
        ("javascript:alert(1)", SITE, None),
        ("", SITE, None),
        (None, SITE, None),
    ],
)
def test_site_path_key(url: object, site: str, key: str | None) -> None:
    assert site_path_key(url, site) == key


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://old.example/2013/01/post", "/2013/01/post/"),
        ("http://OLD.example:8080/?p=12", "/?p=12"),
        ("https://old.example/blog/2013/01/post/", "/2013/01/post/"),  # SITEURL's
        ("https://old.example/2013/01/%7Epost/", "/2013/01/~post/"),
        ("http://[oops/", None),
        ("ftp://old.example/a/", None),
    ],
)
def test_any_host_ignores_the_host_but_not_the_rest(url: str, key: str | None) -> None:
    assert site_path_key(url, UNDER, any_host=True) == key


def test_every_spelling_of_one_old_url_is_listed_once() -> None:
    value = "/caf%c3%a9/ /café https://blog.example/caf%C3%A9/#top"
    assert old_urls(value, SITE) == ["/caf%C3%A9/"]


def test_the_receiver_takes_another_spelling_of_a_post_url() -> None:
    """A sender's client may encode a non-ASCII slug in lower-case hex."""
    targets = Targets(
        SITE, {"/2019/03/café/": "cafe", "/index.php?p=7": "cafe"}, {"cafe": "/c/"}
    )
    for url in (
        "https://blog.example/2019/03/caf%c3%a9",
        "https://blog.example/2019/03/caf%C3%A9/",
        "https://blog.example/index.php/?p=7",
    ):
        assert targets.resolve(url) == ("cafe", "https://blog.example/c/"), url
    assert targets.resolve("https://blog.example/index.php?p=8") is None


def test_the_importer_finds_a_post_of_a_site_under_a_path(tmp_path: Path) -> None:
    """The old blog lived under /blog/ too: its links match the new posts."""
    content = tmp_path / "content"
    write_post(
        content / "posts",
        "moved.md",
        "Title: Moved\nDate: 2019-03-02 10:00\nOld_urls: /?p=12\n\nHello.\n",
    )
    settings = {**load_settings(DEV_CONF), "SITEURL": UNDER}
    index = ArticleIndex(content, settings)
    for link in (
        "https://old.example/blog/2019/03/moved/",
        "https://old.example/blog/2019/03/moved",
        "https://old.example/2019/03/moved/?utm_source=feed",
        "https://example.org/blog/?p=12",
    ):
        found = index.match(link=link)
        assert found is not None and found.slug == "moved", link
    assert index.match(link="https://example.org/blog/?p=13") is None


@pytest.mark.parametrize(
    ("link", "base", "path"),
    [
        ("https://old.example/k%c3%b6rper", "", "/k%C3%B6rper/"),
        ("https://old.example/körper/#comments", "", "/k%C3%B6rper/"),
        ("https://old.example/blog/x", "/blog", "/x/"),
        ("https://old.example/blogroll/", "/blog", None),  # outside the old site
        ("https://old.example/a%00b/", "", None),
        ("https://old.example/index.php?p=12", "", None),  # no file answers a query
    ],
)
def test_the_importers_old_paths_are_keys_too(
    link: str, base: str, path: str | None
) -> None:
    assert urls.old_path(link, base) == path


def test_the_importer_compares_old_and_new_paths_by_their_keys() -> None:
    assert urls.same_path("/k%c3%b6rper", "/körper/")
    assert urls.same_path("/tag/back-pain/", "/tag/back-pain")
    assert not urls.same_path("/?p=12", "/?p=13")
    assert not urls.same_path("/a/../b/", "/a/../b/")  # no page is no match


def test_an_old_url_that_is_the_post_itself_is_no_redirect(tmp_path: Path) -> None:
    """The redirects compare by the same key: the live page is never replaced."""
    content = tmp_path / "content"
    write_post(
        content / "posts",
        "moved.md",
        "Title: Moved\nDate: 2019-03-02 10:00\n"
        "Old_urls: /2019/03/moved, https://blog.example/2019/03/%6Doved/#top /old/\n"
        "\nHello.\n",
    )
    output = build(tmp_path / "output", content=content, SITEURL=SITE)
    netlify = (output / "_redirects").read_text("utf-8").splitlines()
    assert [line.split()[0] for line in netlify] == ["/old/"]
    page = (output / "2019" / "03" / "moved" / "index.html").read_text("utf-8")
    assert "Hello." in page and 'http-equiv="refresh"' not in page


def test_the_migration_keeps_a_taken_address_spelled_another_way(
    tmp_path: Path,
) -> None:
    """A post already at 2013/01/a%2Dpost owns /2013/01/a-post/: no second file."""
    content = tmp_path / "content"
    write_post(
        content / "posts",
        "mine.md",
        "Title: Mine\nDate: 2020-01-02\nURL: 2013/01/a%2Dpost\n\nMine.\n",
    )
    source = tmp_path / "export.xml"
    item = post("7", "A post", "a-post", f"{OLD}/a-post/", "<p>T</p>")
    source.write_text(wxr(item), "utf-8")
    settings = load_settings(DEV_CONF)
    db = tmp_path / "db.sqlite3"
    report = run("wordpress", source, content, db, posts=True, settings=settings)
    assert any(
        "its URL /2013/01/a-post/ is already mine.md" in line
        for line in report.posts.refused
    ), report.posts.refused
    assert sorted(p.name for p in (content / "posts").iterdir()) == ["mine.md"]
