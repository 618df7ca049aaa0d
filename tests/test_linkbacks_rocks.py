"""The sender against a local webmention.rocks replica (C1, C11, C14).

Discovery tests 1-23 are run both one by one through the sender's own
discovery and sending code, and end to end: a real Pelican build of a post
linking to every test, then the ``send`` command. Update 1, Update 2 and
Delete 1 follow the public suite's steps with real rebuilds.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs

import pytest

from pelican_plugins import net
from pelican_plugins.linkbacks import cli, send
from pelican_plugins.linkbacks.plan import Job
from pelican_plugins.linkbacks.state import SENT
from tests import rocks as replica
from tests.netserver import Handler, Hit, Server, resolver_map, running, summary
from tests.support import PUBLISH_CONF, build, write_post

SOURCE = "https://blog.example/2024/01/rocks/"


@pytest.fixture(scope="module")
def rocks():
    with running() as server:
        yield replica.install(server)


@pytest.mark.parametrize("n", range(1, 24))
def test_discovery_case(rocks, n):
    """C1: exactly one POST, to the right endpoint, never to an error endpoint."""
    start = len(rocks.server.hits)
    target = rocks.target(f"/test/{n}" if n != 23 else "/test/23/page")
    outcomes = send.run([Job(SOURCE, target, "new post")], rocks.server.policy())
    (outcome,) = outcomes.values()
    assert outcome.status == SENT, outcome.reason
    hits = rocks.server.hits[start:]
    posts = [h for h in hits if h.method == "POST"]
    assert len(posts) == 1
    assert not [h for h in hits if "/error" in h.path]
    expected = {
        15: "/test/15",
        21: "/test/21/webmention?query=yes",
    }.get(n, f"/test/{n}/webmention")
    if n == 23:
        assert posts[0].path.startswith("/test/23/page/webmention-endpoint/")
    else:
        assert posts[0].path == expected
    # C11: the endpoint's query stays in its URL and is not copied into the body.
    assert parse_qs(posts[0].body.decode()) == {"source": [SOURCE], "target": [target]}
    assert posts[0].headers["content-type"] == "application/x-www-form-urlencoded"


# --- end to end: real builds and the send command ------------------------------


def post(folder: Path, slug: str, title: str, links: list[str], day: int = 2) -> Path:
    body = "\n\n".join(f"See [this test]({url})." for url in links)
    text = f"Title: {title}\nDate: 2024-01-{day:02d} 10:00\nSlug: {slug}\n\n{body}\n"
    return write_post(folder / "posts", f"{slug}.md", text)


class Site:
    """A content folder, its published build and the sender's state."""

    def __init__(self, root: Path, siteurl: str) -> None:
        self.content = root / "content"
        self.output = root / "output"
        self.state = root / "var" / "linkbacks.json"
        self.siteurl = siteurl
        (self.content / "pages").mkdir(parents=True)

    def build(self) -> Path:
        return build(
            self.output,
            content=self.content,
            conf=PUBLISH_CONF,
            SITEURL=self.siteurl,
            FEED_DOMAIN=self.siteurl,
            LINKBACKS_STATE_FILE=str(self.state),
            LINKBACKS_ALLOW_PRIVATE_ADDRESSES=True,
        )

    def send(self, capsys, *args: str) -> tuple[int, str, str]:
        code = cli.main(
            ["send", "--output", str(self.output), "--state", str(self.state), *args]
        )
        captured = capsys.readouterr()
        return code, captured.out, captured.err


@pytest.fixture
def wide(monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")


def test_all_23_discovery_tests_from_a_real_build(rocks, tmp_path, capsys, wide):
    site = Site(tmp_path, "https://blog.example")
    urls = [rocks.target(f"/test/{n}") for n in range(1, 23)]
    post(site.content, "rocks", "Rocks", [*urls, rocks.target("/test/23/page")])
    site.build()
    start = len(rocks.server.hits)
    code, out, err = site.send(capsys, "--all")
    assert code == 0, err
    hits = rocks.server.hits[start:]
    for n in range(1, 24):
        posts = [
            h for h in hits if h.method == "POST" and h.path.startswith(f"/test/{n}")
        ]
        mine = [h for h in posts if h.path.split("?")[0].split("/")[2] == str(n)]
        assert len(mine) == 1, (n, [h.path for h in mine])
    assert not [h for h in hits if "/error" in h.path]
    assert "sent" in out
    assert summary(out)["sent"] == 23
    assert "Sending linkbacks" in err  # the progress bar


def test_update_1_resends_to_the_old_target_and_sends_to_the_new(
    rocks, tmp_path, capsys, wide
):
    site = Site(tmp_path, "https://blog.example")
    first = rocks.target("/update/1")
    source = post(site.content, "update-1", "Update 1", [first])
    site.build()
    assert site.send(capsys, "--all")[0] == 0
    assert rocks.accepted[-1] == ("/update/1/webmention", SOURCE_OF("update-1"), first)
    before = len(rocks.accepted)
    # Nothing changed: nothing is sent.
    site.build()
    code, out, _ = site.send(capsys)
    assert (code, len(rocks.accepted)) == (0, before)
    assert summary(out)["already sent"] == 1
    # The post is edited to link to part 2 as well.
    second = rocks.target("/update/1/part/2")
    source.write_text(source.read_text() + f"\nAnd [part 2]({second}).\n")
    site.build()
    code, out, _ = site.send(capsys, "--dry-run")
    assert f"send to {first} (edited)" in out and f"send to {second} (edited)" in out
    assert len(rocks.accepted) == before
    assert site.send(capsys)[0] == 0
    new = {(ep, tgt) for ep, _, tgt in rocks.accepted[before:]}
    assert new == {
        ("/update/1/webmention", first),
        ("/update/1/part/2/webmention", second),
    }
    assert rocks.refused == []  # a fresh one-time key every time: discovery re-ran


def test_update_2_resends_to_a_removed_link(rocks, tmp_path, capsys, wide):
    site = Site(tmp_path, "https://blog.example")
    one, two = rocks.target("/update/2"), rocks.target("/update/2/part/2")
    source = post(site.content, "update-2", "Update 2", [one, two])
    site.build()
    site.send(capsys, "--all")
    before = len(rocks.accepted)
    source.write_text(source.read_text().replace(f"See [this test]({two}).", ""))
    site.build()
    assert site.send(capsys)[0] == 0
    resent = {tgt for _, _, tgt in rocks.accepted[before:]}
    assert resent == {one, two}
    # Told once about the removal; the next edit no longer mentions part 2.
    source.write_text(source.read_text() + "\nA postscript.\n")
    site.build()
    site.send(capsys)
    assert [tgt for _, _, tgt in rocks.accepted[before + 2 :]] == [one]
    assert rocks.refused == []


def SOURCE_OF(slug: str, site: str = "https://blog.example") -> str:
    return f"{site}/2024/01/{slug}/"


def tombstone_host(site_server: Server, output: Path, redirects: str) -> None:
    """Serve *output* the way a host obeying the generated ``_redirects`` would."""
    for line in redirects.splitlines():
        if not line or line.startswith("#"):
            continue
        path, file, status = line.split()
        body = (output / file.lstrip("/")).read_bytes()
        code = int(status.rstrip("!"))

        def gone(h: Handler, hit: Hit, body: bytes = body, code: int = code) -> None:
            h.reply(code, body)

        site_server.routes[path] = gone


def test_delete_1_tombstone_answers_410_and_the_target_is_told(
    rocks, tmp_path, capsys, wide
):
    with running() as site_server:
        siteurl = f"http://blog.test:{site_server.port}"
        site = Site(tmp_path, siteurl)
        target = rocks.target("/delete/1")
        source = post(site.content, "delete-1", "Delete 1 & more", [target])
        post(site.content, "kept", "Kept", [], day=3)
        site.build()
        site.send(capsys, "--all")
        old_url = SOURCE_OF("delete-1", siteurl)
        assert rocks.accepted[-1][1] == old_url

        source.unlink()
        out = site.build()
        page = out / "2024/01/delete-1/index.html"
        assert "This post was removed" in page.read_text()
        assert "Delete 1 &amp; more" in page.read_text()
        for listing in ("index.html", "archives/index.html", "feeds/all.atom.xml"):
            assert "delete-1" not in (out / listing).read_text(), listing

        capsys.readouterr()
        assert (
            cli.main(["tombstones", "--output", str(out), "--format", "netlify"]) == 0
        )
        redirects = capsys.readouterr().out
        assert "/2024/01/delete-1/  /2024/01/delete-1/index.html  410!" in redirects
        tombstone_host(site_server, out, redirects)
        policy = net.Policy(
            allow_private=True, resolver=resolver_map({"blog.test": ["127.0.0.1"]})
        )
        rocks.source_check = lambda src: net.fetch(src, policy=policy).status

        before = len(rocks.accepted)
        code, _, _ = site.send(capsys)
        assert code == 0
        assert rocks.accepted[before:] == [
            ("/delete/1/webmention", old_url, "source 410")
        ]

        # The tombstone survives later rebuilds, and nothing is sent again.
        site.build()
        assert "This post was removed" in page.read_text()
        site.send(capsys)
        assert len(rocks.accepted) == before + 1
