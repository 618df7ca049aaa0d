"""A thread of hostile comments, built by a real Pelican build and opened in Chromium.

The bodies go into the public JSON unsanitized (as a hand-edited or old file
would), so what is proven here is the render-time sanitizer plus autoescaping.
"""

from __future__ import annotations

from collections.abc import Iterator

from axe_playwright_python.sync_playwright import Axe
import pytest

from pelican_plugins.responses.model import Response
from pelican_plugins.responses.store import ResponseStore
from tests.support import build, serve, write_post

A = "alert(document.domain);window.__xss=1"
BODIES = [
    f"<script>{A}</script>",
    f"<img src=x onerror={A}>",
    f"<svg onload={A}>",
    f'<svg><a xlink:href="javascript:{A}"><text y="20">svg link</text></a></svg>',
    f'<svg><set attributeName="href" to="javascript:{A}"/></svg>',
    f'<a href="javascript:{A}">plain js</a>',
    f'<a href="JaVaScRiPt:{A}">mixed case</a>',
    f'<a href="java&#x09;script:{A}">tab entity</a>',
    f'<a href="&#106;avascript:{A}">decimal entity</a>',
    f'<a href=" &#x6A;avascript&colon;{A}">colon entity</a>',
    f'<a href="\x01javascript:{A}">control char</a>',
    f'<a href="data:text/html,<script>{A}</script>">data</a>',
    f"<math><mtext><table><mglyph><style><img src=x onerror={A}>",
    f'<math><annotation-xml encoding="text/html"><img src=x onerror={A}>',
    f'<noscript><p title="</noscript><img src=x onerror={A}>">',
    f'<p style="position:fixed;inset:0;background:red" onmouseover="{A}">over</p>',
    f'<div style="background:url(javascript:{A})">bg</div>',
    f'<form action="//evil"><button formaction="javascript:{A}">go</button></form>',
    f'<input autofocus onfocus="{A}">',
    f'<details open ontoggle="{A}">x</details>',
    f'<iframe src="javascript:{A}"></iframe>',
    f'<iframe srcdoc="<script>{A}</script>"></iframe>',
    '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">',
    '<base href="javascript:alert(1)//"><a href="x">relative</a>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    f'<video><source onerror="{A}"></video>',
    f'<body onload="{A}">',
    f"<style>@import 'javascript:{A}';</style>",
    f'<a href="https://ok.example/" onclick="{A}" target="_blank">onclick</a>',
    f"</div></section></article><script>{A}</script>",
    f"<!--<img src=x onerror={A}>-->",
    '<p id="comments" name="location">clobber</p>',
    f'<img name="getElementById" src=x onerror={A}>',
    f"<template><img src=x onerror={A}></template>",
    f'<a href="vbscript:{A}">vb</a>',
    f"<select><option><style></option></select><img src=x onerror={A}></style>",
]
NAMES = [
    f'"><img src=x onerror={A}>',
    f"<script>{A}</script>",
    "admin\u202e\u200b",
    "{{ 7*7 }} {% raw %}",
    "ctl\x01\x1b[31mname",
]
URLS = [
    f"javascript:{A}",
    f"javascript&colon;{A}",
    'http://x.example/"onmouseover="alert(1)',
    "//evil.example/",
    f" \x01javascript:{A}",
]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("hostile")
    content = root / "content"
    write_post(
        content / "posts",
        "target.md",
        "Title: Hostile Thread\nDate: 2022-02-02 10:00\nSlug: hostile\n\nA post.\n",
    )
    items = []
    for n, body in enumerate(BODIES):
        items.append(
            Response(
                id=f"x-{n}",
                key="hostile",
                type=("comment", "pingback", "trackback", "webmention")[n % 4],
                status="approved",
                parent=f"x-{n - 1}" if n % 3 else None,
                author_name=NAMES[n % len(NAMES)],
                author_url=URLS[n % len(URLS)],
                date=f"2022-02-03T10:{n:02d}:00Z",
                content_html=body,
                source_url=URLS[(n + 1) % len(URLS)],
                source_title=NAMES[(n + 1) % len(NAMES)],
            )
        )
    with ResponseStore(content / "responses", root / "db.sqlite3") as store:
        store.merge(items)
    site = build(root / "output", content=content)
    with serve(site) as url:
        yield url


def test_at_least_thirty_vectors() -> None:
    assert len(BODIES) >= 30


def test_no_script_runs_in_a_hostile_thread(page: object, hostile_site: str) -> None:
    response = page.goto(f"{hostile_site}/2022/02/hostile/")
    assert response.ok
    listed = page.locator(".commentlist li, .pinglist li")
    assert listed.count() == len(BODIES)  # every item rendered, none dropped
    heading = page.locator("#comments-title").inner_text()
    assert heading.startswith(f"{len(BODIES)} Responses to")
    for body in page.locator(".comment-body, .ping-body").all():
        body.hover()
    for link in page.locator("#comments a").all()[:20]:
        link.focus()
    page.wait_for_timeout(300)
    assert page.dialogs == []
    assert page.console_errors == []
    assert page.evaluate("window.__xss") is None
    found = page.evaluate(
        """() => {
        const bad = [];
        const lists = '.commentlist *, .pinglist *';
        for (const el of document.querySelectorAll(lists)) {
          const tag = el.tagName.toLowerCase();
          if (['script', 'style', 'img', 'svg', 'math', 'iframe', 'object', 'embed',
               'base', 'meta', 'form', 'button', 'input', 'video', 'template',
               'select', 'details'].includes(tag)) bad.push(tag);
          for (const attr of el.attributes) {
            if (attr.name.startsWith('on') || attr.name === 'style' ||
                attr.name === 'target' || attr.name === 'name') bad.push(attr.name);
            const safe = /^(https?:|mailto:|#comment-)/;
            if (attr.name === 'href' && !safe.test(attr.value)) bad.push(attr.value);
          }
        }
        return bad;
      }"""
    )
    assert found == []
    assert page.evaluate("document.querySelectorAll('[id=comments]').length") == 1
    names = page.locator(".fn bdi").all_inner_texts()
    assert f'"><img src=x onerror={A}>' in names  # shown as text (B6)


def test_axe_on_an_article_with_responses(page: object) -> None:
    page.goto("/2018/02/chronic-back-pain-a-place-to-start/")
    assert page.locator(".commentlist li").count() >= 3
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
    assert page.console_errors == []
