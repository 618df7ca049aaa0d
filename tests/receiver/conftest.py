"""Receiver fixtures: the real app under waitress on 127.0.0.1, a real SQLite store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
import contextlib
from dataclasses import dataclass
from pathlib import Path
import threading
from typing import Any

import httpx
import pytest
import waitress
from werkzeug.security import generate_password_hash

from pelican_plugins.receiver import create_app
from pelican_plugins.receiver.cli import SERVER_OPTIONS
from pelican_plugins.receiver.service import Service
from pelican_plugins.responses.model import Response
from pelican_plugins.responses.store import ResponseStore
from pelican_plugins.responses.targets import write
from tests.test_responses_site import item

SITE = "https://blog.example"
POST = f"{SITE}/2019/03/first-lesson/"
OTHER = f"{SITE}/2020/01/second-lesson/"
PASSWORD = "correct horse battery staple"
PASSWORD_HASH = generate_password_hash(PASSWORD)


@dataclass
class Receiver:
    """A running receiver: its base URL, service and an HTTP client."""

    url: str
    service: Service
    client: httpx.Client
    paths: dict[str, Path]

    def store(self) -> ResponseStore:
        return ResponseStore(self.paths["content"] / "responses", self.paths["db"])


def write_targets(path: Path) -> None:
    write(
        path,
        SITE,
        {
            "/2019/03/first-lesson/": "first-lesson",
            "/?p=12": "first-lesson",
            "/2020/01/second-lesson/": "second-lesson",
            "/contact/": "contact",
        },
        {
            "contact": "/contact/",
            "first-lesson": "/2019/03/first-lesson/",
            "second-lesson": "/2020/01/second-lesson/",
        },
    )


@contextlib.contextmanager
def running(app: Any) -> Iterator[str]:
    """Serve *app* with waitress on an ephemeral loopback port; yield its base URL."""
    server = waitress.create_server(
        app,
        host="127.0.0.1",
        port=0,
        threads=4,
        asyncore_loop_timeout=0.05,
        **SERVER_OPTIONS,
    )
    stopping = threading.Event()

    def loop() -> None:
        try:
            server.run()
        except OSError:  # the poll saw the socket close under it
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}/"
    finally:
        stopping.set()
        server.close()
        thread.join(5)


def approved_comment(n: int, key: str = "first-lesson", **over: Any) -> Response:
    """An approved comment with a WordPress-style id (``wp-oldblog.example-N``)."""
    return item(n, key, id=f"wp-oldblog.example-{n}", **over)


@pytest.fixture
def paths(tmp_path: Path) -> dict[str, Path]:
    found = {
        "db": tmp_path / "var" / "responses.sqlite3",
        "content": tmp_path / "content",
        "targets": tmp_path / "output" / "responses-targets.json",
    }
    write_targets(found["targets"])
    return found


@pytest.fixture
def make_receiver(paths: dict[str, Path]) -> Iterator[Callable[..., Receiver]]:
    stack = contextlib.ExitStack()

    def start(fetch_policy: Any = None, **options: Any) -> Receiver:
        config = {
            "db": paths["db"],
            "content": paths["content"],
            "site_url": SITE,
            "targets": paths["targets"],
            "workers": 0,
            "min_delay": 0.0,
            "secure_cookies": False,
            "password_hash": PASSWORD_HASH,
            "export_token": "s3cret-export-token",
            **options,
        }
        app = create_app(config, fetch_policy=fetch_policy)
        service = app.extensions["receiver"]
        stack.callback(service.close)
        url = stack.enter_context(running(app))
        client = stack.enter_context(
            httpx.Client(base_url=url, timeout=10, follow_redirects=False)
        )
        return Receiver(url, service, client, paths)

    yield start
    stack.close()


@pytest.fixture
def receiver(make_receiver: Callable[..., Receiver]) -> Receiver:
    return make_receiver()
