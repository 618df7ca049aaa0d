"""The TOC plugin's pure parts: slugs, nesting, the transform and metadata overrides.

Rows E1 to E5 and E9 of docs/security.md are named where they are tested.
"""

from __future__ import annotations

from array import array
from dataclasses import replace
import logging

from bs4 import BeautifulSoup
import pytest

from pelican_plugins.toc import Nav, Toc, TocData, on_content_object_init
from pelican_plugins.toc.scan import scan
from pelican_plugins.toc.settings import overrides
from pelican_plugins.toc.slug import heading_id, slugify, unique
from pelican_plugins.toc.transform import Inserts, Options, Result, decorate, nest, toc

DEFAULT = Options()


def body(result: Result) -> str:
    assert result.parts is not None
    return "".join(result.parts)


def flat(entries: list[dict]) -> list[tuple[int, str, str]]:
    out = []
    for entry in entries:
        out.append((entry["level"], entry["id"], entry["text"]))
        out.extend(flat(entry["children"]))
    return out


def ids(html: str) -> list[str]:
    return [tag["id"] for tag in BeautifulSoup(html, "lxml").select("[id]")]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("A Basic Understanding\nof Back Pain", "a-basic-understanding-of-back-pain"),
        (
            "  Sitting &amp; standing:\tthe real   difference ",
            "sitting-amp-standing-the-real-difference",
        ),
        ("Why <slouch> is not a diagnosis", "why-slouch-is-not-a-diagnosis"),
        ("Körperwahrnehmung: sensing", "körperwahrnehmung-sensing"),
        ("身体の記憶", "身体の記憶"),
        ("Pandiculação", "pandiculação"),
        ("ﬁne Ⅳ", "fine-iv"),  # NFKC folds ligatures and compatibility forms
        ("🙂🙂", ""),
        ("?!… — ***", ""),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug
    assert " " not in slugify(text)


def test_slugify_caps_length_at_a_word_boundary() -> None:
    slug = slugify("word " * 40)
    assert len(slug) <= 64
    assert not slug.endswith("-")
    assert slug.startswith("word-word")


def test_unique_skips_taken_numbers() -> None:
    assert unique("intro", set()) == "intro"
    assert unique("intro", {"intro"}) == "intro-1"
    assert unique("intro", {"intro", "intro-1", "intro-2"}) == "intro-3"


def test_punctuation_or_emoji_heading_gets_section_number() -> None:  # E3
    assert heading_id("🙂", 3, set()) == "section-3"
    assert heading_id("!!!", 3, {"section-3"}) == "section-3-1"


def test_nest_never_makes_empty_items_for_skipped_levels() -> None:
    entries = nest([(3, "a", "A"), (2, "b", "B"), (4, "c", "C"), (2, "d", "D")])
    assert [e["id"] for e in entries] == ["a", "b", "d"]
    assert [c.id for c in entries[1].children] == ["c"]
    assert entries[1]["children"][0]["children"] == []


def test_outline_keeps_headings_flat_and_nests_them_on_demand() -> None:
    result = toc("<h2>A</h2><h3>A.1</h3><h3>A.2</h3><h2>B &amp; C</h2>", DEFAULT)
    assert result.outline.levels == bytes([2, 3, 3, 2])
    assert result.outline.strings() == [
        *("a", "A", "a-1", "A.1", "a-2", "A.2", "b-c", "B & C"),
    ]
    assert result.outline.joined == "aAa-1A.1a-2A.2b-cB & C"
    top = result.entries
    assert [(e.level, e.id, e.text) for e in top] == [
        (2, "a", "A"),
        (2, "b-c", "B & C"),
    ]
    assert [c["text"] for c in top[0]["children"]] == ["A.1", "A.2"]
    assert top[1].children == []


def test_duplicate_headings_and_existing_ids_stay_unique() -> None:  # E1
    html = (
        '<p id="intro">lead</p><h2>Intro</h2><p>a</p><h2>Intro</h2>'
        '<h2 id="kept">Intro</h2><h2>Kept</h2><h2>toc</h2>'
    )
    result = toc(html, DEFAULT)
    assert [e[1] for e in flat(result.entries)] == [
        "intro-1",
        "intro-2",
        "kept",
        "kept-1",
        "toc-1",
    ]
    page_ids = [*ids(body(result)), result.nav_id]
    assert len(page_ids) == len(set(page_ids))
    assert result.nav_id == "toc"


def test_nav_id_avoids_an_existing_toc_id() -> None:  # E1
    result = toc('<div id="toc"></div><h2>A</h2><h2>B</h2>', DEFAULT)
    assert result.nav_id == "toc-1"
    assert 'href="#toc-1"' in body(result)


def test_reserved_theme_ids_are_never_taken() -> None:  # E1
    result = toc("<h2>Main</h2><h2>Comments</h2>", DEFAULT)
    assert [e[1] for e in flat(result.entries)] == ["main-1", "comments-1"]


@pytest.mark.parametrize(
    ("heading", "text"),
    [
        ("Q&amp;A: <em>sitting</em> &amp; standing", "Q&A: sitting & standing"),
        (
            "Why &lt;script&gt;alert(1)&lt;/script&gt; fails",
            "Why <script>alert(1)</script> fails",
        ),
        ("Use <code>&amp;amp;</code> literally", "Use &amp; literally"),
        ("Line\n  broken\theading", "Line broken heading"),
    ],
)
def test_entry_text_is_plain_text_decoded_once(heading: str, text: str) -> None:  # E2
    result = toc(f"<h2>{heading}</h2><h2>Other</h2>", DEFAULT)
    assert result.entries[0]["text"] == text


def test_script_heading_markup_is_not_made_live() -> None:  # E2
    html = "<h2>Tips &lt;script&gt;x()&lt;/script&gt;</h2><h2>B</h2>"
    result = toc(html, DEFAULT)
    assert "<script>" not in body(result)
    assert 'id="tips-script-x-script"' in body(result)


def test_non_latin_and_emoji_headings_get_stable_ids() -> None:  # E3
    html = "<h2>身体の記憶</h2><h2>🙂</h2><h2>…!?</h2><h2>Körper</h2>"
    first = toc(html, DEFAULT)
    assert [e[1] for e in flat(first.entries)] == [
        "身体の記憶",
        "section-2",
        "section-3",
        "körper",
    ]
    assert toc(html, DEFAULT) == first


def test_applying_twice_changes_nothing() -> None:  # E4
    html = "<p>Lead</p><h2>One</h2><p>a</p><h3>Sub</h3><p>b</p><h2>Two</h2><p>c</p>"
    options = replace(DEFAULT, permalinks=True)
    once = toc(html, options)
    twice = toc(body(once), options)
    assert body(twice) == body(once)
    assert twice.entries == once.entries
    assert twice.parts == once.parts
    soup = BeautifulSoup(body(twice), "lxml")
    assert not soup.select("a a")
    assert len(soup.select(".toc-backlink")) == 2
    assert len(soup.select(".toc-permalink")) == 3


def test_untouched_markup_is_byte_stable() -> None:  # E4
    html = (
        "<p>Keep <b>this</b>&nbsp;&#x27;exactly&#39; <br/> as <IMG SRC=x alt=''>"
        "written</p>\n<h2 id='x'>A <a href=\"#y\">link</a></h2>\n<h2>B</h2><p>z</p>"
    )
    result = toc(html, replace(DEFAULT, backlinks=False, permalinks=True))
    assert result.content == html
    assert body(result) == html.replace("<h2>B", '<h2 id="b">B').replace(
        "B</h2>",
        'B <a class="toc-permalink" href="#b" aria-label="Link to this '
        'section">#</a></h2>',
    )


def test_existing_heading_links_get_no_nested_permalink() -> None:  # E4
    html = '<h2><a href="/x">Linked</a></h2><a href="/y"><h2>Inside</h2></a>'
    result = toc(html, replace(DEFAULT, permalinks=True))
    assert "toc-permalink" not in body(result)
    assert not BeautifulSoup(body(result), "lxml").select("a a")


@pytest.mark.parametrize(
    "html",
    ["", "<p>No headings at all.</p>", "<h1>Only</h1><h1>h1s</h1>", "<h2>One</h2>"],
)
def test_nothing_to_list_means_no_table_and_no_backlinks(html: str) -> None:  # E5
    result = toc(html, DEFAULT)
    assert result.entries == []
    assert result.parts is None
    assert result.content == html


def test_marker_is_removed_from_the_clean_body_even_without_a_table() -> None:
    result = toc("<p>[TOC]</p><h2>Only one</h2>", DEFAULT)
    assert result.parts is None
    assert "[TOC]" not in result.content


def test_marker_places_the_table_and_leaves_the_summary_clean() -> None:
    html = "<p>Lead</p>\n<p> [TOC] </p>\n<p>More</p><h2>A</h2><h2>B</h2>"
    result = toc(html, replace(DEFAULT, placement="marker"))
    assert result.inline
    assert result.parts is not None
    assert result.parts[0] == "<p>Lead</p>\n"
    assert result.parts[1].startswith("\n<p>More</p>")
    assert result.content == "<p>Lead</p>\n\n<p>More</p><h2>A</h2><h2>B</h2>"


def test_placements() -> None:
    html = "<p>Lead</p><h2>A</h2><h2>B</h2>"
    auto = toc(html, DEFAULT)
    assert auto.inline
    assert auto.parts is not None
    assert auto.parts[0] == "<p>Lead</p>"
    marker = toc(html, replace(DEFAULT, placement="marker"))
    none = toc(html, replace(DEFAULT, placement="none"))
    for result in (marker, none):
        assert not result.inline
        assert result.parts is not None
        assert result.parts[1] == ""
        assert body(result) == body(auto)


def test_backlinks_end_each_section() -> None:
    html = (
        "<h2>A</h2><p>a</p><h3>A1</h3><p>a1</p><h3>A2</h3>"
        "<h2>B</h2><h4>B1</h4><p>end</p>"
    )
    out = body(toc(html, DEFAULT))
    link = '<p class="toc-backlink"><a href="#toc">Back to table of contents</a></p>'
    assert out.count(link) == 3
    assert f"<p>a1</p>{link}\n<h3" in out
    assert f"</h3>{link}\n<h2" in out
    assert out.endswith(f"<p>end</p>\n{link}")
    assert "<p>a</p><h3" in out  # no link before a deeper heading


def test_backlinks_go_before_docutils_section_wrappers() -> None:
    html = (
        '<div class="section" id="a">\n<h2>A</h2>\n'
        '<div class="section" id="a1">\n<h3>A1</h3>\n</div>\n'
        '<div class="section" id="a2">\n<h3>A2</h3>\n</div>\n</div>\n'
        '<div class="section" id="b">\n<h2>B</h2>\n</div>'
    )
    result = toc(html, DEFAULT)
    assert [e[1] for e in flat(result.entries)] == ["a", "a1", "a2", "b"]
    out = body(result)
    assert "<h2>A</h2>" in out  # docutils' ids are kept, none added
    assert '</div>\n<p class="toc-backlink">' in out
    assert '</p>\n<div class="section" id="a2">' in out
    assert result.parts is not None
    assert result.parts[1].startswith('<div class="section" id="a">')


def test_levels_depth_exclusions_and_switches() -> None:
    html = (
        '<h2>A</h2><h3>B</h3><h4>C</h4><h5>D</h5><h2 class="x no-toc">E</h2>'
        "<h2><img src=a.png alt=''></h2>"
    )
    assert [e[2] for e in flat(toc(html, DEFAULT).entries)] == ["A", "B", "C"]
    assert toc(html, DEFAULT, depth=2).parts is None  # one heading < minimum 2
    forced = toc(html, DEFAULT, depth=2, enabled=True)
    assert [e[2] for e in flat(forced.entries)] == ["A"]
    assert toc(html, DEFAULT, enabled=False).parts is None
    assert toc(html, replace(DEFAULT, enabled=False)).parts is None
    assert toc(html, replace(DEFAULT, enabled=False), enabled=True).entries
    wide = replace(DEFAULT, levels=(2, 6), exclude_classes=frozenset())
    assert [e[2] for e in flat(toc(html, wide).entries)] == ["A", "B", "C", "D", "E"]


def test_malformed_legacy_html_keeps_every_character() -> None:  # E9
    html = (
        "<h2>Unclosed <b>bold<h3>Next</h3><p>para <i>open\n<h2>Third</b></i>"
        "<table><tr><td><h4>In cell</td></tr></table><h2>Tail"
    )
    result = toc(html, replace(DEFAULT, permalinks=True))
    assert [e[2] for e in flat(result.entries)] == [
        "Unclosed bold",
        "Next",
        "Third",
        "In cell",
        "Tail",
    ]
    text = BeautifulSoup(html, "lxml").get_text()
    out = BeautifulSoup(body(result), "lxml").get_text()
    out = out.replace("Back to table of contents", "").replace("#", "")
    assert "".join(out.split()) == "".join(text.split())


def test_a_megabyte_of_nested_formatting_tags_is_handled() -> None:  # E9
    # The adversarial shape of docs/security.md row B18: distinct attributes defeat
    # the HTML5 "Noah's Ark" clause. The scanner builds no tree, so it stays
    # linear; bench/ has the timing, this test asserts the result.
    unit = "".join(f'<b data-n="{n}"><i title="{n}">' for n in range(10)) + "x</b>"
    count = 1_000_000 // len(unit) + 1
    html = f"<h2>Start</h2>{unit * count}<h2>End <b a=1><i b=2>deep</i></b></h2>"
    result = toc(html, DEFAULT)
    assert [e[2] for e in flat(result.entries)] == ["Start", "End deep"]
    assert len(html) >= 1_000_000
    assert body(result).count("x</b>") == count


def test_scan_finds_ids_and_names() -> None:
    found = scan('<a name="n"></a><span id="s"></span><h2 id="h">x</h2>')
    assert found.ids == {"n", "s", "h"}


def test_metadata_overrides(caplog: pytest.LogCaptureFixture) -> None:
    meta = {"toc": "Off", "toc_depth": "3", "title": "T"}
    assert overrides(meta, "a.md") == (False, 3)
    assert meta == {"title": "T"}
    assert overrides({"toc": ["yes"]}, "b.rst") == (True, None)
    with caplog.at_level(logging.WARNING):
        assert overrides({"toc": "maybe", "toc_depth": "9"}, "c.md") == (None, None)
    assert "invalid toc metadata ('maybe') in c.md" in caplog.text
    assert "invalid toc_depth metadata ('9') in c.md" in caplog.text


@pytest.mark.parametrize("tail", ["</" * 300_000, "<!--" * 200_000, "<b " * 300_000])
def test_unterminated_tails_are_read_in_one_pass(tail: str) -> None:  # E9
    # Python 3.11.7's html.parser rescans such a tail once per construct at
    # close() (CVE-2025-6069); the scanner never calls close().
    html = f"<h2>A</h2><p>x</p><h2>B</h2>{tail}<h2>Hidden</h2>"
    result = toc(html, DEFAULT)
    assert [e[2] for e in flat(result.entries)] == ["A", "B"]
    assert result.content == html
    assert body(result).startswith('<h2 id="a">A</h2>')


def test_input_the_parser_rejects_is_left_alone() -> None:  # E9
    html = "<h2>A</h2><h2>B</h2><![<![<![ broken"
    result = toc(html, DEFAULT)
    assert result.problem
    assert result.content == html
    assert result.parts is None


def test_decorated_body_is_rebuilt_from_insertions_alone() -> None:
    html = "<p>Lead</p><h2>A</h2><p>a</p><h2>B</h2><p>b</p>"
    result = toc(html, DEFAULT)
    assert result.inserts is not None
    # Only the added text is kept, never a second copy of the body.
    assert sum(map(len, result.inserts.texts)) < len(body(result))
    before, after = decorate(html, result.inserts, result.split)
    assert before == "<p>Lead</p>"
    assert after.startswith('<h2 id="a">A</h2>')
    assert decorate(html, result.inserts, None) == (before + after, "")
    assert decorate(html, Inserts(array("q"), ()), 3) == ("<p>", html[3:])


class _Post:
    """What ``article.toc`` reads of a post: its raw body and Pelican's helpers."""

    source_path = "posts/p.md"

    def __init__(self, body: str) -> None:
        self._content = body
        self.content = body  # no {filename} links: .content equals the raw body

    def get_siteurl(self) -> str:
        return ""

    def _update_content(self, html: str, siteurl: str) -> str:
        raise AssertionError("not called for a body without links")


def _stored(html: str) -> TocData:
    result = toc(html, DEFAULT)
    assert result.inserts is not None
    return TocData(
        *result.outline,
        nav_id=result.nav_id,
        title="On this page",
        list="ul",
        inline=result.inline,
        length=len(result.content),
        split=result.split,
        inserts=result.inserts,
    )


def test_article_toc_gives_entries_nav_and_decorated_body() -> None:
    html = "<p>Lead</p><h2>A</h2><h3>A.1</h3><h2>B</h2>"
    post = _Post(html)
    table = Toc(_stored(html), post)
    assert table and len(table) == 2
    assert [(e.id, [c.id for c in e.children]) for e in table] == [
        ("a", ["a-1"]),
        ("b", []),
    ]
    assert table.nav == Nav("toc", "On this page", "ul", True)
    assert table.before == "<p>Lead</p>"
    assert table.after.startswith('<h2 id="a">A</h2>')
    assert table.before + table.after == "".join(toc(html, DEFAULT).parts or ())


def test_article_toc_without_a_table_is_falsy_and_shows_the_body() -> None:
    empty = Toc(None, _Post("<p>Short</p>"))
    assert not empty and len(empty) == 0 and list(empty) == []
    assert empty.nav is None
    assert (empty.before, empty.after) == ("<p>Short</p>", "")


def test_body_rewritten_after_reading_is_shown_plain_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    html = "<h2>A</h2><p>x</p><h2>B</h2>"
    post = _Post(html + "<p>added by another plugin</p>")
    with caplog.at_level(logging.WARNING):
        table = Toc(_stored(html), post)
        assert (table.before, table.after) == (post._content, "")
    assert "toc: posts/p.md changed after reading" in caplog.text


def test_old_cached_toc_metadata_gives_no_table_rather_than_an_error() -> None:
    # A content cache from before the compact TocData held a tree of dicts
    # (cache_guard drops such a cache; without it, the post shows no table).
    post = _Post("<h2>A</h2><h2>B</h2>")
    post.toc = [{"level": 2, "id": "a", "text": "A", "children": []}]  # type: ignore[attr-defined]
    on_content_object_init(post)
    assert isinstance(post.toc, Toc) and not post.toc  # type: ignore[attr-defined]
    assert post.toc.before == post._content  # type: ignore[attr-defined]
