"""Find the Pelican article a response belongs to, without a Pelican build.

Only the metadata header of each source file is read (Markdown ``Key: value``
lines, reST ``:key: value`` fields), so indexing thousands of posts is cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
import re
from urllib.parse import unquote

from pelican.readers import ensure_metadata_list

from pelican_plugins.importers import urls
from pelican_plugins.responses.targets import old_urls, site_path_key
from pelican_plugins.slugs.rules import slugger

SOURCE_SUFFIXES = {".md", ".markdown", ".mkd", ".mdown", ".rst", ".html", ".htm"}
_MD_META = re.compile(r"([A-Za-z][A-Za-z0-9_-]*)\s*:\s?(.*)\Z")
_RST_META = re.compile(r":([A-Za-z][A-Za-z0-9_-]*):\s*(.*)\Z")
_HEAD_BYTES = 8192
# Pelican's default slug rules: the slugs it would give the posts.
HIDDEN_STATUSES = {"draft", "hidden"}


@dataclass(frozen=True, slots=True)
class Article:
    """What matching needs to know about one source file."""

    path: Path
    slug: str
    key: str
    url: str
    is_page: bool
    public: bool
    wp_post_id: str | None
    old_urls: tuple[str, ...] = field(default=())


class _HtmlHead(HTMLParser):
    """The ``<title>`` and ``<meta name content>`` of an HTML source file."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self._title: list[str] | None = None
        self.done = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = dict(attrs)
        if tag == "meta" and values.get("name"):
            self.meta.setdefault(values["name"].lower(), values.get("content") or "")
        elif tag == "title":
            self._title = []
        elif tag == "body":
            self.done = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._title is not None:
            self.meta.setdefault("title", "".join(self._title).strip())
            self._title = None
        elif tag == "head":
            self.done = True

    def handle_data(self, data: str) -> None:
        if self._title is not None:
            self._title.append(data)


def read_metadata(path: Path) -> dict[str, str]:
    """Return the lowercased metadata of a Markdown or reST file (header only)."""
    with path.open("rb") as fh:
        head = fh.read(_HEAD_BYTES).decode("utf-8", "replace")
    meta: dict[str, str] = {}
    if path.suffix in (".html", ".htm"):
        parser = _HtmlHead()
        parser.feed(head)
        return parser.meta
    lines = head.splitlines()
    if path.suffix == ".rst":
        if len(lines) > 1 and lines[1][:3] in ("===", "###", "---", "***", "~~~"):
            meta["title"] = lines[0].strip()
        for line in lines:
            if match := _RST_META.match(line.strip()):
                meta.setdefault(match.group(1).lower(), match.group(2).strip())
        return meta
    for line in lines:
        if not line.strip():
            break
        if match := _MD_META.match(line):
            meta.setdefault(match.group(1).lower(), match.group(2).strip())
    return meta


class ArticleIndex:
    """Slug, permalink and WordPress-id lookups over ``content/``."""

    def __init__(self, content: Path, settings: urls.Settings | None = None) -> None:
        self.content = Path(content)
        # The build's own slug, date and URL rules, so a changed ARTICLE_URL or
        # PAGE_URL cannot make imported responses miss their posts.
        self.settings = settings if settings is not None else urls.load_settings(None)
        self._slug = slugger(self.settings)
        self.by_wp_id: dict[str, Article] = {}
        self.by_url: dict[str, Article] = {}
        self.by_slug: dict[str, list[Article]] = {}
        #: The tag names of the content already there (they share slugs with new ones).
        self.tag_names: set[str] = set()
        if self.content.is_dir():
            for path in sorted(self.content.rglob("*")):
                if path.suffix in SOURCE_SUFFIXES and path.is_file():
                    self.add(self._article(path))

    def _key(self, url: str) -> str:
        """*url*'s :func:`site_path_key`, whatever its host ("" when it has none).

        The old blog's links carry its old host, so only the path is compared
        (below ``SITEURL``'s own path, when the link has that prefix).
        """
        site = self.settings.get("SITEURL") or ""
        return site_path_key(url.strip(), site, any_host=True) or ""

    def _article(self, path: Path) -> Article:
        meta = read_metadata(path)
        self.tag_names.update(ensure_metadata_list(meta.get("tags", "")))
        rel = path.relative_to(self.content)
        is_page = rel.parts[0] == "pages" if len(rel.parts) > 1 else False
        slug = meta.get("slug") or self._slug(meta.get("title") or path.stem)
        date = urls.post_date(meta.get("date", ""))
        if meta.get("url"):
            # Pelican's ``URL`` metadata is relative to the site.
            url = self._key("/" + meta["url"].lstrip("/"))
        elif is_page:
            url = self._key(urls.page_url(self.settings, slug))
        elif date is not None:
            url = self._key(
                urls.article_url(self.settings, slug, date, meta.get("category", ""))
            )
        else:
            url = ""
        status = meta.get("status", "published").lower()
        return Article(
            path=path,
            slug=slug,
            key=meta.get("responses_key") or slug,
            url=url,
            is_page=is_page,
            public=status not in HIDDEN_STATUSES,
            wp_post_id=meta.get("wp_post_id") or None,
            old_urls=tuple(
                old_urls(
                    meta.get("old_urls", ""), self.settings.get("SITEURL") or "", path
                )
            ),
        )

    def add(self, article: Article) -> None:
        """Make *article* findable (also used for files written by ``--posts``)."""
        if article.wp_post_id:
            self.by_wp_id.setdefault(article.wp_post_id, article)
        if article.url:
            self.by_url.setdefault(article.url, article)
        for old in article.old_urls:
            # Pingbacks and webmentions cite the post's old address.
            self.by_url.setdefault(old, article)
        self.by_slug.setdefault(article.slug.lower(), []).append(article)

    def match(
        self,
        *,
        post_id: str = "",
        link: str = "",
        slug: str = "",
        is_page: bool = False,
    ) -> Article | None:
        """Find by WordPress id, then permalink path, then slug.

        An article that records a different ``wp_post_id`` is another post
        that happens to share the path or slug, so it never matches.
        """
        if post_id and (found := self.by_wp_id.get(post_id)):
            return found

        def fits(article: Article | None) -> bool:
            if article is None:
                return False
            return not post_id or article.wp_post_id in (None, post_id)

        key = self._key(link) if link else ""
        if key:
            # The address as given, then without a query (``?utm_source=…``).
            for path in dict.fromkeys((key, key.partition("?")[0])):
                if fits(found := self.by_url.get(path)):
                    return found
        slug_key = unquote(slug).strip().lower() if slug else ""
        candidates = [a for a in self.by_slug.get(slug_key, []) if fits(a)]
        if candidates:
            same_kind = [a for a in candidates if a.is_page == is_page]
            return (same_kind or candidates)[0]
        return None
