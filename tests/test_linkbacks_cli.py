"""The send command and the build plugin end to end (first run, C14-C16, C18).

Real Pelican builds of a small blog whose posts link to pages on a real
server on 127.0.0.1; the command runs in process (and once as a real
subprocess) and is judged by what the peers received and what it printed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
import os
from pathlib import Path
import signal
import subprocess
import sys
import time

import pytest

from pelican_plugins.linkbacks import cli
from pelican_plugins.linkbacks.manifest import NAME
from pelican_plugins.linkbacks.state import locked
from tests.netserver import Handler, Hit, running, summary
from tests.support import DEV_CONF, PUBLISH_CONF, ROOT, build, write_post

SITEURL = "https://blog.example"


@pytest.fixture
def peer():
    """Target pages /a, /b, /c advertising /wm; /down answers 503 at its endpoint."""
    with running() as server:

        def target(h: Handler, hit: Hit) -> None:
            endpoint = "/wm-down" if hit.path.startswith("/down") else "/wm"
            html = (
                f'<html><head><link rel="webmention" href="{endpoint}"></head></html>'
            )
            h.reply(200, html.encode())

        for path in ("/a", "/b", "/c", "/down"):
            server.routes[path] = target
        server.routes["/wm"] = lambda h, hit: h.reply(202)
        server.routes["/wm-down"] = lambda h, hit: h.reply(503)
        yield server


class Blog:
    def __init__(self, root: Path, peer) -> None:
        self.root, self.peer = root, peer
        self.content = root / "content"
        self.output = root / "output"
        self.state = root / "var" / "linkbacks.json"
        (self.content / "pages").mkdir(parents=True)

    def post(self, slug: str, *paths: str, extra: str = "") -> Path:
        links = " ".join(f"[{p}]({self.peer.url(p)})" for p in paths)
        text = (
            f"Title: {slug}\nDate: 2024-01-02 10:00\nSlug: {slug}\n\n{links}\n{extra}\n"
        )
        return write_post(self.content / "posts", f"{slug}.md", text)

    def build(self, conf: Path = PUBLISH_CONF) -> Path:
        return build(
            self.output,
            content=self.content,
            conf=conf,
            SITEURL=SITEURL if conf == PUBLISH_CONF else "",
            LINKBACKS_STATE_FILE=str(self.state),
        )

    def send(self, capsys, *args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        argv = ["send", "--output", str(self.output), "--state", str(self.state)]
        code = cli.main([*argv, "--allow-private-addresses", *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    def posts_received(self) -> list[str]:
        return [h.path for h in self.peer.hits if h.method == "POST"]


@pytest.fixture
def blog(tmp_path, peer, monkeypatch) -> Blog:
    monkeypatch.setenv("COLUMNS", "250")
    return Blog(tmp_path, peer)


def test_first_run_records_links_and_sends_nothing(blog, capsys):
    blog.post("one", "/a", "/b")
    blog.post("two", "/c")
    blog.build()
    code, out, _ = blog.send(capsys)
    assert code == 0
    assert "first run: recorded 3 links of 2 posts and pages" in out
    assert blog.peer.hits == []
    states = json.loads(blog.state.read_text())["sources"]
    assert {t["status"] for s in states.values() for t in s["targets"].values()} == {
        "recorded"
    }
    code, out, _ = blog.send(capsys)
    assert blog.peer.hits == []
    assert summary(out)["already sent"] == 3
    # A new post after the first run is sent.
    blog.post("three", "/a")
    blog.build()
    code, out, _ = blog.send(capsys)
    assert summary(out)["sent"] == 1
    assert blog.posts_received() == ["/wm"]


def test_all_sends_everything_on_a_first_run(blog, capsys):
    blog.post("one", "/a", "/b")
    blog.build()
    code, out, err = blog.send(capsys, "--all")
    assert code == 0
    assert summary(out)["sent"] == 2
    assert blog.posts_received() == ["/wm", "/wm"]
    assert "private addresses allowed" in err


def test_dry_run_prints_the_plan_and_sends_nothing(blog, capsys):
    blog.post("one", "/a")
    blog.build()
    blog.send(capsys)
    blog.post("one", "/a", "/b")
    blog.build()
    before = blog.state.read_bytes()
    code, out, _ = blog.send(capsys, "--dry-run")
    assert code == 0
    source = f"{SITEURL}/2024/01/one/"
    assert out.splitlines()[:3] == [
        source,
        f"  send to {blog.peer.url('/a')} (edited)",
        f"  send to {blog.peer.url('/b')} (edited)",
    ]
    assert blog.peer.hits == []
    assert blog.state.read_bytes() == before


def test_failures_are_listed_with_reasons_and_retried_with_backoff(blog, capsys):
    """C16: a failing endpoint is queued, not retried at once, retried when due."""
    blog.post("one", "/a", "/down")
    blog.build()
    code, out, _ = blog.send(capsys, "--all")
    assert code == 0
    assert summary(out)["sent"] == 1
    assert summary(out)["failed, will retry later"] == 1
    assert "webmention endpoint answered HTTP 503" in out
    code, out, _ = blog.send(capsys)
    assert blog.posts_received() == ["/wm", "/wm-down"]  # not due yet
    assert summary(out) == {
        "sent": 0,
        "already sent": 1,
        "not retried now": 1,
        "no endpoint": 0,
        "failed": 0,
        "failed, will retry later": 0,
        "blocked": 0,
    }
    _, out, _ = blog.send(capsys, "--dry-run")
    assert f"  skip {blog.peer.url('/down')} (failed, will retry later)" in out
    state = json.loads(blog.state.read_text())
    entry = state["sources"][f"{SITEURL}/2024/01/one/"]["targets"][
        blog.peer.url("/down")
    ]
    assert entry["status"] == "retry"
    assert entry["attempts"] == 1
    due = datetime.fromisoformat(entry["next_try"]) - datetime.now(UTC)
    assert timedelta(minutes=55) < due <= timedelta(hours=1)
    entry["next_try"] = "2000-01-01T00:00:00+00:00"
    blog.state.write_text(json.dumps(state))
    code, out, _ = blog.send(capsys)
    assert blog.posts_received() == ["/wm", "/wm-down", "/wm-down"]
    assert summary(out)["already sent"] == 1


@pytest.mark.parametrize("with_backup", [True, False])
def test_a_corrupt_state_file_is_set_aside_and_the_run_continues(
    blog, capsys, with_backup
):
    """C15."""
    blog.post("one", "/a")
    blog.build()
    blog.send(capsys, "--all")
    if with_backup:
        blog.send(capsys)  # the second save keeps a backup
    blog.state.write_text('{"version": 1, "sources": {"x": ')
    blog.post("two", "/b")
    blog.build()
    code, out, err = blog.send(capsys)
    assert code == 0
    assert "state file" in err and "is corrupt" in err
    assert len(list(blog.state.parent.glob("linkbacks.json.corrupt-*"))) == 1
    if with_backup:
        assert "restored from linkbacks.json.bak" in err
        assert summary(out)["sent"] == 1  # the new post only: no duplicates
        assert blog.posts_received() == ["/wm", "/wm"]
    else:
        assert "rebuilt like a first run" in err
        assert "first run: recorded 2 links" in out
        assert blog.posts_received() == ["/wm"]
    json.loads(blog.state.read_text())


def test_own_site_self_links_and_domain_roots_are_not_targets(blog, capsys):
    """C18, and theme links (the site's own navigation) are never targets."""
    extra = (
        f"[me]({SITEURL}/2024/01/one/) [home]({SITEURL}/) [about](/about/) "
        "[root](https://example.org/) [root2](https://example.org) "
        "[real](https://example.org/page)"
    )
    blog.post("one", "/a", extra=extra)
    out = blog.build()
    manifest = json.loads((out / NAME).read_text())
    (source,) = manifest["sources"]
    assert source["targets"] == [blog.peer.url("/a"), "https://example.org/page"]


def test_a_development_build_is_refused(blog, capsys):
    blog.post("one", "/a")
    blog.build(conf=DEV_CONF)
    code, _, err = blog.send(capsys)
    assert code == 2
    assert err.strip().count("\n") == 0
    assert "development build" in err
    assert blog.peer.hits == []


def test_an_unwritable_state_file_is_exit_3(blog, capsys, tmp_path):
    blog.post("one", "/a")
    blog.build()
    (tmp_path / "file").write_text("not a folder")
    blog.state = tmp_path / "file" / "state.json"
    code, _, err = blog.send(capsys)
    assert code == 3
    last = err.splitlines()[-1]
    assert last.startswith(f"linkbacks: error: cannot save state file {blog.state}")
    assert last.endswith(f"File exists: {tmp_path / 'file'}")


def test_the_real_command_line(tmp_path):
    """The module runs as a program: one readable line and exit 2 without a build."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican_plugins.linkbacks",
            "send",
            "--output",
            str(tmp_path),
        ],
        capture_output=True,
        check=False,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert done.stderr.startswith(f"linkbacks: error: {tmp_path / NAME} not found")
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1


def test_make_publish_sends_unless_no_send():
    def recipe(*args: str) -> str:
        return subprocess.run(
            ["make", "-n", "publish", *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        ).stdout

    assert "pelican_plugins.linkbacks send --output output" in recipe()
    assert "pelican_plugins.linkbacks send" not in recipe("NO_SEND=1")
    for target in ("html", "serve"):
        dev = subprocess.run(
            ["make", "-n", target], capture_output=True, text=True, cwd=ROOT, check=True
        ).stdout
        assert "linkbacks" not in dev


def test_ctrl_c_saves_what_was_sent_and_the_next_run_sends_the_rest(tmp_path, peer):
    """Interrupting a run prints no traceback; nothing it did is lost."""

    def slow(h: Handler, hit: Hit) -> None:
        time.sleep(0.5)
        h.reply(200, b'<html><head><link rel="webmention" href="/wm"></head></html>')

    paths = [f"/slow{i}" for i in range(6)]
    for path in paths:
        peer.routes[path] = slow
    blog = Blog(tmp_path, peer)
    blog.post("one", *paths)
    blog.build()
    argv = ["send", "--output", str(blog.output), "--state", str(blog.state)]
    program = [sys.executable, "-m", "pelican_plugins.linkbacks", *argv]
    child = subprocess.Popen(
        [*program, "--all", "--allow-private-addresses"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "250"},
    )
    deadline = time.monotonic() + 20
    while not blog.posts_received() and time.monotonic() < deadline:
        time.sleep(0.05)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 130, err
    assert "Traceback" not in err
    assert "linkbacks: interrupted:" in err
    done = len(blog.posts_received())
    assert 1 <= done < 6
    # At least once: a webmention the peer got but whose answer the interrupt
    # cut off is not recorded as sent, so the next run sends it again.
    assert summary(out)["sent"] in (done, done - 1)
    # The next ordinary run finishes the job.
    code = cli.main([*argv, "--allow-private-addresses"])
    assert code == 0
    told = [h.path for h in peer.hits if h.method == "GET" and h.path in paths]
    assert set(told) == set(paths)


def test_hidden_posts_and_pages_count_and_drafts_do_not(blog):
    blog.post("shown", "/a")
    draft = blog.post("draft", "/c")
    draft.write_text(
        draft.read_text().replace("Slug: draft", "Slug: draft\nStatus: draft")
    )
    hidden = blog.post("hidden", "/b")
    hidden.write_text(
        hidden.read_text().replace("Slug: hidden", "Slug: hidden\nStatus: hidden")
    )
    page = f"Title: Reading list\nSlug: reading\n\n[c]({blog.peer.url('/c')})\n"
    write_post(blog.content / "pages", "reading.md", page)
    out = blog.build()
    manifest = json.loads((out / NAME).read_text())
    urls = {s["url"].removeprefix(SITEURL) for s in manifest["sources"]}
    assert urls == {
        "/2024/01/shown/",
        "/2024/01/hidden/",
        "/reading/",
    }


def test_a_second_send_at_the_same_time_is_refused(blog, capsys):
    blog.post("one", "/a")
    blog.build()
    with locked(blog.state):
        code, _, err = blog.send(capsys, "--all")
    assert code == 2
    assert err.splitlines()[-1] == (
        f"linkbacks: error: another send is using {blog.state}: wait for it to finish"
    )
    assert blog.peer.hits == []
    assert blog.send(capsys, "--all")[0] == 0
    assert blog.posts_received() == ["/wm"]
