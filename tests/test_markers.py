"""`pytest -m browser` selects exactly the browser tests, as the README says."""

from __future__ import annotations

import subprocess
import sys

from tests.support import ROOT


def _collected(*args: str) -> set[str]:
    """Node ids pytest collects with *args*, from a fresh pytest process."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            *args,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return {line for line in result.stdout.splitlines() if "::" in line}


def test_dash_m_browser_selects_every_browser_test_and_nothing_else() -> None:
    browser_tests = _collected("tests/browser")
    assert browser_tests, "no browser tests collected at all"
    assert _collected("-m", "browser", "tests") == browser_tests


def test_dash_m_not_browser_leaves_the_browser_tests_out() -> None:
    others = _collected("-m", "not browser", "tests")
    assert others
    assert not any(node.startswith("tests/browser/") for node in others)
