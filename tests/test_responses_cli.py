"""The moderation CLI against a real SQLite file and real public JSON files."""

from __future__ import annotations

import io
import json
from pathlib import Path
import subprocess
import sys

from rich.console import Console

from pelican_plugins.responses.cli import main
from pelican_plugins.responses.model import Response
from pelican_plugins.responses.store import ResponseStore
from tests.support import ROOT


def pending(n: int, **over: object) -> Response:
    values: dict = {
        "id": f"rcv-{n}",
        "key": "a-post",
        "type": "comment",
        "status": "pending",
        "parent": None,
        "author_name": f"Visitor {n}",
        "author_url": None,
        "date": f"2024-01-0{n}T09:00:00Z",
        "content_html": f"<p>Waiting {n}</p>",
        "author_email": "v@mail.example",
    }
    values.update(over)
    return Response(**values)


def run(tmp_path: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    console = Console(file=out, width=200, color_system=None)
    common = [
        "--content",
        str(tmp_path / "content"),
        "--db",
        str(tmp_path / "db.sqlite3"),
    ]
    code = main([*common, "moderate", *args], console=console)
    return code, out.getvalue()


def public_ids(tmp_path: Path) -> list[str]:
    path = tmp_path / "content" / "responses" / "a-post.json"
    if not path.exists():
        return []
    return [r["id"] for r in json.loads(path.read_text("utf-8"))["responses"]]


def test_list_approve_spam_delete(tmp_path: Path) -> None:
    with ResponseStore(
        tmp_path / "content" / "responses", tmp_path / "db.sqlite3"
    ) as s:
        s.merge([pending(1), pending(2)])
    code, out = run(tmp_path, "list")
    assert code == 0
    assert "2 pending response(s)" in out
    assert "rcv-1" in out
    assert "Waiting 2" in out
    assert public_ids(tmp_path) == []

    assert run(tmp_path, "approve", "rcv-1")[0] == 0
    assert public_ids(tmp_path) == ["rcv-1"]
    assert run(tmp_path, "approve", "rcv-2")[0] == 0
    assert public_ids(tmp_path) == ["rcv-1", "rcv-2"]
    assert run(tmp_path, "spam", "rcv-2")[0] == 0
    assert public_ids(tmp_path) == ["rcv-1"]
    code, out = run(tmp_path, "list", "--status", "spam")
    assert "rcv-2" in out
    assert "rcv-1" not in out
    assert run(tmp_path, "delete", "rcv-1")[0] == 0
    assert public_ids(tmp_path) == []
    code, out = run(tmp_path, "approve", "rcv-404")
    assert code == 1
    assert "no response with id 'rcv-404'" in out


def test_hostile_fields_are_inert_in_the_terminal(tmp_path: Path) -> None:  # B23
    hostile = pending(
        3,
        author_name="[bold red]admin[/] \x1b[2J\x1b]0;pwned\x07 \u202egnp.exe",
        content_html="<p>[link=https://evil.example]click[/link]</p>",
    )
    with ResponseStore(
        tmp_path / "content" / "responses", tmp_path / "db.sqlite3"
    ) as s:
        s.merge([hostile])
    code, out = run(tmp_path, "list")
    assert code == 0
    assert "[bold red]admin[/]" in out  # shown literally, not interpreted
    assert "[link=https://evil.example]click[/link]" in out
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "\u202e" not in out


def test_module_entry_point_and_usage_errors(tmp_path: Path) -> None:
    args = [sys.executable, "-m", "pelican_plugins.responses", "--db"]
    base = [*args, str(tmp_path / "db.sqlite3"), "--content", str(tmp_path)]
    ResponseStore(tmp_path / "responses", tmp_path / "db.sqlite3").close()
    ok = subprocess.run(
        [*base, "moderate", "list", "--status", "all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert "0 all response(s)" in ok.stdout
    bad = subprocess.run(
        [*base, "moderate", "publish", "x"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert "invalid choice" in bad.stderr
