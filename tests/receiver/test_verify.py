"""The pure half of verification: link, title, excerpt, h-entry (no network)."""

from __future__ import annotations

from bs4 import BeautifulSoup
import pytest

from pelican_plugins.receiver.verify import (
    examine,
    excerpt_around,
    find_link,
    response_for,
)

TARGET = "https://blog.example/2019/03/first-lesson/"


def page(body: str, title: str = "Kim's notes") -> bytes:
    return f"<!doctype html><title>{title}</title><body>{body}</body>".encode()


def test_the_link_must_equal_the_target_exactly() -> None:
    soup = BeautifulSoup(
        f'<a href="{TARGET}x">no</a><a href="{TARGET}?a=1">no</a>'
        '<a href="/2019/03/first-lesson/">yes</a>',
        "lxml",
    )
    found = find_link(soup, "https://blog.example/other/", TARGET)
    assert found is not None
    assert found.get_text() == "yes"  # a relative link resolved against the source
    assert find_link(soup, "https://kim.example/", TARGET) is None


def test_excerpt_takes_about_100_characters_either_side() -> None:
    text = "a" * 300 + " the link " + "b" * 300
    quoted = excerpt_around(text, "the link")
    assert quoted.startswith("[…] ")
    assert quoted.endswith(" […]")
    inner = quoted[4:-4]
    assert "the link" in inner
    assert 100 <= len(inner) <= 220


def test_a_plain_page_is_a_mention_titled_and_excerpted_like_wordpress() -> None:
    body = page(
        "<h1>Hello</h1><p>I read <a href='" + TARGET + "'>this lesson</a> "
        "and it helped my back.</p><script>var x = 1</script>",
        title="  Kim's\n notes <b>",
    )
    evidence = examine(body, "text/html", "https://kim.example/n/1", TARGET)
    assert evidence is not None
    assert evidence.title == "Kim's notes <b>"
    assert evidence.excerpt == "[…] I read this lesson and it helped my back. […]"
    assert evidence.kind == "mention"
    assert evidence.author_name is None


@pytest.mark.parametrize(
    ("cls", "kind"),
    [
        ("u-in-reply-to", "reply"),
        ("u-like-of", "like"),
        ("u-repost-of", "repost"),
        ("u-bookmark-of", "bookmark"),
        ("", "mention"),
    ],
)
def test_the_h_entry_gives_kind_and_author(cls: str, kind: str) -> None:
    body = page(
        f'<article class="h-entry"><a class="{cls}" href="{TARGET}">lesson</a>'
        '<a class="p-author h-card" href="https://kim.example/">'
        '<img class="u-photo" src="http://10.0.0.5/me.jpg" alt="">Kim Lee</a>'
        '<div class="e-content">So <b>true</b><script>alert(1)</script>'
        f' — <a href="{TARGET}">lesson</a></div></article>'
    )
    evidence = examine(body, "text/html", "https://kim.example/n/2", TARGET)
    assert evidence is not None
    assert evidence.kind == kind
    assert evidence.author_name == "Kim Lee"
    # recorded, never fetched (D15)
    assert evidence.author_photo == "http://10.0.0.5/me.jpg"
    assert evidence.content_html is not None
    assert "<script" not in evidence.content_html
    assert "<b>true</b>" in evidence.content_html


def test_no_link_no_evidence_and_other_media_types() -> None:
    assert examine(page("<p>nothing</p>"), "text/html", "https://k/", TARGET) is None
    assert (
        examine(b"see " + TARGET.encode(), "application/pdf", "https://k/", TARGET)
        is None
    )
    plain = examine(
        b"see " + TARGET.encode() + b" now", "text/plain", "https://k/", TARGET
    )
    assert plain is not None
    assert TARGET in plain.excerpt


def test_a_mention_becomes_a_pending_item_with_escaped_excerpt() -> None:
    row = {
        "protocol": "pingback",
        "source": "https://kim.example/n/3",
        "target": TARGET,
        "key": "first-lesson",
        "received_at": "2024-05-01T10:00:00Z",
        "sender_ip": "192.0.2.0",
    }
    body = page(f"<p>&lt;script&gt; <a href='{TARGET}'>x</a></p>", title="T & T")
    evidence = examine(body, "text/html", row["source"], TARGET)
    assert evidence is not None
    item = response_for(row, evidence)
    assert item.status == "pending"
    assert item.type == "pingback"
    assert item.kind is None  # only webmentions have a kind
    assert item.author_name == "T & T"  # WordPress names a pingback by its title
    assert item.content_html == "<p>[…] &lt;script&gt; x […]</p>"
    again = response_for({**row, "protocol": "webmention"}, evidence)
    assert again.id == item.id  # one source, one post: one item, updated in place
