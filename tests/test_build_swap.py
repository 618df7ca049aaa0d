"""`make html`/`make publish` build into a fresh folder and swap it in atomically.

A build killed with SIGKILL half-way, or one that fails, leaves the site that
was live before byte for byte; the next build starts from an empty folder.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from pathlib import Path
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest

from pelican_plugins import build as swap_build
from tests.support import CONTENT, DEV_CONF, ROOT, write_post

POST = """Title: {title}
Date: 2021-{month:02d}-{day:02d} 10:{minute:02d}
Category: practice
Tags: {tags}

{body}
"""


def _site_files(folder: Path) -> dict[str, str]:
    """Every file of a built site (followed through the link) with its hash."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _command(content: Path, out: Path, cache: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pelican_plugins.build",
        str(content),
        "-o",
        str(out),
        "-s",
        str(DEV_CONF),
        "-e",
        f"CACHE_PATH={json.dumps(str(cache))}",
    ]


def _run(content: Path, out: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _command(content, out, cache),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def _many_posts(content: Path, count: int) -> None:
    """A site big enough that a build takes seconds, so it can be killed mid-way."""
    shutil.copytree(CONTENT, content)
    words = "slow movement teaches the back to let go " * 40
    for n in range(count):
        write_post(
            content / "posts",
            f"generated-{n:04d}.md",
            POST.format(
                title=f"Practice note {n}",
                month=n % 12 + 1,
                day=n % 28 + 1,
                minute=n % 60,
                tags=f"note-{n % 40}, practice",
                body=f"## Part one\n\n{words}\n\n## Part two\n\n{words}",
            ),
        )


def test_a_killed_build_leaves_the_previous_site_intact(tmp_path: Path) -> None:
    content, out, cache = tmp_path / "content", tmp_path / "output", tmp_path / "c"
    _many_posts(content, 400)
    first = _run(content, out, cache)
    assert first.returncode == 0, first.stderr
    before = _site_files(out)
    assert "2021/01/practice-note-0/index.html" in before

    write_post(
        content / "posts",
        "brand-new.md",
        POST.format(
            title="Brand new", month=6, day=1, minute=0, tags="new", body="Fresh."
        ),
    )
    build = subprocess.Popen(
        _command(content, out, cache),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    fresh = tmp_path / "output.2"
    deadline = time.monotonic() + 120
    # Kill it once the new folder holds some pages but far from all of them.
    while time.monotonic() < deadline and build.poll() is None:
        if fresh.is_dir() and sum(1 for _ in fresh.rglob("*.html")) >= 20:
            break
        time.sleep(0.01)
    os.killpg(build.pid, signal.SIGKILL)
    assert build.wait() == -signal.SIGKILL, "the build finished before the kill"
    assert fresh.is_dir()
    assert len(list(fresh.rglob("*.html"))) < len(
        [p for p in before if p.endswith(".html")]
    )

    assert _site_files(out) == before  # every page, byte for byte
    assert not (out / "2021/06/brand-new/index.html").exists()

    # Whatever the killed build wrote never reaches the next site.
    (fresh / "half-written.html").write_text("<p>half", "utf-8")
    again = _run(content, out, cache)
    assert again.returncode == 0, again.stderr
    assert (out / "2021/06/brand-new/index.html").is_file()
    assert not (out / "half-written.html").exists()
    # The site before is kept as the rollback; nothing else is left behind.
    folders = {p.name for p in tmp_path.glob("output.[0-9]*")}
    assert folders == {"output.1", os.readlink(out)}
    assert _site_files(tmp_path / "output.1") == before
    assert not list(tmp_path.glob(".output*trash"))


def test_a_failed_build_is_not_swapped_in(tmp_path: Path) -> None:
    content, out, cache = tmp_path / "content", tmp_path / "output", tmp_path / "c"
    shutil.copytree(CONTENT, content)
    assert _run(content, out, cache).returncode == 0
    before = _site_files(out)

    bad = content / "responses" / "sciatica-what-helps.json"
    bad.write_text('{"responses": [', "utf-8")
    failed = _run(content, out, cache)
    assert failed.returncode == 1
    assert "still serves the previous site" in failed.stderr
    assert _site_files(out) == before

    # Fixed, the next two builds go live; only the live site and the one it
    # replaced are kept, and the failed build's folder is gone.
    shutil.copy(CONTENT / "responses" / bad.name, bad)
    for _ in range(2):
        assert _run(content, out, cache).returncode == 0
    kept = {p.name for p in tmp_path.glob("output.[0-9]*")}
    assert len(kept) == 2
    assert os.readlink(out) in kept
    assert _site_files(out) == before


def test_a_second_build_waits_for_the_first(tmp_path: Path) -> None:
    content, out, cache = tmp_path / "content", tmp_path / "output", tmp_path / "c"
    shutil.copytree(CONTENT, content)
    with open(tmp_path / "output.lock", "a") as first_build:
        fcntl.flock(first_build, fcntl.LOCK_EX)  # as a running build holds it
        second = subprocess.Popen(
            _command(content, out, cache),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert second.stderr is not None
        watchdog = threading.Timer(60, second.kill)  # never hang the suite
        watchdog.start()
        line = second.stderr.readline()
        watchdog.cancel()
        assert "another build of" in line
        assert "waiting for it" in line
        assert second.poll() is None
        assert not out.exists()
    _, rest = second.communicate(timeout=300)
    assert second.returncode == 0, rest
    assert (out / "index.html").is_file()


def test_an_old_real_output_folder_becomes_the_rollback(tmp_path: Path) -> None:
    live = tmp_path / "output"
    (live / "old").mkdir(parents=True)
    (live / "old" / "index.html").write_text("old site", "utf-8")
    fresh = swap_build.fresh_folder(live)
    (fresh / "index.html").write_text("new site", "utf-8")

    previous = swap_build.swap(live, fresh)

    assert (live / "index.html").read_text("utf-8") == "new site"
    assert previous is not None
    assert (previous / "old" / "index.html").read_text("utf-8") == "old site"


def test_without_an_output_folder_the_build_says_so_in_one_line(
    tmp_path: Path,
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pelican_plugins.build", str(CONTENT)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("build: no output folder given")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["content", "-o"], "build: -o needs a folder"),
        (["content", "-o", "out", "-r"], "build: -r rebuilds in place"),
        (["content", "--output=out", "--listen"], "build: --listen rebuilds in place"),
    ],
)
def test_usage_errors_are_one_line_and_build_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert swap_build.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(message)
    assert err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_split_output_keeps_every_other_argument() -> None:
    output, rest = swap_build.split_output(
        ["content", "-s", "conf.py", "--output=site", "-e", 'A="b"']
    )
    assert output == Path("site")
    assert rest == ["content", "-s", "conf.py", "-e", 'A="b"']


def test_a_link_written_by_hand_is_followed_not_deleted(tmp_path: Path) -> None:
    live = tmp_path / "output"
    site = tmp_path / "output.4"
    site.mkdir()
    (site / "index.html").write_text("live site", "utf-8")
    live.symlink_to(site.resolve())  # absolute, as `ln -s "$PWD/output.4"` makes
    assert swap_build.live_folder(live) == site
