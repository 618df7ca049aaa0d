"""The streaming cleaner and the WXR reader: docs/security.md A1-A13, A21, A24, A27."""

from __future__ import annotations

import io
import time

import pytest

from pelican_plugins.importers.clean import Cleaner
from pelican_plugins.importers.wxr import WxrReader
from pelican_plugins.importers.xmlstream import Truncated, XMLRejected
from pelican_plugins.responses.model import Rejected
from tests.importers.wxrdoc import cdata, comment, item, wxr


def clean(data: bytes, chunk: int = 5) -> tuple[str, Cleaner]:
    cleaner = Cleaner(io.BytesIO(data), chunk=chunk)
    return b"".join(cleaner.chunks()).decode("utf-8"), cleaner


def read(text: str | bytes) -> tuple[list, WxrReader]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    reader = WxrReader(io.BytesIO(data))
    return list(reader), reader


def test_cp1252_runs_are_decoded_and_logged_with_byte_offsets():  # A7
    text, cleaner = clean(b"<a>caf\xe9 \x93quoted\x94 \xe2\x82\xac</a>", chunk=3)
    assert text == "<a>café “quoted” €</a>"
    assert [(r.kind, r.offset) for r in cleaner.repairs] == [
        ("cp1252", 6),
        ("cp1252", 8),
        ("cp1252", 15),
    ]


def test_a_utf8_sequence_cut_by_the_chunk_edge_is_not_repaired():
    data = "<a>" + "é€😀" * 50 + "</a>"
    for chunk in (1, 2, 3, 7):
        text, cleaner = clean(data.encode("utf-8"), chunk=chunk)
        assert text == data
        assert cleaner.repairs == []


def test_control_characters_and_bad_references_become_fffd():  # A5, A6
    raw = b"<a>x\x0by\x1bz\x00 &#x1; &#xD800; &#55296; &#8217; &#x1F600;</a>"
    for chunk in (2, 4, 1000):
        text, cleaner = clean(raw, chunk=chunk)
        assert (
            text
            == "<a>x\ufffdy\ufffdz\ufffd \ufffd \ufffd \ufffd &#8217; &#x1F600;</a>"
        )
        kinds = sorted(r.kind for r in cleaner.repairs)
        assert kinds == ["char-ref"] * 3 + ["control-char"] * 3


def test_utf16_with_bom_is_converted_and_logged():  # A9
    doc = wxr(item(1, comments=[comment(5, content="Grüße ✓")]))
    data = doc.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    items, reader = read(data)
    assert items[0].comments[0].content == "Grüße ✓"
    assert reader.cleaner.repairs[0].kind == "encoding"


def test_broken_utf16_and_utf32_are_rejected_clearly():  # A9
    with pytest.raises(Rejected, match="UTF-32"):
        clean("<a/>".encode("utf-32"))
    bad = "\ufeff<a>".encode("utf-16-le") + b"\x00\xd8"  # lone surrogate
    with pytest.raises(Rejected, match="not valid utf-16"):
        clean(bad + "</a>".encode("utf-16-le"))


def test_a_latin1_declaration_is_honoured():  # A9
    doc = wxr(item(1, comments=[comment(5, content="café")]))
    data = doc.replace("UTF-8", "ISO-8859-1").encode("latin-1")
    items, _ = read(data)
    assert items[0].comments[0].content == "café"


def test_a_bad_character_stays_inside_its_comment_and_names_it():  # A5
    doc = wxr(
        item(1, comments=[comment(5, content="a\x0bb"), comment(6, content="ok")]),
        item(2, slug="second", comments=[comment(7)]),
    )
    items, reader = read(doc)
    assert [c.content for c in items[0].comments] == ["a\ufffdb", "ok"]
    assert len(items) == 2
    repair = reader.cleaner.repairs[0]
    assert items[0].comments[0].line <= repair.line <= items[0].comments[0].end_line


@pytest.mark.parametrize(
    "prolog",
    [
        # A1 billion laughs
        '<!DOCTYPE r [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        # A2 quadratic blowup
        '<!DOCTYPE r [<!ENTITY e "' + "x" * 50_000 + '">]>',
        # A3 XXE
        '<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
        # A4 external DTD
        '<!DOCTYPE r SYSTEM "http://127.0.0.1:9/x.dtd">',
        '<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]>',
    ],
)
def test_dtds_and_entities_reject_the_file_quickly(prolog):  # A1-A4
    doc = wxr(item(1, content="&e;" * 4000, comments=[comment(5)]), prolog=prolog)
    started = time.perf_counter()
    with pytest.raises(XMLRejected, match="DTD/entities not allowed"):
        read(doc)
    assert time.perf_counter() - started < 1


def test_truncated_file_names_the_last_complete_item():  # A10
    doc = wxr(item(1, title="First"), item(2, title="Second", slug="s"))
    cut = doc[: doc.index("<item><title><![CDATA[Second") + 60]
    reader = WxrReader(io.BytesIO(cut.encode()))
    seen = []
    with pytest.raises(Truncated, match="last complete record: item 1 'First'"):
        seen.extend(reader)
    assert [i.post_id for i in seen] == ["1"]


def test_raw_cdata_end_breaks_only_its_own_item():  # A11
    good = item(1, comments=[comment(5, content="a ]]> split")])
    bad = item(2, slug="bad", content="ok").replace(
        "<![CDATA[ok]]>", "<![CDATA[a ]]> b]]>"
    )
    items, reader = read(wxr(good, bad, item(3, slug="after")))
    assert [i.post_id for i in items] == ["1", "3"]
    assert items[0].comments[0].content == "a ]]> split"
    assert len(reader.stream.broken) == 1
    assert b"<wp:post_id>2</wp:post_id>" in reader.stream.broken[0].raw


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (wxr(item(1), version=""), "wxr_version"),
        (wxr(item(1), version="one"), "wxr_version"),
        ('<?xml version="1.0"?><rss><notachanneltag/></rss>', "not a WXR"),
        (
            wxr(item(1))
            .replace("<channel>", "<notachanneltag>")
            .replace("</channel>", "</notachanneltag>"),
            "not a WXR",
        ),
        ('<?xml version="1.0"?><feed><item/></feed>', "not a WXR"),
    ],
)
def test_not_a_wxr_file(doc, message):  # A12
    with pytest.raises(XMLRejected, match=message):
        read(doc)


@pytest.mark.parametrize(
    ("ns", "version", "prefix"),
    [
        ("http://wordpress.org/export/1.0/", "1.0", "wp"),
        ("http://wordpress.org/export/1.1/", "1.1", "wp"),
        ("https://wordpress.org/export/1.2/", "1.2", "wp"),
        ("http://wordpress.org/export/1.2/", "1.2", "wordpress"),
    ],
)
def test_all_versions_and_prefixes_match_by_namespace_uri(ns, version, prefix):  # A13
    doc = wxr(item(7, comments=[comment(5)]), ns=ns, version=version, prefix=prefix)
    items, reader = read(doc)
    assert reader.version == version
    assert items[0].post_id == "7"
    assert items[0].comments[0].comment_id == "5"


def test_a_non_ascii_namespace_uri_elsewhere_is_harmless():  # A13
    doc = wxr(item(7)).replace("<channel>", '<channel xmlns:x="http://exämple/ns">')
    items, _ = read(doc)
    assert items[0].post_id == "7"


def test_split_cdata_mixed_bare_values_padding_and_self_closing():  # A21
    raw = (
        "<item><title>  Padded &amp; bare  </title>"
        "<wp:post_id>\n  42\n</wp:post_id><wp:post_name/><wp:status/>"
        "<content:encoded><![CDATA[a]]]]><![CDATA[>b]]>tail</content:encoded>"
        "<wp:comment><wp:comment_id> 9 </wp:comment_id>"
        "<wp:comment_content><![CDATA[It&#8217;s <b>ok</b>]]></wp:comment_content>"
        "<wp:comment_author_url/></wp:comment></item>"
    )
    items, _ = read(wxr(raw))
    post = items[0]
    assert (post.title, post.post_id, post.post_name) == ("Padded & bare", "42", "")
    assert post.status == "publish"  # default when missing or empty
    assert post.content == "a]]>btail"
    c = post.comments[0]
    assert (c.comment_id, c.author_url, c.approved, c.parent) == ("9", "", "", "0")
    assert c.content == "It&#8217;s <b>ok</b>"  # not decoded by the XML layer


def test_a_huge_cdata_body_is_read():  # A24
    body = "x" * (11 * 1024 * 1024)
    items, _ = read(wxr(item(1, content=body)))
    assert len(items[0].content) == len(body)


def test_very_deep_nesting_does_not_overflow():  # A27
    deep = "<d>" * 100_000 + "</d>" * 100_000
    doc = wxr(item(1, comments=[comment(5)]).replace("</item>", deep + "</item>"))
    items, _ = read(doc)
    assert items[0].comments[0].comment_id == "5"
    assert items[0].skipped == 100_000 - 8  # kept: 8 levels below <item>


def test_cdata_helper_round_trips():
    assert cdata("a]]>b") == "<![CDATA[a]]]]><![CDATA[>b]]>"
