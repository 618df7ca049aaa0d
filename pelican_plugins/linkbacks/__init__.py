"""Linkbacks plugin for Pelican: the build's side of sending linkbacks (issue 9).

While Pelican reads each post it notes the post's links (``reading``; the
reader cache keeps them). At build time it writes the manifest the sender
reads (each post's URL, a fingerprint of its content and the external links
of its own content) and a tombstone page at the old URL of every post the
sender once sent for and that is now gone. Sending itself is a separate
command (``python -m pelican_plugins.linkbacks send``); a build never
touches the network.
"""

from __future__ import annotations

import logging
from pathlib import Path, PurePosixPath
from typing import Any

from markupsafe import Markup
from pelican import signals
from pelican.generators import Generator, PelicanTemplateNotFound

from pelican_plugins import atomic
from pelican_plugins.contents import published
from pelican_plugins.linkbacks import manifest as manifests
from pelican_plugins.linkbacks import serverlines
from pelican_plugins.linkbacks import settings as plugin_settings
from pelican_plugins.linkbacks.links import link_targets
from pelican_plugins.linkbacks.reading import content_hrefs, on_readers_init
from pelican_plugins.linkbacks.state import State, StateError
from pelican_plugins.responses.targets import is_own

logger = logging.getLogger(__name__)

#: Context key: ``(URL path, file path)`` of every tombstone of this build, for
#: the ``redirects`` plugin's server maps (410 Gone next to its 301s).
GONE = "gone_pages"


def plain(title: str) -> str:
    """Return a title as plain text (titles may carry markup)."""
    return Markup(title).striptags()


def find_tombstones(
    state_file: Path, sources: dict[str, str], siteurl: str
) -> list[manifests.Tombstone]:
    """Return the posts the sender knows and this build lacks.

    *sources* maps this build's URLs to their ``save_as``.
    """
    try:
        state = State.from_json(state_file.read_text("utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError, StateError) as exc:
        logger.warning(
            "linkbacks: %s unreadable, no tombstones written: %s", state_file, exc
        )
        return []
    used = set(sources.values())
    found = []
    for url, entry in sorted(state.sources.items()):
        save_as = PurePosixPath(entry.save_as)
        if url in sources or entry.save_as in used:
            continue
        if save_as.is_absolute() or ".." in save_as.parts or not entry.save_as:
            logger.warning("linkbacks: unsafe tombstone path %r skipped", entry.save_as)
            continue
        if siteurl and not is_own(url, siteurl):
            continue
        found.append(manifests.Tombstone(url, entry.save_as, entry.title))
    return found


class LinkbacksGenerator(Generator):
    """Writes the sender's manifest and the tombstone pages."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = plugin_settings.load(self.settings)
        self.manifest: manifests.Manifest | None = None
        if self.options["LINKBACKS_ALLOW_PRIVATE_ADDRESSES"]:
            logger.warning(
                "linkbacks: LINKBACKS_ALLOW_PRIVATE_ADDRESSES is on: the sender "
                "will reach loopback and private addresses (tests only)"
            )

    def collect(self, generators: list[Any]) -> None:
        """Build the manifest from the other generators' finished content."""
        siteurl = str(self.settings.get("SITEURL") or "").rstrip("/")
        sources = []
        for item in published(generators):
            url = f"{siteurl}/{item.url}"
            content = item.content or ""
            title = plain(item.title)
            sources.append(
                manifests.Source(
                    url=url,
                    save_as=item.save_as,
                    title=title,
                    digest=manifests.digest(title, content),
                    targets=tuple(
                        link_targets(content_hrefs(item), source=url, siteurl=siteurl)
                    ),
                )
            )
        sources.sort(key=lambda s: s.url)
        state_file = Path(self.options["LINKBACKS_STATE_FILE"])
        self.manifest = manifests.Manifest(
            siteurl=siteurl,
            allow_private_addresses=self.options["LINKBACKS_ALLOW_PRIVATE_ADDRESSES"],
            sources=tuple(sources),
            tombstones=tuple(
                find_tombstones(
                    state_file, {s.url: s.save_as for s in sources}, siteurl
                )
            ),
        )
        gone = (serverlines.paths(t) for t in self.manifest.tombstones)
        self.context[GONE] = [pair for pair in gone if pair is not None]

    def generate_output(self, writer: Any) -> None:
        """Write the manifest and one tombstone page per deleted post."""
        if self.manifest is None:
            return
        output = Path(self.output_path)
        atomic.write_text(output / manifests.NAME, self.manifest.to_json())
        if not self.manifest.tombstones:
            return
        try:
            template = self.get_template("tombstone")
        except PelicanTemplateNotFound:
            logger.warning(
                "linkbacks: the theme has no tombstone.html template: %d tombstone "
                "page(s) not written",
                len(self.manifest.tombstones),
            )
            return
        for tombstone in self.manifest.tombstones:
            writer.write_file(
                tombstone.save_as,
                template,
                self.context,
                relative_urls=self.settings.get("RELATIVE_URLS", False),
                tombstone=tombstone,
            )


def get_generators(pelican: Any) -> type[Generator]:
    """Add the linkbacks generator to the build."""
    return LinkbacksGenerator


def collect(generators: list[Any]) -> None:
    """Hand the finished articles and pages to this run's linkbacks generator."""
    for gen in generators:
        if isinstance(gen, LinkbacksGenerator):
            gen.collect(generators)


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.readers_init.connect(on_readers_init)
    signals.get_generators.connect(get_generators)
    signals.all_generators_finalized.connect(collect)
