"""Pelican settings for The Listening Back: development builds (`make html`)."""

import logging
from pathlib import Path

_ROOT = Path(__file__).resolve().parent

AUTHOR = "Hanna Vogel"
SITENAME = "The Listening Back"
SITESUBTITLE = "Somatic education for backs that hurt"
# Empty in development: links are site-absolute ("/2019/03/slug/") so the
# output works under `make serve`. publishconf.py sets the real address.
SITEURL = ""

PATH = str(_ROOT / "content")
OUTPUT_PATH = str(_ROOT / "output")
THEME = str(_ROOT / "theme")
ARTICLE_PATHS = ["posts"]
PAGE_PATHS = ["pages"]
STATIC_PATHS: list[str] = []
ARTICLE_EXCLUDES = ["responses"]
PAGE_EXCLUDES = ["responses"]

# Fixed locale, zone and date formats: two builds of the same input are
# byte-identical whatever machine runs them.
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en"
LOCALE = ("C.UTF-8", "C")
DEFAULT_DATE = None
DEFAULT_DATE_FORMAT = "%B %-d, %Y"
DEFAULT_CATEGORY = "uncategorized"
USE_FOLDER_AS_CATEGORY = False

# WordPress-shaped permalinks, so imported links and comments keep matching.
ARTICLE_URL = "{date:%Y}/{date:%m}/{slug}/"
ARTICLE_SAVE_AS = "{date:%Y}/{date:%m}/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = "author/{slug}/index.html"
ARCHIVES_SAVE_AS = "archives/index.html"
TAGS_SAVE_AS = "tags/index.html"
CATEGORIES_SAVE_AS = "categories/index.html"
AUTHORS_SAVE_AS = "authors/index.html"
ABOUT_PAGE_SLUG = "about"

# Pelican's default pattern writes page 3 of tag "back-5" to tag/back-53.html,
# where tag "back-53" lives. A folder per page cannot collide.
DEFAULT_PAGINATION = 8
PAGINATION_PATTERNS = (
    (1, "{base_name}/", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/category/{slug}.atom.xml"
TAG_FEED_ATOM = "feeds/tag/{slug}.atom.xml"
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
FEED_MAX_ITEMS = 20
RSS_FEED_SUMMARY_ONLY = True
# Development feeds are relative on purpose; publishconf.py makes them absolute.
LOG_FILTER = [
    (
        logging.WARNING,
        "Feeds generated without SITEURL or FEED_DOMAIN set properly may not be valid",
    )
]

# Autoescaping on: every variable is escaped unless a template marks trusted
# HTML (article content, summaries) with |safe.
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "extensions": [],
    "autoescape": True,
}

# The content cache is on; cache_guard drops it for one build whenever a
# setting, a package version or a plugin's code changes.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = str(_ROOT / "cache")
CHECK_MODIFIED_METHOD = "sha256"
CONTENT_CACHING_LAYER = "reader"

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.codehilite": {"css_class": "highlight"},
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
    },
    "output_format": "html5",
}

PLUGINS = [
    "pelican_plugins.cache_guard",
    "pelican_plugins.url_memo",
    "pelican_plugins.toc",
    "pelican_plugins.tag_cloud",
    "pelican_plugins.bookmarks",
    "pelican_plugins.responses",
    "pelican_plugins.linkbacks",
]

# The linkbacks sender's memory; the build reads it to write tombstone pages.
LINKBACKS_STATE_FILE = str(_ROOT / "var" / "linkbacks.json")

# The comment receiver (pelican_plugins.receiver): posts get the "Leave a Reply"
# form, reply links and <link rel="webmention"/"pingback"> from this one address
# (docs/comment-form.md). In development it is a receiver on this machine; the
# site builds and reads the same without one running, only posting fails.
RESPONSES_RECEIVER_URL = "http://127.0.0.1:8001/"

SUMMARY_MAX_LENGTH = 50
DISPLAY_PAGES_ON_MENU = True
DISPLAY_CATEGORIES_ON_MENU = False
