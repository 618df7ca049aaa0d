"""Share links: encoding (E8), services, share_post keys, and real builds."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest

from pelican_plugins.bookmarks.services import (
    DEFAULT_SERVICES,
    SERVICES,
    SHARE_POST_KEYS,
    Sharer,
    check_services,
    clean_instance,
    percent_encode,
    plain_title,
)
from tests.support import PUBLISH_CONF, build, soup, write_post

NASTY = 'Say "hi" & #1\nnext line: javascript:alert(1) — ünïcode 日本'
POST_URL = "https://listeningback.example/2020/05/nasty/"
FIXED_BASES = {
    "mastodon": "https://mastodon.example/share",
    "bluesky": "https://bsky.app/intent/compose",
    "reddit": "https://www.reddit.com/submit",
    "hacker-news": "https://news.ycombinator.com/submitlink",
    "linkedin": "https://www.linkedin.com/sharing/share-offsite/",
    "pinboard": "https://pinboard.in/add",
    "facebook": "https://www.facebook.com/sharer/sharer.php",
    "x": "https://twitter.com/intent/tweet",
}


def share_links(
    keys: list[str],
    title: str,
    url: str = POST_URL,
    instance: str = "",
    chooser: str = "",
) -> list:
    """The links a build would attach for an absolute *url*."""
    return Sharer(keys, "", instance, chooser).data(title, url)[0]


def links_for(title: str, instance: str = "") -> dict[str, str]:
    links = share_links(list(FIXED_BASES), plain_title(title), instance=instance)
    return {link.key: link.url for link in links}


def test_every_link_starts_with_its_fixed_https_base() -> None:
    got = links_for(NASTY, instance="mastodon.example")
    for key, base in FIXED_BASES.items():
        assert got[key].startswith(base + "?"), key


@pytest.mark.parametrize("key", sorted(FIXED_BASES))
def test_title_and_url_round_trip_through_percent_encoding(key: str) -> None:
    url = links_for(NASTY, instance="mastodon.example")[key]
    query = urlsplit(url).query
    for char in ' "#\n<>':
        assert char not in query, (key, char)
    params = parse_qs(query, strict_parsing=True)
    assert query.count("&") == len(params) - 1, "a raw & would split a value"
    values = {v for vs in params.values() for v in vs}
    title = plain_title(NASTY)
    assert any(POST_URL in v for v in values), key
    if key not in {"linkedin", "facebook"}:  # these take the URL only
        assert any(title in v for v in values), key


@pytest.mark.parametrize(
    "text",
    ["", "Plain words", "2020/05/p0/", "a_b.c-d~e", NASTY, "x?y=1&z", "50% ok", "é/日"],
)
def test_fast_percent_encoding_matches_quote(text: str) -> None:
    assert percent_encode(text) == quote(text, safe="")
    # Encoding is per character, so a site address can be encoded once per build.
    assert percent_encode("https://x.example/" + text) == (
        percent_encode("https://x.example/") + percent_encode(text)
    )


def test_site_address_encoded_once_gives_the_same_links_as_whole_urls() -> None:
    base, path = "https://listeningback.example/", "2020/05/nasty/"
    chooser = "https://listeningback.example/share/"
    sharer = Sharer(list(SERVICES), base, "", chooser)
    whole = Sharer(list(SERVICES), "", "", chooser)
    title = plain_title(NASTY)
    assert sharer.data(title, path) == whole.data(title, base + path)


def test_title_is_plain_text_on_one_line() -> None:
    assert plain_title("A <em>b</em> &amp; c\nd") == "A b & c d"


def test_email_link_uses_percent_twenty_not_plus() -> None:
    (link,) = share_links(["email"], "a + b & c?")
    assert link.url.startswith("mailto:?subject=")
    subject, body = link.url.removeprefix("mailto:?").split("&")
    assert subject == "subject=a%20%2B%20b%20%26%20c%3F"
    assert unquote(body.removeprefix("body=")) == POST_URL


def test_mastodon_without_instance_uses_our_own_page() -> None:
    chooser = "https://listeningback.example/share/"
    (link,) = share_links(["mastodon"], "T", chooser=chooser)
    assert link.url.startswith("https://listeningback.example/share/?")
    assert parse_qs(urlsplit(link.url).query) == {"title": ["T"], "url": [POST_URL]}


def test_bluesky_text_stays_within_the_post_limit() -> None:
    (link,) = share_links(["bluesky"], "x" * 400)
    text = parse_qs(urlsplit(link.url).query)["text"][0]
    assert len(text) <= 300
    assert text.endswith(" " + POST_URL)


def test_services_drop_dead_unknown_and_repeated_keys() -> None:
    kept, problems = check_services(
        ["pinboard", "delicious", "pocket", "myspace", "pinboard", "email"]
    )
    assert kept == ("pinboard", "email")
    assert len(problems) == 4
    assert "read-only since June 2017" in problems[0]


@pytest.mark.parametrize(
    ("raw", "host"),
    [
        ("mastodon.social", "mastodon.social"),
        ("https://Mastodon.Social/", "mastodon.social"),
        ("@me@hachyderm.io", "hachyderm.io"),
        ("evil.example/path?x", ""),
        ("javascript:alert(1)", ""),
        ("localhost", ""),
    ],
)
def test_mastodon_instance_is_a_bare_host(raw: str, host: str) -> None:
    assert clean_instance(raw) == host


def test_share_post_has_every_pelican_share_post_key() -> None:
    got = Sharer((), "", "", "/share/").data("T", POST_URL)[1]
    assert set(got) == set(SHARE_POST_KEYS)
    assert got["twitter"].startswith("https://twitter.com/intent/tweet?")
    assert got["diaspora"].startswith("/share/?to=diaspora&")


def _site(tmp_path: Path, **overrides: object) -> Path:
    content = tmp_path / "content"
    for n, title in enumerate([NASTY.replace("\n", " "), "Plain"]):
        write_post(
            content / "posts",
            f"p{n}.md",
            f"Title: {title}\nDate: 2020-05-0{n + 1}\nSlug: p{n}\nTags: a\n\nBody.\n",
        )
    write_post(content / "pages", "about.md", "Title: About\nSlug: about\n\nMe.\n")
    return build(tmp_path / "out", content=content, **overrides)


def test_published_article_has_absolute_attribute_escaped_links(tmp_path: Path) -> None:
    site = _site(tmp_path, conf=PUBLISH_CONF)
    raw = (site / "2020" / "05" / "p0" / "index.html").read_text("utf-8")
    assert "javascript:alert" not in raw.split('class="share"')[1].split("</ul>")[0]
    page = soup(site / "2020" / "05" / "p0" / "index.html")
    links = page.select(".share-links a")
    assert [a["class"][1] for a in links] == [f"share-{k}" for k in DEFAULT_SERVICES]
    for a in links:
        assert a["rel"] == ["noopener", "noreferrer"]
        assert a["href"].startswith(("https://", "mailto:?")), a["href"]
    mastodon = page.select_one(".share-mastodon")["href"]
    assert mastodon.startswith("https://listeningback.example/share/?")
    query = parse_qs(urlsplit(mastodon).query)
    assert query["url"] == ["https://listeningback.example/2020/05/p0/"]
    assert (site / "share" / "index.html").exists()
    assert page.select_one("script[src$='/js/share.js'][defer]")
    assert not page.select("script:not([src])"), "no inline scripts"
    about = soup(site / "about" / "index.html")
    assert not about.select("script"), "the script loads only on article pages"


def test_dev_build_warns_once_and_still_links_absolutely(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A base of its own: Pelican drops a warning identical to one already logged
    # by an earlier build in the same process.
    with caplog.at_level(logging.WARNING):
        site = _site(tmp_path, BOOKMARKS_DEV_SITEURL="http://127.0.0.1:8123")
    warnings = [r for r in caplog.records if "bookmarks: SITEURL" in r.getMessage()]
    assert len(warnings) == 1
    page = soup(site / "2020" / "05" / "p1" / "index.html")
    reddit = page.select_one(".share-reddit")["href"]
    assert parse_qs(urlsplit(reddit).query)["url"] == [
        "http://127.0.0.1:8123/2020/05/p1/"
    ]


def test_configured_services_instance_and_dead_keys(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    site = _site(
        tmp_path,
        conf=PUBLISH_CONF,
        BOOKMARKS_SERVICES=["x", "delicious", "mastodon", "facebook"],
        BOOKMARKS_MASTODON_INSTANCE="https://mastodon.example/",
    )
    assert "'delicious' is a dead service" in caplog.text
    page = soup(site / "2020" / "05" / "p1" / "index.html")
    keys = [a.get_text() for a in page.select(".share-links a")]
    assert keys == ["X", "Mastodon", "Facebook"]
    mastodon = page.select_one(".share-mastodon")["href"]
    assert mastodon == (
        "https://mastodon.example/share?text="
        "Plain%20https%3A%2F%2Flisteningback.example%2F2020%2F05%2Fp1%2F"
    )


def test_sample_site_keeps_the_bookmark_permalink(site: Path) -> None:
    page = soup(
        site / "2018" / "02" / "chronic-back-pain-a-place-to-start" / "index.html"
    )
    permalink = page.select_one(".entry-utility a[rel=bookmark]")
    assert permalink["href"] == "/2018/02/chronic-back-pain-a-place-to-start/"
    tools = page.select_one("[data-share-tools]")
    assert tools.has_attr("hidden"), "JS-only controls are hidden without JS"
    assert tools.select_one("[data-copy]")["data-copy"] == permalink["href"]
    assert tools.select_one("[aria-live]")
    assert "delicious" not in page.decode().lower()


def test_article_pages_load_at_most_two_kilobytes_of_our_script(site: Path) -> None:
    page = soup(
        site / "2018" / "02" / "chronic-back-pain-a-place-to-start" / "index.html"
    )
    scripts = [s["src"] for s in page.select("script[src]")]
    # share.js, and the comment form's optional reply script: each within budget.
    assert scripts == ["/theme/js/share.js", "/theme/js/comment-reply.js"]
    assert all(s.has_attr("defer") for s in page.select("script[src]"))
    for script in scripts:
        assert (site / script.lstrip("/")).stat().st_size <= 2048
