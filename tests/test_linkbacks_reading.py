"""Links found while Pelican reads a post, kept by its reader cache (issue 13).

The manifest's targets come from links noted in the reader's output, so a
warm build takes them from the content cache and parses no post's HTML for
them; a cache written before the plugin was enabled still gives every target.
"""

from __future__ import annotations

import json
from pathlib import Path
import subprocess
import sys

from pelican_plugins.linkbacks import links
from pelican_plugins.linkbacks.manifest import NAME
from pelican_plugins.linkbacks.reading import HREFS, content_hrefs
from tests.support import PUBLISH_CONF, ROOT, write_post

SITE = "https://blog.example"
POST = f"{SITE}/2024/01/post/"


def test_hrefs_are_the_links_as_written_once_in_order():
    content = (
        '<p><a href=" https://b.example/x ">b</a> <a href="../up/">up</a>'
        ' <a href="https://b.example/x">again</a> <a href="">blank</a> <a>none</a>'
        ' <a href="{filename}/posts/other.md">other</a></p>'
    )
    assert links.hrefs(content) == (
        "https://b.example/x",
        "../up/",
        "{filename}/posts/other.md",
    )
    assert links.hrefs("") == links.hrefs("  \n") == ()


def test_targets_from_the_readers_links_equal_those_of_the_final_body():
    """Pelican resolves `{filename}` links after reading: always our own site."""
    raw = (
        '<a href="{filename}/posts/other.md">o</a> <a href="https://x.example/p">x</a>'
        ' <a href="/about/">a</a>'
    )
    final = raw.replace("{filename}/posts/other.md", f"{SITE}/2023/05/other/")
    from_reader = links.link_targets(links.hrefs(raw), source=POST, siteurl=SITE)
    assert from_reader == links.targets(final, source=POST, siteurl=SITE)
    assert from_reader == ["https://x.example/p"]


def test_an_item_without_noted_links_gets_them_from_its_body():
    class Item:
        content = '<a href="https://x.example/p">x</a>'

    assert content_hrefs(Item()) == ("https://x.example/p",)
    noted = Item()
    setattr(noted, HREFS, ("https://y.example/q",))
    assert content_hrefs(noted) == ("https://y.example/q",)


# A build in a fresh interpreter (Pelican's signals are process-wide, so the
# plugin lists of two builds must not mix) that reports how many posts the
# readers converted (not taken from the content cache) and how many bodies
# were parsed for their links.
_CHILD = """
import json, sys
from pathlib import Path
import pelican_plugins.linkbacks.reading as reading
import pelican_plugins.toc as toc
import tests.support as support
reads, parses = [], []
original_toc, original_hrefs = toc.add_toc, reading.hrefs
def counting(content, metadata, settings, source, found=None):
    reads.append(source)
    return original_toc(content, metadata, settings, source, found)
def parsing(content):
    parses.append(1)
    return original_hrefs(content)
toc.add_toc, reading.hrefs = counting, parsing
args = json.loads(sys.argv[2])
support.build(Path(sys.argv[1]), content=Path(args.pop("content")),
              conf=Path(args.pop("conf")), cache=Path(args.pop("cache")), **args)
print(json.dumps([len(reads), len(parses)]))
"""


def _build(output: Path, content: Path, cache: Path, **overrides) -> list[int]:
    """Build with the publish settings; return [posts read, bodies parsed]."""
    args = {
        "content": str(content),
        "conf": str(PUBLISH_CONF),
        "cache": str(cache),
        "SITEURL": SITE,
        "LINKBACKS_STATE_FILE": str(output.parent / "state.json"),
        "LOAD_CONTENT_CACHE": True,
        "CACHE_CONTENT": True,
        **overrides,
    }
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(output), json.dumps(args)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _blog(root: Path) -> Path:
    content = root / "content"
    (content / "pages").mkdir(parents=True)
    write_post(
        content / "posts",
        "one.md",
        "Title: One\nDate: 2024-01-02 10:00\nSlug: one\n\n"
        "See [the study](https://research.example/back-pain?id=7), "
        "[two]({filename}/two.md) and <a href='https://raw.example/x'>raw HTML</a>.\n",
    )
    write_post(
        content / "posts",
        "two.md",
        "Title: Two\nDate: 2024-01-03 10:00\nSlug: two\n\n"
        "Back to [one]({filename}/one.md); [elsewhere](https://elsewhere.example/a).\n",
    )
    return content


def _targets(output: Path) -> dict[str, list[str]]:
    manifest = json.loads((output / NAME).read_text("utf-8"))
    return {s["url"]: s["targets"] for s in manifest["sources"]}


def test_a_warm_build_reads_no_post_and_writes_the_same_manifest(tmp_path):
    content = _blog(tmp_path)
    cache = tmp_path / "cache"
    assert _build(tmp_path / "cold", content, cache) == [2, 2]
    assert _build(tmp_path / "warm", content, cache) == [0, 0]
    cold = (tmp_path / "cold" / NAME).read_bytes()
    assert (tmp_path / "warm" / NAME).read_bytes() == cold
    assert _targets(tmp_path / "warm") == {
        f"{SITE}/2024/01/one/": [
            "https://research.example/back-pain?id=7",
            "https://raw.example/x",
        ],
        f"{SITE}/2024/01/two/": ["https://elsewhere.example/a"],
    }


def test_a_cache_from_before_the_plugin_still_gives_every_target(tmp_path):
    content = _blog(tmp_path)
    cache = tmp_path / "cache"
    project = json.loads(
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import json, pelicanconf; print(json.dumps(pelicanconf.PLUGINS))",
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    # Without cache_guard the cache survives a change of PLUGINS, as it would
    # for someone who keeps the cache by hand.
    kept = [p for p in project if p != "pelican_plugins.cache_guard"]
    without = [p for p in kept if p != "pelican_plugins.linkbacks"]
    assert _build(tmp_path / "old", content, cache, PLUGINS=without) == [2, 0]
    # Read from the cache; the links come from each post's body instead.
    assert _build(tmp_path / "new", content, cache, PLUGINS=kept) == [0, 2]
    _build(tmp_path / "fresh", content, tmp_path / "fresh-cache", PLUGINS=kept)
    assert (tmp_path / "new" / NAME).read_bytes() == (
        tmp_path / "fresh" / NAME
    ).read_bytes()
    assert _targets(tmp_path / "new")[f"{SITE}/2024/01/two/"] == [
        "https://elsewhere.example/a"
    ]
