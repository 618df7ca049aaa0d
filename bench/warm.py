"""Warm rebuilds: what an author waits for after editing a post or approving a comment.

A copy of the corpus is built once cold with the project's settings and its
content cache on (as `make html` does), then rebuilt, each time in a fresh
process, after: nothing changed; one post edited; one pending comment
approved with the responses store (which rewrites that post's public JSON
file, as `make moderate` does). The figure is each rebuild's time against the
cold build's: the content cache must be valid and used, so a rebuild skips
reading every post and only writes the pages again.

Usage: python bench/warm.py [--posts 5000] [--responses 10] [--runs 3]
                            [--corpus DIR] [--json FILE]
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
from build import prepare_corpus, project_variant, run_one  # noqa: E402

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


def warm_rebuilds(corpus: Path, runs: int) -> dict[str, Any]:
    """Cold build, then the rebuilds; medians of *runs* rounds of each."""
    results: dict[str, list[dict[str, Any]]] = {
        "cold": [],
        "unchanged": [],
        "one post edited": [],
        "one comment approved": [],
    }
    with tempfile.TemporaryDirectory(prefix="bench-warm-") as tmp:
        work = Path(tmp)
        for _ in range(runs):
            site = work / "site"
            shutil.rmtree(site, ignore_errors=True)
            shutil.copytree(corpus / "content", site / "content")
            shutil.copy2(corpus / "responses.sqlite3", site / "responses.sqlite3")
            variant = project_variant(  # what `make html` does
                LOAD_CONTENT_CACHE=True,
                CACHE_CONTENT=True,
                DELETE_OUTPUT_DIRECTORY=False,
            )
            keep = {"output": site / "output", "cache": site / "cache"}
            one = {"corpus": site, "variant": variant, "work": work, "keep": keep}
            results["cold"].append(run_one(**one))
            results["unchanged"].append(run_one(**one))
            edit_one_post(site / "content")
            results["one post edited"].append(run_one(**one))
            approve_one_comment(site / "content", site / "responses.sqlite3")
            results["one comment approved"].append(run_one(**one))
    cold = statistics.median(r["cpu_s"] for r in results["cold"])
    cold_wall = statistics.median(r["wall_s"] for r in results["cold"])
    return {
        name: {
            "median_s": statistics.median(r["wall_s"] for r in rs),
            "median_cpu_s": statistics.median(r["cpu_s"] for r in rs),
            "median_peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in rs),
            "cpu_vs_cold": statistics.median(r["cpu_s"] for r in rs) / cold,
            "wall_vs_cold": statistics.median(r["wall_s"] for r in rs) / cold_wall,
        }
        for name, rs in results.items()
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=5000)
    ap.add_argument("--responses", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--corpus", type=Path, help="reuse this corpus (made if absent)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as tmp:
        corpus = args.corpus or Path(tmp)
        prepare_corpus(corpus, args.posts, args.responses, args.seed)
        figures = warm_rebuilds(corpus, args.runs)
    print(f"{'build':<22}{'wall s':>8}{'CPU s':>8}{'RSS MB':>8}{'CPU/cold':>10}")
    for name, f in figures.items():
        print(
            f"{name:<22}{f['median_s']:>8.2f}{f['median_cpu_s']:>8.2f}"
            f"{f['median_peak_rss_mb']:>8.0f}{f['cpu_vs_cold']:>10.2f}"
        )
    print(f"medians of {args.runs} rounds, each build a fresh process")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
