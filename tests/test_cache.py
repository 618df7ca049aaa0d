"""The content cache is on, and a change to settings or content is never stale."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
import subprocess
import sys

import pytest

from pelican_plugins import cache_guard
from tests.support import DEV_CONF, build, soup, write_post

POST = "Title: Cached\nDate: 2020-05-05\nSlug: cached\n\n## First part\n\nText.\n"


def heading(site: Path) -> str:
    page = soup(site / "2020" / "05" / "cached" / "index.html")
    return str(page.select_one(".entry-content h2"))


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    write_post(folder / "posts", "cached.md", POST)
    return folder


def test_cache_files_are_written(content: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build(tmp_path / "out", content=content, cache=cache)
    assert (cache / "ArticlesGenerator-Readers").exists()
    assert (cache / cache_guard.FINGERPRINT_FILE).exists()


def test_changed_markdown_setting_takes_effect_with_cache_on(
    content: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    plain = heading(build(tmp_path / "a", content=content, cache=cache))
    assert 'id="' not in plain
    markdown = {
        "extension_configs": {"markdown.extensions.toc": {}},
        "output_format": "html5",
    }
    with_ids = heading(
        build(tmp_path / "b", content=content, cache=cache, MARKDOWN=markdown)
    )
    assert 'id="first-part"' in with_ids


def test_the_cache_is_dropped_only_when_a_setting_changes(
    content: Path, tmp_path: Path
) -> None:
    # What `pelican -v` prints, from a fresh process each time as `make html` runs.
    def verbose_build(name: str, *extra: str) -> str:
        command = [sys.executable, "-m", "pelican", str(content), "-v"]
        command += ["-s", str(DEV_CONF), "-o", str(tmp_path / name)]
        # One -e for every setting: a second -e replaces the first (argparse).
        command += ["-e", f"CACHE_PATH={json.dumps(str(tmp_path / 'cache'))}", *extra]
        wide = {**os.environ, "COLUMNS": "300"}  # one log record per line
        done = subprocess.run(
            command, capture_output=True, text=True, check=True, env=wide
        )
        return " ".join((done.stdout + done.stderr).split())

    message = "cache_guard: settings or plugins changed; rebuilding the cache"
    assert message not in verbose_build("a")  # no cache yet: nothing to drop
    assert message not in verbose_build("b")
    assert message in verbose_build("c", "SUMMARY_MAX_LENGTH=9")


def test_edited_post_is_rebuilt(content: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build(tmp_path / "a", content=content, cache=cache)
    (content / "posts" / "cached.md").write_text(
        POST.replace("First part", "Second part"), "utf-8"
    )
    assert "Second part" in heading(build(tmp_path / "b", content=content, cache=cache))


def test_bogus_check_modified_method_warns_and_falls_back(
    content: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    build(tmp_path / "a", content=content, cache=cache, CHECK_MODIFIED_METHOD="bogus")
    assert "invalid CHECK_MODIFIED_METHOD ('bogus')" in caplog.text
    (content / "posts" / "cached.md").write_text(
        POST.replace("First part", "Edited part"), "utf-8"
    )
    with caplog.at_level(logging.WARNING):
        site = build(
            tmp_path / "b", content=content, cache=cache, CHECK_MODIFIED_METHOD="bogus"
        )
    assert "Edited part" in heading(site)


def test_fingerprint_ignores_output_only_settings() -> None:
    base = {"PATH": "content", "SITEURL": "", "MARKDOWN": {"a": 1}}
    assert cache_guard.fingerprint(base) == cache_guard.fingerprint(
        {**base, "SITEURL": "https://listeningback.example"}
    )
    assert cache_guard.fingerprint(base) != cache_guard.fingerprint(
        {**base, "MARKDOWN": {"a": 2}}
    )


def test_fingerprint_is_the_same_after_pelican_completes_markdown() -> None:
    # Pelican's Markdown reader adds the configured extensions to the setting
    # itself; a devserver's next build must not take that for a change.
    before = {"MARKDOWN": {"extension_configs": {"markdown.extensions.extra": {}}}}
    after = {
        "MARKDOWN": {
            "extension_configs": {"markdown.extensions.extra": {}},
            "extensions": ["markdown.extensions.extra", "markdown.extensions.meta"],
        }
    }
    assert cache_guard.fingerprint(before) == cache_guard.fingerprint(after)
    other = {"MARKDOWN": {"extension_configs": {"markdown.extensions.toc": {}}}}
    assert cache_guard.fingerprint(before) != cache_guard.fingerprint(other)
