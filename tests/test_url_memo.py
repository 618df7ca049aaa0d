"""url_memo: URLs computed once per build change nothing a reader can see."""

from __future__ import annotations

from pathlib import Path
import shutil

from pelican.writers import FileOverwriteFailedError
import pytest

from tests.support import CONTENT, build, build_apart, write_post
from tests.test_determinism import tree

MEMO = "pelican_plugins.url_memo"


def _plugins(with_memo: bool) -> list[str]:
    from pelican.settings import read_settings  # noqa: PLC0415

    plugins = list(read_settings(str(CONTENT.parent / "pelicanconf.py"))["PLUGINS"])
    assert MEMO in plugins  # the project ships with it
    return plugins if with_memo else [p for p in plugins if p != MEMO]


@pytest.fixture(scope="module")
def tricky_content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample blog plus posts whose URLs come from every source Pelican has."""
    root = tmp_path_factory.mktemp("memo") / "content"
    shutil.copytree(CONTENT, root)
    posts = root / "posts"
    write_post(
        posts,
        "moved.md",
        "Title: Moved by hand\nDate: 2021-03-04\nURL: kept/here/\n"
        "Save_as: kept/here/index.html\nTags: posture\n\nIts own address.\n",
    )
    write_post(
        posts,
        "hidden.md",
        "Title: Hidden notes\nDate: 2021-03-05\nStatus: hidden\n\nNot listed.\n",
    )
    write_post(
        posts,
        "draft.md",
        "Title: Draft notes\nDate: 2021-03-06\nStatus: draft\n\nNot ready.\n",
    )
    write_post(
        posts,
        "breath-fr.md",
        "Title: Respirer\nDate: 2021-03-07\nSlug: breathing-into-the-back\n"
        "Lang: fr\nTags: breathing\n\nLa même idée, en français.\n",
    )
    return root


def test_memo_changes_no_byte_of_the_site(tricky_content: Path, tmp_path: Path) -> None:
    # Drafts, a hidden post, a translation and a URL: override, built both ways.
    # One process per build: Pelican's signals outlive a build (see build_apart).
    with_memo = build_apart(
        tmp_path / "memo", content=tricky_content, PLUGINS=_plugins(True)
    )
    without = build_apart(
        tmp_path / "plain", content=tricky_content, PLUGINS=_plugins(False)
    )
    a, b = tree(with_memo), tree(without)
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []
    # The cases are really there: each one's own page was written.
    assert "kept/here/index.html" in a
    assert "drafts/draft-notes.html" in a
    assert "breathing-into-the-back-fr.html" in a


def test_memo_keeps_pelicans_duplicate_output_check(tmp_path: Path) -> None:
    # Only url is frozen, never save_as: two posts that would write one file
    # still stop the build instead of one silently replacing the other.
    content = tmp_path / "content"
    for name, day in (("a.md", "01"), ("b.md", "02")):
        write_post(
            content / "posts",
            name,
            f"Title: {name}\nDate: 2024-01-{day}\nSlug: same\n\nText.\n",
        )
    with pytest.raises(FileOverwriteFailedError, match=r"same/index\.html"):
        build(tmp_path / "out", content=content, PLUGINS=[MEMO])
