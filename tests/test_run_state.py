"""Two builds in one process, as `make devserver` runs them: none of the first stays."""

from __future__ import annotations

from pathlib import Path

from pelican import Pelican
from pelican.settings import read_settings
import pytest

from pelican_plugins.responses.model import Response
from pelican_plugins.responses.store import ResponseStore
from tests.support import DEV_CONF, count_reads, soup, write_post

POST = """Title: Devserver
Date: 2021-03-01 10:00
Slug: devserver
Tags: posture

## Standing

Text.

## Sitting

More text.
"""


def comment(n: int) -> Response:
    return Response(
        id=f"d-{n}",
        key="devserver",
        type="comment",
        status="approved",
        parent=None,
        author_name=f"Reader {n}",
        author_url=None,
        date=f"2021-05-{n:02d}T10:00:00Z",
        content_html=f"<p>Response body {n}</p>",
    )


@pytest.fixture
def site(tmp_path: Path) -> Pelican:
    """One Pelican instance over a one-post site with two comments."""
    content = tmp_path / "content"
    write_post(content / "posts", "devserver.md", POST)
    store = ResponseStore(content / "responses", tmp_path / "responses.sqlite3")
    store.merge([comment(1), comment(2)])
    settings = read_settings(
        str(DEV_CONF),
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(tmp_path / "output"),
            "CACHE_PATH": str(tmp_path / "cache"),
            # Comments closed at first: the second build opens them.
            "RESPONSES_RECEIVER_URL": None,
        },
    )
    return Pelican(settings)


def page(pelican: Pelican) -> Path:
    return Path(pelican.output_path) / "2021/03/devserver/index.html"


def test_second_build_honours_settings_changed_in_between(site: Pelican) -> None:
    site.run()
    first = soup(page(site))
    assert first.select_one("nav.toc h2").get_text() == "On this page"
    assert not first.select("form#commentform")
    names = [a.get_text() for a in first.select(".tag-cloud a, .widget_tag_cloud a")]
    assert "posture" in " ".join(names)
    feed = Path(site.output_path) / "feeds/responses.atom.xml"
    assert feed.read_text("utf-8").count("<entry>") == 2

    # What `pelican -r` keeps between two builds: this instance and its settings.
    site.settings["TOC_TITLE"] = "In this post"
    site.settings["RESPONSES_FORM_ACTION"] = "https://comments.example/post"
    site.settings["RESPONSES_FEED_MAX_ITEMS"] = 1
    site.settings["TAG_CLOUD_SHOW_COUNT"] = True
    site.run()
    second = soup(page(site))
    assert second.select_one("nav.toc h2").get_text() == "In this post"
    assert second.select_one("form")["action"] == "https://comments.example/post"
    assert feed.read_text("utf-8").count("<entry>") == 1
    assert "(1)" in " ".join(a.get_text() for a in second.select("aside a"))


def test_a_rebuild_after_a_settings_change_uses_the_new_cache(
    site: Pelican, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = count_reads(monkeypatch)
    site.run()  # no fingerprint yet: cache_guard starts a new cache
    assert len(reads) == 1
    site.run()  # an edit elsewhere under the devserver: the post comes from the cache
    assert len(reads) == 1
    site.settings["TOC_TITLE"] = "In this post"
    site.run()  # the fingerprint changed: read again, once
    site.run()
    assert len(reads) == 2
    assert soup(page(site)).select_one("nav.toc h2").get_text() == "In this post"
