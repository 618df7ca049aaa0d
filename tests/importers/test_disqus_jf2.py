"""Disqus XML (A26) and webmention.io JF2 imports into real stores."""

from __future__ import annotations

import json

from pelican_plugins.responses.store import load_public
from tests.importers.wxrdoc import comment, import_text, item, site, stored, wxr
from tests.support import write_post

DISQUS = """<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
  <category dsq:id="1"><forum>old</forum><title>General</title></category>
  <thread dsq:id="100">
    <id>42 https://old.example/?p=42</id><forum>old</forum>
    <link>https://old.example/2020/01/a-post/</link><title>A post</title>
    <createdAt>2020-01-02T10:00:00Z</createdAt>
  </thread>
  <thread dsq:id="200"><id/><link>https://old.example/gone/</link></thread>
  <post dsq:id="2">
    <message><![CDATA[<p>Reply <script>alert(1)</script><b>bold</b></p>]]></message>
    <createdAt>2020-01-03T11:00:00Z</createdAt><isDeleted>false</isDeleted>
    <isSpam>false</isSpam><author><name>Bo</name><isAnonymous>true</isAnonymous>
    </author><thread dsq:id="100"/><parent dsq:id="1"/>
  </post>
  <post dsq:id="1">
    <message><![CDATA[<p>First</p>]]></message>
    <createdAt>2020-01-02T11:00:00+02:00</createdAt><isDeleted>false</isDeleted>
    <isSpam>false</isSpam><author><name>Al</name><email>al@mail.example</email>
    </author><ipAddress>198.51.100.7</ipAddress><thread dsq:id="100"/>
  </post>
  <post dsq:id="3"><message>spam</message><isSpam>true</isSpam>
    <thread dsq:id="100"/><createdAt>2020-01-04T00:00:00Z</createdAt></post>
  <post dsq:id="4"><message>gone</message><isDeleted>true</isDeleted>
    <thread dsq:id="100"/><createdAt>2020-01-04T00:00:00Z</createdAt></post>
  <post dsq:id="5"><message>orphan</message><thread dsq:id="999"/></post>
  <post dsq:id="6"><message>unmatched</message><thread dsq:id="200"/></post>
  <post dsq:id="7"><message>lost parent</message><thread dsq:id="100"/>
    <parent dsq:id="404"/><createdAt>2020-01-05T00:00:00Z</createdAt></post>
</disqus>
"""


def test_disqus_export(tmp_path):  # A26
    content = site(tmp_path, "a-post")
    report = import_text(tmp_path, DISQUS, content, kind="disqus")
    items = stored(tmp_path, content)
    assert {k: (r.status, r.parent) for k, r in items.items()} == {
        "disqus-1": ("approved", None),
        "disqus-2": ("approved", "disqus-1"),
        "disqus-3": ("spam", None),
        "disqus-4": ("trash", None),
        "disqus-7": ("approved", None),
    }
    assert items["disqus-1"].date == "2020-01-02T09:00:00Z"
    assert items["disqus-1"].author_email == "al@mail.example"
    assert items["disqus-2"].content_html == "<p>Reply <b>bold</b></p>"
    public = load_public(content / "responses", "a-post")
    assert [r["id"] for r in public] == ["disqus-1", "disqus-2", "disqus-7"]
    assert "al@mail.example" not in json.dumps(public)
    assert len(report.unmatched) == 2  # unknown thread, unmatched thread
    assert any("404" in w for w in report.warnings)


def test_a_wxr_file_is_not_a_disqus_export(tmp_path):
    content = site(tmp_path, "a-post")
    report = import_text(tmp_path, "<rss/>", content, kind="disqus")
    assert report.exit_code == 2


def test_jf2_feed(tmp_path):
    content = site(tmp_path, "a-post")
    # WordPress comment 5 is on the page as #comment-5; a reply to it threads.
    import_text(tmp_path, wxr(item(1, comments=[comment(5)])), content)
    target = "https://listeningback.example/2020/01/a-post/"
    feed = {
        "type": "feed",
        "children": [
            {
                "type": "entry",
                "wm-id": 11,
                "wm-property": "in-reply-to",
                "wm-target": target + "#comment-5",
                "wm-source": "https://them.example/reply",
                "wm-received": "2021-02-03T04:05:06Z",
                "published": "2021-02-03T05:05:06+01:00",
                "author": {"name": "Rae", "url": "javascript:alert(1)"},
                "content": {"html": "<p>Nice<img src=x onerror=alert(1)></p>"},
            },
            {
                "wm-id": 12,
                "wm-property": "like-of",
                "wm-target": target,
                "wm-source": "https://liker.example/l",
                "author": {"name": "Lee", "url": "https://liker.example/"},
            },
            {
                "wm-id": 13,
                "wm-property": "mention-of",
                "wm-protocol": "pingback",
                "wm-target": target,
                "wm-source": "https://pinger.example/p",
                "name": "A page that links",
                "content": {"text": "It&#8217;s here"},
            },
            {
                "wm-id": 14,
                "wm-property": "repost-of",
                "wm-target": target,
                "wm-private": True,
            },
            {"wm-id": 15, "wm-target": "https://elsewhere.example/x"},
            {
                "wm-id": 16,
                "wm-property": "mention-of",
                "wm-target": target,
                "author": {"name": "Zoë \ud800 😀"},
                "content": {"text": "bad \udfff, fine 😀"},
            },
            {
                "wm-id": 17,
                "wm-property": "mention-of",
                "wm-target": target,
                "wm-source": "https://odd.example/p",
                "name": "Q&amp;A \u202eevil\u200b",  # B21 in a source title
            },
            {"wm-property": "like-of", "wm-target": target},
            "junk",
        ],
    }
    report = import_text(tmp_path, json.dumps(feed), content, kind="jf2")
    items = stored(tmp_path, content)
    reply, like, ping, private = (items[f"jf2-{n}"] for n in (11, 12, 13, 14))
    assert (reply.type, reply.parent, reply.author_url) == (
        "comment",
        "wp-old.example-5",
        None,
    )
    assert reply.content_html == "<p>Nice</p>"
    assert reply.date == "2021-02-03T04:05:06Z"
    assert (like.type, like.source_url) == ("webmention", "https://liker.example/l")
    assert (ping.type, ping.source_title) == ("pingback", "A page that links")
    assert ping.content_html == "<p>It\u2019s here</p>"
    assert private.status == "pending"
    odd = items["jf2-16"]  # B20: 4-byte characters kept, lone surrogates replaced
    assert odd.author_name == "Zoë \ufffd 😀"
    assert odd.content_html == "<p>bad \ufffd, fine 😀</p>"
    assert "😀" in (content / "responses" / "a-post.json").read_text("utf-8")
    assert items["jf2-17"].source_title == "Q&A evil"
    assert len(report.unmatched) == 1
    assert sum(report.dropped.values()) == 2


def test_a_broken_disqus_post_is_quarantined_and_the_rest_imports(tmp_path):  # A11
    content = site(tmp_path, "a-post")
    broken = DISQUS.replace(
        "<message>spam</message>", "<message><![CDATA[]]>]]></message>"
    )
    report = import_text(tmp_path, broken, content, kind="disqus")
    assert len(report.quarantined) == 1
    assert "disqus-3" not in stored(tmp_path, content)
    assert "disqus-1" in stored(tmp_path, content)
    kept = list((tmp_path / "var" / "quarantine").iterdir())
    assert len(kept) == 1 and b'dsq:id="3"' in kept[0].read_bytes()


def test_jf2_targets_with_a_query_find_the_post_that_had_that_address(tmp_path):
    """Plain WordPress permalinks differ only in their query: /?p=12 vs /?p=13."""
    content = tmp_path / "content"
    for slug, wp_id in (("first", 12), ("second", 13)):
        write_post(
            content / "posts",
            f"{slug}.md",
            f"Title: {slug}\nDate: 2020-01-02 10:00\nSlug: {slug}\n"
            f"Old_urls: /?p={wp_id}\n\nText.\n",
        )
    feed = {
        "type": "feed",
        "children": [
            {
                "type": "entry",
                "wm-id": 31,
                "wm-property": "mention-of",
                "wm-target": "https://listeningback.example/?p=13",
                "wm-source": "https://them.example/cites-second",
                "name": "Cites the second post",
            },
            {
                "type": "entry",
                "wm-id": 32,
                "wm-property": "mention-of",
                "wm-target": "https://listeningback.example/",
                "wm-source": "https://them.example/cites-home",
                "name": "Cites the home page",
            },
        ],
    }
    report = import_text(tmp_path, json.dumps(feed), content, kind="jf2")
    assert [r["id"] for r in load_public(content / "responses", "second")] == ["jf2-31"]
    assert load_public(content / "responses", "first") == []
    assert len(report.unmatched) == 1  # the home page is no post
