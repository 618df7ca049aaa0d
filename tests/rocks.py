"""A local replica of webmention.rocks: discovery tests 1-23, Update 1 and 2, Delete 1.

Each discovery page advertises its endpoint the way the public test suite
does (headers, ``<link>``, ``<a>``, comments, escaped code, relative URLs,
redirects with single-use keys). Correct endpoints answer 202; every endpoint
hit is recorded so a test can require exactly one POST to the right place and
none to an ``/error`` endpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import secrets
from urllib.parse import parse_qs

from tests.netserver import Handler, Hit, Server

HEADER_19 = '<{base}{ep}>; rel="webmention"'
PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Discovery Test #{n}</title>
<link rel="stylesheet" href="/assets/style.css">
{head}
</head><body><div class="h-entry"><div class="e-content">
<p>This post tests discovery of a webmention endpoint.</p>
{body}
</div></div></body></html>
"""


@dataclass(frozen=True)
class Case:
    """One discovery test: what the page serves and where the POST must go."""

    n: int
    expected: str  # path (with query) of the correct endpoint
    headers: tuple[tuple[str, str], ...] = ()
    head: str = ""
    body: str = ""


def cases(base: str) -> list[Case]:
    """The 23 discovery tests (*base* is the server's scheme://host:port)."""

    def c(n: int, expected: str = "", **parts: object) -> Case:
        def fill(text: str) -> str:
            ep, err = f"/test/{n}/webmention", f"/test/{n}/webmention/error"
            return text.format(base=base, ep=ep, err=err)

        headers = tuple((k, fill(v)) for k, v in parts.pop("headers", ()))  # type: ignore[attr-defined]
        texts = {k: fill(str(v)) for k, v in parts.items()}
        return Case(n, expected or f"/test/{n}/webmention", headers, **texts)

    return [
        c(1, headers=(("Link", "<{ep}>; rel=webmention"),)),
        c(2, headers=(("Link", "<{base}{ep}>; rel=webmention"),)),
        c(3, head='<link rel="webmention" href="{ep}">'),
        c(4, head='<link href="{base}{ep}" rel="webmention">'),
        c(5, body='<p><a rel="webmention" href="{ep}">endpoint</a></p>'),
        c(6, body='<p><a href="{base}{ep}" rel="webmention">endpoint</a></p>'),
        c(7, headers=(("LinK", "<{base}{ep}>; rel=webmention"),)),
        c(8, headers=(("Link", '<{base}{ep}>; rel="webmention"'),)),
        c(9, head='<link rel="webmention somethingelse" href="{ep}">'),
        c(10, headers=(("Link", '<{base}{ep}>; rel="webmention somethingelse"'),)),
        c(
            11,
            headers=(("Link", "<{base}{ep}>; rel=webmention"),),
            head='<link rel="webmention" href="{err}">',
            body='<p><a rel="webmention" href="{err}">error</a></p>',
        ),
        c(
            12,
            head='<link rel="not-webmention" href="{err}">',
            body='<p><a rel="webmention" href="{ep}">endpoint</a></p>',
        ),
        c(
            13,
            body='<!-- <a href="{err}" rel="webmention"></a> -->'
            '<p><a rel="webmention" href="{ep}">endpoint</a></p>',
        ),
        c(
            14,
            body='<p><code>&lt;a href="{err}" rel="webmention"&gt;&lt;/a&gt;</code></p>'
            '<p><a rel="webmention" href="{ep}">endpoint</a></p>',
        ),
        c(15, head='<link rel="webmention" href="">', expected="/test/15"),
        c(
            16,
            body='<p><a rel="webmention" href="{ep}">endpoint</a></p>'
            '<p>later</p><link rel="webmention" href="{err}">',
        ),
        c(
            17,
            body='<link rel="webmention" href="{ep}">'
            '<p>later <a rel="webmention" href="{err}">error</a></p>',
        ),
        c(
            18,
            headers=(
                ("Link", '<{base}{err}>; rel="other"'),
                ("Link", '<{base}{ep}>; rel="webmention"'),
            ),
        ),
        c(
            19,
            headers=(("Link", '<{base}{err}>; rel="other", ' + HEADER_19),),
        ),
        c(
            20,
            body='<link rel="webmention"><p><a rel="webmention" href="{ep}">ok</a></p>',
        ),
        c(
            21,
            head='<link rel="webmention" href="{ep}?query=yes">',
            expected="/test/21/webmention?query=yes",
        ),
        c(22, head='<link rel="webmention" href="22/webmention">'),
    ]


@dataclass
class Rocks:
    """The replica installed on one server, with what it accepted."""

    server: Server
    accepted: list[tuple[str, str, str]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)  # endpoint path -> unused key
    source_check: Callable[[str], int] | None = None

    def target(self, path: str) -> str:
        """The absolute URL of a test page."""
        return self.server.url(path)

    def posts_to(self, n: int) -> list[Hit]:
        """POSTs under discovery test *n* (its page, endpoints and error endpoints)."""
        prefix = f"/test/{n}"
        return [
            h
            for h in self.server.hits
            if h.method == "POST"
            and (h.path == prefix or h.path.startswith(prefix + "/"))
        ]

    def error_hits(self) -> list[Hit]:
        """Every request that reached an error endpoint."""
        return [h for h in self.server.hits if "/error" in h.path]


def _form(hit: Hit) -> dict[str, list[str]] | None:
    if hit.headers.get("content-type") != "application/x-www-form-urlencoded":
        return None
    return parse_qs(hit.body.decode("ascii", "replace"), strict_parsing=False)


def _page(case: Case) -> Callable[[Handler, Hit], None]:
    html = PAGE.format(n=case.n, head=case.head, body=case.body).encode()

    def route(h: Handler, hit: Hit) -> None:
        if hit.method == "POST":  # test 15: the page is its own endpoint
            h.reply(202 if _form(hit) else 400, b"accepted")
            return
        h.reply(200, html, list(case.headers))

    return route


def _endpoint(h: Handler, hit: Hit) -> None:
    form = _form(hit)
    ok = hit.method == "POST" and form is not None and set(form) == {"source", "target"}
    h.reply(202 if ok else 400, b"accepted" if ok else b"bad request")


def install(server: Server) -> Rocks:
    """Serve the replica's pages and endpoints on *server*."""
    rocks = Rocks(server)
    base = server.url("").rstrip("/")
    for case in cases(base):
        server.routes[f"/test/{case.n}"] = _page(case)
        server.routes[f"/test/{case.n}/webmention"] = _endpoint
        server.routes[f"/test/{case.n}/webmention/error"] = _endpoint
        server.routes[f"/test/{case.n}/webmention/error/"] = _endpoint
    server.routes["/test/23/page"] = _redirecting_page(rocks)
    for path in ("/update/1", "/update/1/part/2", "/update/2", "/update/2/part/2"):
        _keyed(rocks, path)
    _keyed(rocks, "/delete/1", deletion=True)
    return rocks


def _redirecting_page(rocks: Rocks) -> Callable[[Handler, Hit], None]:
    """Test 23: a redirect to a single-use page whose endpoint is relative."""

    def start(h: Handler, hit: Hit) -> None:
        key = secrets.token_hex(4)
        page_path = f"/test/23/page/{key}"
        endpoint_key = secrets.token_hex(4)
        endpoint = f"/test/23/page/webmention-endpoint/{endpoint_key}"
        used = []

        def page(h: Handler, hit: Hit) -> None:
            if used:
                h.reply(410, b"Code expired")
                return
            used.append(True)
            rel = f"webmention-endpoint/{endpoint_key}"
            body = PAGE.format(
                n=23, head="", body=f'<a rel="webmention" href="{rel}">e</a>'
            )
            h.reply(200, body.encode(), [("Link", f"<{rel}>; rel=webmention")])

        rocks.server.routes[page_path] = page
        rocks.server.routes[endpoint] = _endpoint
        h.reply(302, b"", [("Location", f"page/{key}")])

    return start


def _keyed(rocks: Rocks, path: str, deletion: bool = False) -> None:
    """A page whose endpoint URL carries a fresh one-time key on every fetch."""
    endpoint = f"{path}/webmention"

    def page(h: Handler, hit: Hit) -> None:
        key = secrets.token_hex(4)
        rocks.keys[endpoint] = key
        head = f'<link rel="webmention" href="{endpoint}?key={key}">'
        h.reply(200, PAGE.format(n=path, head=head, body="").encode())

    def receive(h: Handler, hit: Hit) -> None:
        form = _form(hit) or {}
        key = parse_qs(hit.path.partition("?")[2]).get("key", [""])[0]
        if not key or rocks.keys.get(endpoint) != key:
            rocks.refused.append((endpoint, "Code expired"))
            h.reply(400, b"Code expired")
            return
        del rocks.keys[endpoint]
        source, target = form.get("source", [""])[0], form.get("target", [""])[0]
        if deletion and rocks.source_check is not None:
            status = rocks.source_check(source)
            rocks.accepted.append((endpoint, source, f"source {status}"))
        else:
            rocks.accepted.append((endpoint, source, target))
        h.reply(202, b"accepted")

    rocks.server.routes[path] = page
    rocks.server.routes[endpoint] = receive
