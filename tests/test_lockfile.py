"""The one advisory-lock rule: a second holder waits or is refused, never both."""

from __future__ import annotations

from pathlib import Path

import pytest

from pelican_plugins.lockfile import Busy, advisory_lock


def test_a_second_holder_is_refused_or_gets_the_lock_once_free(tmp_path: Path) -> None:
    target = tmp_path / "var" / "state.json"
    with (
        advisory_lock(target),
        pytest.raises(Busy, match="another process is using"),
        advisory_lock(target, wait=False),
    ):
        pass
    with advisory_lock(target, wait=False):  # released: free again
        assert (tmp_path / "var" / "state.json.lock").exists()
    assert not target.exists()  # the protected file itself is never created
