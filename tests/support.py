"""Helpers shared by the tests: real Pelican builds and a real local HTTP server."""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
import functools
import http.server
import os
from pathlib import Path
import threading
from typing import Any

from bs4 import BeautifulSoup
from pelican import Pelican
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
DEV_CONF = ROOT / "pelicanconf.py"
PUBLISH_CONF = ROOT / "publishconf.py"
SHARED_FIXTURES = ROOT.parent / "shared" / "fixtures"


def build(
    output: Path,
    *,
    content: Path = CONTENT,
    conf: Path = DEV_CONF,
    cache: Path | None = None,
    **overrides: Any,
) -> Path:
    """Build *content* into *output* with the project's settings, like `make html`."""
    override: dict[str, Any] = {
        "PATH": str(content),
        "OUTPUT_PATH": str(output),
        "CACHE_PATH": str(cache or output.with_name(output.name + "-cache")),
    }
    override.update(overrides)
    settings = read_settings(str(conf), override=override)
    Pelican(settings).run()
    return output


def html_pages(site: Path) -> list[Path]:
    """Every HTML page of a built site, in a stable order."""
    return sorted(site.rglob("*.html"))


def soup(path: Path) -> BeautifulSoup:
    """Parse one built page."""
    return BeautifulSoup(path.read_text("utf-8"), "lxml")


def write_post(folder: Path, name: str, text: str) -> Path:
    """Write one content file, creating its folder."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, "utf-8")
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve *directory* on 127.0.0.1 over real HTTP; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=os.fspath(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
