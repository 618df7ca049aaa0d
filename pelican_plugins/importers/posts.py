"""``--posts``: write the WordPress posts and pages missing from ``content/``.

Each becomes an HTML source file (Pelican's HTML reader): the body is the
HTML WordPress showed (``wpcontent.convert``), so nothing is re-interpreted as
Markdown (a tab-indented line stays text, not a code block). The writer
cannot be steered by the export:

- ``wp:post_id`` must be digits, or the item is refused and reported;
- every metadata value is one validated line, written as an escaped
  ``<meta>`` attribute;
- slugs are re-derived with Pelican's slugify, capped at 200 bytes and made
  unique with the post id; paths are checked to stay in the content folder;
- two items (or an item and an existing file) that would be served at one
  URL are an error naming both; neither file is overwritten.

Slugs and keys are fixed while the export streams (responses need them at
once); the files are written at the end, when the attachments, authors and
parent pages of the whole export are known.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
import html
import json
import os
from pathlib import Path
import re
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from bs4 import BeautifulSoup

from pelican_plugins import atomic, redirects
from pelican_plugins.importers import phpdata, urls
from pelican_plugins.importers.articles import Article, ArticleIndex
from pelican_plugins.importers.report import Report
from pelican_plugins.importers.wpcontent import convert
from pelican_plugins.importers.wpmedia import STATIC_UPLOADS, Attachment, Site
from pelican_plugins.importers.wxr import WxrItem, WxrReader
from pelican_plugins.responses.targets import site_path_key
from pelican_plugins.slugs.rules import slugger

WRITABLE_STATUSES = {"publish", "draft", "pending", "private", "future"}
MAX_SLUG_BYTES = 200
#: Slugs that would collide with the site's own pages or folders.
RESERVED = {
    "index",
    "tag",
    "tags",
    "category",
    "categories",
    "author",
    "authors",
    "archives",
    "feeds",
    "theme",
    "drafts",
    "responses",
    "page",
    "wp-content",
    "404",
}
_POST_ID = re.compile(r"[0-9]{1,20}\Z")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def meta_line(value: str) -> str:
    """One metadata value: a single line without control characters."""
    return " ".join(_CONTROL.sub(" ", value or "").split())


def plain_title(value: str) -> str:
    """Return a title as plain text (WordPress titles may hold entities and tags)."""
    text = value or ""
    if "<" in text:
        text = BeautifulSoup(text, "html.parser").get_text()
    return meta_line(html.unescape(text))


def cap_bytes(slug: str, limit: int = MAX_SLUG_BYTES) -> str:
    """Cut *slug* to at most *limit* UTF-8 bytes, never inside a character."""
    data = slug.encode("utf-8")[:limit]
    return data.decode("utf-8", "ignore").rstrip("-")


def derive_slug(item: WxrItem, settings: dict[str, Any] | None = None) -> str:
    """Return a safe ASCII slug from ``post_name`` (or the title), never a path."""
    slug_of = slugger(settings) if settings else slugger()
    source = unquote(item.post_name).replace("\0", "") or plain_title(item.title)
    slug = slug_of(source.replace("/", " ").replace("\\", " "))
    slug = cap_bytes(re.sub(r"[^a-z0-9-]+", "", slug.lower()).strip("-"))
    if not slug or slug in RESERVED or slug.isdigit():
        slug = f"{item.post_type}-{item.post_id or 'x'}"
    return slug


@dataclass
class PostStats:
    """What the post writer did, for the report."""

    posts: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    redirects: int = 0
    unredirectable: list[str] = field(default_factory=list)
    nextpage: list[str] = field(default_factory=list)
    several_categories: int = 0
    no_author: Counter[str] = field(default_factory=Counter)
    site: Site | None = None


@dataclass
class _Pending:
    item: WxrItem
    slug: str
    path: Path
    is_page: bool


class PostWriter:
    """Create missing posts/pages under ``content/`` and register them for matching."""

    def __init__(
        self,
        content: Path,
        index: ArticleIndex,
        report: Report,
        settings: dict[str, Any] | None = None,
        uploads: Path | None = None,
    ) -> None:
        self.content = Path(content).resolve()
        self.index = index
        self.report = report
        self.settings = settings if settings is not None else urls.load_settings(None)
        self.site = Site(uploads=uploads, content=self.content)
        self.stats = report.posts = PostStats(site=self.site)
        self.pending: list[_Pending] = []
        self.items: dict[str, WxrItem] = {}
        self.reader: WxrReader | None = None
        #: URLs already served (existing content, then each written item).
        self.taken: dict[str, str] | None = None
        self.base = ""
        self.term_names: dict[tuple[str, str], str] = {}
        #: Every tag name the import writes (drafts too: the build slugs them all).
        self.tag_names: set[str] = set()
        self._io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="posts")
        self._writes: list[Future[None]] = []

    # -- while the export streams -------------------------------------------

    def observe(self, item: WxrItem) -> None:
        """Remember what later items need: attachments, parents, terms."""
        if not _POST_ID.match(item.post_id or ""):
            if item.post_type in ("post", "page", "attachment"):
                self.stats.refused.append(
                    f"item {item.title[:60]!r} (line {item.line}): wp:post_id"
                    f" {item.post_id[:60]!r} is not digits; item refused"
                )
            return
        if item.post_type == "attachment":
            url = item.attachment_url or item.guid
            self.site.attachments[item.post_id] = Attachment(
                post_id=item.post_id,
                url=url,
                title=plain_title(item.title),
                caption=html.unescape(item.excerpt or ""),
                alt=meta_line(item.postmeta.get("_wp_attachment_image_alt", "")),
                parent=item.post_parent,
                menu_order=_int(item.menu_order),
                mime=_mime_of(url, item.postmeta),
                sizes=_sizes(url, item.postmeta.get("_wp_attachment_metadata", "")),
            )
        if item.post_type in ("page", "post", "attachment"):
            self.items[item.post_id] = replace(item, comments=[], content="")

    def write(self, item: WxrItem) -> Article | None:
        """Claim a slug for *item* (a post or page not present yet); return it."""
        if item.post_type not in ("post", "page") or item.status not in (
            WRITABLE_STATUSES
        ):
            return None
        if not _POST_ID.match(item.post_id or ""):
            return None  # refused (and reported) by observe()
        is_page = item.post_type == "page"
        folder = self.content / ("pages" if is_page else "posts")
        slug, path = self._target(folder, derive_slug(item, self.settings), item)
        if path.exists():
            self.report.warnings.append(
                f"{item.label}: {path.name} exists and was left alone"
            )
            return None
        public = _public(item)
        article = Article(
            path=path,
            slug=slug,
            key=slug,
            url="",
            is_page=is_page,
            public=public,
            wp_post_id=item.post_id,
        )
        self.index.add(article)
        pending = _Pending(_light(item), slug, path, is_page)
        if self._ready(pending):
            self._emit(pending)
        else:
            self.pending.append(pending)
        return article

    def _target(self, folder: Path, slug: str, item: WxrItem) -> tuple[str, Path]:
        owner = self.index.by_slug.get(slug)
        if owner and all(a.wp_post_id != item.post_id for a in owner):
            new = cap_bytes(slug, MAX_SLUG_BYTES - len(item.post_id) - 1)
            new = f"{new}-{item.post_id}"
            self.report.warnings.append(
                f"{item.label}: slug {slug!r} is taken; using {new}"
            )
            slug = new
        # The content folder is resolved already and the slug is [a-z0-9-]:
        # normalising the path is enough (no file system call per post).
        path = Path(os.path.normpath(folder / f"{slug}.html"))
        if not path.is_relative_to(self.content):
            raise ValueError(f"{item.label}: {path} would leave the content folder")
        return slug, path

    # -- at the end ---------------------------------------------------------

    def start(self, reader: WxrReader) -> None:
        """Know the export being read (its site URL and authors)."""
        self.reader = reader

    def _ready(self, pending: _Pending) -> bool:
        """Whether *pending* can be written now, while the export still streams.

        Pages wait for their parents, and galleries and playlists for the
        attachments, which may come later in the file. Writing the others at
        once overlaps the work with the store's disk writes.
        """
        content = pending.item.content
        return (
            not pending.is_page
            and "[gallery" not in content
            and ("[playlist" not in content)
        )

    def _emit(self, pending: _Pending) -> None:
        """Convert and write one claimed post or page."""
        reader = self.reader
        if self.taken is None:
            self.taken = self._existing_urls()
            self.site.host = _host(reader.site if reader else "")
            self.base = urlsplit(reader.site).path if reader else ""
        item = pending.item
        authors = reader.authors if reader else {}
        meta = self._metadata(pending, authors, self.base, self.term_names)
        url = meta.pop("_url")
        where = site_path_key(url, "") or url
        other = self.taken.get(where)
        if other:
            self.stats.refused.append(
                f"{item.label}: its URL {url} is already {other}; not written"
            )
            return
        self.taken[where] = f"{item.label}"
        converted = convert(item.content, item.post_id, item.excerpt, self.site)
        if converted.nextpage:
            self.stats.nextpage.append(
                f"{item.label}: {converted.nextpage} <!--nextpage--> removed"
            )
        if converted.summary:
            meta["summary"] = meta_line(converted.summary)
        data = (
            _document(plain_title(item.title) or pending.slug, meta)
            + converted.body
            + "</body>\n</html>\n"
        ).encode("utf-8")
        # The file system work runs on its own thread while the export is still
        # parsed; bulk mode: one os.sync() after the last file, no fsync each.
        self._writes.append(
            self._io.submit(atomic.write_bytes, pending.path, data, sync=False)
        )
        rel = str(pending.path.relative_to(self.content))
        self.report.posts_written.append(rel)
        if meta["status"] == "draft":
            self.stats.drafts.append(rel)
        (self.stats.pages if pending.is_page else self.stats.posts).append(rel)

    def finish(self, reader: WxrReader | None) -> None:
        """Write the posts and pages still waiting, then the export's redirects."""
        self.reader = reader or self.reader
        for pending in sorted(self.pending, key=lambda p: _int(p.item.post_id)):
            self._emit(pending)
        self.pending = []
        self._io.shutdown(wait=True)
        for future in self._writes:
            if (error := future.exception()) is not None:
                self.report.fatal = f"cannot write a post: {error}"
        os.sync()
        base = urlsplit(reader.site).path if reader else ""
        entries = self._attachment_redirects(base)
        entries += self._term_redirects(reader, base, self.term_names)
        self._write_redirects(entries)

    def _existing_urls(self) -> dict[str, str]:
        """Return content/'s addresses by site_path_key (the index's keys)."""
        return {url: str(a.path.name) for url, a in self.index.by_url.items()}

    def _slug_of(self, post_id: str) -> str | None:
        found = self.index.by_wp_id.get(post_id)
        return found.slug if found else None

    def _page_url(self, item: WxrItem, seen: frozenset[str] = frozenset()) -> str:
        """Return a page's path: its parents' slugs as folders, as in WordPress."""
        slug = self._slug_of(item.post_id) or derive_slug(item, self.settings)
        parent = self.items.get(item.post_parent)
        if parent is None or parent.post_type != "page" or item.post_id in seen:
            return urls.page_url(self.settings, slug)
        parent_url = self._page_url(parent, seen | {item.post_id})
        return "/" + urls.nested_page(parent_url, slug)[0]

    def _metadata(
        self,
        pending: _Pending,
        authors: dict[str, str],
        base: str,
        term_names: dict[tuple[str, str], str],
    ) -> dict[str, str]:
        """Return the metadata of one item (``_url`` is its new site path)."""
        item, slug = pending.item, pending.slug
        meta: dict[str, str] = {}
        date = urls.wp_post_date(self.settings, item.date_gmt, item.date)
        if date is not None:
            meta["date"] = f"{date:%Y-%m-%d %H:%M}"
        modified = _modified(item, date, self.settings)
        if modified:
            meta["modified"] = modified
        meta["slug"] = slug
        category = self._terms(pending, meta, term_names)
        display = meta_line(authors.get(item.creator.lower(), ""))
        if display and "@" not in display:
            meta["author"] = display
        elif item.creator:
            self.stats.no_author[item.creator] += 1
        if item.password:
            self.report.warnings.append(
                f"{item.label}: password-protected; imported as a draft, because a"
                " static site cannot protect a page"
            )
        published = _public(item) and date is not None
        meta["status"] = "published" if published else "draft"
        meta["wp_post_id"] = item.post_id
        if item.is_sticky and not pending.is_page:
            meta["sticky"] = "true"
        if pending.is_page:
            url = self._page_meta(item, meta, published)
        elif date is not None:
            url = urls.article_url(self.settings, slug, date, category)
        else:
            url = f"/drafts/{slug}/"
        if published:
            old = urls.old_path(item.link, base)
            if old is None and item.link:
                self.stats.unredirectable.append(f"{item.label}: {item.link}")
            elif old and old != "/" and not urls.same_path(old, url):
                meta["old_urls"] = old
                self.stats.redirects += 1
        meta["_url"] = url
        return meta

    def _terms(
        self,
        pending: _Pending,
        meta: dict[str, str],
        term_names: dict[tuple[str, str], str],
    ) -> str:
        """Set the category and tags; return the category's name ('' for none).

        Pelican gives a post one category: the first one named in the export
        (other than Uncategorized). The others become tags, so their listings
        still exist, and all of them are kept in ``wp_categories``.
        """
        item = pending.item
        categories = [
            (nice, meta_line(html.unescape(name)))
            for domain, nice, name in item.categories
            if domain == "category" and meta_line(name)
        ]
        named = [c for c in categories if c[0] != "uncategorized"] or categories
        tags = [
            (nice, meta_line(html.unescape(name)).replace(",", " "))
            for domain, nice, name in item.categories
            if domain == "post_tag" and meta_line(name)
        ]
        if _public(item):
            for taxonomy, terms in (("category", categories), ("post_tag", tags)):
                for nice, name in terms:
                    if nice:
                        term_names.setdefault((taxonomy, nice), name)
        if pending.is_page:
            return ""
        if named:
            meta["category"] = named[0][1]
        if len(named) > 1:
            self.stats.several_categories += 1
            meta["wp_categories"] = ", ".join(n for _, n in named)
        tag_names = [n for _, n in tags] + [n for _, n in named[1:]]
        if tag_names:
            meta["tags"] = ", ".join(dict.fromkeys(tag_names))
            self.tag_names.update(tag_names)
        return named[0][1] if named else ""

    def _page_meta(self, item: WxrItem, meta: dict[str, str], published: bool) -> str:
        """Set a page's parent and nested URL; return its site path."""
        url = self._page_url(item)
        parent = self.items.get(item.post_parent)
        if parent is not None and parent.post_type == "page":
            meta["parent"] = self._slug_of(parent.post_id) or derive_slug(
                parent, self.settings
            )
            if published:  # an explicit save_as would publish a draft
                meta["url"] = url.lstrip("/")
                meta["save_as"] = url.lstrip("/") + "index.html"
        if _int(item.menu_order):
            meta["menu_order"] = str(_int(item.menu_order))
        return url

    def _attachment_redirects(self, base: str) -> list[dict[str, str]]:
        """Old attachment pages answer with their post (or the copied file)."""
        entries = []
        for att_id, att in sorted(self.site.attachments.items(), key=_by_int):
            item = self.items.get(att_id)
            if item is None or item.status not in ("inherit", "publish"):
                continue
            old = urls.old_path(item.link, base)
            if not old:
                continue
            parent = self.items.get(att.parent)
            slug = self._slug_of(att.parent) if parent is not None else None
            if slug and parent is not None and _public(parent):
                entries.append({"from": old, "slug": slug})
                continue
            rel = _upload_rel(att.url)
            if rel and rel in self.site.media.copied:
                entries.append({"from": old, "url": f"/{STATIC_UPLOADS}/{rel}"})
        return entries

    def _term_redirects(
        self,
        reader: WxrReader | None,
        base: str,
        term_names: dict[tuple[str, str], str],
    ) -> list[dict[str, str]]:
        """Old ``/tag/nicename/`` and ``/category/parent/child/`` listings."""
        prefix = "/" + base.strip("/") if base.strip("/") else ""
        terms = reader.terms if reader else {}
        entries = []
        # The slugs the build will give, among every tag the site will have.
        slugs = urls.tag_slugs(self.settings, self.index.tag_names | self.tag_names)
        for (taxonomy, nice), name in sorted(term_names.items()):
            if taxonomy == "post_tag":
                old = f"{prefix}/tag/{nice}/"
                if not urls.same_path(old, urls.tag_url(self.settings, name, slugs)):
                    entries.append({"from": old, "tag": name})
                continue
            chain = [nice]
            seen = {nice}
            parent = terms.get(("category", nice))
            while parent is not None and parent.parent and parent.parent not in seen:
                chain.insert(0, parent.parent)
                seen.add(parent.parent)
                parent = terms.get(("category", parent.parent))
            entries.append(
                {"from": f"{prefix}/category/{'/'.join(chain)}/", "category": name}
            )
        return [{**e, "from": urls.old_path(e["from"]) or e["from"]} for e in entries]

    def _write_redirects(self, entries: list[dict[str, str]]) -> None:
        """Merge *entries* into the ``REDIRECTS_FILE`` list (existing ones win)."""
        if not entries:
            return
        path = self.content / redirects.file_name(self.settings)
        current: list[dict[str, str]] = []
        if path.is_file():
            try:
                current = json.loads(path.read_text("utf-8"))
            except (ValueError, OSError) as error:
                self.report.warnings.append(f"{path}: unreadable ({error}); kept")
                return
        known = {e.get("from") for e in current}
        added = [e for e in entries if e["from"] not in known]
        if not added:
            return
        merged = current + added
        merged.sort(key=lambda e: e.get("from", ""))
        self.stats.redirects += len(added)
        atomic.write_text(path, json.dumps(merged, indent=1, sort_keys=True) + "\n")


def _document(title: str, meta: dict[str, str]) -> str:
    """Return an HTML source file's head: its title and one escaped <meta> per field."""
    lines = [
        "<!DOCTYPE html>",
        "<html>",
        "<head>",
        f"<title>{html.escape(title)}</title>",
    ]
    for name, value in meta.items():
        lines.append(f'<meta name="{name}" content="{html.escape(meta_line(value))}">')
    lines += ["</head>", "<body>", ""]
    return "\n".join(lines)


def _modified(item: WxrItem, date: datetime | None, settings: urls.Settings) -> str:
    """Return the ``Modified`` value: only a real date later than the post's own."""
    if date is None or not item.modified or item.modified == item.date:
        return ""
    modified = urls.wp_post_date(settings, item.modified_gmt, item.modified)
    return f"{modified:%Y-%m-%d %H:%M}" if modified and modified > date else ""


def _public(item: WxrItem) -> bool:
    return item.status == "publish" and not item.password


def _int(value: str) -> int:
    value = (value or "").strip()
    return int(value) if value.lstrip("-").isdigit() else 0


def _by_int(pair: tuple[str, Any]) -> int:
    return _int(pair[0])


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _upload_rel(url: str) -> str | None:
    path = urlsplit(url).path
    if "/wp-content/uploads/" in path:
        return unquote(path.split("/wp-content/uploads/", 1)[1])
    return None


def _sizes(url: str, metadata: str) -> dict[str, str]:
    """Map size names to the URLs of an image's resized copies (same folder)."""
    if not metadata:
        return {}
    try:
        data = phpdata.loads(metadata)
    except ValueError:
        return {}
    sizes = data.get("sizes") if isinstance(data, dict) else None
    if not isinstance(sizes, dict):
        return {}
    folder = url.rsplit("/", 1)[0]
    found = {}
    for name, size in sizes.items():
        file = size.get("file") if isinstance(size, dict) else None
        if isinstance(name, str) and isinstance(file, str) and "/" not in file:
            found[name] = f"{folder}/{quote(file)}"
    return found


def _mime_of(url: str, postmeta: dict[str, str]) -> str:
    ext = url.rsplit(".", 1)[-1].lower() if "." in url else ""
    if ext in ("jpg", "jpeg", "png", "gif", "webp", "avif", "svg"):
        return "image/" + ext
    if ext in ("mp3", "ogg", "flac", "m4a", "wav"):
        return "audio/" + ext
    if ext in ("mp4", "m4v", "webm", "ogv"):
        return "video/" + ext
    return "application/octet-stream"


def _light(item: WxrItem) -> WxrItem:
    """Return a copy of *item* without its comments (they are imported already)."""
    return replace(item, comments=[])


__all__ = ["PostStats", "PostWriter", "derive_slug", "meta_line"]
