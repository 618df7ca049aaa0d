"""The Markdown fast path gives exactly what the html.parser path gives.

The fast path reads headings from Python-Markdown's tree instead of parsing
the HTML again; these tests convert real Markdown with the project's
extensions and compare both paths' results on the same options.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from markdown import Markdown
import pytest

from pelican_plugins.toc.fast import TocExtension, finish
from pelican_plugins.toc.scan import Scan
from pelican_plugins.toc.transform import Options, toc
from pelicanconf import MARKDOWN

FIXTURES = Path(__file__).parent / "fixtures" / "toc" / "posts"
CONTENT = Path(__file__).parent.parent / "content"
OPTIONS = [
    Options(),
    replace(Options(), permalinks=True, placement="marker", levels=(1, 6)),
    replace(Options(), placement="none", backlinks=False, min_headings=1),
]


def convert(text: str, marker: str = "[TOC]") -> tuple[str, Scan | None, str]:
    """Markdown's HTML, the fast path's Scan (None: slow path) and plain output."""
    configs = MARKDOWN["extension_configs"]
    extension = TocExtension(marker)
    md = Markdown(
        extensions=[*configs, extension],
        extension_configs=configs,
        output_format="html5",
    )
    converted = md.convert(text)
    plain = Markdown(
        extensions=list(configs), extension_configs=configs, output_format="html5"
    ).convert(text)
    assert extension.found is not None
    html, found = finish(converted, extension.found)
    return html, found, plain


FAST_CASES = {
    "plain": "Lead\n\n## One\n\ntext\n\n### Sub\n\n## Two\n\nend",
    "marker": "Lead\n\n[TOC]\n\nMore\n\n## A\n\n## B\n",
    "markup": "## Q&amp;A: *sitting* & `<standing>` \\*\n\n## Why &lt;b&gt;\n",
    "inline html": "## A <em>raw</em> word &copy;\n\n## B\n\ntext <b>x</b>",
    "entity marker": "## A\n\n&#91;TOC]\n\n## B",  # not a marker on either path
    "ids": (
        '<p id="intro">x</p>\n\n## Intro\n\n## Intro {: #kept }\n\n## Kept\n\n## toc'
    ),
    "reserved": "## Main\n\n## Comments\n\n## Content",
    "footnote": "## Start[^1]\n\n## Fn 1\n\n[^1]: note",
    "classes": "## In\n\n## Out {: .no-toc }\n\n## Also in",
    "unicode": "## 身体の記憶\n\n## 🙂 ✨\n\n## Körper\n",
    "nested": "> ## Quoted\n\n- item\n\n    ## Listed\n\n## Top",
    "empty": "## ![alt](a.png)\n\n## Real\n\n## Also",
    "code": "## A\n\n```\n<h2>not a heading</h2>\n```\n\n## B\n",
    "marker look-alike": "## A\n\n*[TOC]*\n\n[TOC] and more\n\n## B",
    "md in html": '<div markdown="1" class="x">\n\n## Inside\n\n</div>\n\n## After',
}


@pytest.mark.parametrize("name", sorted(FAST_CASES))
def test_fast_path_equals_slow_path(name: str) -> None:
    html, found, plain = convert(FAST_CASES[name])
    assert html == plain  # no trace of the sentinels
    assert found is not None, "expected the fast path"
    for options in OPTIONS:
        assert toc(html, options, found=found) == toc(html, options)


@pytest.mark.parametrize(
    "path",
    sorted(FIXTURES.glob("*.md")) + sorted((CONTENT / "posts").glob("*.md")),
    ids=lambda p: p.name,
)
def test_fixtures_and_sample_posts_agree(path: Path) -> None:
    html, found, plain = convert(path.read_text("utf-8"))
    assert html == plain
    if found is not None:
        for options in OPTIONS:
            assert toc(html, options, found=found) == toc(html, options)


SLOW_CASES = {
    "raw heading": "## A\n\n<h2>Raw\nheading</h2>\n\n## B",
    "raw marker": "<p>[TOC]</p>\n\n## A\n\n## B",
    "half a link": 'Open <a href="/x">\n\n## A\n\n</a> closed\n\n## B',
    "wrapper": '<div markdown="1" id="w">\n## Inside\n</div>\n\n## B',
    "decorated": '## A\n\n<p class="toc-backlink"><a href="#toc">back</a></p>\n\n## B',
    # Raw links are stashed tag by tag; which headings they enclose needs the
    # whole document, so they go the slow way (a known, safe limitation).
    "raw links": 'Go <a href="/x">there</a>.\n\n## A\n\n## B',
}


@pytest.mark.parametrize("name", sorted(SLOW_CASES))
def test_what_the_tree_cannot_answer_takes_the_slow_path(name: str) -> None:
    html, found, plain = convert(SLOW_CASES[name])
    assert found is None
    assert html == plain


def test_raw_html_heading_in_a_markdown_post_is_listed() -> None:
    html, found, _ = convert(SLOW_CASES["raw heading"])
    assert found is None
    result = toc(html, Options())
    assert [e["text"] for e in result.entries] == ["A", "Raw heading", "B"]


def test_summary_conversion_is_left_alone() -> None:
    extension = TocExtension("[TOC]")
    md = Markdown(extensions=[extension])
    md.convert("## A\n\n## B")
    extension.active = False
    assert md.convert("## Summary heading") == "<h2>Summary heading</h2>"
