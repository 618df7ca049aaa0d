"""Real-browser fixtures: Playwright drives the system's Chromium, never a download."""

from __future__ import annotations

from collections.abc import Iterator
import os
from pathlib import Path
import shutil

import pytest

from tests.support import serve

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """The system Chromium: $CHROMIUM, else Debian's `chromium` on PATH."""
    candidates = [os.environ.get("CHROMIUM"), shutil.which("chromium")]
    candidates += [shutil.which("chromium-browser"), "/usr/bin/chromium"]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/browser/ ``browser`` so ``-m browser`` picks it.

    A ``pytestmark`` in a conftest is ignored by pytest, so the marker is added
    here, where pytest does look.
    """
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the session, or a skip with one clear reason."""
    executable = chromium_path()
    if executable is None:
        pytest.skip("no system Chromium found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_FLAGS
        )
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    """The built sample blog, served over real HTTP on 127.0.0.1."""
    with serve(site) as url:
        yield url


@pytest.fixture
def page(browser: object, base_url: str) -> Iterator[object]:
    """A fresh page whose console errors and dialogs are recorded on it."""
    context = browser.new_context(base_url=base_url)  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.console_errors = []
    tab.dialogs = []
    tab.on(
        "console",
        lambda m: tab.console_errors.append(m.text) if m.type == "error" else None,
    )

    def on_dialog(dialog: object) -> None:
        tab.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    tab.on("dialog", on_dialog)
    yield tab
    context.close()
