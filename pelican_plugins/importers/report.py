"""What an import did, and the summary table printed at the end."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from pelican_plugins.importers.clean import Cleaner
from pelican_plugins.importers.xmlstream import Broken
from pelican_plugins.responses.store import MergeReport

if TYPE_CHECKING:
    from pelican_plugins.importers.posts import PostStats

SHOWN = 20  # list at most this many lines of each kind


@dataclass
class Report:
    """Counters and messages of one import run."""

    source: str = ""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    held: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)
    unmatched: list[str] = field(default_factory=list)
    unmatched_responses: int = 0
    quarantined: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    mojibake: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    repair_count: int = 0
    posts_written: list[str] = field(default_factory=list)
    fatal: str | None = None
    rejected: bool = False
    posts: PostStats | None = None

    def add_parse(self, cleaner: Cleaner, broken: Iterable[Broken]) -> None:
        """Record the byte cleaner's repair total and every quarantined record."""
        self.repair_count = cleaner.repair_count
        hidden = cleaner.repair_count - len(cleaner.repairs)
        if hidden:
            self.repairs.append(f"… and {hidden} more repairs of the same kinds")
        self.quarantined.extend(
            f"record at line {b.line} (after {b.after}): {b.error}" for b in broken
        )

    def count_held(self, status: str, reason: str) -> None:
        """Count a response that is not public, by why (its reason, else status)."""
        if status != "approved":
            self.held[reason or status] += 1

    def add_merge(self, merged: MergeReport) -> None:
        """Fold one store merge into the totals."""
        self.created += merged.created
        self.updated += merged.updated
        self.unchanged += merged.unchanged

    @property
    def exit_code(self) -> int:
        """0 when everything imported; 2 when the file was refused; 1 when partial.

        Partial: a record was quarantined, dropped as invalid or in conflict
        (each is listed with its place), or the file was cut short.
        """
        if self.rejected:
            return 2
        partial = self.quarantined or self.conflicts or self.dropped
        refused = self.posts is not None and self.posts.refused
        return 1 if self.fatal or partial or refused else 0

    def table(self) -> Table:
        """Return the summary as a rich table."""
        table = Table(title=f"Import of {self.source}", show_lines=False)
        table.add_column("result")
        table.add_column("count", justify="right")
        table.add_column("detail")
        table.add_row("imported (new)", str(self.created), "")
        table.add_row("updated", str(self.updated), "changed since the last import")
        table.add_row("already present", str(self.unchanged), "")
        for reason, count in sorted(self.held.items()):
            table.add_row("held privately", str(count), reason)
        for reason, count in sorted(self.dropped.items()):
            table.add_row("dropped", str(count), reason)
        table.add_row(
            "unmatched items",
            str(len(self.unmatched)),
            f"{self.unmatched_responses} responses not imported"
            if self.unmatched
            else "",
        )
        table.add_row("quarantined records", str(len(self.quarantined)), "")
        if self.conflicts:
            table.add_row(
                "id conflicts", str(len(self.conflicts)), "same id twice; first kept"
            )
        if self.mojibake:
            table.add_row(
                "possible mojibake",
                str(len(self.mojibake)),
                "listed below; --fix-mojibake repairs it",
            )
        table.add_row("byte repairs", str(self.repair_count), "")
        if self.posts is not None:
            _migration_rows(table, self.posts)
        elif self.posts_written:
            table.add_row("posts/pages written", str(len(self.posts_written)), "")
        return table

    def render(self, console: Console) -> None:
        """Print the table, then the messages, each list shortened to SHOWN lines.

        A refused file imported nothing: its one ``Error:`` line says why.
        """
        if self.rejected:
            console.print(
                f"Error: {self.fatal}", markup=False, highlight=False, soft_wrap=True
            )
            return
        console.print(self.table())
        sections = [
            ("Unmatched (add wp_post_id metadata or use --posts)", self.unmatched),
            ("Quarantined", self.quarantined),
            ("Id conflicts", self.conflicts),
            ("Possible mojibake (double-encoded text)", self.mojibake),
            ("Repairs", self.repairs),
            ("Warnings", self.warnings),
            ("Written", self.posts_written),
        ]
        if self.posts is not None:
            sections += _migration_sections(self.posts)
        for title, lines in sections:
            if not lines:
                continue
            console.print(f"{title}:", markup=False, highlight=False, soft_wrap=True)
            for line in lines[:SHOWN]:
                console.print(
                    f"  {line}", markup=False, highlight=False, soft_wrap=True
                )
            if len(lines) > SHOWN:
                console.print(f"  … and {len(lines) - SHOWN} more", markup=False)
        if self.fatal:
            console.print(
                f"Error: {self.fatal}", markup=False, highlight=False, soft_wrap=True
            )


def _migration_rows(table: Table, stats: PostStats) -> None:
    """Add the ``--posts`` rows: what was written, redirected, converted, copied."""
    site = stats.site
    media = site.media if site else None
    table.add_row("posts written", str(len(stats.posts)), "")
    table.add_row("pages written", str(len(stats.pages)), "")
    table.add_row("  of them drafts", str(len(stats.drafts)), "not published")
    table.add_row("items refused", str(len(stats.refused)), "see Refused")
    table.add_row("redirects written", str(stats.redirects), "old URLs kept")
    if site is not None:
        converted = ", ".join(f"{k} {v}" for k, v in sorted(site.converted.items()))
        left = ", ".join(f"{k} {v}" for k, v in sorted(site.left.items()))
        table.add_row("shortcodes converted", str(site.converted.total()), converted)
        table.add_row("shortcodes left as written", str(site.left.total()), left)
    if media is not None:
        table.add_row("media copied", str(len(media.copied)), "")
        table.add_row("media missing", str(len(media.missing)), "see Missing media")
        hosts = ", ".join(f"{h} {n}" for h, n in sorted(media.remote.items()))
        table.add_row("remote media references", str(media.remote.total()), hosts)


def _migration_sections(stats: PostStats) -> list[tuple[str, list[str]]]:
    media = stats.site.media if stats.site else None
    authors = [
        f"{login}: {n} items; no display name in the export, the site's AUTHOR is used"
        for login, n in sorted(stats.no_author.items())
    ]
    categories = (
        [
            (
                f"{stats.several_categories} posts had several categories: the"
                " first became the category, the others tags (docs/migration.md)"
            )
        ]
        if stats.several_categories
        else []
    )
    return [
        ("Refused", stats.refused),
        ("Not redirectable (query URLs)", stats.unredirectable),
        ("Multi-page posts joined", stats.nextpage),
        ("Authors", authors),
        ("Categories", categories),
        ("Missing media", sorted(media.missing) if media else []),
        ("Remote media", sorted(media.remote_urls) if media else []),
    ]
