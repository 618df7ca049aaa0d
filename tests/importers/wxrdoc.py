"""Build small WXR documents for the importer tests (our own fixtures), run commands."""

from __future__ import annotations

import copy
import functools
from pathlib import Path
import subprocess
import sys

from pelican_plugins.importers.cli import run
from pelican_plugins.importers.report import Report
from pelican_plugins.importers.urls import load_settings
from pelican_plugins.responses.model import Response
from pelican_plugins.responses.store import ResponseStore
from tests.support import DEV_CONF, ROOT, write_post

WP12 = "http://wordpress.org/export/1.2/"
ID = "wp-old.example-"  # id prefix of the comments of wxr()'s default site


def cdata(text: str) -> str:
    """Wrap in CDATA, split WordPress-style when the text holds ']]>'."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def comment(
    cid: int | str,
    *,
    author: str = "Ann",
    email: str = "ann@mail.example",
    url: str = "",
    ip: str = "192.0.2.1",
    date: str = "2020-01-02 03:04:05",
    date_gmt: str | None = None,
    content: str = "Hello there.",
    approved: str = "1",
    kind: str = "",
    parent: int | str = 0,
    meta: str = "",
) -> str:
    """One <wp:comment> element."""
    return (
        "<wp:comment>"
        f"<wp:comment_id>{cid}</wp:comment_id>"
        f"<wp:comment_author>{cdata(author)}</wp:comment_author>"
        f"<wp:comment_author_email>{cdata(email)}</wp:comment_author_email>"
        f"<wp:comment_author_url>{url}</wp:comment_author_url>"
        f"<wp:comment_author_IP>{cdata(ip)}</wp:comment_author_IP>"
        f"<wp:comment_date>{date}</wp:comment_date>"
        f"<wp:comment_date_gmt>{date if date_gmt is None else date_gmt}"
        "</wp:comment_date_gmt>"
        f"<wp:comment_content>{cdata(content)}</wp:comment_content>"
        f"<wp:comment_approved>{approved}</wp:comment_approved>"
        f"<wp:comment_type>{kind}</wp:comment_type>"
        f"<wp:comment_parent>{parent}</wp:comment_parent>"
        f"<wp:comment_user_id>0</wp:comment_user_id>{meta}"
        "</wp:comment>\n"
    )


def item(
    post_id: int | str,
    *,
    title: str = "A post",
    slug: str = "a-post",
    link: str | None = None,
    status: str = "publish",
    kind: str = "post",
    password: str = "",
    date: str = "2020-01-02 10:00:00",
    content: str = "<p>Body</p>",
    comments: tuple[str, ...] | list[str] = (),
    categories: str = "",
) -> str:
    """One <item>."""
    link = link if link is not None else f"https://old.example/{slug}/"
    return (
        "<item>"
        f"<title>{cdata(title)}</title><link>{link}</link>"
        f"<content:encoded>{cdata(content)}</content:encoded>"
        "<excerpt:encoded><![CDATA[]]></excerpt:encoded>"
        f"<wp:post_id>{post_id}</wp:post_id>"
        f"<wp:post_date>{date}</wp:post_date>"
        f"<wp:post_date_gmt>{date}</wp:post_date_gmt>"
        f"<wp:post_name>{cdata(slug)}</wp:post_name>"
        f"<wp:status>{status}</wp:status>"
        f"<wp:post_type>{kind}</wp:post_type>"
        f"<wp:post_password>{password}</wp:post_password>"
        f"{categories}{''.join(comments)}"
        "</item>\n"
    )


def wxr(
    *items: str,
    ns: str = WP12,
    version: str = "1.2",
    prefix: str = "wp",
    site: str = "https://old.example",
    prolog: str = "",
) -> str:
    """A whole export around *items*."""
    excerpt = ns.rstrip("/") + "/excerpt/"
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"{prolog}"
        f'<rss version="2.0" xmlns:excerpt="{excerpt}" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        f'xmlns:{prefix}="{ns}">\n<channel>\n<title>Old blog</title>\n'
        f"<link>{site}</link>\n"
        f"<wp:wxr_version>{version}</wp:wxr_version>\n"
        f"<wp:base_site_url>{site}</wp:base_site_url>\n"
        f"<wp:base_blog_url>{site}</wp:base_blog_url>\n" + "".join(items)
    )
    body += "</channel>\n</rss>\n"
    if prefix != "wp":
        body = body.replace("<wp:", f"<{prefix}:").replace("</wp:", f"</{prefix}:")
    return body


def site(tmp: Path, *slugs: str, extra: dict[str, str] | None = None) -> Path:
    """A content folder with one Markdown post per slug (dated 2020-01)."""
    content = tmp / "content"
    for slug in slugs:
        meta = "".join(f"{k}: {v}\n" for k, v in (extra or {}).items())
        write_post(
            content / "posts",
            f"{slug}.md",
            f"Title: {slug}\nDate: 2020-01-02 10:00\nSlug: {slug}\n{meta}\nText.\n",
        )
    (content / "pages").mkdir(parents=True, exist_ok=True)
    return content


@functools.cache
def _site_settings() -> dict:
    return load_settings(DEV_CONF)


def site_settings() -> dict:
    """The project's settings, as the import command reads them from pelicanconf.py."""
    return copy.deepcopy(_site_settings())


def import_text(
    tmp: Path, text: str | bytes, content: Path, *, kind: str = "wordpress", **kw
) -> Report:
    """Write *text* to a file and import it into tmp/var and content/responses."""
    path = tmp / f"export.{'json' if kind == 'jf2' else 'xml'}"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    kw.setdefault("settings", site_settings())
    return run(kind, path, content, tmp / "var" / "responses.sqlite3", **kw)


def stored(tmp: Path, content: Path, db: Path | None = None) -> dict[str, Response]:
    """Every response in the private store (default ``tmp/var/``), by id."""
    db = db or tmp / "var" / "responses.sqlite3"
    if not db.exists():
        return {}
    with ResponseStore(content / "responses", db) as store:
        return {r.id: r for r in store.list()}


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under *folder*, relative name → bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def command(
    *args: object, module: str = "pelican_plugins.importers"
) -> subprocess.CompletedProcess:
    """Run ``python -m MODULE ARGS`` from the project root, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", module, *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
