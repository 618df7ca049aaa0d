"""Helpers shared by the tests: real Pelican builds and a real local HTTP server."""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
import functools
import http.server
import json
import os
from pathlib import Path
import subprocess
import sys
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


def build_apart(output: Path, **kwargs: Any) -> Path:
    """Like ``build``, in a fresh interpreter.

    Pelican's signals are process-wide: a plugin registered by one build stays
    connected for every later build in the same process. Comparing builds with
    different ``PLUGINS`` therefore needs a process per build.
    """
    args = {k: str(v) if isinstance(v, Path) else v for k, v in kwargs.items()}
    code = "import sys, tests.support as s; s.build_from_json(sys.argv[1:])"
    subprocess.run(
        [sys.executable, "-c", code, str(output), json.dumps(args)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return output


def build_from_json(argv: list[str]) -> None:
    """Entry point of ``build_apart``'s child: OUTPUT, then JSON keyword arguments."""
    args = json.loads(argv[1])
    for key in ("content", "conf", "cache"):
        if key in args:
            args[key] = Path(args[key])
    build(Path(argv[0]), **args)


def count_reads(monkeypatch: Any) -> list[str]:
    """Record every post the readers convert (the TOC's hook), not the cached ones.

    A build that takes a post from Pelican's content cache adds nothing here.
    """
    import pelican_plugins.toc as toc_plugin  # noqa: PLC0415 (tests only)

    reads: list[str] = []
    original = toc_plugin.add_toc

    def counting(content: str, metadata: dict, settings: dict, source: str, found=None):
        reads.append(source)
        return original(content, metadata, settings, source, found)

    monkeypatch.setattr(toc_plugin, "add_toc", counting)
    return reads


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
