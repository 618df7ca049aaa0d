"""The two real WordPress exports in ../shared/fixtures/wxr (skipped when absent).

They are read in place and never copied into the repository.
"""

from __future__ import annotations

import pytest

from pelican_plugins.importers.cli import run
from pelican_plugins.responses.store import load_public
from tests.importers.wxrdoc import site, site_settings, stored
from tests.support import SHARED_FIXTURES, write_post

WXR = SHARED_FIXTURES / "wxr"


def export(name: str):
    path = WXR / name
    if not path.is_file():
        pytest.skip(f"{path} is not available")
    return path


def test_wordpress_33_wxr_11_trashed_pingback_and_orphan_reply(tmp_path):
    path = export("wordpress-3.3-wxr-1.1.xml")
    content = site(tmp_path, "with-comments")
    report = run(
        "wordpress",
        path,
        content,
        tmp_path / "var" / "responses.sqlite3",
        settings=site_settings(),
    )
    assert report.exit_code == 0
    items = stored(tmp_path, content)
    scope = "wp-thisisa.test-"
    assert set(items) == {scope + n for n in ("116", "117", "122", "156")}
    ping = items[scope + "156"]
    assert (ping.type, ping.status) == ("pingback", "trash")
    assert items[scope + "117"].parent == scope + "116"
    assert items[scope + "122"].parent is None  # its parent 121 is not in the file
    assert any("121 is missing" in w for w in report.warnings)
    public = [r["id"] for r in load_public(content / "responses", "with-comments")]
    assert public == [scope + "116", scope + "117", scope + "122"]


def test_wordpress_com_wxr_12_padding_self_closing_and_truncated_item(tmp_path):
    path = export("wordpress-com-wxr-1.2.xml")
    content = site(
        tmp_path,
        "template-comments",
        "template-pingbacks-an-trackbacks",
        "template-password-protected",
        "edge-case-no-content",
    )
    write_post(
        content / "pages",
        "page-with-comments.md",
        "Title: Page with comments\nSlug: page-with-comments\nwp_post_id: 156\n\nx\n",
    )
    report = run(
        "wordpress",
        path,
        content,
        tmp_path / "var" / "responses.sqlite3",
        settings=site_settings(),
    )
    assert (report.exit_code, report.created, report.unmatched) == (0, 29, [])
    items = stored(tmp_path, content)
    scope = "wp-wpthemetestdata.wordpress.com-"
    truncated = items[scope + "167"]  # only id, author and content survive
    assert (truncated.key, truncated.author_name) == ("page-with-comments", "Anon")
    assert truncated.status == "pending"
    assert items[scope + "168"].status == "approved"
    assert items[scope + "926"].extra["held"] == "post is password-protected"
    assert [items[scope + str(n)].type for n in range(921, 926)] == [
        *["pingback"] * 4,
        "comment",
    ]
    chain = [items[scope + str(n)].parent for n in (905, 906, 907, 910)]
    assert chain == [scope + n for n in ("904", "905", "906", "907")]
    public = load_public(content / "responses", "template-comments")
    assert len(public) == 19
