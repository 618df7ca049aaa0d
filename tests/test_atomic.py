"""Atomic writes: a crash mid-write leaves the old file whole."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pelican_plugins import atomic


def test_write_replaces_content(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "state.json"
    atomic.write_text(target, "one")
    atomic.write_text(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["state.json"]


def test_crash_before_rename_keeps_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "state.json"
    atomic.write_text(target, "old")

    def crash(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        atomic.write_text(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_sync_directory_fsyncs_the_folder_and_tolerates_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one directory fsync (atomic writes and the build's output swap)."""
    synced: list[str] = []
    real_fsync = os.fsync

    def record(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", record)
    atomic.sync_directory(tmp_path)
    assert synced == [str(tmp_path)]

    def refuse(fd: int) -> None:
        raise OSError("EINVAL: this filesystem cannot fsync a directory")

    monkeypatch.setattr(os, "fsync", refuse)
    atomic.sync_directory(tmp_path)  # harmless: no exception
    atomic.sync_directory(tmp_path / "missing")
