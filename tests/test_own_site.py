"""One rule for "our own site" (responses.targets.is_own) and its callers."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pelican_plugins.linkbacks import find_tombstones, links
from pelican_plugins.linkbacks import state as states
from pelican_plugins.responses.targets import is_own

SITE = "https://blog.example"


@pytest.mark.parametrize(
    ("url", "siteurl", "own"),
    [
        ("https://blog.example/x", SITE, True),
        ("https://BLOG.example:443/x", SITE, True),  # case and default port
        ("http://blog.example:80/x", SITE, True),  # one host is one site
        ("https://blog.example./x", SITE, True),  # the DNS root's trailing dot
        ("https://xn--bcher-kva.example/x", "https://bücher.example", True),
        ("https://Bücher.example/x", "https://xn--bcher-kva.example/", True),
        ("https://blog.example.evil/", SITE, False),
        ("https://blog.example.evil.example/x", "https://blog.example/", False),
        ("https://blog.example:8443/x", SITE, False),
        ("https://host.example/blog/b/", "https://host.example/blog", True),
        ("https://host.example/blog", "https://host.example/blog/", True),
        ("https://host.example/blogroll/", "https://host.example/blog", False),
        ("https://blog.example/x", "", False),  # no SITEURL: nothing is ours
        ("javascript:alert(1)", SITE, False),
    ],
)
def test_is_own(url: str, siteurl: str, own: bool) -> None:
    assert is_own(url, siteurl) is own


def test_the_sender_skips_its_own_pages_however_the_host_is_spelled() -> None:
    site = "https://bücher.example"
    post = f"{site}/2024/01/post/"
    for target in (
        "https://xn--bcher-kva.example/about/",
        "https://BÜCHER.example:443/",
    ):
        assert links.skip_reason(target, source=post, siteurl=site) == "our own site"
    assert (
        links.skip_reason(
            "https://bücher.example.evil/about/", source=post, siteurl=site
        )
        is None
    )


def test_a_deleted_post_spelled_with_the_default_port_gets_its_tombstone(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state = states.State()
    for url, save_as in {
        "https://BLOG.example:443/2019/gone/": "2019/gone/index.html",
        "https://blog.example.evil/kept/": "kept/index.html",
    }.items():
        state.sources[url] = states.SourceState(save_as, "Old", "0" * 64)
    path = tmp_path / "state.json"
    states.save(path, state)
    with caplog.at_level(logging.WARNING):
        found = find_tombstones(path, {}, SITE)
    assert [t.save_as for t in found] == ["2019/gone/index.html"]
