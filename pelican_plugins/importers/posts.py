"""``--posts``: write WordPress posts and pages that do not exist yet as Markdown.

The body stays HTML (Markdown passes it through), so no pandoc is needed.
File names come from a re-derived slug, every path is checked to stay inside
the content folder (A22), and existing files are never overwritten.
"""

from __future__ import annotations

from pathlib import Path
import re
from urllib.parse import unquote

from pelican.utils import slugify

from pelican_plugins import atomic
from pelican_plugins.importers.articles import SLUG_SUBS, Article, ArticleIndex
from pelican_plugins.importers.convert import wp_date
from pelican_plugins.importers.report import Report
from pelican_plugins.importers.wxr import WxrItem

WRITABLE_STATUSES = {"publish", "draft", "pending", "private", "future"}
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
}


def _line(value: str) -> str:
    """One metadata line: no newline can start a new metadata field."""
    return " ".join(value.split())


def derive_slug(item: WxrItem) -> str:
    """Return a safe ASCII slug from ``post_name`` (or the title), never a path."""
    source = unquote(item.post_name).replace("\0", "") or item.title
    slug = slugify(source.replace("/", " ").replace("\\", " "), regex_subs=SLUG_SUBS)
    slug = re.sub(r"[^a-z0-9-]+", "", slug.lower()).strip("-")
    if not slug or slug in RESERVED:
        slug = f"{item.post_type}-{item.post_id or 'x'}"
    return slug


class PostWriter:
    """Create missing posts/pages under ``content/`` and register them for matching."""

    def __init__(self, content: Path, index: ArticleIndex, report: Report) -> None:
        self.content = Path(content).resolve()
        self.index = index
        self.report = report

    def _target(self, folder: Path, slug: str, item: WxrItem) -> tuple[str, Path]:
        owner = self.index.by_slug.get(slug)
        if owner and all(a.wp_post_id != item.post_id for a in owner):
            self.report.warnings.append(
                f"{item.label}: slug {slug!r} is taken; using {slug}-{item.post_id}"
            )
            slug = f"{slug}-{item.post_id}"
        path = (folder / f"{slug}.md").resolve()
        if not path.is_relative_to(self.content):
            raise ValueError(f"{item.label}: {path} would leave the content folder")
        return slug, path

    def write(self, item: WxrItem) -> Article | None:
        """Write *item* if it is a post or page not present yet; return it indexed."""
        if item.post_type not in ("post", "page") or item.status not in (
            WRITABLE_STATUSES
        ):
            return None
        is_page = item.post_type == "page"
        folder = self.content / ("pages" if is_page else "posts")
        slug, path = self._target(folder, derive_slug(item), item)
        if path.exists():
            self.report.warnings.append(
                f"{item.label}: {path.name} exists and was left alone"
            )
            return None
        public = item.status == "publish" and not item.password
        date = wp_date(item.date, item.date_gmt)
        lines = [f"Title: {_line(item.title) or slug}"]
        if date:
            lines.append(f"Date: {date[:10]} {date[11:16]}")
        modified = wp_date(item.modified, item.modified_gmt)
        if modified and modified != date:
            lines.append(f"Modified: {modified[:10]} {modified[11:16]}")
        lines.append(f"Slug: {slug}")
        categories = [n for d, _, n in item.categories if d == "category" and n]
        tags = [n.replace(",", " ") for d, _, n in item.categories if d == "post_tag"]
        if categories and not is_page:
            lines.append(f"Category: {_line(categories[0])}")
        if tags and not is_page:
            lines.append(f"Tags: {_line(', '.join(tags))}")
        lines.append(f"Status: {'published' if public and date else 'draft'}")
        if item.post_id:
            lines.append(f"wp_post_id: {_line(item.post_id)}")
        text = "\n".join(lines) + "\n\n" + item.content.strip() + "\n"
        atomic.write_text(path, text)
        self.report.posts_written.append(str(path.relative_to(self.content)))
        month = f"/{date[:4]}/{date[5:7]}/{slug}/" if date else ""
        article = Article(
            path=path,
            slug=slug,
            key=slug,
            url=f"/{slug}/" if is_page else month,
            is_page=is_page,
            public=public and bool(date),
            wp_post_id=item.post_id or None,
        )
        self.index.add(article)
        return article
