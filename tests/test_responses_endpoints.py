"""Receiver addresses and how the view shows webmention kinds: pure, no Pelican."""

from __future__ import annotations

from datetime import UTC
import doctest
from urllib.parse import parse_qs, urlsplit

import pytest

from pelican_plugins.responses import endpoints as endpoints_module
from pelican_plugins.responses.endpoints import (
    comment_form_action,
    receiver_base,
    receiver_endpoints,
    reply_url,
    target_url,
)
from pelican_plugins.responses.settings import load
from pelican_plugins.responses.view import assemble
from tests.test_responses_thread import OPTIONS, record


def test_docstring_examples_hold() -> None:
    assert doctest.testmod(endpoints_module).failed == 0


@pytest.mark.parametrize(
    ("value", "base"),
    [
        (
            "https://listeningback.example/receiver/",
            "https://listeningback.example/receiver/",
        ),
        (
            "https://listeningback.example/receiver",
            "https://listeningback.example/receiver/",
        ),
        ("HTTPS://Listeningback.Example", "https://listeningback.example/"),
        ("http://127.0.0.1:8001", "http://127.0.0.1:8001/"),
        ("http://[::1]:8001/r", "http://[::1]:8001/r/"),
        ("  https://a.example/r/  ", "https://a.example/r/"),
        # Pingback's <link> allows no entity but &amp; &lt; &gt; &quot;: %-escape.
        ("https://a.example/my rec'eiver/", None),
        ("https://a.example/it's/", "https://a.example/it%27s/"),
        ('https://a.example/a"b<c>/', "https://a.example/a%22b%3Cc%3E/"),
    ],
)
def test_receiver_base_normalises(value: str, base: str | None) -> None:
    assert receiver_base(value) == base


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "receiver/",
        "/receiver/",
        "ftp://a.example/r/",
        "javascript:alert(1)//a.example/",
        "https:///r/",
        "https://user:pw@a.example/r/",
        "https://a.example/r/?x=1",
        "https://a.example/r/#top",
        "https://a.example:99999/r/",
        "https://a.exa<mple/r/",
        "https://bücher.example/r/",
        "https://a.example/r/\nX-Injected: 1",
        42,
        True,
    ],
)
def test_unusable_receiver_addresses_give_none(value: object) -> None:
    assert receiver_base(value) is None
    assert receiver_endpoints(value) is None  # type: ignore[arg-type]


def test_every_endpoint_follows_from_the_base() -> None:
    found = receiver_endpoints("https://listeningback.example/receiver")
    assert found is not None
    assert found.base == "https://listeningback.example/receiver/"
    assert found.webmention == "https://listeningback.example/receiver/webmention"
    assert found.pingback == "https://listeningback.example/receiver/xmlrpc"
    assert found.comments == "https://listeningback.example/receiver/comments"
    assert found.reply == "https://listeningback.example/receiver/comments/reply"
    assert found.token == "https://listeningback.example/receiver/comments/token"


def test_form_action_setting_wins_over_the_receiver() -> None:
    found = receiver_endpoints("https://r.example/")
    assert comment_form_action(None, found) == "https://r.example/comments"
    assert comment_form_action("https://other.example/post", found) == (
        "https://other.example/post"
    )
    assert comment_form_action("https://other.example/post", None) == (
        "https://other.example/post"
    )
    assert comment_form_action(None, None) is None


def test_target_is_absolute_with_siteurl_and_site_absolute_without() -> None:
    assert (
        target_url("https://b.example", "2019/03/s/") == "https://b.example/2019/03/s/"
    )
    assert target_url("https://b.example/", "2019/03/s/") == (
        "https://b.example/2019/03/s/"
    )
    assert target_url("", "about/") == "/about/"
    assert target_url(None, "about/") == "/about/"


def test_reply_url_round_trips_awkward_values() -> None:
    found = receiver_endpoints("https://r.example/x/")
    assert found is not None
    target = "https://b.example/2019/03/a&b=c?d#e/"
    url = reply_url(found, target, "wp-old.example-12")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == found.reply
    assert parse_qs(parts.query) == {
        "target": [target],
        "parent": ["wp-old.example-12"],
    }


def test_bad_receiver_setting_warns_and_falls_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A value no other test uses: Pelican's log filter drops repeated warnings.
    assert (
        load({"RESPONSES_RECEIVER_URL": "no-scheme.example"})["RESPONSES_RECEIVER_URL"]
        is None
    )
    assert "responses: invalid RESPONSES_RECEIVER_URL ('no-scheme.example')" in (
        caplog.text
    )
    good = load({"RESPONSES_RECEIVER_URL": "https://r.example/"})
    assert good["RESPONSES_RECEIVER_URL"] == "https://r.example/"
    assert load({})["RESPONSES_RECEIVER_URL"] is None


RECEIVER = receiver_endpoints("https://r.example/")


def view(records: list[dict], **options: object) -> object:
    return assemble(
        "post",
        records,
        {**OPTIONS, **options},
        zone=UTC,
        date_format="%Y-%m-%d",
        target="/2020/01/post/",
        receiver=RECEIVER,
    )


def wm(n: int, kind: str | None, **over: object) -> dict:
    fields = {"type": "webmention", "source_url": f"https://s{n}.example/"}
    if kind is not None:
        fields["kind"] = kind
    return record(n, **fields, **over)


def test_kinds_go_to_the_thread_the_reactions_or_the_linkbacks() -> None:
    records = [
        record(1),
        wm(2, "reply", parent="r1"),
        wm(3, "like"),
        wm(4, "like", author_url="https://four.example/"),
        wm(5, "repost"),
        wm(6, "mention"),
        wm(7, "bookmark"),
        wm(8, None),
        wm(9, "dislike"),  # unknown kind: an ordinary linkback
        record(10, kind="like"),  # a kind on a comment means nothing
        record(11, type="pingback", kind="like"),
    ]
    got = view(records)
    thread = [(row.item.id, row.depth) for row in got.rows if row.start != "pinglist"]
    assert thread[:2] == [("r1", 1), ("r2", 2)]
    assert [p.id for p in got.pings] == ["r6", "r7", "r8", "r9", "r11"]
    assert [(r.kind, r.text, [p.id for p in r.people]) for r in got.reactions] == [
        ("like", "2 likes", ["r3", "r4"]),
        ("repost", "1 repost", ["r5"]),
    ]
    # The heading counts what is listed; likes and reposts are counted apart.
    assert got.count == len(got.rows) == 8
    assert got.reaction_count == 3
    assert "r3" not in [i.id for i in got.items]  # no feed entry without an anchor
    assert got.rows[0].item.author_name == "Reader 1"


def test_one_like_reads_singular_and_reactions_alone_list_nothing() -> None:
    got = view([wm(1, "like")])
    assert [r.text for r in got.reactions] == ["1 like"]
    assert got.count == 0
    assert got.rows == []
    assert got.feed_url is None


def test_reply_links_follow_max_depth_and_skip_linkbacks() -> None:
    records = [
        record(1),
        record(2, parent="r1"),
        record(3, parent="r2"),
        wm(4, "reply", parent="r1"),
        record(5, type="pingback"),
    ]
    got = view(records, RESPONSES_MAX_DEPTH=2)
    links = {row.item.id: row.reply_url for row in got.rows}
    assert links["r1"] == (
        "https://r.example/comments/reply?target=/2020/01/post/&parent=r1"
    )
    assert links["r2"] is None  # at the deepest level: WordPress offers no reply
    assert links["r3"] is None
    assert links["r4"] is None  # a webmention reply lives on its own site
    assert links["r5"] is None
    flat = view(records, RESPONSES_MAX_DEPTH=1)
    assert all(row.reply_url is None for row in flat.rows)  # threading off
    closed = assemble(
        "post", records, OPTIONS, zone=UTC, date_format="%Y-%m-%d", target="/p/"
    )
    assert all(row.reply_url is None for row in closed.rows)
    assert closed.form_action is None
    assert view(records).form_action == "https://r.example/comments"
    assert view(records).token_url == "https://r.example/comments/token"
    other = view(records, RESPONSES_FORM_ACTION="https://o.example/c")
    assert (other.form_action, other.token_url) == ("https://o.example/c", None)
    assert closed.token_url is None
