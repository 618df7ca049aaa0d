"""The receiver's "our own site" is responses.targets.is_own (real server)."""

from __future__ import annotations

import pytest

from tests.receiver.conftest import Receiver


def test_a_target_spelled_with_the_default_port_is_our_post(receiver: Receiver) -> None:
    answer = receiver.client.post(
        "webmention",
        data={
            "source": "https://kim.example/notes/2",
            "target": "https://BLOG.example:443/2019/03/first-lesson/",
        },
    )
    assert answer.status_code == 201


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("https://blog.example:443/2021/none/", "not a post or page of this site"),
        ("https://blog.example.evil/2019/03/first-lesson/", "not on this site"),
    ],
)
def test_other_targets_are_refused_with_the_right_reason(
    receiver: Receiver, target: str, reason: str
) -> None:
    answer = receiver.client.post(
        "webmention", data={"source": "https://kim.example/notes/2", "target": target}
    )
    assert answer.status_code == 400
    assert reason in answer.text
