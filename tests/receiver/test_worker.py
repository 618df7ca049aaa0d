"""The verifier against real source pages on 127.0.0.1 (D7, D8, D9, D14, D15)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
import json
import time
import xmlrpc.client

import httpx
import pytest

from pelican_plugins import net
from tests.netserver import Handler, Hit, Server, resolver_map, running
from tests.receiver.conftest import POST, Receiver

LIKE = (
    '<!doctype html><title>Kim likes it</title><article class="h-entry">'
    f'<p>Liked <a class="u-like-of" href="{POST}">first lesson</a></p>'
    '<a class="p-author h-card" href="https://kim.example/">Kim</a></article>'
)


def wait_for(check: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail("the worker did not finish in time")
        time.sleep(0.05)


@pytest.fixture
def peer() -> Iterator[Server]:
    with running() as server:
        server.pages = {}  # type: ignore[attr-defined]

        def serve(handler: Handler, hit: Hit) -> None:
            status, body = server.pages.get(hit.path, (404, "missing"))  # type: ignore[attr-defined]
            handler.reply(status, body.encode())

        for path in ("/like", "/reply", "/gone", "/a", "/b", "/c"):
            server.route(path)(serve)
        yield server


@pytest.fixture
def live(make_receiver, peer: Server) -> Receiver:
    policy = net.Policy(
        allowed_networks=("127.0.0.1/32",),
        ports=frozenset({peer.port}),
        resolver=resolver_map(
            {
                "kim.example": ["127.0.0.1"],
                "inside.example": ["10.0.0.5"],
                "loop.example": ["127.0.0.2"],
            }
        ),
    )
    return make_receiver(workers=1, host_interval=0.0, fetch_policy=policy)


def source(peer: Server, path: str, host: str = "kim.example") -> str:
    return f"http://{host}:{peer.port}{path}"


def send(receiver: Receiver, src: str) -> dict:
    answer = receiver.client.post("webmention", data={"source": src, "target": POST})
    assert answer.status_code == 201
    location = answer.headers["Location"]
    wait_for(lambda: httpx.get(location).json()["status"] != "queued")
    return httpx.get(location).json()


def public(receiver: Receiver) -> list[dict]:
    path = receiver.paths["content"] / "responses" / "first-lesson.json"
    return json.loads(path.read_text("utf-8"))["responses"] if path.exists() else []


def test_a_like_is_verified_moderated_published_updated_and_deleted(
    live: Receiver, peer: Server
) -> None:
    peer.pages["/like"] = (200, LIKE)  # type: ignore[attr-defined]
    src = source(peer, "/like")
    assert send(live, src)["status"] == "verified"
    with live.store() as store:
        [item] = store.list("pending")
        assert (item.type, item.kind, item.author_name) == ("webmention", "like", "Kim")
        assert item.source_title == "Kim likes it"
        assert public(live) == []  # nothing is public before a moderator says so
        store.set_status(item.id, "approved")
    assert [(r["kind"], r["author_name"]) for r in public(live)] == [("like", "Kim")]
    # an update replaces the item and keeps the moderator's decision (D9)
    peer.pages["/like"] = (200, LIKE.replace("Kim</a>", "Kim Lee</a>"))  # type: ignore[attr-defined]
    assert send(live, src)["status"] == "verified"
    assert [r["author_name"] for r in public(live)] == ["Kim Lee"]
    # the source drops the link: the mention is deleted and leaves the page (D14)
    peer.pages["/like"] = (200, "<title>Kim</title><p>changed my mind</p>")  # type: ignore[attr-defined]
    assert send(live, src)["status"] == "deleted"
    assert public(live) == []


def test_a_source_answering_410_deletes_its_mention(
    live: Receiver, peer: Server
) -> None:
    """D14: 410 Gone."""
    peer.pages["/gone"] = (200, LIKE)  # type: ignore[attr-defined]
    src = source(peer, "/gone")
    send(live, src)
    with live.store() as store:
        store.set_status(store.list("pending")[0].id, "approved")
    assert len(public(live)) == 1
    peer.pages["/gone"] = (410, "gone")  # type: ignore[attr-defined]
    assert send(live, src)["status"] == "deleted"
    assert public(live) == []


def test_a_source_without_the_link_is_not_stored(live: Receiver, peer: Server) -> None:
    peer.pages["/a"] = (200, "<title>A</title><p>no link here</p>")  # type: ignore[attr-defined]
    status = send(live, source(peer, "/a"))
    assert status["status"] == "failed"
    with live.store() as store:
        assert store.list() == []


def test_internal_sources_are_refused_without_a_connection(
    live: Receiver, peer: Server
) -> None:
    """D7, D15: the guarded fetcher refuses before any socket opens; the status page
    says no more than for any other failure."""
    with xmlrpc.client.ServerProxy(live.url + "xmlrpc") as proxy:
        proxy.pingback.ping(source(peer, "/a", host="inside.example"), POST)
        proxy.pingback.ping(source(peer, "/b", host="loop.example"), POST)
    wait_for(lambda: live.service.db.queued() == 0)
    assert peer.hits == []
    rows = live.service.db.conn.execute("SELECT state FROM mentions").fetchall()
    assert rows == [("failed",), ("failed",)]


def test_sources_refused_by_the_url_rules_are_answered_as_queued_then_dropped(
    live: Receiver, peer: Server
) -> None:
    """D7: an IPv6 literal or a URL with credentials gets the queued answer, and
    the verifier drops it without a connection."""
    sources = (
        f"http://[::1]:{peer.port}/a",
        "http://[::ffff:169.254.169.254]/latest/meta-data/",
        f"http://kim@127.0.0.1:{peer.port}/b",
        source(peer, "/c", host="inside.example"),  # an ordinary refused host
    )
    with xmlrpc.client.ServerProxy(live.url + "xmlrpc") as proxy:
        answers = {proxy.pingback.ping(src, POST) for src in sources}
    assert answers == {"Pingback received; the source will be verified."}
    wait_for(lambda: live.service.db.queued() == 0)
    assert peer.hits == []
    rows = live.service.db.conn.execute("SELECT state FROM mentions").fetchall()
    assert rows == [("failed",)] * len(sources)


def test_fetches_to_one_host_are_spaced_out(make_receiver, peer: Server) -> None:
    """D8: many pingbacks naming one victim host; it sees one fetch per interval."""
    policy = net.Policy(
        allowed_networks=("127.0.0.1/32",),
        ports=frozenset({peer.port}),
        resolver=resolver_map({"victim.example": ["127.0.0.1"]}),
    )
    receiver = make_receiver(workers=2, host_interval=1.0, fetch_policy=policy)
    started = time.monotonic()
    with xmlrpc.client.ServerProxy(receiver.url + "xmlrpc") as proxy:
        for n in range(12):
            proxy.pingback.ping(source(peer, f"/a?{n}", host="victim.example"), POST)
    time.sleep(max(0.0, started + 1.6 - time.monotonic()))
    hits = len(peer.hits)
    # one fetch at once, then one per second since the first ping (however long
    # the twelve pings took on a loaded machine)
    allowed = 1 + int(time.monotonic() - started)
    assert 1 <= hits <= allowed
    assert receiver.service.db.queued() >= 12 - allowed  # still queued, nothing lost
