"""Warm rebuilds: what an author waits for after editing a post or approving a comment.

A copy of the corpus is built once cold with the project's settings and its
content cache on (as `make html` does), then rebuilt, each time in a fresh
process, after: nothing changed; one post edited; one pending comment
approved with the responses store (which rewrites that post's public JSON
file, as `make moderate` does). The figure is each rebuild's time against the
cold build's: the content cache must be valid and used, so a rebuild skips
reading every post and only writes the pages again.

The same is measured for the same site without plugins and for plain Pelican
(default theme): their ratio is the floor, what Pelican's own content cache
allows, since Pelican renders and writes every page again on every build.

Usage: python bench/warm.py [--posts 5000] [--responses 10] [--runs 3]
                            [--corpus DIR] [--json FILE]
                            [--variants project,no-plugins,plain]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
import shutil
import statistics
import sys
import tempfile
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
for path in (BENCH_DIR, REPO_ROOT):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
from build import plain_variant, prepare_corpus, project_variant, run_one  # noqa: E402

from pelican_plugins.responses.store import ResponseStore  # noqa: E402

EDIT = "\n\nAn added paragraph, as an author would add one.\n"


def edit_one_post(content: Path) -> str:
    """Append a paragraph to the first post; return its name."""
    post = sorted((content / "posts").glob("*.md"))[0]
    with post.open("a", encoding="utf-8") as handle:
        handle.write(EDIT)
    return post.name


def approve_one_comment(content: Path, db: Path) -> str:
    """Approve the oldest pending comment through the store; return its id."""
    store = ResponseStore(content / "responses", db)
    try:
        pending = [r for r in store.list("pending") if r.type == "comment"]
        if not pending:
            raise RuntimeError("the corpus has no pending comment to approve")
        return store.set_status(pending[0].id, "approved").id
    finally:
        store.close()


VARIANTS = ("project", "no-plugins", "plain")


def warm_variants(names: tuple[str, ...] = VARIANTS) -> dict[str, dict[str, Any]]:
    """Return the project as `make html` builds it, and the floor to compare it to.

    `no-plugins` is the same site and theme without any plugin, `plain` is
    Pelican's default theme without plugins: their warm/cold ratio is as short
    as Pelican itself allows a rebuild to be, with its content cache on.
    """
    cache_on = {
        "LOAD_CONTENT_CACHE": True,
        "CACHE_CONTENT": True,
        "DELETE_OUTPUT_DIRECTORY": False,
    }
    plain = plain_variant()
    every = {
        "project": project_variant(**cache_on),  # what `make html` does
        "no-plugins": project_variant(PLUGINS=[], **cache_on),
        "plain": {**plain, "overrides": {**plain["overrides"], **cache_on}},
    }
    return {name: every[name] for name in names}


def _rounds(
    name: str, variant: dict[str, Any], corpus: Path, work: Path
) -> dict[str, dict[str, Any]]:
    """One round for one variant: cold, then each rebuild, on a fresh copy."""
    site = work / name
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(corpus / "content", site / "content")
    shutil.copy2(corpus / "responses.sqlite3", site / "responses.sqlite3")
    keep = {"output": site / "output", "cache": site / "cache"}
    one = {"corpus": site, "variant": variant, "work": work, "keep": keep}
    got = {"cold": run_one(**one), "unchanged": run_one(**one)}
    edit_one_post(site / "content")
    got["one post edited"] = run_one(**one)
    if name == "project":  # without the plugin the responses files are not read
        approve_one_comment(site / "content", site / "responses.sqlite3")
        got["one comment approved"] = run_one(**one)
    shutil.rmtree(site, ignore_errors=True)
    return got


def warm_rebuilds(
    corpus: Path, runs: int, names: tuple[str, ...] = VARIANTS
) -> dict[str, dict[str, Any]]:
    """Per variant: cold build, then the rebuilds; medians of *runs* rounds.

    Variants take turns (the order rotates every round) so that a noisy
    stretch of the machine does not fall on one of them only.
    """
    variants = warm_variants(names)
    order = list(variants)
    raw: dict[str, list[dict[str, dict[str, Any]]]] = {n: [] for n in order}
    with tempfile.TemporaryDirectory(prefix="bench-warm-") as tmp:
        work = Path(tmp)
        for rnd in range(runs):
            k = rnd % len(order)
            for name in order[k:] + order[:k]:
                raw[name].append(_rounds(name, variants[name], corpus, work))
                print(f"  round {rnd + 1}/{runs}  {name} done", file=sys.stderr)
    return summarise(raw)


def summarise(
    raw: dict[str, list[dict[str, dict[str, Any]]]],
) -> dict[str, dict[str, Any]]:
    """Medians per variant and build; ratios are medians of per-round ratios.

    *raw* holds, per variant, one {build: run_one() result} per round. Pairing
    each rebuild with the cold build of its own round keeps a noisy stretch of
    the machine from landing on the numerator or the denominator only.
    """
    figures: dict[str, dict[str, Any]] = {}
    for name, rounds in raw.items():
        figures[name] = {}
        for build in rounds[0]:
            rs = [r[build] for r in rounds]
            figures[name][build] = {
                "median_s": statistics.median(r["wall_s"] for r in rs),
                "median_cpu_s": statistics.median(r["cpu_s"] for r in rs),
                "median_peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in rs),
                "cpu_vs_cold": statistics.median(
                    r[build]["cpu_s"] / r["cold"]["cpu_s"] for r in rounds
                ),
                "wall_vs_cold": statistics.median(
                    r[build]["wall_s"] / r["cold"]["wall_s"] for r in rounds
                ),
            }
    return figures


def format_table(figures: dict[str, dict[str, Any]]) -> str:
    """One line per variant and build: seconds, peak RSS and the ratio to cold."""
    head = (
        f"{'variant':<12}{'build':<22}{'wall s':>8}{'CPU s':>8}{'RSS MB':>8}"
        f"{'CPU/cold':>10}"
    )
    lines = [head, "-" * len(head)]
    for name, builds in figures.items():
        for build, f in builds.items():
            lines.append(
                f"{name:<12}{build:<22}{f['median_s']:>8.2f}{f['median_cpu_s']:>8.2f}"
                f"{f['median_peak_rss_mb']:>8.0f}{f['cpu_vs_cold']:>10.2f}"
            )
    return "\n".join(lines)


def _names(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = sorted(set(names) - set(VARIANTS))
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"expected some of {','.join(VARIANTS)}, got {text!r}"
        )
    return names


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=5000)
    ap.add_argument("--responses", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--corpus", type=Path, help="reuse this corpus (made if absent)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument(
        "--variants",
        type=_names,
        default=list(VARIANTS),
        help="comma-separated, of " + ",".join(VARIANTS) + " (default: all)",
    )
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as tmp:
        corpus = args.corpus or Path(tmp)
        prepare_corpus(corpus, args.posts, args.responses, args.seed)
        figures = warm_rebuilds(corpus, args.runs, tuple(args.variants))
    print(format_table(figures))
    print(
        f"medians of {args.runs} rounds, each build a fresh process; CPU/cold is "
        "the median of per-round ratios"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
