"""Every `make` target the README names exists, and the cheap ones work for real.

Each test runs `make` in a copy of the tracked files (sharing this checkout's
.venv), so `make clean` or `make format` never touch the working tree.
"""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
import os
from pathlib import Path
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from tests.importers.wxrdoc import comment, item, wxr
from tests.support import ROOT

STAMP = ".venv/.installed"

pytestmark = pytest.mark.skipif(
    shutil.which("make") is None
    or not (ROOT / STAMP).is_file()
    or not (ROOT / ".git").exists(),
    reason="needs `make`, a git checkout and an installed .venv (`make venv`)",
)


def readme_targets() -> set[str]:
    """Every `make X` written as code in README.md (inline or in a code block)."""
    text = (ROOT / "README.md").read_text("utf-8")
    code = re.findall(r"```.*?```", text, flags=re.DOTALL)
    code += re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.DOTALL))
    return {
        target
        for snippet in code
        for target in re.findall(r"(?:^|\s)make ([a-z][\w-]*)", snippet, flags=re.M)
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the tracked files, with this checkout's .venv linked in."""
    copy = tmp_path / "project"
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, files):
        source = ROOT / os.fsdecode(name)
        if source.is_file():
            target = copy / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    (copy / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    return copy


def make(
    project: Path, *args: str, timeout: float = 300
) -> subprocess.CompletedProcess:
    """Run make in *project* without reinstalling the shared .venv."""
    return subprocess.run(
        ["make", "--no-print-directory", "-o", STAMP, *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "COLUMNS": "200"},  # rich tables unwrapped
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as reply:
        return reply.read().decode("utf-8")


@contextlib.contextmanager
def running(project: Path, *args: str) -> Iterator[subprocess.Popen]:
    """Start a long-running make target; stop its whole process group after."""
    process = subprocess.Popen(
        ["make", "--no-print-directory", "-o", STAMP, *args],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for(url: str, process: subprocess.Popen, seconds: float = 120) -> str:
    """Poll *url* until it answers; fail if the server died or never came up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited"
        with contextlib.suppress(OSError):
            return fetch(url)
        time.sleep(0.2)
    raise AssertionError(f"{url} never answered")


def test_the_readme_names_the_targets_users_need() -> None:
    assert {"serve", "test", "html", "publish", "moderate", "import"} <= (
        readme_targets()
    )


@pytest.mark.parametrize("target", sorted(readme_targets()))
def test_every_readme_target_has_a_rule_with_a_recipe(
    project: Path, target: str
) -> None:
    dry = subprocess.run(
        ["make", "-n", target, "WXR=export.xml"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert dry.returncode == 0, dry.stderr
    assert "Nothing to be done" not in dry.stdout + dry.stderr
    assert dry.stdout.strip(), f"`make {target}` has no recipe"


def test_make_help_lists_every_readme_target(project: Path) -> None:
    result = make(project, "help")
    assert result.returncode == 0
    listed = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    assert readme_targets() <= listed


def test_make_html_then_clean(project: Path) -> None:
    built = make(project, "html")
    assert built.returncode == 0, built.stderr
    assert "Sleep and Back Pain" in (project / "output" / "index.html").read_text()
    cleaned = make(project, "clean")
    assert cleaned.returncode == 0
    assert not (project / "output").exists()
    assert not (project / "cache").exists()
    assert not list(project.glob("output.*"))


def test_make_publish_builds_absolute_links(project: Path) -> None:
    result = make(project, "publish", "NO_SEND=1")
    assert result.returncode == 0, result.stderr
    page = (project / "output" / "index.html").read_text("utf-8")
    assert 'href="https://listeningback.example/' in page


def test_make_serve_on_another_port_shares_links_to_that_port(project: Path) -> None:
    port = free_port()
    with running(project, "serve", f"PORT={port}") as server:
        home = wait_for(f"http://127.0.0.1:{port}/", server)
        assert "The Listening Back" in home
        post = fetch(f"http://127.0.0.1:{port}/2020/11/sleep-and-back-pain/")
    assert f"127.0.0.1%3A{port}%2F2020%2F11%2Fsleep-and-back-pain" in post
    assert "127.0.0.1%3A8000" not in post


def test_make_devserver_serves_and_regenerate_builds(project: Path) -> None:
    port = free_port()
    with running(project, "devserver", f"PORT={port}") as server:
        post = wait_for(f"http://127.0.0.1:{port}/2020/11/sleep-and-back-pain/", server)
    assert f"127.0.0.1%3A{port}" in post
    shutil.rmtree(project / "output")
    with running(project, "regenerate") as watcher:
        index = project / "output" / "index.html"
        deadline = time.monotonic() + 120
        while not index.is_file() and time.monotonic() < deadline:
            assert watcher.poll() is None, "make regenerate exited"
            time.sleep(0.2)
    assert index.is_file()


def test_make_import_then_moderate_list(project: Path) -> None:
    export = project / "export.xml"
    export.write_text(
        wxr(
            item(
                7,
                slug="sleep-and-back-pain",
                comments=[comment(1, approved="0", content="Is a wedge pillow ok?")],
            )
        ),
        "utf-8",
    )
    imported = make(project, "import", "WXR=export.xml")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    listed = make(project, "moderate", "ARGS=list")
    assert listed.returncode == 0, listed.stderr
    assert "1 pending response(s)" in listed.stdout
    assert "Is a wedge pillow ok?" in listed.stdout


def test_make_import_without_a_file_says_how(project: Path) -> None:
    result = make(project, "import")
    assert result.returncode != 0
    assert "usage: make import WXR=export.xml" in result.stdout + result.stderr


def test_make_lint_and_format_pass_on_the_project(project: Path) -> None:
    python = sorted(p for p in project.rglob("*.py") if ".venv" not in p.parts)
    before = [path.read_bytes() for path in python]
    for target in ("lint", "format"):
        result = make(project, target)
        assert result.returncode == 0, result.stdout + result.stderr
    assert [path.read_bytes() for path in python] == before
