"""End to end in Chromium with the real receiver: submit, see the pending notice,
approve on the moderation page, sync, rebuild, and see the comment on the post."""

from __future__ import annotations

from pathlib import Path
import shutil
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
import pytest

from pelican_plugins.receiver import create_app
from pelican_plugins.receiver.cli import main as receiver_main
from tests.receiver.conftest import PASSWORD, PASSWORD_HASH, running
from tests.support import CONTENT, build, serve

POST = "/2018/02/chronic-back-pain-a-place-to-start/"
NOTICE = "#comment-awaiting-moderation"
TEXT = "Slow arches before bed helped my <lower> back & hips."


def no_axe_violations(page: Any) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def submit(browser: Any, site_url: str) -> None:
    """Comment without JavaScript; the static page has no token, so the receiver
    asks once to confirm, then sends the reader back to the post's notice."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + POST)
    page.fill("#author", "Mira Okafor")
    page.fill("#email", "mira@mail.example")
    page.fill("#comment", TEXT)
    with page.expect_navigation():
        page.click("#commentform button[type=submit]")
    expect(page.locator("h1")).to_have_text("Please confirm your comment")
    expect(page.locator("#comment")).to_have_value(TEXT)
    with page.expect_navigation():
        page.click("#commentform button[type=submit]")
    assert page.url == site_url + POST + NOTICE
    expect(page.locator(NOTICE)).to_be_visible()
    expect(page.locator(NOTICE)).to_have_text("Your comment is awaiting moderation.")
    assert TEXT not in page.locator("#comments").inner_text()
    context.close()


def approve(browser: Any, receiver_url: str) -> None:
    """Sign in to the moderation page and approve the comment (axe on the way)."""
    context = browser.new_context()  # axe needs scripts
    page = context.new_page()
    page.goto(receiver_url + "comments/reply?target=" + POST)
    no_axe_violations(page)  # the receiver's form page, as the confirm page
    page.goto(receiver_url + "moderate")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    expect(page.locator("caption")).to_have_text("1 item(s) awaiting moderation")
    no_axe_violations(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Approve Mira Okafor").click()
    expect(page.get_by_text("Nothing awaits moderation.")).to_be_visible()
    context.close()


def test_a_comment_goes_from_the_form_to_the_built_page(
    browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site_content = tmp_path / "site" / "content"
    shutil.copytree(CONTENT, site_content)
    output = tmp_path / "site" / "output"
    output.mkdir(parents=True)
    remote = tmp_path / "receiver"
    with serve(output) as site_url:
        app = create_app(
            {
                "db": remote / "var" / "responses.sqlite3",
                "content": remote / "content",
                "site_url": site_url,
                "targets": output / "responses-targets.json",
                "workers": 0,
                "min_delay": 0.0,
                "secure_cookies": False,
                "password_hash": PASSWORD_HASH,
                "export_token": "e2e-token",
            }
        )
        with running(app) as receiver_url:
            build(output, content=site_content, RESPONSES_RECEIVER_URL=receiver_url)
            submit(browser, site_url)
            approve(browser, receiver_url)
            # 3. the site machine pulls approved items, then rebuilds
            monkeypatch.setenv("RECEIVER_EXPORT_TOKEN", "e2e-token")
            args = ["sync", "--from", receiver_url, "--content", str(site_content)]
            args += ["--db", str(tmp_path / "site" / "var" / "responses.sqlite3")]
            assert receiver_main([*args, "--allow-private-addresses"]) == 0
            build(output, content=site_content, RESPONSES_RECEIVER_URL=receiver_url)
        # 4. the comment is on the post
        reader = browser.new_page()
        reader.goto(site_url + POST)
        comments = reader.locator("#comments")
        expect(comments).to_contain_text(TEXT)
        expect(comments).to_contain_text("Mira Okafor")
        assert "mira@mail.example" not in reader.content()
        reader.close()
