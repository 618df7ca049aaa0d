"""Pure parts of the linkbacks sender: targets, discovery parsing, pingback
replies, planning, state recovery and the tombstone server lines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
from pathlib import Path
from urllib.parse import urljoin
import xmlrpc.client

import pytest

from pelican_plugins.linkbacks import discover, links, pingback, plan, serverlines
from pelican_plugins.linkbacks import state as states
from pelican_plugins.linkbacks.manifest import Manifest, Source, Tombstone

SITE = "https://blog.example"
POST = f"{SITE}/2024/01/post/"


# --- targets (C18) ---------------------------------------------------------------


def test_targets_are_external_links_in_document_order_once():
    content = (
        '<p><a href="https://b.example/x">b</a> <a href="https://a.example/y?q=1">a</a>'
        ' <a href="https://b.example/x">again</a> <a href="mailto:me@x.example">m</a>'
        ' <a href="ftp://f.example/z">f</a> <a>no href</a></p>'
    )
    assert links.targets(content, source=POST, siteurl=SITE) == [
        "https://b.example/x",
        "https://a.example/y?q=1",
    ]


@pytest.mark.parametrize(
    ("href", "reason"),
    [
        (POST, "the post itself"),
        (POST + "#comments", "the post itself"),
        ("/2023/05/other/", "our own site"),
        ("../other/", "our own site"),
        (f"{SITE}/about/", "our own site"),
        ("http://BLOG.example/tag/x/", "our own site"),
        ("https://example.org", "a domain root"),
        ("https://example.org/", "a domain root"),
        ("https://example.org/?p=12", None),
        ("https://example.org/post", None),
    ],
)
def test_skip_reasons(href, reason):
    assert links.skip_reason(urljoin(POST, href), source=POST, siteurl=SITE) == reason


def test_a_site_under_a_path_only_skips_its_own_pages():
    site = "https://host.example/blog"
    post = f"{site}/a/"
    assert links.skip_reason("https://host.example/blog/b/", source=post, siteurl=site)
    assert not links.skip_reason(
        "https://host.example/shop/", source=post, siteurl=site
    )


def test_empty_or_broken_content_has_no_targets():
    assert links.targets("", source=POST, siteurl=SITE) == []
    assert links.targets("<a href='http://[::1'>x</a>", source=POST, siteurl=SITE) == []


# --- Link header parsing (C13) -------------------------------------------------------


def test_link_header_forms():
    value = (
        '</a>; rel="other", '
        '<https://x.example/wm?x=1,2>; title="a;b"; rel="webmention x"'
    )
    assert list(discover.parse_link_header(value)) == [
        ("/a", "other"),
        ("https://x.example/wm?x=1,2", "webmention x"),
    ]
    assert discover.header_webmention(["<e>; rel=other", "<w>; REL=WebMention"]) == "w"
    assert discover.header_webmention(['<e>; rel="not-webmention"']) is None


def test_an_enormous_link_header_is_parsed_whole():
    value = ", ".join(f'</e{i}>; rel="other"' for i in range(10_000))
    value += ", </right>; rel=webmention"
    assert discover.header_webmention([value]) == "/right"


@pytest.mark.parametrize(
    "value",
    [
        "<" * 200_000,
        "<unterminated; rel=webmention",
        '</x>; rel="unterminated',
        ";;;,,,",
    ],
)
def test_malformed_link_headers_do_not_crash(value):
    assert discover.header_webmention([value]) is None


# --- HTML discovery ---------------------------------------------------------------


def test_html_discovery_uses_document_order_and_skips_missing_href():
    body = (
        b'<html><head><link rel="stylesheet" href="/s.css"></head><body>'
        b"<!-- <a rel=webmention href=/c> -->"
        b"<code>&lt;a rel=webmention href=/e&gt;</code>"
        b'<link rel="webmention"><a rel="nofollow webmention" href="/first">x</a>'
        b'<link rel="webmention" href="/second"></body></html>'
    )
    assert discover.html_endpoints(body) == ("/first", None)


def test_pingback_link_must_have_the_exact_form():
    exact = (
        b'<html><head><link rel="pingback" href="http://x.example/rpc"></head></html>'
    )
    loose = b'<html><head><link href="http://x/rpc" rel="pingback"></head></html>'
    extra = (
        b'<html><head><link rel="pingback" type="a" href="http://x/rpc"></head></html>'
    )
    assert discover.html_endpoints(exact) == (None, "http://x.example/rpc")
    assert discover.html_endpoints(loose) == (None, None)
    assert discover.html_endpoints(extra) == (None, None)
    assert discover.html_endpoints(b"") == (None, None)


# --- pingback replies (C9, C10) -----------------------------------------------------


def test_pingback_request_is_an_xmlrpc_call():
    params, method = xmlrpc.client.loads(
        pingback.request_body("https://s/", "https://t/")
    )
    assert (params, method) == (("https://s/", "https://t/"), "pingback.ping")


def test_pingback_replies():
    ok = xmlrpc.client.dumps(("Registered",), methodresponse=True).encode()
    fault = xmlrpc.client.dumps(xmlrpc.client.Fault(17, "no link"), methodresponse=True)
    assert pingback.parse_reply(ok) == (None, "Registered")
    assert pingback.parse_reply(fault.encode()) == (17, "no link")


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">'.encode() for i in range(1, 10)
    )
    + b"]><methodResponse><params><param><value><string>&lol9;</string></value>"
    b"</param></params></methodResponse>"
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    b"<methodResponse><params><param><value>&e;</value></param></params></methodResponse>"
)


@pytest.mark.parametrize(
    "body", [LAUGHS, XXE, b"<html>not xml-rpc</html>", b"", b"\x1f\x8b\x08"]
)
def test_hostile_or_broken_pingback_replies_are_refused(body):
    with pytest.raises(pingback.PingbackReplyError):
        pingback.parse_reply(body)


# --- planning (C14, C16) ----------------------------------------------------

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)


def source(url=POST, digest="d1", targets=("https://t.example/a",)) -> Source:
    return Source(
        url, url.removeprefix(SITE + "/") + "index.html", "Post", digest, targets
    )


def manifest(*sources: Source) -> Manifest:
    return Manifest(SITE, False, tuple(sources))


def run(m: Manifest, state: states.State, outcome="sent", now=NOW, **kw) -> plan.Plan:
    p = plan.make_plan(m, state, now=now, **kw)
    plan.apply(state, m, p, {j: plan.Outcome(outcome, "why") for j in p.jobs}, now=now)
    return p


def jobs(p: plan.Plan) -> list[tuple[str, str]]:
    return sorted((j.target, j.reason) for j in p.jobs)


def test_first_run_records_everything_and_sends_nothing():
    state = states.State()
    p = run(manifest(source()), state, first_run=True)
    assert (p.jobs, p.recorded) == ([], 1)
    assert state.sources[POST].targets["https://t.example/a"].status == states.RECORDED
    assert run(manifest(source()), state).jobs == []


def test_first_run_with_all_sends_everything():
    p = run(manifest(source()), states.State(), first_run=True, send_all=True)
    assert jobs(p) == [("https://t.example/a", plan.NEW)]


def test_no_change_sends_nothing_and_an_edit_resends_old_and_new_targets():
    state = states.State()
    assert jobs(run(manifest(source()), state)) == [("https://t.example/a", "new post")]
    assert run(manifest(source()), state).jobs == []
    edited = source(digest="d2", targets=("https://t.example/b",))
    assert jobs(run(manifest(edited), state)) == [
        ("https://t.example/a", "edited"),
        ("https://t.example/b", "edited"),
    ]
    # The dropped target was told; it is forgotten, so it is not told again.
    assert list(state.sources[POST].targets) == ["https://t.example/b"]
    assert run(manifest(edited), state).jobs == []


def test_a_deletion_resends_once_from_the_tombstone():
    state = states.State()
    run(manifest(source()), state)
    p = run(manifest(), state)
    assert [(j.target, j.reason, j.deleted) for j in p.jobs] == [
        ("https://t.example/a", "deleted", True)
    ]
    assert state.sources[POST].deleted
    assert run(manifest(), state).jobs == []


def test_temporary_failures_are_retried_with_backoff_then_given_up():
    state = states.State()
    run(manifest(source()), state, outcome=states.RETRY)
    known = state.sources[POST].targets["https://t.example/a"]
    assert (known.status, known.attempts) == (states.RETRY, 1)
    assert run(manifest(source()), state, outcome=states.RETRY).jobs == []  # not due
    now = NOW
    for attempt in range(2, plan.MAX_ATTEMPTS + 1):
        now += plan.retry_delay(attempt - 1)
        p = run(manifest(source()), state, outcome=states.RETRY, now=now)
        assert jobs(p) == [("https://t.example/a", "retry")]
        assert state.sources[POST].targets["https://t.example/a"].attempts == attempt
    now += timedelta(days=30)
    run(manifest(source()), state, outcome=states.RETRY, now=now)
    final = state.sources[POST].targets["https://t.example/a"]
    assert final.status == states.FAILED
    assert final.reason.startswith("gave up after 5 tries")


def test_backoff_grows():
    assert [plan.retry_delay(n).total_seconds() / 3600 for n in (1, 2, 3)] == [1, 4, 16]


# --- state file (C15) -------------------------------------------------------------


def saved_state(path: Path) -> states.State:
    state = states.State()
    run(manifest(source()), state)
    states.save(path, state)
    return state


def test_state_round_trips_and_keeps_a_backup(tmp_path):
    path = tmp_path / "s.json"
    state = saved_state(path)
    assert states.load(path).state == state
    states.save(path, state)
    assert states.backup_path(path).read_text() == path.read_text()


@pytest.mark.parametrize(
    "text",
    ['{"version": 1, "sources": {"x": {"save_as": 1}}}', "{trunc", "[]", "\udcff", ""],
)
def test_a_corrupt_state_is_set_aside_and_restored_from_the_backup(tmp_path, text):
    path = tmp_path / "s.json"
    state = saved_state(path)
    states.save(path, state)  # now a backup exists
    path.write_text(text, "utf-8", errors="surrogateescape")
    loaded = states.load(path, NOW)
    assert loaded.state == state
    assert not loaded.first_run
    assert "restored from s.json.bak" in loaded.notice
    assert (tmp_path / "s.json.corrupt-20260101T120000Z").exists()
    assert not path.exists()


def test_a_corrupt_state_without_backup_is_rebuilt_like_a_first_run(tmp_path):
    path = tmp_path / "s.json"
    path.write_bytes(json.dumps({"version": 1, "sources": {}}).encode()[:-3])
    loaded = states.load(path, NOW)
    assert loaded.first_run
    assert "rebuilt like a first run" in loaded.notice


# --- tombstone server lines ---------------------------------------------------------

STONES = [
    Tombstone(f"{SITE}/2019/03/gone/", "2019/03/gone/index.html", "Gone"),
    Tombstone(f"{SITE}/bad path;/", "bad path;/index.html", "Bad"),
]


def test_server_lines():
    assert serverlines.nginx(STONES).splitlines()[1:] == [
        (
            "location = /2019/03/gone/ "
            "{ error_page 410 /2019/03/gone/index.html; return 410; }"
        ),
        "# skipped (unsafe characters): 'https://blog.example/bad path;/'",
    ]
    apache = serverlines.apache(STONES)
    assert 'RewriteRule "^/2019/03/gone/$" - [G]' in apache
    assert "ErrorDocument 410 /2019/03/gone/index.html" in apache
    assert "/2019/03/gone/  /2019/03/gone/index.html  410!" in serverlines.netlify(
        STONES
    )
