"""Golden pages: key pages of the sample blog compared with reviewed copies.

Refresh them with `make update-golden` after an intended change, then review
the diff in tests/golden/ like any other code change.
"""

from __future__ import annotations

import os
from pathlib import Path

from bs4 import BeautifulSoup
import pytest

GOLDEN = Path(__file__).parent / "golden"
PAGES = {
    "index.html": "index.html",
    "article.html": "2018/02/chronic-back-pain-a-place-to-start/index.html",
    "article-rst.html": "2020/05/recovery-after-injury/index.html",
    "tags.html": "tags/index.html",
    "about.html": "about/index.html",
}


def normalise(html: str) -> str:
    """Pretty-print through a real parser so only meaningful changes show."""
    return BeautifulSoup(html, "lxml").prettify()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_matches_golden(site: Path, name: str) -> None:
    built = site / PAGES[name]
    assert built.exists(), f"{PAGES[name]} was not built"
    actual = normalise(built.read_text("utf-8"))
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(actual, "utf-8")
    assert golden.exists(), "no golden copy yet: run `make update-golden`"
    assert actual == golden.read_text("utf-8")
