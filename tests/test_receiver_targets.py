"""The targets file: written by a real build, read by the receiver to check targets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pelican_plugins.responses.targets import Targets, canonical
from tests.support import build, write_post


def test_build_writes_every_post_page_and_old_url(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_post(
        content / "posts",
        "first.md",
        "Title: First steps\nDate: 2019-03-02 10:00\n"
        "Old_urls: /?p=12, https://blog.example/2019/03/first/\n\nHello.\n",
    )
    write_post(
        content / "posts",
        "second.md",
        "Title: Second\nDate: 2020-01-05\nResponses_key: legacy-second\n\nBye.\n",
    )
    write_post(
        content / "posts",
        "draft.md",
        "Title: Draft\nDate: 2020-01-06\nStatus: draft\n\nNot yet.\n",
    )
    write_post(content / "pages", "contact.md", "Title: Contact\n\nWrite to me.\n")
    output = build(tmp_path / "output", content=content, SITEURL="https://blog.example")
    raw = (output / "responses-targets.json").read_bytes()
    data = json.loads(raw)
    assert data["site_url"] == "https://blog.example"
    assert data["targets"] == {
        "/2019/03/first-steps/": "first-steps",
        "/2020/01/second/": "legacy-second",
        "/?p=12": "first-steps",
        "/2019/03/first/": "first-steps",  # a full URL of ours is its path
        "/contact/": "contact",
    }
    assert data["posts"]["first-steps"] == "/2019/03/first-steps/"
    # the same input gives the same bytes
    build(tmp_path / "output", content=content, SITEURL="https://blog.example")
    assert (output / "responses-targets.json").read_bytes() == raw


@pytest.fixture
def targets() -> Targets:
    return Targets(
        "https://blog.example",
        {
            "/2019/03/first/": "first",
            "/?p=12": "first",
            "https://oldblog.example/first.html": "first",
            "/contact/": "contact",
        },
        {"first": "/2019/03/first/", "contact": "/contact/"},
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://blog.example/2019/03/first/",
        "https://blog.example/2019/03/first/#comment-3",  # D12: fragment ignored
        "https://blog.example/2019/03/first",  # the folder without its slash
        "HTTPS://BLOG.Example/2019/03/first/",  # D24: case of scheme and host
        "https://blog.example/?p=12",
        "https://oldblog.example/first.html",
    ],
)
def test_our_posts_resolve_to_their_key_and_current_url(
    targets: Targets, url: str
) -> None:
    assert targets.resolve(url) == ("first", "https://blog.example/2019/03/first/")


@pytest.mark.parametrize(
    "url",
    [
        "https://blog.example/2019/03/other/",
        "https://blog.example/",
        "http://blog.example/2019/03/first/",  # another scheme is another URL
        "https://blög.example/2019/03/first/",  # D24: a homoglyph host
        "https://blog.example.evil.example/2019/03/first/",
        "javascript:alert(1)",
        "/2019/03/first/",
        "",
        None,
        ["https://blog.example/2019/03/first/"],
    ],
)
def test_anything_else_is_not_a_target(targets: Targets, url: object) -> None:
    assert targets.resolve(url) is None


def test_canonical_lowercases_idna_and_drops_the_fragment() -> None:
    assert canonical("https://Exämple.COM/a b#x") == "https://xn--exmple-cua.com/a%20b"


def test_a_broken_targets_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('{"targets": [1]}', "utf-8")
    with pytest.raises(ValueError, match=r"t\.json"):
        Targets.load(path, "https://blog.example")
    with pytest.raises(ValueError, match="cannot read"):
        Targets.load(tmp_path / "missing.json", "https://blog.example")


def test_a_site_under_a_path_resolves_its_posts_below_that_path() -> None:
    """SITEURL https://example.org/blog: the file's paths are under /blog/."""
    site = Targets(
        "https://example.org/blog",
        {"/2019/03/first/": "first", "/?p=12": "first"},
        {"first": "/2019/03/first/"},
    )
    post = "https://example.org/blog/2019/03/first/"
    assert site.resolve(post) == ("first", post)
    assert site.resolve("https://example.org/blog/?p=12") == ("first", post)
    assert site.resolve("https://example.org/2019/03/first/") is None
