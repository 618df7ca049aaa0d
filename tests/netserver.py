"""A real HTTP(S) server on 127.0.0.1 whose routes are plain functions.

Tests of the guarded fetcher and of the linkbacks sender use it to play
hostile or slow peers: each route writes its own status line, headers and
body, and every request is recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
import contextlib
from dataclasses import dataclass
import http.server
from pathlib import Path
import socket
import ssl
import subprocess
import threading
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Hit:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    sni: str | None = None

    @property
    def host(self) -> str:
        """The Host header without the port."""
        return self.headers.get("host", "").rsplit(":", 1)[0]


Route = Callable[["Handler", Hit], None]


class Handler(http.server.BaseHTTPRequestHandler):
    """Dispatches each request to the route of its path (query ignored)."""

    protocol_version = "HTTP/1.1"
    server: Server.HTTPServer  # type: ignore[name-defined]

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        owner: Server = self.server.owner
        hit = Hit(
            self.command,
            self.path,
            {k.lower(): v for k, v in self.headers.items()},
            body,
            getattr(self.connection, "sni", None),
        )
        owner.record(hit)
        route = owner.routes.get(urlsplit(self.path).path)
        if route is None:
            self.reply(404, b"not found")
        else:
            route(self, hit)

    do_GET = do_POST = do_HEAD = _handle

    def reply(
        self,
        status: int,
        body: bytes = b"",
        headers: list[tuple[str, str]] | None = None,
        content_type: str = "text/html; charset=utf-8",
    ) -> None:
        """Send a complete response."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in headers or []:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class Server:
    """A threaded server on 127.0.0.1 with routes and a record of hits."""

    class HTTPServer(http.server.ThreadingHTTPServer):
        daemon_threads = True
        owner: Server

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        self.httpd = self.HTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.owner = self
        self.scheme = "http"
        if tls is not None:
            self.scheme = "https"

            def remember_sni(sock: ssl.SSLSocket, name: str | None, _: Any) -> None:
                sock.sni = name  # type: ignore[attr-defined]

            tls.sni_callback = remember_sni
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, args=(0.05,), daemon=True
        )

    def record(self, hit: Hit) -> None:
        """Keep *hit* (called from the server's threads)."""
        with self._lock:
            self.hits.append(hit)

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        """The absolute URL of *path* on this server."""
        return f"{self.scheme}://{host}:{self.port}{path}"

    def route(self, path: str) -> Callable[[Route], Route]:
        """Decorator: serve *path* with the decorated function."""

        def add(fn: Route) -> Route:
            self.routes[path] = fn
            return fn

        return add

    def paths(self, method: str | None = None) -> list[str]:
        """The paths (with query) requested so far, in arrival order."""
        with self._lock:
            return [h.path for h in self.hits if method in (None, h.method)]


@contextlib.contextmanager
def running(tls: ssl.SSLContext | None = None) -> Iterator[Server]:
    """Run a :class:`Server` for the duration of the block."""
    server = Server(tls)
    server._thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
        server._thread.join()


def self_signed(folder: Path, name: str) -> tuple[Path, Path]:
    """Make a self-signed certificate for DNS name *name* with the openssl tool."""
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def resolver_map(table: dict[str, list[str]]) -> Callable[[str, int], list[str]]:
    """A resolver for ``net.Policy`` that answers from *table*, else fails."""

    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return table[host]

    return resolve
