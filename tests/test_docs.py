"""The project's docs stand alone, and the tests they name exist."""

from __future__ import annotations

import ast
import re
import subprocess

import pytest

from tests.support import ROOT

# The team's design notes live outside the repository; built here so this file
# does not cite them itself.
NOTES = ("SECURITY", "REFERENCE", "ARCHITECTURE", "STYLE")
DESIGN_NOTES = [f"{name}.md" for name in NOTES] + ["shared/" + "design"]
TEST_REFERENCE = re.compile(r"(tests/[\w/]+\.py)::(\w+)")


def tracked_text_files() -> list[tuple[str, str]]:
    names = (
        subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        )
        .stdout.decode("utf-8")
        .split("\0")
    )
    files = []
    for name in filter(None, names):
        path = ROOT / name
        if not path.is_file():
            continue
        try:
            files.append((name, path.read_text("utf-8")))
        except UnicodeDecodeError:
            continue  # binary
    return files


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs a git checkout")
def test_no_tracked_file_cites_the_design_notes() -> None:
    citing = [
        f"{name}:{number}: {line.strip()}"
        for name, text in tracked_text_files()
        for number, line in enumerate(text.splitlines(), start=1)
        if any(note in line for note in DESIGN_NOTES)
    ]
    assert citing == [], "cite docs/security.md or docs/wordpress.md instead"


def test_every_test_the_docs_name_exists() -> None:
    cited = {
        (file, name)
        for doc in sorted((ROOT / "docs").glob("*.md"))
        for file, name in TEST_REFERENCE.findall(doc.read_text("utf-8"))
    }
    assert len(cited) > 50  # docs/security.md names a test for every case
    missing = []
    for file, name in sorted(cited):
        path = ROOT / file
        tree = ast.parse(path.read_text("utf-8")) if path.is_file() else None
        defined = tree is not None and any(
            isinstance(node, ast.FunctionDef) and node.name == name
            for node in ast.walk(tree)
        )
        if not defined:
            missing.append(f"{file}::{name}")
    assert missing == []
