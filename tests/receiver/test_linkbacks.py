"""POST /webmention and POST /xmlrpc against the real server (rows D1-D13, D24)."""

from __future__ import annotations

from collections.abc import Iterator
import gzip
import socket
import sqlite3
import time
import xmlrpc.client

import httpx
import pytest

from tests.receiver.conftest import OTHER, POST, Receiver


def mentions(receiver: Receiver) -> list[tuple]:
    with sqlite3.connect(receiver.paths["db"]) as db:
        return db.execute(
            "SELECT protocol, source, target, key, state FROM mentions ORDER BY id"
        ).fetchall()


def test_a_valid_webmention_gets_201_with_a_status_page(receiver: Receiver) -> None:
    """D13 (webmention.rocks Receiver 1): 201 MUST carry Location."""
    answer = receiver.client.post(
        "webmention", data={"source": "https://kim.example/notes/1", "target": POST}
    )
    assert answer.status_code == 201
    location = answer.headers["Location"]
    assert location.startswith(receiver.url + "webmention/status/")
    assert mentions(receiver) == [
        ("webmention", "https://kim.example/notes/1", POST, "first-lesson", "queued")
    ]
    status = httpx.get(location).json()
    assert status["status"] == "queued"
    assert status["target"] == POST
    # a forged or guessed status name shows nothing
    assert receiver.client.get("webmention/status/1").status_code == 404
    assert answer.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"target": POST}, "source is required"),
        ({"source": "https://kim.example/1"}, "target is required"),
        (
            {"source": "jwoijgoisdjlskjegisvjowuehjtkx", "target": POST},
            "source must be an http(s) URL",
        ),
        (
            {
                "source": "https://kim.example/1",
                "target": "owiejduvyeiwljjjcjmvbpsouehgd",
            },
            "target must be an http(s) URL",
        ),
        ({"source": "mailto:kim@kim.example", "target": POST}, "source must be"),
        ({"source": POST, "target": POST}, "the same page"),
        ({"source": POST + "#comment-1", "target": POST}, "the same page"),  # D11
        ({"source": "https://kim.example/1", "target": OTHER + "x/"}, "not a post"),
        (
            {"source": "https://kim.example/1", "target": "https://exämple.com/p/"},
            "not on this site",
        ),  # D24
        (
            {
                "source": "https://kim.example/1",
                "target": "https://blög.example/2019/03/first-lesson/",
            },
            "not on this site",
        ),  # D24: a homoglyph of our host
    ],
)
def test_bad_webmentions_get_400_with_a_reason(
    receiver: Receiver, data: dict, reason: str
) -> None:
    """D10, D11, D24 (webmention.rocks Receiver 2)."""
    answer = receiver.client.post("webmention", data=data)
    assert answer.status_code == 400
    assert reason in answer.text
    assert mentions(receiver) == []


def test_fragment_and_case_are_ignored_when_finding_the_post(
    receiver: Receiver,
) -> None:
    """D12, D24: the target's fragment and the host's case do not matter."""
    for target in (POST + "#comment-3", "HTTPS://BLOG.EXAMPLE/?p=12"):
        answer = receiver.client.post(
            "webmention", data={"source": "https://kim.example/a", "target": target}
        )
        assert answer.status_code == 201
    # the same source for the same post is one row, updated (D9)
    assert mentions(receiver) == [
        (
            "webmention",
            "https://kim.example/a",
            "HTTPS://BLOG.EXAMPLE/?p=12",
            "first-lesson",
            "queued",
        )
    ]


def test_a_full_queue_answers_503_with_retry_after(make_receiver) -> None:
    """D8: the queue cap."""
    receiver = make_receiver(max_pending=2)
    codes = [
        receiver.client.post(
            "webmention", data={"source": f"https://v.example/{n}", "target": POST}
        ).status_code
        for n in range(3)
    ]
    assert codes == [201, 201, 503]
    with (
        xmlrpc.client.ServerProxy(receiver.url + "xmlrpc") as proxy,
        pytest.raises(xmlrpc.client.ProtocolError) as error,
    ):
        proxy.pingback.ping("https://v.example/9", POST)
    assert error.value.errcode == 503


def test_oversized_and_compressed_bodies_are_refused_before_reading(
    receiver: Receiver,
) -> None:
    """D2 and D3: 413 from the declared length; 415 for any Content-Encoding."""
    answer = receiver.client.post(
        "xmlrpc", content=b"x" * 70_000, headers={"Content-Type": "text/xml"}
    )
    assert answer.status_code == 413
    bomb = gzip.compress(b"<?xml version='1.0'?>" + b" " * 10_000_000)
    answer = receiver.client.post(
        "xmlrpc",
        content=bomb,
        headers={"Content-Type": "text/xml", "Content-Encoding": "gzip"},
    )
    assert answer.status_code == 415

    def chunks():
        for _ in range(100):
            yield b"a" * 1024

    answer = receiver.client.post("xmlrpc", content=chunks())  # chunked, no length
    assert answer.status_code == 413


@pytest.fixture
def proxy(receiver: Receiver) -> Iterator[xmlrpc.client.ServerProxy]:
    with xmlrpc.client.ServerProxy(receiver.url + "xmlrpc") as client:
        yield client


def fault_of(call) -> xmlrpc.client.Fault:
    with pytest.raises(xmlrpc.client.Fault) as error:
        call()
    return error.value


def test_a_pingback_is_queued_then_48_when_repeated(
    receiver: Receiver, proxy: xmlrpc.client.ServerProxy
) -> None:
    """D9 and the spec's success string."""
    answer = proxy.pingback.ping("https://kim.example/post", POST)
    assert isinstance(answer, str)
    assert "received" in answer
    fault = fault_of(lambda: proxy.pingback.ping("https://kim.example/post", POST))
    assert fault.faultCode == 48
    assert mentions(receiver) == [
        ("pingback", "https://kim.example/post", POST, "first-lesson", "queued")
    ]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("https://kim.example/p", "https://elsewhere.example/"), 33),  # D6
        (("https://kim.example/p", "https://blog.example/2019/03/nope/"), 32),
        (("https://kim.example/p", "https://blog.example/"), 32),
        (("not a url", POST), 16),
        ((POST, POST), 0),
        (("https://kim.example/p",), 0),  # D5: wrong arity and types
        (("https://kim.example/p", POST, "x"), 0),
        ((1, POST), 0),
        (({"a": 1}, POST), 0),
        (("x" * 20_000, POST), 16),
    ],
)
def test_pingback_faults(
    receiver: Receiver, proxy: xmlrpc.client.ServerProxy, args: tuple, code: int
) -> None:
    fault = fault_of(lambda: proxy.pingback.ping(*args))
    assert fault.faultCode == code
    assert "Error" not in fault.faultString  # never exception text (D5)
    assert "Traceback" not in fault.faultString
    assert mentions(receiver) == []


@pytest.mark.parametrize(
    "method", ["system.multicall", "system.listMethods", "wp.getUsersBlogs", "demo"]
)
def test_every_other_method_is_not_found(
    proxy: xmlrpc.client.ServerProxy, method: str
) -> None:
    """D4."""
    fault = fault_of(lambda: getattr(proxy, method)([]))
    assert fault.faultCode == -32601


LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<methodCall><methodName>pingback.ping</methodName><params>
<param><value><string>&lol3;</string></value></param>
<param><value><string>https://blog.example/2019/03/first-lesson/</string></value></param>
</params></methodCall>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<methodCall><methodName>pingback.ping</methodName><params>
<param><value><string>&e;</string></value></param></params></methodCall>"""


@pytest.mark.parametrize("body", [LAUGHS, XXE, b"<methodCall><unclosed>", b"\xff\xfe"])
def test_doctypes_entities_and_garbage_get_a_parse_fault_fast(
    receiver: Receiver, body: bytes
) -> None:
    """D1: no expansion, a fault, quickly."""
    started = time.perf_counter()
    answer = receiver.client.post(
        "xmlrpc", content=body, headers={"Content-Type": "text/xml"}
    )
    elapsed = time.perf_counter() - started
    assert answer.status_code == 200
    with pytest.raises(xmlrpc.client.Fault) as error:
        xmlrpc.client.loads(answer.content)
    assert error.value.faultCode == -32700
    assert b"root:" not in answer.content
    # An expanded bomb takes seconds and gigabytes; refusing it takes
    # milliseconds (D1 asks 50 ms), with room for a loaded 2-core machine.
    assert elapsed < 2
    assert mentions(receiver) == []


def test_internal_sources_are_queued_exactly_like_any_other(
    receiver: Receiver, proxy: xmlrpc.client.ServerProxy
) -> None:
    """D7: no socket is opened while answering, and the answers are identical.

    The worker refuses these sources later, through the guarded fetcher.
    """
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    sources = (
        f"http://127.0.0.1:{listener.getsockname()[1]}/",
        "http://10.0.0.5:6379/",
        "http://0x7f000001/",
        # hosts the URL rules refuse outright are queued too, as sent
        "http://[::ffff:169.254.169.254]/latest/meta-data/",
        "http://[fd00::1]:8080/",
        "http://admin@10.0.0.5/",
        "https://kim.example/post",
    )
    timings, answers = [], []
    for source in sources:
        started = time.perf_counter()
        answers.append(proxy.pingback.ping(source, POST))
        timings.append(time.perf_counter() - started)
    assert len(set(answers)) == 1
    with listener, pytest.raises(BlockingIOError):
        listener.accept()  # the internal host we run was never called
    # A connection to 10.0.0.5 would wait for its connect timeout instead.
    assert max(timings) < 5
    assert [row[1] for row in mentions(receiver)] == [
        *sources[:-1],
        "https://kim.example/post",
    ]
    assert [row[4] for row in mentions(receiver)] == ["queued"] * len(sources)
    # the same again is a duplicate like any other (48), not a different fault
    fault = fault_of(lambda: proxy.pingback.ping(sources[3], POST))
    assert fault.faultCode == 48


def test_a_webmention_from_an_ipv6_literal_is_accepted_like_any_other(
    receiver: Receiver,
) -> None:
    """D7 for webmentions: the answer does not depend on the source's host."""
    for source in ("http://[::1]:8080/x", "https://kim.example/y"):
        answer = receiver.client.post(
            "webmention", data={"source": source, "target": POST}
        )
        assert answer.status_code == 201
    assert [row[4] for row in mentions(receiver)] == ["queued", "queued"]


def test_form_encodings_and_repeated_fields(receiver: Receiver) -> None:
    """Multipart senders are served too; a field sent twice counts as missing."""
    answer = receiver.client.post(
        "webmention",
        files={"source": (None, "https://kim.example/m"), "target": (None, POST)},
    )
    assert answer.status_code == 201
    answer = receiver.client.post(
        "webmention",
        content="source=https%3A%2F%2Fkim.example%2Fa&source=https%3A%2F%2Fkim.example"
        "%2Fb&target=" + POST,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    assert (answer.status_code, answer.text) == (400, "source is required\n")
    assert [row[1] for row in mentions(receiver)] == ["https://kim.example/m"]
