"""The guarded fetcher against real servers on 127.0.0.1 and hostile addresses."""

from __future__ import annotations

import gzip
from pathlib import Path
import socket
import ssl
import subprocess
import sys
import time

import pytest

from pelican_plugins import net
from tests.netserver import Handler, Hit, Server, resolver_map, running, self_signed


@pytest.fixture
def server():
    with running() as srv:
        yield srv


def local(server: Server, **kwargs) -> net.Policy:
    """A policy that reaches only this test server's address and port."""
    return net.Policy(
        allowed_networks=("127.0.0.1/32",), ports=frozenset({server.port}), **kwargs
    )


def page(body: bytes = b"<p>hello</p>", headers=None):
    def route(h: Handler, hit: Hit) -> None:
        h.reply(200, body, headers)

    return route


def redirect(location: str, status: int = 302):
    def route(h: Handler, hit: Hit) -> None:
        h.reply(status, b"", [("Location", location)])

    return route


# --- refused before any socket opens -------------------------------------------

BLOCKED_URLS = [
    "file:///etc/passwd",
    "gopher://example.com/_x",
    "ftp://example.com/",
    "http://user:pw@example.com/",
    "http://user@example.com/",
    "http://example.com:22/",
    "http://localhost/",
    "http://LOCALHOST./",
    "http://admin.localhost/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://db.internal/",
    "http://127.0.0.1/",
    "http://0x7f000001/",
    "http://2130706433/",
    "http://0177.0.0.1/",
    "http://127.1/",
    "http://0.0.0.0/",
    "http://[::1]/",
    "http://[::]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:10.0.0.1]/",
    "http://[64:ff9b::7f00:1]/",
    "http://[2002:7f00:1::]/",
    "http://[::127.0.0.1]/",
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://[ff02::1]/",
    "http://10.0.0.1/",
    "http://192.168.1.1/apply.cgi",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/",
    "http://192.0.0.8/",
    "http://224.0.0.1/",
    "http://240.0.0.1/",
    "https:///no-host",
    "http://[not-an-ip/",
]


@pytest.mark.parametrize("url", BLOCKED_URLS)
def test_refused_urls_raise_blocked(url):
    with pytest.raises(net.Blocked) as caught:
        net.fetch(url)
    assert caught.value.reason
    assert "\n" not in caught.value.reason


def test_a_name_that_resolves_to_a_private_address_is_blocked():
    policy = net.Policy(resolver=resolver_map({"rebind.test": ["10.0.0.5"]}))
    with pytest.raises(net.Blocked, match=r"10\.0\.0\.5"):
        net.fetch("http://rebind.test/", policy=policy)


def test_every_resolved_address_must_be_public():
    answers = {"mixed.test": ["93.184.215.14", "192.168.0.7"]}
    policy = net.Policy(resolver=resolver_map(answers))
    with pytest.raises(net.Blocked, match=r"192\.168\.0\.7"):
        net.fetch("http://mixed.test/", policy=policy)


def test_a_public_name_passes_the_checks_and_keeps_its_addresses():
    policy = net.Policy(resolver=resolver_map({"pub.test": ["93.184.215.14"]}))
    target = net.check_url("http://pub.test/a?b=1#frag", policy)
    assert target.addresses == ("93.184.215.14",)
    assert target.url == "http://pub.test/a?b=1"
    assert target.port == 80


def test_dns_failure_is_a_network_error():
    with pytest.raises(net.NetworkError, match="cannot resolve"):
        net.fetch("http://nowhere.test/", policy=net.Policy(resolver=resolver_map({})))


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:4700::1", True),
        ("2002:5db8:d70e::1", True),  # 6to4 of a public IPv4
        ("64:ff9b::5db8:d70e", True),  # NAT64 of a public IPv4
        ("::ffff:93.184.215.14", True),
        ("64:ff9b::a00:1", False),
        ("2002:a9fe:a9fe::", False),  # 6to4 of 169.254.169.254
        ("::ffff:169.254.169.254", False),
        ("192.88.99.1", False),
        ("198.18.0.1", False),
        ("fe80::1%eth0", False),
    ],
)
def test_address_rules(address, public):
    assert (net.address_refusal(address) is None) is public


# --- real exchanges ---------------------------------------------------------------


def test_fetch_returns_status_headers_body_and_keeps_the_host_name(server):
    server.routes["/page"] = page(
        b"<p>hi</p>", [("Link", "<a>; rel=x"), ("Link", "<b>; rel=y")]
    )
    policy = local(server, resolver=resolver_map({"blog.test": ["127.0.0.1"]}))
    resp = net.fetch(server.url("/page?q=1#top", host="blog.test"), policy=policy)
    assert resp.status == 200
    assert resp.body == b"<p>hi</p>"
    assert resp.content_type == "text/html"
    assert resp.headers.get_list("LINK") == ["<a>; rel=x", "<b>; rel=y"]
    assert resp.url == server.url("/page?q=1", host="blog.test")
    (hit,) = server.hits
    assert hit.path == "/page?q=1"
    assert hit.headers["host"] == f"blog.test:{server.port}"
    assert hit.headers["accept-encoding"] == "identity"
    assert hit.headers["user-agent"].startswith("TheListeningBack/")


def test_allow_private_reaches_loopback_on_any_port(server):
    server.routes["/"] = page()
    policy = net.Policy(allow_private=True)
    assert net.fetch(server.url("/"), policy=policy).status == 200


def test_allow_private_logs_a_warning():
    # In a fresh process: Pelican's logger class shows a repeated message once.
    code = "import logging; logging.basicConfig(); from pelican_plugins import net; "
    done = subprocess.run(
        [sys.executable, "-c", code + "net.Policy(allow_private=True)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "private addresses are allowed" in done.stderr
    assert "tests only" in done.stderr


def test_the_default_policy_refuses_the_local_server(server):
    server.routes["/"] = page()
    with pytest.raises(net.Blocked):
        net.fetch(server.url("/"))
    assert server.hits == []


def test_connection_is_pinned_to_the_checked_address(server):
    """A second lookup would answer 127.0.0.2, where nothing listens."""
    server.routes["/"] = page(b"pinned")
    answers = iter([["127.0.0.1"], ["127.0.0.2"], ["127.0.0.2"]])
    calls = []

    def rebinding(host: str, port: int) -> list[str]:
        calls.append(host)
        return next(answers)

    policy = net.Policy(allow_private=True, resolver=rebinding)
    resp = net.fetch(server.url("/", host="rebind.test"), policy=policy)
    assert resp.body == b"pinned"
    assert calls == ["rebind.test"]
    assert server.hits[0].headers["host"] == f"rebind.test:{server.port}"


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.2:{port}/",
        "http://169.254.169.254:{port}/latest/meta-data/",
        "http://[::ffff:10.0.0.1]:{port}/",
        "http://0x7f000002:{port}/",
        "http://localhost:{port}/",
        "file:///etc/passwd",
        "gopher://127.0.0.1:{port}/_stats",
        "http://user:pw@127.0.0.1:{port}/ok",
        "http://127.0.0.1:22/",
    ],
)
def test_every_redirect_hop_is_checked_again(server, location):
    server.routes["/ok"] = page()
    server.routes["/go"] = redirect(location.format(port=server.port))
    with pytest.raises(net.Blocked):
        net.fetch(server.url("/go"), policy=local(server))
    assert server.paths() == ["/go"]


def test_redirects_are_followed_relative_to_the_current_url(server):
    server.routes["/a/start"] = redirect("next", 301)
    server.routes["/a/next"] = redirect("/b/end?x=1", 308)
    server.routes["/b/end"] = page(b"end")
    resp = net.fetch(server.url("/a/start"), policy=local(server))
    assert (resp.status, resp.body) == (200, b"end")
    assert resp.url == server.url("/b/end?x=1")


def test_five_redirects_are_followed_and_a_sixth_is_refused(server):
    for i in range(7):
        server.routes[f"/r{i}"] = redirect(f"/r{i + 1}")
    server.routes["/r5"] = page(b"five")
    assert net.fetch(server.url("/r0"), policy=local(server)).body == b"five"
    server.routes["/r5"] = redirect("/r6")
    server.routes["/r6"] = page(b"six")
    with pytest.raises(net.TooManyRedirects):
        net.fetch(server.url("/r0"), policy=local(server))
    assert "/r6" not in server.paths()


def test_a_redirect_loop_is_refused(server):
    server.routes["/ping"] = redirect("/pong")
    server.routes["/pong"] = redirect("/ping")
    with pytest.raises(net.TooManyRedirects, match="loop"):
        net.fetch(server.url("/ping"), policy=local(server))


def test_a_post_is_never_resent_to_a_redirect_target(server):
    server.routes["/endpoint"] = redirect("/elsewhere", 307)
    server.routes["/elsewhere"] = page()
    resp = net.fetch(
        server.url("/endpoint"), method="POST", data=b"a=1", policy=local(server)
    )
    assert resp.status == 307
    assert server.paths() == ["/endpoint"]
    assert server.hits[0].body == b"a=1"


def test_redirects_can_be_turned_off(server):
    server.routes["/go"] = redirect("/elsewhere")
    resp = net.fetch(server.url("/go"), policy=local(server), follow_redirects=False)
    assert resp.status == 302
    assert resp.headers["location"] == "/elsewhere"


def test_no_cookies_are_kept_between_hops(server):
    def set_cookie(h: Handler, hit: Hit) -> None:
        h.reply(302, b"", [("Set-Cookie", "sid=secret; Path=/"), ("Location", "/b")])

    server.routes["/a"] = set_cookie
    server.routes["/b"] = page()
    net.fetch(server.url("/a"), policy=local(server))
    assert "cookie" not in server.hits[1].headers


def test_environment_proxies_are_ignored(server, monkeypatch):
    with running() as proxy:
        for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"):
            monkeypatch.setenv(name, proxy.url("/"))
        server.routes["/"] = page(b"direct")
        assert net.fetch(server.url("/"), policy=local(server)).body == b"direct"
    assert proxy.hits == []


# --- time and size limits -------------------------------------------------------


def drip(h: Handler, hit: Hit) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "1000")
    h.end_headers()
    try:
        for _ in range(1000):
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(0.1)
    except OSError:
        pass


def test_a_drip_fed_body_is_cut_at_the_overall_deadline(server):
    server.routes["/drip"] = drip
    started = time.monotonic()
    with pytest.raises(net.Deadline):
        net.fetch(server.url("/drip"), policy=local(server, deadline=1.0))
    assert time.monotonic() - started < 5  # the body alone would take 100 s


def test_drip_fed_headers_are_cut_at_the_overall_deadline(server):
    def slow_headers(h: Handler, hit: Hit) -> None:
        try:
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"y" * 1000:
                h.wfile.write(bytes([byte]))
                h.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass

    server.routes["/slow"] = slow_headers
    started = time.monotonic()
    with pytest.raises(net.Deadline):
        net.fetch(server.url("/slow"), policy=local(server, deadline=1.0))
    assert time.monotonic() - started < 5


def test_an_oversized_body_is_capped_and_its_headers_still_count(server):
    big = b"<p>" + b"a" * 3_000_000
    server.routes["/big"] = page(big, [("X-Pingback", "http://x.example/rpc")])
    resp = net.fetch(server.url("/big"), policy=local(server))
    assert resp.truncated
    assert len(resp.body) == 1_000_000
    assert resp.headers["x-pingback"] == "http://x.example/rpc"


def test_an_endless_body_stops_at_the_cap(server):
    def endless(h: Handler, hit: Hit) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Connection", "close")
        h.end_headers()
        try:
            while True:
                h.wfile.write(b"z" * 65536)
        except OSError:
            pass

    server.routes["/endless"] = endless
    resp = net.fetch(server.url("/endless"), policy=local(server, max_bytes=200_000))
    assert resp.truncated
    assert len(resp.body) == 200_000


def test_a_gzip_bomb_is_never_decompressed(server):
    bomb = gzip.compress(b"\0" * 50_000_000, compresslevel=9)  # ~50 KB on the wire
    server.routes["/bomb"] = page(bomb, [("Content-Encoding", "gzip")])
    resp = net.fetch(server.url("/bomb"), policy=local(server))
    assert server.hits[0].headers["accept-encoding"] == "identity"
    assert resp.body == bomb  # the raw bytes, not 50 MB of zeros
    assert not resp.truncated


def test_connection_refused_is_a_network_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    policy = net.Policy(allowed_networks=("127.0.0.1/32",), ports=frozenset({port}))
    with pytest.raises(net.NetworkError):
        net.fetch(f"http://127.0.0.1:{port}/", policy=policy)


# --- TLS -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("tls"), "pinned.test")


@pytest.fixture
def tls_server(certificate):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    with running(context) as srv:
        srv.routes["/"] = page(b"secure")
        yield srv


def tls_policy(server: Server, **kwargs) -> net.Policy:
    table = {"pinned.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]}
    return local(server, resolver=resolver_map(table), **kwargs)


def test_tls_keeps_the_name_for_sni_and_host_when_pinned(tls_server, certificate):
    policy = tls_policy(tls_server, cafile=str(certificate[0]))
    resp = net.fetch(tls_server.url("/", host="pinned.test"), policy=policy)
    assert resp.body == b"secure"
    (hit,) = tls_server.hits
    assert hit.sni == "pinned.test"
    assert hit.headers["host"] == f"pinned.test:{tls_server.port}"


def test_an_untrusted_certificate_fails(tls_server):
    with pytest.raises(net.NetworkError, match="certificate"):
        net.fetch(
            tls_server.url("/", host="pinned.test"), policy=tls_policy(tls_server)
        )
    assert tls_server.hits == []


def test_a_certificate_for_another_name_fails(tls_server, certificate):
    policy = tls_policy(tls_server, cafile=str(certificate[0]))
    with pytest.raises(net.NetworkError):
        net.fetch(tls_server.url("/", host="other.test"), policy=policy)
    assert tls_server.hits == []
