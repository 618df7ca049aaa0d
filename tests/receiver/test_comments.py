"""POST /comments, the token flow and reply pages (contract; rows D16-D20)."""

from __future__ import annotations

import json
import time

from bs4 import BeautifulSoup
import pytest

from tests.receiver.conftest import POST, Receiver, approved_comment

FIELDS = {
    "target": POST,
    "parent": "",
    "author": "Ruth <b>Ö</b>",
    "email": "ruth@example.org",
    "url": "https://ruth.example/",
    "comment": "Thank you.\n\nIt <script>alert(1)</script> helped.",
    "homepage": "",
}


def token(receiver: Receiver) -> str:
    return receiver.client.get("comments/token").json()["token"]


def post(receiver: Receiver, **over: str):
    data = {**FIELDS, "token": token(receiver), **over}
    return receiver.client.post("comments", data=data)


def stored(receiver: Receiver, status: str | None = None) -> list:
    with receiver.store() as store:
        return store.list(status)


def test_a_comment_is_stored_pending_and_the_author_sent_back(
    receiver: Receiver,
) -> None:
    answer = post(receiver)
    assert answer.status_code == 303
    assert answer.headers["Location"] == POST + "#comment-awaiting-moderation"
    [item] = stored(receiver)
    assert item.status == "pending"
    assert item.key == "first-lesson"
    assert item.author_name == "Ruth <b>Ö</b>"  # plain text, escaped when shown
    assert item.author_email == "ruth@example.org"  # kept private
    assert item.author_ip == "127.0.0.0"  # anonymised
    assert "<script" not in item.content_html
    assert item.content_html.startswith("<p>Thank you.</p>")
    assert not (receiver.paths["content"] / "responses").exists()  # nothing public
    assert answer.headers["Cache-Control"] == "no-store"


def test_the_token_endpoint_allows_only_the_site_origin(receiver: Receiver) -> None:
    answer = receiver.client.get("comments/token")
    assert answer.headers["Access-Control-Allow-Origin"] == "https://blog.example"
    assert answer.headers["Cache-Control"] == "no-store"


def test_the_honeypot_discards_silently(receiver: Receiver) -> None:
    """D16: a filled honeypot looks like success and stores nothing."""
    answer = post(receiver, homepage="http://spam.example/")
    assert answer.status_code == 303
    assert stored(receiver) == []


@pytest.mark.parametrize("bad", ["", "garbage", "a.b.c"])
def test_without_a_valid_token_the_confirm_page_repeats_the_fields(
    receiver: Receiver, bad: str
) -> None:
    """D16 and the contract's token flow: nothing stored, a confirm page instead."""
    answer = post(receiver, token=bad)
    assert answer.status_code == 200
    page = BeautifulSoup(answer.text, "lxml")
    assert page.h1.get_text() == "Please confirm your comment"
    form = page.find("form", id="commentform")
    assert form["action"] == receiver.url + "comments"
    assert form.find("input", attrs={"name": "author"})["value"] == FIELDS["author"]
    assert form.find("textarea").get_text() == FIELDS["comment"]
    assert "<script>alert" not in answer.text  # escaped, not live
    assert form.find("input", attrs={"name": "token"})["value"]
    assert stored(receiver) == []
    # sending the confirm page's form stores the comment
    data = {i["name"]: i.get("value", "") for i in form.find_all("input")}
    data["comment"] = form.find("textarea").get_text()
    assert receiver.client.post("comments", data=data).status_code == 303
    assert len(stored(receiver)) == 1


def test_a_token_used_too_soon_or_too_late_is_not_enough(make_receiver) -> None:
    """D16: under the minimum delay, or expired."""
    receiver = make_receiver(min_delay=2.0, token_max_age=3.0)
    early = post(receiver)
    assert early.status_code == 200
    assert "Please confirm" in early.text
    old = token(receiver)
    time.sleep(2.2)
    assert post(receiver, token=old).status_code == 303
    time.sleep(2.0)
    assert post(receiver, token=old, comment="again").status_code == 200
    assert len(stored(receiver)) == 1


@pytest.mark.parametrize(
    ("over", "named"),
    [
        ({"author": "x" * 246}, "author"),
        ({"email": "e" * 95 + "@x.org"}, "email"),
        ({"url": "https://x.example/" + "u" * 190}, "url"),
        ({"comment": "é" * 8200}, "Comment"),  # over 16 KB of UTF-8
        ({"author": ""}, "Name"),
        ({"email": "not-an-address"}, "Email"),
        ({"url": "javascript:alert(1)"}, "Website"),
        ({"comment": "   "}, "Comment"),
    ],
)
def test_limits_and_formats_are_named(
    receiver: Receiver, over: dict, named: str
) -> None:
    """D17: WordPress's limits and the 16 KB body; nothing stored."""
    answer = post(receiver, **over)
    assert answer.status_code == 400
    assert named in BeautifulSoup(answer.text, "lxml").find(role="alert").get_text()
    assert "Traceback" not in answer.text
    assert stored(receiver) == []


def test_a_field_sent_twice_is_refused(receiver: Receiver) -> None:
    """D17: an array where a string is expected."""
    answer = receiver.client.post(
        "comments",
        content=f"author=a&author=b&target={POST}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 400
    assert "more than once" in answer.text
    assert stored(receiver) == []


def test_a_body_over_64_kb_is_refused_before_reading(receiver: Receiver) -> None:
    answer = post(receiver, comment="x" * 70_000)
    assert answer.status_code == 413
    assert stored(receiver) == []


def test_targets_that_are_not_posts_are_refused(receiver: Receiver) -> None:
    answer = post(receiver, target="https://blog.example/tag/pain/")
    assert answer.status_code == 400
    assert "does not take comments" in answer.text


def test_duplicates_floods_and_rates(make_receiver) -> None:
    """D18: comment_duplicate, comment_flood, per-IP and global limits."""
    receiver = make_receiver(flood_seconds=0.0, per_ip_per_minute=3)
    assert post(receiver).status_code == 303
    duplicate = post(receiver)
    assert duplicate.status_code == 409
    assert "already sent" in duplicate.text
    assert post(receiver, comment="second").status_code == 303
    assert post(receiver, comment="third").status_code == 303
    limited = post(receiver, comment="fourth")
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "60"
    assert len(stored(receiver)) == 3


def test_a_second_comment_within_the_flood_gap_is_refused(receiver: Receiver) -> None:
    assert post(receiver).status_code == 303
    answer = post(receiver, comment="quick follow-up")
    assert answer.status_code == 429
    assert "too quickly" in answer.text


def test_the_global_limit_counts_every_address(make_receiver) -> None:
    receiver = make_receiver(
        flood_seconds=0.0, per_ip_per_minute=10, global_per_minute=2
    )
    assert post(receiver, comment="1").status_code == 303
    assert post(receiver, comment="2").status_code == 303
    assert post(receiver, comment="3").status_code == 429


def test_forwarded_for_counts_only_from_a_trusted_proxy(make_receiver) -> None:
    """D20: a spoofed X-Forwarded-For from the internet is ignored."""
    receiver = make_receiver(flood_seconds=0.0)
    spoofed = {"X-Forwarded-For": "1.2.3.4"}
    data = {**FIELDS, "token": token(receiver)}
    receiver.client.post("comments", data=data, headers=spoofed)
    assert stored(receiver)[0].author_ip == "127.0.0.0"
    trusting = make_receiver(flood_seconds=0.0, trusted_proxies=["127.0.0.1"])
    data = {**FIELDS, "token": token(trusting), "comment": "via proxy"}
    trusting.client.post("comments", data=data, headers=spoofed)
    assert [i.author_ip for i in stored(trusting) if "proxy" in i.raw_content] == [
        "1.2.3.0"
    ]


def test_replies_need_a_published_parent_on_the_same_post(receiver: Receiver) -> None:
    """D19: missing, unapproved or foreign parents are refused."""
    with receiver.store() as store:
        store.merge(
            [
                approved_comment(1),
                approved_comment(2, status="pending"),
                approved_comment(3, key="second-lesson"),
            ]
        )
    for parent in (
        "wp-oldblog.example-9",
        "wp-oldblog.example-2",
        "wp-oldblog.example-3",
    ):
        answer = post(receiver, parent=parent, comment=f"reply to {parent}")
        assert answer.status_code == 400
        assert "published comment on this post" in answer.text
    assert post(receiver, parent="wp-oldblog.example-1").status_code == 303
    assert [i.parent for i in stored(receiver) if i.origin == "receiver"] == [
        "wp-oldblog.example-1"
    ]


def test_the_reply_page_is_a_standalone_form_for_that_parent(
    receiver: Receiver,
) -> None:
    with receiver.store() as store:
        store.merge([approved_comment(1, author_name='<img src=x onerror="alert(1)">')])
    answer = receiver.client.get(
        "comments/reply", params={"target": POST, "parent": "wp-oldblog.example-1"}
    )
    assert answer.status_code == 200
    page = BeautifulSoup(answer.text, "lxml")
    assert page.h1.get_text() == 'Leave a Reply to <img src=x onerror="alert(1)">'
    assert page.find("img") is None  # escaped
    form = page.find("form", id="commentform")
    assert (
        form.find("input", attrs={"name": "parent"})["value"] == "wp-oldblog.example-1"
    )
    assert form.find("input", attrs={"name": "target"})["value"] == POST
    assert "Your email address will not be published." in page.get_text()
    refused = receiver.client.get(
        "comments/reply", params={"target": POST, "parent": "nope-1"}
    )
    assert refused.status_code == 400


def test_security_headers(receiver: Receiver) -> None:
    answer = receiver.client.get("comments/reply", params={"target": POST})
    headers = answer.headers
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert json.loads(receiver.client.get("comments/token").text)["token"]


def test_a_site_absolute_target_is_resolved_against_the_site(
    receiver: Receiver,
) -> None:
    """The contract: without SITEURL the form's target is "/2019/03/slug/"."""
    answer = post(receiver, target="/2019/03/first-lesson/")
    assert answer.status_code == 303
    assert answer.headers["Location"] == POST + "#comment-awaiting-moderation"
