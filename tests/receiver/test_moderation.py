"""The moderation page (D23), the CLI on the same store, export and sync."""

from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup
import httpx
import pytest

from pelican_plugins.receiver.cli import main as receiver_main
from pelican_plugins.receiver.sync import to_items
from pelican_plugins.responses.cli import main as responses_main
from tests.receiver.conftest import PASSWORD, POST, Receiver

EVIL_NAME = '<img src=x onerror="alert(1)">Mallory'


def comment(receiver: Receiver, text: str = "Hello", author: str = EVIL_NAME) -> None:
    token = receiver.client.get("comments/token").json()["token"]
    data = {
        "target": POST,
        "author": author,
        "email": "m@example.org",
        "comment": text,
        "token": token,
    }
    assert receiver.client.post("comments", data=data).status_code == 303


def csrf_of(page: httpx.Response) -> str:
    return BeautifulSoup(page.text, "lxml").find("input", attrs={"name": "csrf"})[
        "value"
    ]


def login(receiver: Receiver, password: str = PASSWORD) -> httpx.Response:
    form = receiver.client.get("moderate/login")
    return receiver.client.post(
        "moderate/login", data={"csrf": csrf_of(form), "password": password}
    )


def public_file(receiver: Receiver) -> Path:
    return receiver.paths["content"] / "responses" / "first-lesson.json"


def test_approving_on_the_page_publishes_at_once(receiver: Receiver) -> None:
    comment(receiver)
    assert login(receiver, "wrong").status_code == 403
    assert login(receiver).status_code == 303
    page = receiver.client.get("moderate")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "lxml")
    assert soup.find("img") is None  # the name is shown as text (escaped)
    assert EVIL_NAME in soup.get_text()
    row = soup.find("tr", id=lambda v: v and v.startswith("item-rc-"))
    item_id = row["id"].removeprefix("item-")
    assert not public_file(receiver).exists()
    answer = receiver.client.post(
        "moderate/approve", data={"csrf": csrf_of(page), "id": item_id}
    )
    assert answer.status_code == 303
    data = json.loads(public_file(receiver).read_text("utf-8"))
    assert [r["author_name"] for r in data["responses"]] == [EVIL_NAME]
    assert "m@example.org" not in public_file(receiver).read_text("utf-8")
    assert "Nothing awaits moderation." in receiver.client.get("moderate").text


def test_the_session_cookie_is_guarded(make_receiver) -> None:
    receiver = make_receiver(secure_cookies=True)
    form = receiver.client.get("moderate/login")
    cookie = form.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert "Secure" in cookie


def test_rebinding_hosts_and_cross_site_posts_get_403(receiver: Receiver) -> None:
    """D23."""
    comment(receiver)
    for path in ("moderate/login", "moderate", "export"):
        answer = receiver.client.get(path, headers={"Host": "evil.example"})
        assert answer.status_code == 403
    login(receiver)
    page = receiver.client.get("moderate")
    item_id = BeautifulSoup(page.text, "lxml").find("input", attrs={"name": "id"})[
        "value"
    ]
    no_token = receiver.client.post("moderate/approve", data={"id": item_id})
    assert no_token.status_code == 403
    foreign = receiver.client.post(
        "moderate/approve",
        data={"csrf": csrf_of(page), "id": item_id},
        headers={"Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403
    assert not public_file(receiver).exists()


def test_without_a_session_nothing_moves(receiver: Receiver) -> None:
    comment(receiver)
    assert receiver.client.get("moderate").status_code == 303
    page = receiver.client.get("moderate/login")
    answer = receiver.client.post(
        "moderate/approve", data={"csrf": csrf_of(page), "id": "rc-x"}
    )
    assert answer.status_code == 403


def test_the_cli_moderates_the_same_store(receiver: Receiver) -> None:
    comment(receiver, author="Quinn")
    with receiver.store() as store:
        [item] = store.list("pending")
    paths = receiver.paths
    common = ["--settings", "absent.py", "--content", str(paths["content"])]
    common += ["--db", str(paths["db"])]
    assert responses_main([*common, "moderate", "approve", item.id]) == 0
    assert "Quinn" in public_file(receiver).read_text("utf-8")
    login(receiver)
    assert "Nothing awaits moderation." in receiver.client.get("moderate").text


def test_export_needs_the_token_and_hides_private_fields(receiver: Receiver) -> None:
    comment(receiver)
    assert receiver.client.get("export").status_code == 401
    bad = {"X-Export-Token": "nope"}
    assert receiver.client.get("export", headers=bad).status_code == 401
    with receiver.store() as store:
        store.set_status(store.list("pending")[0].id, "approved")
    good = {"X-Export-Token": "s3cret-export-token"}
    data = receiver.client.get("export", headers=good).json()
    [record] = data["responses"]
    assert record["status"] == "approved"
    assert "author_email" not in record
    assert "m@example.org" not in json.dumps(data)


def test_sync_pulls_moderated_items_into_another_site(
    receiver: Receiver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    comment(receiver, author="Remote Reader")
    with receiver.store() as store:
        store.set_status(store.list("pending")[0].id, "approved")
    site = tmp_path / "site"
    monkeypatch.setenv("RECEIVER_EXPORT_TOKEN", "s3cret-export-token")
    args = ["sync", "--from", receiver.url, "--content", str(site / "content")]
    args += ["--db", str(site / "var" / "r.sqlite3"), "--allow-private-addresses"]
    assert receiver_main(args) == 0
    data = json.loads(
        (site / "content" / "responses" / "first-lesson.json").read_text()
    )
    assert [r["author_name"] for r in data["responses"]] == ["Remote Reader"]
    before = (site / "content" / "responses" / "first-lesson.json").stat().st_mtime_ns
    assert receiver_main(args) == 0  # again: nothing changes
    after = (site / "content" / "responses" / "first-lesson.json").stat().st_mtime_ns
    assert before == after
    monkeypatch.setenv("RECEIVER_EXPORT_TOKEN", "wrong")
    assert receiver_main(args) == 1


def test_sync_reports_bad_records_by_place_and_keeps_the_rest() -> None:
    good = {
        "id": "rc-1",
        "key": "k",
        "type": "comment",
        "status": "approved",
        "parent": None,
        "author_name": "A",
        "author_url": None,
        "date": "2024-01-01T00:00:00Z",
        "content_html": "<p>x</p>",
    }
    items, problems = to_items([good, "junk", {"id": "rc-2"}])
    assert [i.id for i in items] == ["rc-1"]
    assert problems[0] == "record 2: not an object"
    assert problems[1].startswith("record 3 ('rc-2'):")


def test_behind_a_path_prefix_links_keep_it(make_receiver) -> None:
    """With public_url ".../receiver/", nginx strips the prefix; links keep it."""
    receiver = make_receiver(public_url="https://blog.example/receiver/")
    answer = login(receiver)
    assert answer.headers["Location"] == "/receiver/moderate"
    page = receiver.client.get("moderate/login")
    form = BeautifulSoup(page.text, "lxml").find("form")
    assert form["action"] == "/receiver/moderate/login"
