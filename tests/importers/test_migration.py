"""A whole WordPress blog migrated with --posts, then built with publishconf.py.

The export (tests/importers/migration.py) is ours; the build is a real Pelican
build of the sample blog plus the imported posts, served over real HTTP.
"""

from __future__ import annotations

import json
from pathlib import Path
import re
import shutil
from urllib.parse import urlsplit
import urllib.request

from bs4 import BeautifulSoup
import pytest

from pelican_plugins.importers.articles import ArticleIndex
from pelican_plugins.importers.cli import run
from pelican_plugins.importers.urls import load_settings
from tests.importers.migration import OLD_PATHS, SECRETS, export, migrate, nu_check
from tests.importers.wxrdoc import tree_bytes
from tests.support import DEV_CONF, PUBLISH_CONF, build, serve

SITEURL = "https://listeningback.example"
EMAIL = re.compile(rb"[\w.+-]+@[\w-]+\.[\w.-]+")


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> tuple[Path, Path, object]:
    tmp = tmp_path_factory.mktemp("migration")
    content, report = migrate(tmp)
    output = build(tmp / "output", content=content, conf=PUBLISH_CONF)
    return content, output, report


def fetch(base: str, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(base + path, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_every_old_path_answers_with_its_post(migrated):
    _, output, _ = migrated
    with serve(output) as base:
        for old in OLD_PATHS:
            status, text = fetch(base, old)
            assert status == 200, old
            page = BeautifulSoup(text, "lxml")
            refresh = page.find("meta", attrs={"http-equiv": "refresh"})
            if refresh is None:
                continue  # the post kept its old URL
            canonical = page.find("link", rel="canonical")["href"]
            assert refresh["content"] == f"0; url={canonical}"
            assert canonical.startswith(SITEURL + "/")
            status, final = fetch(base, urlsplit(canonical).path)
            assert status == 200, (old, canonical)
            assert "http-equiv" not in final
    netlify = (output / "_redirects").read_text("utf-8").splitlines()
    assert f"/2013/01/11/caption-post/ {SITEURL}/2013/01/caption-post/ 301" in netlify
    assert f"/tag/content-2/ {SITEURL}/tag/content/ 301" in netlify
    nginx = (output / "redirects.nginx.conf").read_text("utf-8")
    assert 'location = "/gallery-post/" { return 301 ' in nginx
    apache = (output / ".htaccess").read_text("utf-8")
    assert 'RedirectMatch 301 "^/gallery\\-post/?$"' in apache


def test_old_urls_survive_a_rebuild_and_still_match_pingbacks(migrated, tmp_path):
    content, _, _ = migrated
    again = build(tmp_path / "again", content=content, conf=PUBLISH_CONF)
    assert (again / "2013/01/11/caption-post/index.html").is_file()
    # A pingback that cites the old address is matched to the post.
    index = ArticleIndex(content, load_settings(DEV_CONF))
    found = index.match(link="https://old.example/2013/01/11/caption-post/")
    assert found is not None and found.slug == "caption-post"


def test_no_private_text_drafts_or_email_in_any_output(migrated):
    _, output, report = migrated
    assert not (output / "drafts").exists()
    emails = set(EMAIL.findall(export().encode()))
    assert len(emails) >= 4  # authors' and commenters' addresses
    for path in output.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in SECRETS:
                assert secret.encode() not in data, (secret, path)
            for email in emails:
                assert email not in data, (email, path)
    assert any("password-protected" in w for w in report.warnings)


def test_the_import_is_deterministic(migrated, tmp_path):
    content, _, _ = migrated
    again, _ = migrate(tmp_path)
    assert tree_bytes(again) == tree_bytes(content)


def test_hostile_post_id_is_refused_and_about_page_is_untouched(migrated):
    content, output, report = migrated
    assert any("is not digits" in line for line in report.posts.refused)
    assert report.exit_code == 1
    about = (output / "about" / "index.html").read_text("utf-8")
    assert "HOSTILE" not in about and "About" in about
    for path in content.rglob("*.html"):
        assert "Save_as" not in path.read_text("utf-8")


def test_over_long_names_are_capped_and_do_not_collide(migrated):
    content, _, _ = migrated
    long_files = list((content / "posts").glob("breathing-*.html"))
    assert len(long_files) == 2
    for path in long_files:
        assert len(path.stem.encode()) <= 200
    assert any(p.stem.endswith("-110") for p in long_files)


def test_no_raw_shortcode_and_wordpress_markup_converted(migrated):
    _, output, report = migrated
    for path in output.rglob("*.html"):
        text = path.read_text("utf-8")
        for name in ("caption", "gallery", "audio", "video", "playlist", "embed"):
            assert f"[{name}" not in text, (name, path)
    post = BeautifulSoup(
        (output / "2013/01/caption-post/index.html").read_text("utf-8"), "lxml"
    )
    body = post.select_one(".entry-content")
    figure = body.select_one("figure.wp-caption.aligncenter")
    assert figure.figcaption.get_text(strip=True) == "Lying on the floor, knees up"
    assert "tab-indented paragraph, not code" in body.get_text()
    assert not body.find(["pre", "code"], string=re.compile("tab-indented"))
    assert body.find("p", string=re.compile("tab-indented"))
    assert body.find("br")  # the single newline of the first paragraph
    assert not body.find(["tt", "strike", "big", "acronym", "center", "font"])
    assert body.find("abbr", title="Central nervous system")
    assert body.find("blockquote").get("cite") is None
    assert body.select_one('a[href="/gallery-post/"]')  # an old link, redirected
    gallery = BeautifulSoup(
        (output / "2013/02/gallery-post/index.html").read_text("utf-8"), "lxml"
    )
    items = gallery.select(".gallery.gallery-columns-2 figure.gallery-item img")
    assert [img["alt"] for img in items] == ["Alt of image-one", "Alt of image-two"]
    # The gallery's size (thumbnail) is the resized copy named in the metadata,
    # copied in from --uploads; the link goes to the full image.
    uploads = f"{SITEURL}/wp-content/uploads/2013/02"
    assert [img["src"] for img in items] == [
        f"{uploads}/one-150x150.png",
        f"{uploads}/two-150x150.png",
    ]
    assert items[0].parent["href"] == f"{uploads}/one.png"
    assert "<!-- wp:" not in str(gallery)
    media = BeautifulSoup(
        (output / "2014/03/media-post/index.html").read_text("utf-8"), "lxml"
    )
    assert media.select_one("audio[controls][src]")
    link = media.select_one("a.embed-link")
    assert link["href"] == "https://www.youtube.com/watch?v=abc123"
    assert not media.find("iframe")
    assert "<!--nextpage-->" not in str(media)
    assert "[unknown_widget size=3]" in media.get_text()  # left as written
    assert report.posts.site.left["unknown_widget"] == 1
    assert report.posts.site.converted["gallery"] == 1


def test_every_local_image_exists_and_missing_media_are_reported(migrated):
    _, output, report = migrated
    checked = 0
    for path in output.rglob("*.html"):
        for img in BeautifulSoup(path.read_text("utf-8"), "lxml").find_all("img"):
            urls = [img.get("src", "")]
            urls += [e.split()[0] for e in img.get("srcset", "").split(",") if e]
            for url in urls:
                local = url.removeprefix(SITEURL)
                if local.startswith("/"):
                    checked += 1
                    assert (output / local.lstrip("/")).is_file(), (url, path)
    assert checked >= 5
    assert (output / "wp-content/uploads/2013/01/photo-300x200.png").is_file()
    media = report.posts.site.media
    assert "https://old.example/wp-content/uploads/2013/01/missing.png" in media.missing
    assert media.remote["old.example"] == 1


def test_metadata_summary_authors_categories_sticky_and_pages(migrated):
    _, output, _ = migrated
    home = BeautifulSoup((output / "index.html").read_text("utf-8"), "lxml")
    titles = [a.get_text(strip=True) for a in home.select("main h2 a")]
    assert titles[0] == "Gallery post"  # sticky, though older than the rest
    assert home.select_one("article.summary.sticky h2").get_text(strip=True) == (
        "Gallery post"
    )
    text = home.get_text()
    assert "A hand-written excerpt." in text
    assert "After the fold" not in text  # the more-tag ends the summary
    post = (output / "2013/01/caption-post/index.html").read_text("utf-8")
    assert "Tom Reyes" in post and ">tom<" not in post
    assert (output / "category/somatics/index.html").is_file()
    assert (output / "tag/breath-work/index.html").is_file()  # second category

    # "Recent posts" lists the whole site's latest posts on every page, also on
    # a tag page whose own posts are all from 2013.
    def recent(path: Path) -> list[str]:
        page = BeautifulSoup(path.read_text("utf-8"), "lxml")
        return [a.get_text() for a in page.select("#recent-title + ul a")]

    assert recent(output / "tag/content/index.html") == recent(output / "index.html")
    assert "Caption & more" not in recent(output / "tag/content/index.html")
    assert "Page not found" in (output / "404.html").read_text("utf-8")
    nested = output / "learn/method/details/index.html"
    assert nested.is_file()
    menu = BeautifulSoup(nested.read_text("utf-8"), "lxml").select(".site-nav a")
    labels = [a.get_text(strip=True) for a in menu]
    assert "Learn" in labels and "Method" not in labels and "Details" not in labels


def test_page_comments_are_shown_with_counts_and_feed(migrated):
    _, output, _ = migrated
    page = BeautifulSoup(
        (output / "learn/method/details/index.html").read_text("utf-8"), "lxml"
    )
    title = page.select_one("#comments-title").get_text(" ", strip=True)
    assert title.startswith("2 Responses to")
    assert "Page note one." in page.get_text() and "Page note two." in page.get_text()
    assert (output / "feeds/responses/details.atom.xml").is_file()


def test_importer_markup_passes_the_nu_checker(migrated, tmp_path):
    if shutil.which("java") is None:
        pytest.skip("Java not found: the Nu HTML Checker needs a Java runtime")
    _, output, _ = migrated
    pages = tmp_path / "pages"
    for rel in (
        "2013/01/caption-post/index.html",
        "2013/02/gallery-post/index.html",
        "2014/03/media-post/index.html",
        "learn/method/details/index.html",
        "404.html",
        "gallery-post/index.html",
    ):
        target = pages / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(output / rel, target)
    result = nu_check(pages)
    assert result.returncode == 0, result.stdout + result.stderr


def test_shared_wordpress_com_export_imports_and_builds(tmp_path):
    export = Path(__file__).resolve().parents[2].parent / "shared/fixtures/wxr"
    path = export / "wordpress-com-wxr-1.2.xml"
    if not path.is_file():
        pytest.skip(f"{path} is not available")
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    report = run(
        "wordpress",
        path,
        content,
        tmp_path / "db.sqlite3",
        posts=True,
        settings=load_settings(DEV_CONF),
    )
    assert report.posts.site.converted["gallery"] >= 5
    assert report.posts.site.media.remote["wpthemetestdata.files.wordpress.com"] > 50
    output = build(tmp_path / "out", content=content, conf=PUBLISH_CONF)
    assert (output / "level-1/level-2/level-3/index.html").is_file()
    protected = "should not be visible until the password is entered"
    for page in output.rglob("*"):
        if page.is_file() and page.suffix in (".html", ".xml"):
            text = page.read_text("utf-8")
            assert "[gallery" not in text and "[caption" not in text, page
            assert protected not in text, page
    if shutil.which("java") is None:
        return
    # The whole theme-unit-test export, converted: 0 Nu errors.
    result = nu_check(output)
    assert result.returncode == 0, result.stdout + result.stderr


def test_old_tag_urls_go_to_the_redirects_file_the_build_reads(tmp_path):
    content, _ = migrate(tmp_path, REDIRECTS_FILE="old-links.json")
    assert not (content / "redirects.json").exists()
    entries = json.loads((content / "old-links.json").read_text("utf-8"))
    assert any(entry.get("tag") for entry in entries)
