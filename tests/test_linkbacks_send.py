"""The sender against hostile, slow, broken and busy peers on 127.0.0.1 (C2-C13, C17).

Each test runs the real discovery and sending code through the guarded
fetcher against a real server, and checks what a user would see: the
outcome recorded for the target, and which requests the peers received.
"""

from __future__ import annotations

import gzip
import ssl
import threading
import time
import xmlrpc.client

import pytest

from pelican_plugins import net
from pelican_plugins.linkbacks import send
from pelican_plugins.linkbacks.plan import Job, Outcome
from pelican_plugins.linkbacks.state import BLOCKED, FAILED, NO_ENDPOINT, RETRY, SENT
from tests.netserver import (
    Handler,
    Hit,
    Server,
    drip,
    endless,
    resolver_map,
    running,
    self_signed,
)

SOURCE = "https://blog.example/2024/01/post/"


@pytest.fixture
def srv():
    with running() as server:
        yield server


def notify(server: Server, path: str, deleted: bool = False, **kwargs) -> Outcome:
    job = Job(SOURCE, server.url(path), "new post", deleted=deleted)
    (outcome,) = send.run([job], server.policy(**kwargs)).values()
    return outcome


def page(body: bytes = b"<html><body>plain</body></html>", headers=(), ctype=None):
    def route(h: Handler, hit: Hit) -> None:
        h.reply(200, body, list(headers), ctype or "text/html; charset=utf-8")

    return route


def status(code: int, body: bytes = b""):
    def route(h: Handler, hit: Hit) -> None:
        h.reply(code, body)

    return route


def link_to(endpoint: str) -> bytes:
    return (
        f'<html><head><link rel="webmention" href="{endpoint}"></head></html>'.encode()
    )


def endpoint_hits(server: Server, path: str = "/wm") -> list[Hit]:
    return [h for h in server.hits if h.path.split("?")[0] == path]


# --- C2, C4: blocked endpoints and targets ----------------------------------------


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://127.0.0.2:{port}/wm",
        "http://[::1]:{port}/wm",
        "http://10.0.0.1:{port}/wm",
        "http://192.168.1.1:{port}/apply.cgi",
        "http://169.254.169.254:{port}/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://[::ffff:127.0.0.1]:{port}/wm",
    ],
)
@pytest.mark.parametrize("kind", ["webmention", "pingback"])
def test_an_internal_endpoint_is_blocked_and_never_contacted(srv, endpoint, kind):
    url = endpoint.format(port=srv.port)
    if kind == "webmention":
        srv.routes["/t"] = page(link_to(url))
    else:
        srv.routes["/t"] = page(headers=[("X-Pingback", url)])
    outcome = notify(srv, "/t")
    assert outcome.status == BLOCKED
    assert outcome.reason.startswith(f"blocked {kind} endpoint")
    assert srv.paths() == ["/t"]


def test_the_default_policy_blocks_a_loopback_target(srv):
    srv.routes["/t"] = page(link_to("/wm"))
    job = Job(SOURCE, srv.url("/t"), "new post")
    (outcome,) = send.run([job], net.Policy()).values()
    assert outcome.status == BLOCKED
    assert outcome.reason.startswith("blocked target")
    assert srv.hits == []


@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/",
        "http://10.1.2.3:{port}/",
        "file:///etc/passwd",
        "gopher://x/",
    ],
)
def test_a_target_redirecting_inside_is_stopped_at_that_hop(srv, location):
    srv.routes["/t"] = lambda h, hit: h.reply(
        302, b"", [("Location", location.format(port=srv.port))]
    )
    outcome = notify(srv, "/t")
    assert outcome.status == BLOCKED
    assert srv.paths() == ["/t"]


# --- C5: redirect loops and chains ---------------------------------------------------


def test_a_redirect_loop_is_recorded_as_a_failure(srv):
    srv.routes["/a"] = lambda h, hit: h.reply(302, b"", [("Location", "/b")])
    srv.routes["/b"] = lambda h, hit: h.reply(302, b"", [("Location", "/a")])
    outcome = notify(srv, "/a")
    assert outcome.status == FAILED
    assert "loop" in outcome.reason


def test_more_than_five_redirects_is_a_failure_and_five_are_followed(srv):
    for i in range(6):
        srv.routes[f"/r{i}"] = lambda h, hit, i=i: h.reply(
            301, b"", [("Location", f"/r{i + 1}")]
        )
    srv.routes["/r6"] = page(link_to("/wm"))
    srv.routes["/wm"] = status(202)
    outcome = notify(srv, "/r0")
    assert outcome.status == FAILED
    assert "more than 5 redirects" in outcome.reason
    assert endpoint_hits(srv) == []
    assert notify(srv, "/r1").status == SENT


# --- C6, C7, C8: size, time and compression ------------------------------------------


def test_a_huge_target_is_capped_and_its_link_header_still_used(srv):
    huge = b"<html><body>" + b"x" * 50_000_000
    srv.routes["/t"] = page(huge, [("Link", "</wm>; rel=webmention")])
    srv.routes["/wm"] = status(202)
    assert notify(srv, "/t").status == SENT
    assert len(endpoint_hits(srv)) == 1


def test_a_target_that_never_ends_is_capped(srv):
    srv.routes["/t"] = endless(b"<p>more</p>" * 4096, [("X-Pingback", "/rpc")])
    srv.routes["/rpc"] = pingback_server(None)
    assert notify(srv, "/t").status == SENT


def test_a_drip_fed_target_is_abandoned_at_the_deadline_and_retried_later(srv):
    srv.routes["/t"] = drip(b"<", 100, 0.1)
    started = time.monotonic()
    outcome = notify(srv, "/t", deadline=1.0)
    assert outcome.status == RETRY
    assert "timed out" in outcome.reason
    assert time.monotonic() - started < 5


def test_a_gzip_bomb_target_is_never_decompressed(srv):
    bomb = gzip.compress(link_to("/wm") + b" " * 50_000_000)
    srv.routes["/t"] = page(bomb, [("Content-Encoding", "gzip")])
    srv.routes["/wm"] = status(202)
    assert notify(srv, "/t").status == NO_ENDPOINT
    assert srv.hits[0].headers["accept-encoding"] == "identity"
    assert endpoint_hits(srv) == []


# --- pingback endpoints: faults and hostile replies (C8, C9, C10) --------------------


def pingback_server(fault: int | None, reply: bytes | None = None, calls=None):
    """An XML-RPC endpoint that answers one fault code (None: success)."""

    def route(h: Handler, hit: Hit) -> None:
        params, method = xmlrpc.client.loads(hit.body)
        if calls is not None:
            calls.append((method, params, hit.headers))
        if reply is not None:
            body = reply
        elif fault is None:
            body = xmlrpc.client.dumps(("Pingback registered",), methodresponse=True)
        else:
            body = xmlrpc.client.dumps(
                xmlrpc.client.Fault(fault, f"fault {fault}"), methodresponse=True
            )
        data = body if isinstance(body, bytes) else body.encode()
        h.reply(200, data, content_type="text/xml")

    return route


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (None, SENT),
        (48, SENT),
        (0, RETRY),
        (50, RETRY),
        (16, FAILED),
        (17, FAILED),
        (32, FAILED),
        (33, FAILED),
        (49, FAILED),
        (51, FAILED),
    ],
)
def test_pingback_faults(srv, fault, expected):
    calls = []
    srv.routes["/t"] = page(headers=[("X-Pingback", srv.url("/rpc"))])
    srv.routes["/rpc"] = pingback_server(fault, calls=calls)
    outcome = notify(srv, "/t")
    assert outcome.status == expected
    if fault not in (None, 48):
        assert f"fault {fault}" in outcome.reason
    ((method, params, headers),) = calls
    assert (method, params) == ("pingback.ping", (SOURCE, srv.url("/t")))
    assert headers["accept-encoding"] == "identity"
    assert headers["content-type"].startswith("text/xml")


def test_pingback_discovery_by_the_exact_link_element(srv):
    html = f'<html><head><link rel="pingback" href="{srv.url("/rpc")}"></head></html>'
    srv.routes["/t"] = page(html.encode())
    srv.routes["/rpc"] = pingback_server(None)
    assert notify(srv, "/t").status == SENT


def test_webmention_wins_over_pingback(srv):
    srv.routes["/t"] = page(link_to("/wm"), [("X-Pingback", "/rpc")])
    srv.routes["/wm"] = status(202)
    srv.routes["/rpc"] = pingback_server(None)
    assert notify(srv, "/t").status == SENT
    assert srv.paths("POST") == ["/wm"]


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">'
    b"]><methodResponse><params><param><value><string>&c;</string></value></param>"
    b"</params></methodResponse>"
)


@pytest.mark.parametrize(
    "reply",
    [
        BILLION_LAUGHS,
        gzip.compress(xmlrpc.client.dumps(("ok",), methodresponse=True).encode()),
        b"<html>Service Unavailable</html>",
    ],
    ids=["billion-laughs", "gzip", "html"],
)
def test_hostile_pingback_replies_are_failures(srv, reply):
    srv.routes["/t"] = page(headers=[("X-Pingback", "/rpc")])
    srv.routes["/rpc"] = pingback_server(None, reply=reply)
    outcome = notify(srv, "/t")
    assert outcome.status == FAILED
    assert outcome.reason.startswith("pingback endpoint:")


def test_an_oversized_pingback_reply_is_a_failure(srv):
    srv.routes["/t"] = page(headers=[("X-Pingback", "/rpc")])
    srv.routes["/rpc"] = pingback_server(None, reply=b"<" * 2_000_000)
    assert notify(srv, "/t").reason == "pingback reply larger than the size cap"


def test_a_deletion_is_never_sent_as_a_pingback(srv):
    srv.routes["/t"] = page(headers=[("X-Pingback", "/rpc")])
    srv.routes["/rpc"] = pingback_server(None)
    assert notify(srv, "/t", deleted=True).status == NO_ENDPOINT
    assert srv.paths("POST") == []


# --- webmention endpoint answers ----------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [(201, SENT), (202, SENT), (200, SENT), (400, FAILED), (410, FAILED), (429, RETRY)],
)
def test_webmention_endpoint_answers(srv, code, expected):
    srv.routes["/t"] = page(link_to("/wm"))
    srv.routes["/wm"] = status(code)
    outcome = notify(srv, "/t")
    assert outcome.status == expected
    if expected != SENT:
        assert f"HTTP {code}" in outcome.reason


def test_a_failing_endpoint_server_is_retried(srv):
    srv.routes["/t"] = page(link_to("/wm"))
    srv.routes["/wm"] = status(503)
    assert notify(srv, "/t") == Outcome(RETRY, "webmention endpoint answered HTTP 503")


def test_a_redirecting_endpoint_does_not_get_the_post_twice(srv):
    srv.routes["/t"] = page(link_to("/wm"))
    srv.routes["/wm"] = lambda h, hit: h.reply(307, b"", [("Location", "/wm2")])
    srv.routes["/wm2"] = status(202)
    assert notify(srv, "/t").status == FAILED
    assert srv.paths("POST") == ["/wm"]


def test_no_endpoint(srv):
    srv.routes["/t"] = page()
    assert notify(srv, "/t") == Outcome(
        NO_ENDPOINT, "no webmention or pingback endpoint"
    )


# --- C12, C13: media types and Link headers -----------------------------------------


def test_a_png_target_is_judged_by_its_headers_only(srv):
    png = b"\x89PNG\r\n\x1a\n" + link_to("/wm")
    srv.routes["/img"] = page(png, ctype="image/png")
    srv.routes["/img-h"] = page(png, [("Link", "</wm>; rel=webmention")], "image/png")
    srv.routes["/wm"] = status(202)
    assert notify(srv, "/img").status == NO_ENDPOINT
    assert notify(srv, "/img-h").status == SENT
    assert len(endpoint_hits(srv)) == 1


def test_an_enormous_link_header_is_handled(srv):
    many = ", ".join(f'</e{i}>; rel="other"' for i in range(3000))
    srv.routes["/t"] = page(headers=[("Link", many + ", </wm>; rel=webmention")])
    srv.routes["/wm"] = status(202)
    srv.routes["/bad"] = page(headers=[("Link", "<" * 30_000)])
    assert notify(srv, "/t").status == SENT
    assert notify(srv, "/bad").status == NO_ENDPOINT


# --- C16, C17: network trouble and TLS -----------------------------------------------


def test_a_refused_connection_is_retried_later():
    with running() as gone:
        policy = gone.policy()
        url = gone.url("/t")
    (outcome,) = send.run([Job(SOURCE, url, "new post")], policy).values()
    assert outcome.status == RETRY


def test_a_dns_failure_is_retried_later():
    policy = net.Policy(resolver=resolver_map({}))
    job = Job(SOURCE, "https://down.example/post", "new post")
    (outcome,) = send.run([job], policy).values()
    assert outcome.status == RETRY
    assert "cannot resolve" in outcome.reason


def test_an_invalid_certificate_is_not_sent_to(tmp_path):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*self_signed(tmp_path, "target.test"))
    with running(context) as tls:
        tls.routes["/t"] = page(link_to("/wm"))
        tls.routes["/wm"] = status(202)
        table = {"target.test": ["127.0.0.1"]}
        policy = tls.policy(resolver=resolver_map(table))
        job = Job(SOURCE, tls.url("/t", host="target.test"), "new post")
        (outcome,) = send.run([job], policy).values()
        assert outcome.status == RETRY
        assert "certificate" in outcome.reason
        assert tls.hits == []


# --- concurrency ----------------------------------------------------------------


class Meter:
    """Counts requests in flight, per Host header and overall."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now: dict[str, int] = {}
        self.peak: dict[str, int] = {}
        self.total = self.peak_total = 0

    def route(self, inner):
        def measured(h: Handler, hit: Hit) -> None:
            with self.lock:
                self.now[hit.host] = self.now.get(hit.host, 0) + 1
                self.peak[hit.host] = max(
                    self.peak.get(hit.host, 0), self.now[hit.host]
                )
                self.total += 1
                self.peak_total = max(self.peak_total, self.total)
            time.sleep(0.05)
            with self.lock:
                self.now[hit.host] -= 1
                self.total -= 1
            inner(h, hit)

        return measured


def test_one_request_per_host_and_eight_overall(srv):
    meter = Meter()
    hosts = [f"h{i}.test" for i in range(12)] + ["hub.test"]
    srv.routes["/t"] = meter.route(page(link_to(srv.url("/wm", host="hub.test"))))
    srv.routes["/own"] = meter.route(page(link_to("/wm")))
    srv.routes["/wm"] = meter.route(status(202))
    policy = srv.policy(resolver=resolver_map({h: ["127.0.0.1"] for h in hosts}))
    jobs = [
        Job(SOURCE, srv.url(f"/{path}?n={n}", host=host), "new post")
        for host in hosts[:12]
        for n, path in enumerate(["t", "own", "own", "own"])
    ]
    outcomes = send.run(jobs, policy)
    assert {o.status for o in outcomes.values()} == {SENT}
    assert max(meter.peak.values()) == 1
    assert meter.peak["hub.test"] == 1
    assert 2 < meter.peak_total <= 8


@pytest.mark.parametrize(
    "endpoint", ["http://[::1", "http://[not-a-url/wm", "javascript:alert(1)"]
)
def test_a_malformed_endpoint_is_no_endpoint_or_blocked(srv, endpoint):
    srv.routes["/t"] = page(link_to(endpoint))
    outcome = notify(srv, "/t")
    assert outcome.status in (NO_ENDPOINT, BLOCKED)
    assert srv.paths() == ["/t"]


def test_a_target_with_a_non_ascii_path_is_reached(srv):
    srv.routes["/caf%C3%A9"] = page(link_to("/wm"))
    srv.routes["/wm"] = status(202)
    assert notify(srv, "/café").status == SENT
    (post,) = endpoint_hits(srv)
    assert "target=http%3A%2F%2F127.0.0.1" in post.body.decode()
