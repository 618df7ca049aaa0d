"""The real ``serve`` command in a subprocess: kill -9, concurrency, full disk."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
import contextlib
import os
from pathlib import Path
import resource
import signal
import sqlite3
import subprocess
import sys

import httpx
import pytest

from tests.receiver.conftest import POST, SITE
from tests.support import ROOT


@contextlib.contextmanager
def serve(
    paths: dict[str, Path], preexec: Callable[[], None] | None = None
) -> Iterator[tuple[subprocess.Popen, str]]:
    """Start ``python -m pelican_plugins.receiver serve --port 0``; yield it, URL."""
    log = paths["db"].parent.parent / "serve.log"
    command = [sys.executable, "-m", "pelican_plugins.receiver", "serve"]
    command += ["--db", str(paths["db"]), "--content", str(paths["content"])]
    command += ["--site-url", SITE, "--targets", str(paths["targets"]), "--port", "0"]
    command += ["--workers", "0"]  # no verification: the sources are fictitious
    with log.open("ab") as errors:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=errors,
            preexec_fn=preexec,  # noqa: PLW1509 (a resource limit, set before exec)
        )
    try:
        line = process.stdout.readline().decode()
        assert "serving on" in line, log.read_text()
        yield process, line.split("serving on ", 1)[1].strip()
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(10)
        process.stdout.close()


CLIENT = httpx.Client(timeout=10)  # thread-safe; one pool for every sender


def send(url: str, n: int) -> tuple[int, int]:
    try:
        answer = CLIENT.post(
            url + "webmention",
            data={"source": f"https://s{n % 7}.example/post/{n}", "target": POST},
            timeout=10,
        )
    except httpx.HTTPError:
        return n, 0  # the connection died with the server
    return n, answer.status_code


def stored_sources(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {row[0] for row in conn.execute("SELECT source FROM mentions")}


def test_kill_9_loses_no_accepted_webmention(paths: dict[str, Path]) -> None:
    """D21: 20 concurrent senders, kill -9 mid-stream; every 201 is still there."""
    with serve(paths) as (process, url):
        with ThreadPoolExecutor(20) as pool:
            first = list(pool.map(lambda n: send(url, n), range(200)))
            assert {code for _, code in first} == {201}  # no "database is locked" 500
            futures = [pool.submit(send, url, n) for n in range(200, 600)]
            futures[150].result()
            os.kill(process.pid, signal.SIGKILL)
            results = first + [f.result() for f in futures]
        process.wait(10)
    accepted = {
        f"https://s{n % 7}.example/post/{n}" for n, code in results if code == 201
    }
    assert len(accepted) > 200
    assert accepted <= stored_sources(paths["db"])
    # the restarted service opens the same store and goes on
    with serve(paths) as (_, url):
        assert send(url, 1000)[1] == 201


def _small_files() -> None:
    """Let the server write files of at most 100 KB: a disk that fills up."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))


def test_a_full_disk_answers_503_and_keeps_the_queue(paths: dict[str, Path]) -> None:
    """D22: writes fail, the answer is 503 (never a traceback), nothing is half-done."""
    with serve(paths, preexec=_small_files) as (_, url):
        results = []
        for n in range(3000):
            results.append(send(url, n))
            if results[-1][1] != 201:
                results += [send(url, m) for m in range(n + 1, n + 20)]
                break
        codes = [code for _, code in results]
        if 503 not in codes:
            pytest.skip("the file size limit did not take effect here")
        first_full = codes.index(503)
        assert set(codes[:first_full]) == {201}
        assert set(codes) <= {201, 503}
        full = httpx.post(
            url + "webmention", data={"source": "https://x.example/", "target": POST}
        )
        assert full.status_code == 503
        assert full.headers["Retry-After"] == "60"
        assert "Traceback" not in full.text
    accepted = {f"https://s{n % 7}.example/post/{n}" for n, c in results if c == 201}
    assert accepted <= stored_sources(paths["db"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--site-url", "ftp://x"], "must be an http(s) URL"),
        (["--site-url", SITE, "--config", "/nonexistent.toml"], "nonexistent.toml"),
        (
            ["--site-url", SITE, "--db", "/proc/no/such/db.sqlite3"],
            "cannot open the store",
        ),
    ],
)
def test_bad_configuration_is_one_line_and_exit_2(
    paths: dict[str, Path], args: list[str], message: str
) -> None:
    command = [sys.executable, "-m", "pelican_plugins.receiver", "serve"]
    command += ["--db", str(paths["db"]), "--content", str(paths["content"]), *args]
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
