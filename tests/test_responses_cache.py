"""Responses in warm rebuilds: the views cache saves work, never shows a stale page."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
import subprocess
import sys

import pytest

from pelican_plugins.responses import cache as views_cache
from pelican_plugins.responses import view
from pelican_plugins.responses.model import Response
from pelican_plugins.responses.store import ResponseStore
from tests.support import DEV_CONF, build, soup, write_post

POST = "Title: {title}\nDate: 2021-0{n}-01 10:00\nSlug: {slug}\n\nBody {n}.\n"
PAGES = {"first": "2021/01/first/index.html", "second": "2021/02/second/index.html"}
FEEDS = {key: f"feeds/responses/{key}.atom.xml" for key in PAGES}


def comment(n: int, key: str, status: str = "approved", **over: object) -> Response:
    values: dict = {
        "id": f"c-{n}",
        "key": key,
        "type": "comment",
        "status": status,
        "parent": None,
        "author_name": f"Reader {n}",
        "author_url": None,
        "date": f"2021-05-{n:02d}T10:00:00Z",
        "content_html": f"<p>Body of comment {n}</p>",
    }
    values.update(over)
    return Response(**values)


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    write_post(content / "posts", "first.md", POST.format(title="F", n=1, slug="first"))
    write_post(
        content / "posts", "second.md", POST.format(title="S", n=2, slug="second")
    )
    items = [
        comment(1, "first"),
        comment(2, "first", status="pending"),
        comment(3, "second"),
        comment(4, "second", type="pingback", source_url="https://cites.example/"),
    ]
    with ResponseStore(content / "responses", store_path(content)) as store:
        store.merge(items)
    return content


def store_path(content: Path) -> Path:
    return content.parent / "var" / "responses.sqlite3"


def listed(site: Path, key: str) -> list[str]:
    """The ids of the responses listed on a post's page, in page order."""
    page = soup(site / PAGES[key])
    return [li["id"] for li in page.select(".commentlist li, .pinglist li")]


def sanitized(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every response body the build sanitizes (not the cached ones)."""
    seen: list[str] = []
    original = view.clean

    def counting(text: str) -> str:
        seen.append(text)
        return original(text)

    monkeypatch.setattr(view, "clean", counting)
    return seen


def test_moderation_shows_on_the_next_warm_build(
    blog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(out, content=blog, cache=cache)
    assert listed(out, "first") == ["li-comment-c-1"]
    bodies = sanitized(monkeypatch)

    build(out, content=blog, cache=cache)  # nothing changed: nothing sanitized again
    assert bodies == []
    assert listed(out, "first") == ["li-comment-c-1"]

    with ResponseStore(blog / "responses", store_path(blog)) as store:
        store.set_status("c-2", "approved")
    build(out, content=blog, cache=cache)
    assert listed(out, "first") == ["li-comment-c-1", "li-comment-c-2"]
    assert "Body of comment 2" in (out / PAGES["first"]).read_text("utf-8")
    assert "Body of comment 2" in (out / FEEDS["first"]).read_text("utf-8")
    # Only the post whose file changed was sanitized again.
    assert sorted(bodies) == ["<p>Body of comment 1</p>", "<p>Body of comment 2</p>"]

    assert "Body of comment 4" in (out / FEEDS["second"]).read_text("utf-8")
    with ResponseStore(blog / "responses", store_path(blog)) as store:
        store.delete("c-1")
        store.set_status("c-4", "trash")
    build(out, content=blog, cache=cache)
    assert listed(out, "first") == ["li-comment-c-2"]
    assert listed(out, "second") == ["li-comment-c-3"]
    assert "Body of comment 1" not in (out / PAGES["first"]).read_text("utf-8")
    feed = (out / FEEDS["first"]).read_text("utf-8")
    assert "Body of comment 2" in feed
    assert "Body of comment 1" not in feed
    assert "Body of comment 4" not in (out / FEEDS["second"]).read_text("utf-8")


def test_a_warm_build_writes_the_same_bytes_as_a_build_without_cache(
    blog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    build(tmp_path / "cold", content=blog, cache=cache)
    bodies = sanitized(monkeypatch)
    warm = build(tmp_path / "warm", content=blog, cache=cache)
    assert bodies == []  # every post's responses came from the cache
    monkeypatch.undo()
    bare = build(
        tmp_path / "bare",
        content=blog,
        cache=tmp_path / "no-cache",
        LOAD_CONTENT_CACHE=False,
        CACHE_CONTENT=False,
    )
    assert not (tmp_path / "no-cache" / views_cache.FOLDER).exists()
    files = sorted(p.relative_to(bare) for p in bare.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(warm) for p in warm.rglob("*") if p.is_file())
    for name in files:
        assert (warm / name).read_bytes() == (bare / name).read_bytes(), name


@pytest.mark.parametrize(
    "damage",
    [b"", b"not a pickle", b"\x80\x05K\x01."],  # empty, garbage, a pickled 1
)
def test_a_damaged_cache_entry_is_a_miss(
    blog: Path, tmp_path: Path, damage: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(out, content=blog, cache=cache)
    before = {key: (out / page).read_bytes() for key, page in PAGES.items()}
    entries = sorted((cache / views_cache.FOLDER).glob("*.pickle"))
    assert len(entries) == 2
    for entry in entries:
        entry.write_bytes(damage)
    with caplog.at_level(logging.WARNING):
        build(out, content=blog, cache=cache)
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert {key: (out / page).read_bytes() for key, page in PAGES.items()} == before
    # ... and the entries are whole again for the build after.
    assert all(entry.read_bytes() != damage for entry in entries)


def test_a_record_skipped_with_a_warning_warns_on_every_build(
    blog: Path, tmp_path: Path
) -> None:
    path = blog / "responses" / "first.json"
    data = json.loads(path.read_text("utf-8"))
    data["responses"].append({"id": "c-9", "type": "comment", "date": "yesterday"})
    path.write_text(json.dumps(data), "utf-8")
    out, cache = tmp_path / "out", tmp_path / "cache"
    # `pelican` in a process per build, as `make html` runs it (Pelican says a
    # message once per process).
    command = [sys.executable, "-m", "pelican", str(blog), "-s", str(DEV_CONF)]
    command += ["-o", str(out), "-e", f"CACHE_PATH={json.dumps(str(cache))}"]
    wide = {**os.environ, "COLUMNS": "300"}  # one log record per line
    for _ in range(2):
        done = subprocess.run(
            command, check=False, capture_output=True, text=True, env=wide
        )
        assert "c-9 has no valid date; skipped" in done.stdout + done.stderr
        assert listed(out, "first") == ["li-comment-c-1"]


def test_a_changed_setting_drops_the_views_cache(blog: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(out, content=blog, cache=cache)
    stray = cache / views_cache.FOLDER / "stray.pickle"
    stray.write_bytes(b"from an older build")
    build(out, content=blog, cache=cache)
    assert stray.exists()  # same settings: the cache stays
    build(out, content=blog, cache=cache, DEFAULT_DATE_FORMAT="%d %B %Y")
    assert not stray.exists()  # cache_guard removed the folder
    assert "01 May 2021 at 11:00" in (out / PAGES["first"]).read_text("utf-8")


def test_an_entry_only_serves_the_file_and_context_it_was_made_from(
    tmp_path: Path,
) -> None:
    context = views_cache.context_digest("UTC", "%Y")
    cache = views_cache.ViewCache(tmp_path, context, load=True, save=True)
    cache.put("post", b'{"a": 1}', ["a view"])
    assert cache.get("post", b'{"a": 1}') == ["a view"]
    assert cache.get("post", b'{"a": 2}') is None  # the public file changed
    assert cache.get("other", b'{"a": 1}') is None
    other = views_cache.context_digest("Europe/London", "%Y")
    assert (
        views_cache.ViewCache(tmp_path, other, load=True, save=True).get(
            "post", b'{"a": 1}'
        )
        is None
    )
    off = views_cache.ViewCache(tmp_path, context, load=False, save=False)
    assert off.get("post", b'{"a": 1}') is None
