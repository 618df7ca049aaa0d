"""Unit tests of the pure conversion rules: shortcodes, wpautop, markup, URLs."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
import pytest

from pelican_plugins.importers import phpdata, urls
from pelican_plugins.importers.posts import cap_bytes, meta_line, plain_title
from pelican_plugins.importers.shortcodes import Shortcode, parse_atts, tokenize
from pelican_plugins.importers.wpautop import wpautop
from pelican_plugins.importers.wpcontent import (
    _render,
    _State,
    convert,
    finished,
    is_oembed,
)
from pelican_plugins.importers.wpmarkup import modernise
from pelican_plugins.importers.wpmedia import Attachment, Site
from pelican_plugins.redirects import output_file
from pelican_plugins.responses.targets import old_urls

NAMES = {"caption", "gallery", "audio"}


def autop(text: str) -> str:
    soup = BeautifulSoup(text, "html.parser")
    wpautop(soup)
    return str(soup).strip()


def test_shortcode_attributes_follow_wordpress_forms():
    atts = parse_atts(' ids="1,2" columns=\'3\' link=file "pos one" bare ')
    assert atts == {
        "ids": "1,2",
        "columns": "3",
        "link": "file",
        "0": "pos one",
        "1": "bare",
    }
    assert parse_atts('Caption="<b"') == {"caption": ""}  # unclosed < is emptied


def test_tokenizer_enclosing_self_closing_escaped_and_unregistered():
    parts = tokenize(
        'a [caption width="1"]<img src=x> T[/caption] b [gallery] [[audio]] [x]',
        NAMES,
    )
    codes = [p for p in parts if isinstance(p, Shortcode)]
    assert [(c.name, c.content) for c in codes] == [
        ("caption", "<img src=x> T"),
        ("gallery", None),
    ]
    text = "".join(p if isinstance(p, str) else "" for p in parts)
    assert "[audio]" in text and "[x]" in text  # escaped and unknown stay text
    assert tokenize("[gallery-x] [galleryx]", NAMES) == ["[gallery-x] [galleryx]"]


def test_wpautop_paragraphs_breaks_and_blocks():
    assert autop("one\ntwo\n\nthree") == "<p>one<br/>\ntwo</p>\n\n<p>three</p>"
    assert autop("\tTabbed line") == "<p>Tabbed line</p>"
    assert autop("<div>\nx\n</div>") == "<div>\nx\n</div>"
    assert autop("<div>a\n\nb</div>") == "<div>\n<p>a</p>\n\n<p>b</p>\n</div>"
    assert autop("<ul>\n<li>a\nb</li>\n</ul>") == "<ul>\n<li>a<br/>\nb</li>\n</ul>"
    assert autop("<pre>a\n\n b</pre>") == "<pre>a\n\n b</pre>"


def test_modernise_replaces_obsolete_tags_and_attributes():
    soup = BeautifulSoup(
        '<tt>t</tt><big>b</big><center>c</center><font color="red" size="5">f</font>'
        '<img src="a.png" align="left" border="1" width="50%">'
        '<blockquote cite="not a url">q</blockquote>'
        '<table cellpadding="2" border="3"><tr><td align="right" width="20">x</td>'
        "</tr></table>",
        "html.parser",
    )
    modernise(soup)
    html = str(soup)
    for old in ("<tt", "<big", "<center", "<font", "align=", "cellpadding", "cite="):
        assert old not in html
    assert soup.img["class"] == ["alignleft"]
    assert "width: 50%" in soup.img["style"] and soup.img["alt"] == ""
    assert soup.find("span", style="color: red; font-size: x-large")
    assert soup.table["border"] == "1"
    assert soup.td["style"] == "text-align: right; width: 20px"


def test_convert_caption_gallery_more_excerpt_and_nextpage():
    site = Site(
        host="old.example",
        attachments={
            "5": Attachment(
                "5",
                "https://cdn.example/a.jpg",
                "A",
                "Cap",
                "Alt",
                "9",
                1,
                "image/jpeg",
            ),
            "6": Attachment(
                "6", "https://cdn.example/b.jpg", "B", "", "", "9", 0, "image/jpeg"
            ),
        },
    )
    raw = (
        '[caption id="attachment_5" align="alignleft" width="200"]'
        '<img src="https://cdn.example/a.jpg"> Its caption[/caption]\n\n'
        "Teaser.<!--more-->\n\n[gallery]\n<!--nextpage-->\nPage two."
    )
    result = convert(raw, "9", "", site)
    soup = BeautifulSoup(result.body, "html.parser")
    figure = soup.find("figure", id="attachment_5")
    assert figure["aria-describedby"] == "caption-attachment_5"
    assert figure.figcaption.get_text() == "Its caption"
    # Without ids the gallery shows the post's images by menu order.
    assert [i["src"] for i in soup.select(".gallery img")] == [
        "https://cdn.example/b.jpg",
        "https://cdn.example/a.jpg",
    ]
    assert soup.find("span", id="more-9")
    assert result.nextpage == 1 and "nextpage" not in result.body
    assert "Teaser." in result.summary and "gallery" not in result.summary
    excerpt = convert(raw, "9", "Own words.", site).summary
    assert excerpt == "<p>Own words.</p>"
    assert site.media.remote["cdn.example"] >= 2


def test_block_content_gets_no_wpautop_and_loses_its_comments():
    body = convert(
        "<!-- wp:paragraph -->\n<p>One\ntwo</p>\n<!-- /wp:paragraph -->",
        "1",
        "",
        Site(),
    ).body
    assert body.strip() == "<p>One\ntwo</p>"


def test_oembed_urls_become_links_only_for_known_providers():
    assert is_oembed("https://www.youtube.com/watch?v=1")
    assert not is_oembed("https://my.blog.example/post")
    body = convert(
        "https://vimeo.com/1\n\nhttps://my.blog.example/x", "1", "", Site()
    ).body
    soup = BeautifulSoup(body, "html.parser")
    assert [a["href"] for a in soup.find_all("a")] == ["https://vimeo.com/1"]


def test_uploads_are_copied_and_rewritten(tmp_path: Path):
    uploads = tmp_path / "uploads"
    (uploads / "2020/01").mkdir(parents=True)
    (uploads / "2020/01/a.jpg").write_bytes(b"jpg")
    (uploads / "2020/01/a-150x150.jpg").write_bytes(b"small")
    content = tmp_path / "content"
    site = Site(host="old.example", uploads=uploads, content=content)
    body = convert(
        '<img src="https://old.example/wp-content/uploads/2020/01/a.jpg" '
        'srcset="https://old.example/wp-content/uploads/2020/01/a-150x150.jpg 150w">'
        '<img src="https://old.example/wp-content/uploads/../../etc/passwd">',
        "1",
        "",
        site,
    ).body
    assert '{static}/wp-content/uploads/2020/01/a.jpg"' in body
    assert "/wp-content/uploads/2020/01/a-150x150.jpg 150w" in body
    assert (
        content / "wp-content/uploads/2020/01/a-150x150.jpg"
    ).read_bytes() == b"small"
    assert site.media.copied == {"2020/01/a.jpg", "2020/01/a-150x150.jpg"}
    assert not (tmp_path / "etc").exists()


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("https://old.example/2013/01/11/slug/", "/2013/01/11/slug/"),
        ("https://old.example/k%C3%B6rper", "/k%C3%B6rper/"),
        ("https://old.example/?p=12", None),
        ("https://old.example/a/../b/", None),
        ("https://old.example/blog/x/", "/x/"),
    ],
)
def test_old_path(link, expected):
    base = "/blog" if "/blog/" in link else ""
    assert urls.old_path(link, base) == expected


def test_settings_rules_come_from_pelican():
    settings = urls.load_settings(
        Path(__file__).resolve().parents[2] / "pelicanconf.py"
    )
    date = urls.post_date("0000-00-00 00:00:00", "2019-03-04 05:06:07")
    assert date is not None and date.year == 2019
    assert urls.article_url(settings, "s", date, "") == "/2019/03/s/"
    assert urls.tag_url(settings, "Content 2") == "/tag/content-2/"
    assert urls.nested_page("/a/b/", "c") == ("a/b/c/", "a/b/c/index.html")


def test_metadata_values_are_single_lines_and_names_are_capped():
    assert meta_line("a\nSave_as: x\r\n\u2028b") == "a Save_as: x b"
    assert plain_title("A &amp; <em>B</em>") == "A & B"
    assert len(cap_bytes("é" * 150).encode()) <= 200


def test_redirect_paths_stay_inside_the_output(tmp_path: Path):
    assert old_urls("/a/ https://evil.example/ /b/../c/ /d", "https://b.example") == [
        "/a/",
        "/d/",
    ]
    assert output_file(tmp_path, "/x/y/") == tmp_path / "x/y/index.html"
    assert output_file(tmp_path, "/" + "a" * 300 + "/") is None
    assert output_file(tmp_path, "/%2e%2e/%2e%2e/etc/") is None


@pytest.mark.parametrize(
    "html",
    [
        '<h2>A</h2>\n<p>b <a href="/x/">c</a> &amp; d</p>',
        '<p><img src="a.png" alt="x" width="10"></p>\n<ul>\n<li>one</li>\n</ul>',
        "<pre>a\n\n  b</pre>",
    ],
)
def test_finished_html_passes_unchanged_and_equals_the_full_path(html):
    site = Site(host="old.example")
    assert finished(html, site)
    fast = convert(html, "1", "", site).body
    assert fast == html + "\n"
    slow = _render(html, False, _State("1", site))

    def norm(text: str) -> str:
        return BeautifulSoup(text, "html.parser").decode().strip()

    assert norm(slow) == norm(fast)


@pytest.mark.parametrize(
    "html",
    [
        "loose text",
        "<p>a\nb</p>",
        "<p><tt>x</tt></p>",
        "<p>x</p> tail",
        "<em>x</em>",
        '<p><a href="https://old.example/x">y</a></p>',
        "<p>https://vimeo.com/1</p>",
    ],
)
def test_html_that_wordpress_would_change_takes_the_full_path(html):
    assert not finished(html, Site(host="old.example"))


def test_video_playlist_and_embed_shortcodes_become_html5_media():
    site = Site(
        attachments={
            "7": Attachment(
                "7", "https://cdn.example/a.mp3", "Track A", "", "", "3", 0, "audio/mp3"
            ),
            "8": Attachment(
                "8", "https://cdn.example/b.mp3", "Track B", "", "", "3", 1, "audio/mp3"
            ),
        }
    )
    raw = (
        '[video width="640" height="360" mp4="https://cdn.example/v.mp4" '
        'poster="https://cdn.example/p.jpg"][/video]\n\n'
        '[playlist ids="8,7"]\n\n'
        "[embed]https://vimeo.com/42[/embed]\n\n"
        "[video]"
    )
    soup = BeautifulSoup(convert(raw, "3", "", site).body, "html.parser")
    video = soup.find("video")
    assert (video["src"], video["width"], video["poster"]) == (
        "https://cdn.example/v.mp4",
        "640",
        "https://cdn.example/p.jpg",
    )
    assert video.has_attr("controls")
    tracks = soup.select("ol.wp-playlist audio")
    assert [t["src"] for t in tracks] == [
        "https://cdn.example/b.mp3",
        "https://cdn.example/a.mp3",
    ]
    assert soup.select_one("a.embed-link")["href"] == "https://vimeo.com/42"
    assert "[video]" in soup.get_text()  # no source: left as written
    assert site.left["video"] == 1 and site.converted["playlist"] == 1


def test_php_serialized_metadata_is_read_without_running_anything():
    value = phpdata.loads(
        'a:2:{s:4:"file";s:11:"2019/ü.jpg";s:5:"sizes";a:1:{s:5:"thumb";'
        'a:2:{s:4:"file";s:5:"x.jpg";s:5:"width";i:150;}}}'
    )
    assert value == {
        "file": "2019/ü.jpg",
        "sizes": {"thumb": {"file": "x.jpg", "width": 150}},
    }
    for bad in ('O:8:"stdClass":0:{}', 's:9:"short";', "a:1:{" * 20, "i:1;junk"):
        with pytest.raises(ValueError):
            phpdata.loads(bad)


def test_a_caption_repeated_in_a_post_gets_the_slugs_rule_suffix():
    """Figure ids stay unique with the one suffix scheme (slugs.rules.unique)."""
    caption = (
        '[caption id="attachment_5" width="200"]'
        '<img src="https://cdn.example/a.jpg"> Again[/caption]\n\n'
    )
    result = convert(caption * 3, "9", "", Site(host="old.example"))
    soup = BeautifulSoup(result.body, "html.parser")
    ids = [f["id"] for f in soup.find_all("figure")]
    assert ids == ["attachment_5", "attachment_5-1", "attachment_5-2"]
    labels = [f["aria-describedby"] for f in soup.find_all("figure")]
    assert labels == [f"caption-{i}" for i in ids]
