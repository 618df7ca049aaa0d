"""Optional features: mail to the moderator (SMTP on loopback), rebuild on approval."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
import socket
import sys
import time

from aiosmtpd.controller import Controller
from bs4 import BeautifulSoup
import pytest

from tests.receiver.conftest import POST, Receiver
from tests.receiver.test_moderation import comment, csrf_of, login


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def test_the_moderator_gets_an_email_for_a_pending_comment(
    make_receiver, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    receiver = make_receiver(
        notify_to="author@blog.example", smtp_port=port, public_url="https://r.example/"
    )
    comment(receiver, text="Does this help sciatica?", author="Ana\nBcc: x@evil")
    deadline = time.monotonic() + 10
    while not inbox.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    [(recipients, raw)] = inbox.messages
    assert recipients == ["author@blog.example"]
    text = raw.decode("utf-8")
    assert "Subject: [The Listening Back] New comment by Ana Bcc: x@evil" in text
    assert "\nBcc:" not in text  # the name cannot add a header
    assert "Does this help sciatica?" in text
    assert "https://r.example/moderate" in text
    assert "m@example.org" not in text


def test_a_dead_mail_server_does_not_lose_the_comment(make_receiver) -> None:
    receiver = make_receiver(notify_to="author@blog.example", smtp_port=free_port())
    comment(receiver)
    with receiver.store() as store:
        assert len(store.list("pending")) == 1


def test_approvals_trigger_one_debounced_rebuild(make_receiver, tmp_path: Path) -> None:
    marker = tmp_path / "built"
    script = (
        "import pathlib, sys; p = pathlib.Path(sys.argv[1]); "
        "p.write_text(p.read_text() + 'x' if p.exists() else 'x')"
    )
    receiver: Receiver = make_receiver(
        rebuild_command=[sys.executable, "-c", script, str(marker)],
        rebuild_delay=0.5,
        flood_seconds=0.0,
        per_ip_per_minute=10,
    )
    for n in range(3):
        comment(receiver, text=f"comment {n}")
    login(receiver)
    for _ in range(3):
        page = receiver.client.get("moderate")
        item = BeautifulSoup(page.text, "lxml").find("input", attrs={"name": "id"})
        receiver.client.post(
            "moderate/approve", data={"csrf": csrf_of(page), "id": item["value"]}
        )
    deadline = time.monotonic() + 15
    while "succeeded" not in receiver.client.get("moderate").text:
        assert time.monotonic() < deadline, "the rebuild did not finish"
        time.sleep(0.1)
    assert marker.read_text() == "x"  # three approvals, one build
    status = BeautifulSoup(receiver.client.get("moderate").text, "lxml").find(
        id="rebuild"
    )
    assert status.get_text().startswith("Site rebuild: succeeded at ")
    assert POST  # the comments are on the first lesson
