"""The real `pelican` command with awkward slugs and bad public responses files.

Each case is listed in docs/importing-safely.md: non-ASCII and spaced slugs
build, and one bad JSON file is skipped and named while every other page is
built, with no traceback.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
import subprocess
import sys

import pytest

from tests.support import DEV_CONF, ROOT, write_post

SLUGS = ("körper-übung", "日本語", "two words")


def pelican(content: Path, output: Path) -> subprocess.CompletedProcess:
    """Run the real command line, as `make html` does."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican",
            str(content),
            "-o",
            str(output),
            "-s",
            str(DEV_CONF),
            "-e",
            f'CACHE_PATH="{output}-cache"',
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=300,
        check=False,
    )


def blog(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    for n, slug in enumerate(SLUGS, 1):
        write_post(
            content / "posts",
            f"p{n}.md",
            f"Title: Post {n}\nDate: 2021-0{n}-01 10:00\nSlug: {slug}\n\nBody {n}.\n",
        )
    (content / "responses").mkdir()
    return content


def record(rid: str, **over: object) -> dict:
    return {
        "id": rid,
        "type": "comment",
        "parent": None,
        "author_name": "Reader",
        "author_url": None,
        "date": "2021-05-01T10:00:00Z",
        "content_html": f"<p>Body of {rid}</p>",
        "source_url": None,
        "source_title": None,
    } | over


def test_non_ascii_and_spaced_slugs_build_with_and_without_responses(tmp_path):
    content = blog(tmp_path)
    done = pelican(content, tmp_path / "out")
    assert done.returncode == 0, done.stdout + done.stderr
    (content / "responses" / "körper-übung.json").write_text(
        json.dumps({"key": "körper-übung", "responses": [record("r-1")]}), "utf-8"
    )
    done = pelican(content, tmp_path / "out")
    assert done.returncode == 0, done.stdout + done.stderr
    page = (tmp_path / "out/2021/01/körper-übung/index.html").read_text("utf-8")
    assert "Body of r-1" in page
    assert (tmp_path / "out/2021/02/日本語/index.html").is_file()
    assert (tmp_path / "out/2021/03/two words/index.html").is_file()


DEEP = '{"key": "x", "responses": ' + "[" * 100_000 + "]" * 100_000 + "}"
SURROGATE = json.dumps(
    {"key": "x", "responses": [record("r-2", author_name="Eve \ud800")]}
)


@pytest.mark.parametrize(
    ("text", "message"),
    [(SURROGATE, "lone surrogate"), (DEEP, "nested too deeply")],
    ids=["lone-surrogate", "nested-100000"],
)
def test_one_bad_public_file_is_skipped_and_named(tmp_path, text, message):  # F5
    content = blog(tmp_path)
    (content / "responses" / "日本語.json").write_text(text, "utf-8")
    (content / "responses" / "körper-übung.json").write_text(
        json.dumps({"key": "körper-übung", "responses": [record("r-1")]}), "utf-8"
    )
    done = pelican(content, tmp_path / "out")
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "Traceback" not in output
    assert message in output and "日本語.json" in output
    neighbour = (tmp_path / "out/2021/01/körper-übung/index.html").read_text("utf-8")
    assert "Body of r-1" in neighbour  # the valid neighbour is built
    bad = (tmp_path / "out/2021/02/日本語/index.html").read_text("utf-8")
    assert "Eve" not in bad and "Body 2" in bad  # its post, without responses
