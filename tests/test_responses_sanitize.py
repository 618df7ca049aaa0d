"""Sanitizer, plain-text bodies and author URLs: docs/security.md rows B1-B25."""

from __future__ import annotations

import pytest

from pelican_plugins.responses.sanitize import (
    LINK_REL,
    MAX_BYTES,
    MAX_URL,
    LinkbackSource,
    Rejected,
    TooLarge,
    Verdict,
    clean,
    linkback_source,
    safe_url,
    text_to_html,
)

REL = f'rel="{LINK_REL}"'

# (row, input, substrings that must not survive) — every case is also checked
# for the fixed point and for the absence of script/event handlers.
HOSTILE = [
    ("B1", "<script>alert(1)</script>hi", ["<script", "alert"]),
    ("B2", "<img src=x onerror=alert(1)>", ["<img", "onerror"]),
    ("B2", "<details open ontoggle=alert(1)>x</details>", ["<details", "ontoggle"]),
    ("B3", '<a href="javascript:alert(1)">x</a>', ["javascript"]),
    ("B3", '<a href="JaVaScRiPt:alert(1)">x</a>', ["javascript"]),
    ("B3", '<a href="java&#x09;script:alert(1)">x</a>', ["script:"]),
    ("B3", '<a href="&#106;avascript:alert(1)">x</a>', ["avascript"]),
    ("B3", '<a href=" javascript:alert(1)">x</a>', ["javascript"]),
    ("B3", '<a href="\x01javascript:alert(1)">x</a>', ["javascript"]),
    ("B4", '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', ["data:"]),
    ("B4", '<a href="vbscript:msgbox(1)">x</a>', ["vbscript"]),
    ("B7", "<svg onload=alert(1)>", ["<svg", "onload"]),
    ("B7", '<svg><a xlink:href="javascript:alert(1)">x</a></svg>', ["javascript"]),
    ("B7", '<svg><set attributeName="href" to="javascript:alert(1)"/></svg>', ["<set"]),
    ("B8", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ["<img"]),
    ("B9", '<noscript><p title="</noscript><img src=x onerror=alert(1)>">', ["<img"]),
    ("B10", '<p style="position:fixed;top:0;width:100%;height:100%">x</p>', ["style"]),
    ("B10", '<b style="background:url(javascript:alert(1))">x</b>', ["style", "url("]),
    (
        "B11",
        '<form action="//evil"><button formaction="javascript:1">x',
        ["<form", "<button", "formaction"],
    ),
    ("B12", '<iframe src="https://evil.example/"></iframe>', ["<iframe"]),
    ("B12", '<object data="x.swf"></object><embed src="x.swf">', ["<object", "<embed"]),
    ("B12", '<base href="https://evil.example/">', ["<base"]),
    ("B12", '<meta http-equiv="refresh" content="0;url=https://evil">', ["<meta"]),
    ("B12", '<link rel="stylesheet" href="https://evil/x.css">', ["<link"]),
    (
        "B13",
        '<a href="https://ok.example/" rel="dofollow" target="_blank">x</a>',
        ["target"],
    ),
    ("B14", '<a href="/wp-admin/">x</a>', ["href"]),
    ("B14", '<a href="//evil.example/">x</a>', ["href"]),
    ("B14", '<a href="#frag">x</a>', ["href"]),
    ("B15", '<p id="comments"><a name="location">x</a></p>', ["id=", "name="]),
]


@pytest.mark.parametrize(("row", "dirty", "gone"), HOSTILE)
def test_hostile_markup_is_neutralised(row: str, dirty: str, gone: list[str]) -> None:
    out = clean(dirty)
    for fragment in gone:
        assert fragment not in out.lower(), (row, out)
    assert " on" not in out.lower()
    assert clean(out) == out  # fixed point


def test_control_characters_are_dropped() -> None:
    assert clean("<p>a\x01b\x0bc\x7f\x9fd\te</p>") == "<p>abcd\te</p>"
    assert clean("<p>a\ufffeb\uffffc</p>") == "<p>abc</p>"  # not allowed in XML


def test_script_is_removed_with_its_content_and_text_kept() -> None:
    assert clean("<script>alert(1)</script>hi") == "hi"


def test_links_get_the_ugc_rel_and_nothing_else() -> None:
    out = clean('<a href="https://ok.example/" rel="dofollow" target="_blank">x</a>')
    assert out == f'<a href="https://ok.example/" {REL}>x</a>'


def test_allowed_markup_survives() -> None:
    body = (
        '<p><em>a</em> <strong>b</strong> <q cite="https://q.example/">c</q></p>'
        "<ul><li>one</li></ul><blockquote><p>quote</p></blockquote><pre><code>x</code></pre>"
    )
    assert clean(body) == body


def test_unbalanced_markup_cannot_leave_its_container() -> None:
    out = clean("</div></article><footer><b><i>open")  # B16
    assert "</div>" not in out
    assert "<footer" not in out
    assert out == "<p><b><i>open</i></b></p>"  # the footer's words as a paragraph


@pytest.mark.parametrize("body", ["", "<!-- <img src=x onerror=alert(1)> -->"])
def test_empty_or_comment_only_body_renders_empty(body: str) -> None:
    assert clean(body) == ""  # B17


def test_size_cap_rejects_instead_of_truncating() -> None:
    with pytest.raises(TooLarge):
        clean("a" * 65536)  # B19: rejected, never truncated
    with pytest.raises(TooLarge):
        clean("é" * (MAX_BYTES // 2 + 1))  # the cap counts UTF-8 bytes


def _bomb(count: int, closers: int) -> str:
    opening = "".join(f"<b {n}>" for n in range(count))
    opening += "".join(f"<i {n}>" for n in range(count))
    return opening + "x</b>" * closers


def test_formatting_element_bomb_is_rejected() -> None:
    with pytest.raises(TooLarge):
        clean(_bomb(4000, 4000))  # the 82 KB shape of docs/security.md row B18
    small = _bomb(500, 500)  # 9.3 KB: under the size cap, 0.2 s of nh3 unguarded
    assert len(small.encode()) < MAX_BYTES
    with pytest.raises(TooLarge, match="tags"):
        clean(small)  # B18: caught by the tag count


def test_many_tags_under_the_cap_are_fine() -> None:
    body = "<p>" + "<b>x</b> " * 120 + "</p>"
    assert clean(body).count("<b>") == 120


def test_four_byte_characters_round_trip_and_lone_surrogates_are_refused() -> None:
    assert clean("<p>back 🙂 better 𝄞</p>") == "<p>back 🙂 better 𝄞</p>"  # B20
    with pytest.raises(Rejected):
        clean("bad \ud800 half")


def test_text_to_html_escapes_and_builds_paragraphs() -> None:
    text = "Thanks <b>a lot</b>\r\nsecond line\n\n\nA & B"
    assert text_to_html(text) == (
        "<p>Thanks &lt;b&gt;a lot&lt;/b&gt;<br>\nsecond line</p>\n<p>A &amp; B</p>"
    )
    assert clean(text_to_html(text)) == text_to_html(text)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("javascript:alert(1)", None),
        (" javascript:alert(1)", None),
        ("\x01javascript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("JAVASCRIPT:alert(1)", None),
        ("javascript&colon;alert(1)", None),
        ("&#106;avascript:alert(1)", None),
        (
            'http://x.example/"onmouseover=alert(1)//',
            "http://x.example/%22onmouseover=alert(1)//",
        ),
        ("//evil.example/x", None),
        ("http:evil.example", None),
        ("ftp://x.example/", None),
        ("data:text/html,hi", None),
        ("http://trusted.example@evil.example/", None),
        ("http://[::1", None),
        ("", None),
        (None, None),
        ("HTTP://Example.COM", "http://example.com/"),
        ("https://example.com/a b?q=<x>#f", "https://example.com/a%20b?q=%3Cx%3E#f"),
        ("https://bücher.example/", "https://xn--bcher-kva.example/"),
        ("  https://ok.example:8080/p  ", "https://ok.example:8080/p"),
    ],
)
def test_safe_url(raw: str | None, expected: str | None) -> None:  # B5
    assert safe_url(raw) == expected
    if expected is not None:
        assert safe_url(expected) == expected
        assert not set('"<> ') & set(expected)


def test_a_long_plain_text_comment_is_not_mistaken_for_a_tag_bomb() -> None:
    # 300 lines become 300 <br>s and <p>s: line breaks, not formatting tags.
    text = "\n".join(f"line {n}" for n in range(300))
    out = clean(text_to_html(text))
    assert out.count("<br>") == 299
    assert "line 299" in out
    with pytest.raises(TooLarge, match="tags"):
        clean("<b>x</b>" * 300)  # formatting elements still count


@pytest.mark.parametrize(
    ("dirty", "expected"),
    [
        (
            "<dl><dt>Definition List Title</dt><dd>Definition list division.</dd></dl>",
            "<p>Definition List Title</p><p>Definition list division.</p>",
        ),
        ("<h2>Why</h2><p>Because.</p>", "<p>Why</p><p>Because.</p>"),
        (
            (
                "<table><tr><th>Pose</th><td>Minutes</td></tr>"
                "<tr><td>Arch</td><td>5</td></tr></table>"
            ),
            "<p>Pose<br>Minutes</p><p>Arch<br>5</p>",
        ),
        ("<div>one</div><div>two</div>", "<p>one</p><p>two</p>"),
        ("<section><p>kept</p></section>", "<p>kept</p>"),
        ("before<hr>after", "before<br>after"),
        ("<div></div>a<div></div>b", "a b"),
    ],
)
def test_removed_blocks_keep_their_words_apart(dirty: str, expected: str) -> None:
    assert clean(dirty) == expected
    assert clean(expected) == expected


def test_a_removed_image_leaves_its_alt_text() -> None:
    out = clean('See <img src="https://x.example/s.png" alt="my spine & me"> here')
    assert out == "See my spine &amp; me here"
    assert "<img" not in out
    assert clean('<img src=x alt="<script>alert(1)</script>">') == (
        "&lt;script&gt;alert(1)&lt;/script&gt;"
    )
    assert clean("<img src=x onerror=alert(1)>") == ""


@pytest.mark.parametrize(
    "empty",
    ["<table></table>", "<div>", "<td>", "<dl> </dl>", "<img>", "<div><!--x-->"],
)
def test_empty_blocks_and_images_render_nothing(empty: str) -> None:
    assert clean(empty) == ""


@pytest.mark.parametrize(
    ("value", "verdict", "queued"),
    [
        ("https://Kim.Example/p", Verdict.OK, "https://kim.example/p"),  # normalised
        # D7: refused by safe_url but an http(s) host: answered alike, dropped later
        ("http://[::1]:8080/x", Verdict.QUEUE_BUT_DROP, "http://[::1]:8080/x"),
        (
            "http://kim@inside.example/",
            Verdict.QUEUE_BUT_DROP,
            "http://kim@inside.example/",
        ),
        (
            "https://bad_host!.example/",
            Verdict.QUEUE_BUT_DROP,
            "https://bad_host!.example/",
        ),
        ("http://[::1]/a b", Verdict.REFUSE, None),  # whitespace: not a URL
        ("http://a\x00b/", Verdict.REFUSE, None),
        ("ftp://kim.example/", Verdict.REFUSE, None),
        ("http:///path-only", Verdict.REFUSE, None),
        ("not a url", Verdict.REFUSE, None),
        ("http://[::1]/" + "a" * MAX_URL, Verdict.REFUSE, None),  # too long either way
        ("", Verdict.REFUSE, None),
        (None, Verdict.REFUSE, None),
    ],
)
def test_which_linkback_sources_are_queued(
    value: object, verdict: Verdict, queued: str | None
) -> None:
    assert linkback_source(value) == LinkbackSource(verdict, queued)
    if verdict is Verdict.OK:
        assert safe_url(value) == queued  # the same rule as every other URL
    else:
        assert safe_url(value) is None
