"""One digest of our own source (pelican_plugins.sources) for both code-keyed caches.

cache_guard's fingerprint and the responses views cache both change when a
plugin file does, from the one helper; the views cache stays correct without
cache_guard. The end-to-end cases run a copy of the plugins in a fresh
interpreter, so editing it leaves the project's own files alone.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
from pathlib import Path
import shutil
import subprocess
import sys

import pytest

from pelican_plugins import sources
from pelican_plugins.responses.model import Response
from pelican_plugins.responses.store import ResponseStore
from pelican_plugins.sources import package_digest
from tests.support import DEV_CONF, ROOT, soup, write_post


def test_the_digest_follows_every_change_of_source(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("A = 1\n")
    (package / "sub" / "rules.py").write_text("B = 2\n")
    first = package_digest(package)
    assert package_digest(package) == first  # the same source, the same digest

    (package / "notes.txt").write_text("not code")
    assert package_digest(package) == first

    changes = []
    rules = package / "sub" / "rules.py"
    rules.write_text("B = 3\n")  # same size: the mtime tells, moved on to be sure
    stat = rules.stat()
    os.utime(rules, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    changes.append(package_digest(package))
    rules.write_text("B = 30\n")
    changes.append(package_digest(package))
    rules.rename(package / "sub" / "other.py")
    changes.append(package_digest(package))
    (package / "added.py").write_text("")
    changes.append(package_digest(package))
    assert len({first, *changes}) == 5


def test_a_second_caller_reads_no_file_again(tmp_path: Path) -> None:
    """cache_guard and the views cache in one build: each file is hashed once."""
    package = tmp_path / "pkg"
    package.mkdir()
    for n in range(3):
        (package / f"m{n}.py").write_text(f"N = {n}\n")
    before = sources._file_digest.cache_info().misses
    whole = package_digest(package)
    assert sources._file_digest.cache_info().misses == before + 3
    assert package_digest(package) == whole
    assert sources._file_digest.cache_info().misses == before + 3


@pytest.fixture
def plugins_copy(tmp_path: Path) -> Path:
    """A copy of the plugin packages, imported instead of the project's own."""
    root = tmp_path / "copy"
    shutil.copytree(
        ROOT / "pelican_plugins",
        root / "pelican_plugins",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return root


def run_in(copy: Path, code: str, *args: str) -> str:
    """Run *code* with *copy*'s plugins first on the path; return its output."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(copy), str(ROOT)])}
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


DIGESTS = """
import json, pelican_plugins, pelican_plugins.cache_guard as guard
from pelican_plugins.responses import cache
print(json.dumps([pelican_plugins.__file__, guard.fingerprint({}),
                  cache.context_digest("UTC", "%Y").hex()]))
"""


def test_both_callers_agree_on_what_changed(plugins_copy: Path) -> None:
    def digests() -> tuple[str, str]:
        where, fingerprint, views = json.loads(run_in(plugins_copy, DIGESTS))
        assert Path(where).is_relative_to(plugins_copy)
        return fingerprint, views

    start = digests()
    with (plugins_copy / "pelican_plugins" / "slugs" / "__init__.py").open("a") as f:
        f.write("# a fix outside the responses package\n")
    slugs_fixed = digests()
    assert slugs_fixed[0] != start[0]  # the reader cache is dropped ...
    assert slugs_fixed[1] == start[1]  # ... but the views are still good
    with (plugins_copy / "pelican_plugins" / "responses" / "thread.py").open("a") as f:
        f.write("# a fix to the thread rules\n")
    thread_fixed = digests()
    assert thread_fixed[0] != slugs_fixed[0]
    assert thread_fixed[1] != slugs_fixed[1]


BUILD = """
import json, sys
from pathlib import Path
from tests.support import build
args = json.loads(sys.argv[1])
build(Path(args["out"]), content=Path(args["content"]), conf=Path(args["conf"]),
      cache=Path(args["cache"]), PLUGINS=args["plugins"])
"""


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    """One post with one approved comment that holds a link."""
    content = tmp_path / "content"
    write_post(
        content / "posts", "p.md", "Title: P\nDate: 2021-01-01\nSlug: p\n\nBody.\n"
    )
    linked = Response(
        id="c-1",
        key="p",
        type="comment",
        status="approved",
        parent=None,
        author_name="Reader",
        author_url=None,
        date="2021-05-01T10:00:00Z",
        content_html='<p>See <a href="https://kim.example/">my post</a></p>',
    )
    with ResponseStore(content / "responses", tmp_path / "var" / "r.db") as store:
        store.merge([linked])
    return content


def test_a_sanitizer_fix_reaches_warm_pages_without_cache_guard(
    blog: Path, plugins_copy: Path, tmp_path: Path
) -> None:
    """The views cache is keyed on the responses code itself, guard or no guard."""
    from pelicanconf import PLUGINS  # noqa: PLC0415 (the project's settings)

    out = tmp_path / "out"
    args = {
        "out": str(out),
        "content": str(blog),
        "conf": str(DEV_CONF),
        "cache": str(tmp_path / "cache"),
        "plugins": [p for p in PLUGINS if not p.endswith("cache_guard")],
    }

    def rel() -> set[str]:
        run_in(plugins_copy, BUILD, json.dumps(args))
        page = soup(out / "2021" / "01" / "p" / "index.html")
        links = page.select('.commentlist a[href="https://kim.example/"]')
        return {" ".join(a["rel"]) for a in links}

    assert rel() == {"nofollow ugc noopener noreferrer"}
    assert list((tmp_path / "cache" / "responses-views").glob("*.pickle"))
    sanitize = plugins_copy / "pelican_plugins" / "responses" / "sanitize.py"
    text = sanitize.read_text("utf-8")
    sanitize.write_text(
        text.replace('LINK_REL = "nofollow ugc', 'LINK_REL = "external nofollow ugc'),
        "utf-8",
    )
    assert rel() == {"external nofollow ugc noopener noreferrer"}


def test_versions_are_the_installed_ones_and_a_missing_one_is_a_dash() -> None:
    assert sources.distribution_version("nh3") == importlib.metadata.version("nh3")
    assert sources.distribution_version("no-such-distribution-here") == "-"
