"""One rule for "published" (contents.published): listed and hidden posts and
pages with their translations, for the targets file, responses and redirects."""

from __future__ import annotations

import json
from pathlib import Path

from pelican_plugins.responses.store import ResponseStore
from tests.support import build, soup, write_post
from tests.test_responses_site import item

SITE = "https://blog.example"


def test_hidden_pages_and_translations_are_published(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_post(
        content / "pages",
        "thanks.md",
        "Title: Thanks for subscribing\nSlug: thanks\nStatus: hidden\n"
        "Old_urls: /merci-old/\n\nYou are in.\n",
    )
    write_post(
        content / "posts",
        "lesson.md",
        "Title: Lesson\nSlug: lesson\nDate: 2020-01-05\n\nHello.\n",
    )
    write_post(
        content / "posts",
        "lesson-fr.md",
        "Title: Leçon\nSlug: lesson\nLang: fr\nDate: 2020-01-05\n"
        "Old_urls: /2014/lecon/\n\nBonjour.\n",
    )
    write_post(
        content / "posts",
        "secret.md",
        "Title: Secret\nDate: 2020-01-06\nStatus: hidden\n\nOff the lists.\n",
    )
    write_post(
        content / "posts",
        "draft.md",
        "Title: Draft\nDate: 2020-01-07\nStatus: draft\n\nNot yet.\n",
    )
    with ResponseStore(content / "responses", tmp_path / "db.sqlite3") as store:
        store.merge([item(1, "thanks")])
    output = build(tmp_path / "output", content=content, SITEURL=SITE)

    # The receiver accepts replies to the hidden page and the hidden post.
    data = json.loads((output / "responses-targets.json").read_text("utf-8"))
    assert data["targets"] == {
        "/2020/01/lesson/": "lesson",
        "/lesson-fr.html": "lesson",
        "/2014/lecon/": "lesson",
        "/2020/01/secret/": "secret",
        "/thanks/": "thanks",
        "/merci-old/": "thanks",
    }
    # ...and the hidden page shows its approved response.
    page = soup(output / "thanks" / "index.html")
    assert "Response body 1" in page.get_text()
    # Old URLs of a hidden page and of a translation are redirected too.
    for old, new in (("merci-old", "/thanks/"), ("2014/lecon", "/lesson-fr.html")):
        redirect = (output / old / "index.html").read_text("utf-8")
        assert f"{SITE}{new}" in redirect, old
