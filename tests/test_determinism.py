"""Two builds of the same input give byte-identical output."""

from __future__ import annotations

from pathlib import Path

from tests.support import build


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()
    }


def test_two_builds_are_byte_identical(site: Path, tmp_path: Path) -> None:
    # The second build runs later, in another folder, with its own cold cache.
    again = tree(build(tmp_path / "again"))
    first = tree(site)
    assert sorted(again) == sorted(first)
    changed = [name for name in first if first[name] != again[name]]
    assert changed == []
