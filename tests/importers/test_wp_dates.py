"""WordPress dates: one rule (convert.wp_when) for posts and comments alike.

GMT first; the local field, read in the site's TIMEZONE, only when there is
no GMT twin. A blog moving from New York to a London-time site keeps each
post's and comment's true moment.
"""

from __future__ import annotations

import json
from pathlib import Path

from pelican_plugins.importers.urls import load_settings
from tests.importers.migration import OLD, import_posts, post
from tests.importers.wxrdoc import comment
from tests.support import DEV_CONF


def test_posts_and_comments_keep_their_moment(tmp_path: Path) -> None:
    settings = load_settings(DEV_CONF)
    assert settings["TIMEZONE"] == "Europe/London"
    item = post(
        "7",
        "Night post",
        "night-post",
        f"{OLD}/2019/06/30/night-post/",
        "<p>Late.</p>",
        date="2019-06-30 21:00:00",  # New York time
        comments=(
            comment(3, date="2019-07-01 08:00:00", date_gmt="2019-07-01 12:00:00"),
            # No GMT twin: the local time is read in the site's time zone (BST).
            comment(4, date="2019-07-01 10:00:00", date_gmt="0000-00-00 00:00:00"),
        ),
    ).replace(
        "<wp:post_date_gmt>2019-06-30 21:00:00</wp:post_date_gmt>",
        "<wp:post_date_gmt>2019-07-01 01:00:00</wp:post_date_gmt>",
    )
    content = import_posts(tmp_path, item, settings=settings)
    (written,) = (content / "posts").iterdir()
    text = written.read_text("utf-8")
    assert "2019-07-01 02:00" in text  # 01:00 UTC is 02:00 in London (BST)
    assert "/2019/06/30/night-post/" in text  # the old URL still redirects
    stored = json.loads((content / "responses" / "night-post.json").read_text("utf-8"))
    dates = {r["id"].rsplit("-", 1)[1]: r["date"] for r in stored["responses"]}
    assert dates == {"3": "2019-07-01T12:00:00Z", "4": "2019-07-01T09:00:00Z"}
