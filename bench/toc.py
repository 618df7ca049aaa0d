"""Cost of the TOC plugin alone: plain Pelican, the project without it, with it.

Usage: python bench/toc.py [--posts 500] [--runs 5] [--corpus DIR] [--json FILE]

Same cold builds as bench/build.py (fresh process, no cache, interleaved
rounds), timed two ways: wall time, and the CPU time (user + system) of each
build process. On a shared 2-core machine other work stretches wall time by
tens of percent; CPU time barely moves, so it is the figure to quote for a
few-percent effect. The issue's figure is (project - project-no-toc) / plain.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
import resource
import statistics
import sys
import tempfile
from typing import Any

from pelican.settings import read_settings

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))
from build import (  # noqa: E402
    PROJECT_SETTINGS,
    generate,
    plain_variant,
    project_variant,
    run_one,
)

PLUGIN = "pelican_plugins.toc"


def variants() -> dict[str, dict[str, Any]]:
    """Plain, the project without the TOC plugin, and the project with it."""
    plugins = list(read_settings(str(PROJECT_SETTINGS))["PLUGINS"])
    without = [p for p in plugins if p != PLUGIN]
    return {
        "plain": plain_variant(),
        "project-no-toc": project_variant(PLUGINS=without),
        "project": project_variant(PLUGINS=[*without, PLUGIN]),
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(
    corpus: Path, chosen: dict[str, dict[str, Any]], runs: int, warmup: int
) -> dict[str, dict[str, list[float]]]:
    """Wall and CPU seconds of every timed build, per variant, rounds rotated."""
    names = list(chosen)
    raw: dict[str, dict[str, list[float]]] = {n: {"wall": [], "cpu": []} for n in names}
    with tempfile.TemporaryDirectory(prefix="bench-toc-work-") as tmp:
        for rnd in range(-warmup, runs):
            k = rnd % len(names)
            for name in names[k:] + names[:k]:
                before = _children_cpu()  # run_one reaps its child with wait4
                result = run_one(corpus, chosen[name], Path(tmp))
                cpu = _children_cpu() - before
                print(
                    f"  {'warm-up' if rnd < 0 else f'run {rnd + 1}/{runs}':>9}  "
                    f"{name:<15}{result['wall_s']:7.2f} s wall {cpu:7.2f} s CPU",
                    file=sys.stderr,
                    flush=True,
                )
                if rnd >= 0:
                    raw[name]["wall"].append(result["wall_s"])
                    raw[name]["cpu"].append(cpu)
    return raw


def summarise(raw: dict[str, dict[str, list[float]]]) -> dict[str, Any]:
    """Medians, paired ratios to plain, and the TOC's share of a plain build."""
    out: dict[str, Any] = {"variants": {}}
    for name, series in raw.items():
        row: dict[str, float] = {}
        for kind in ("wall", "cpu"):
            row[f"median_{kind}_s"] = statistics.median(series[kind])
            paired = [
                a / b for a, b in zip(series[kind], raw["plain"][kind], strict=True)
            ]
            row[f"{kind}_vs_plain"] = statistics.median(paired)
        out["variants"][name] = row
    for kind in ("wall", "cpu"):
        with_toc = out["variants"]["project"][f"median_{kind}_s"]
        without = out["variants"]["project-no-toc"][f"median_{kind}_s"]
        plain = out["variants"]["plain"][f"median_{kind}_s"]
        out[f"toc_share_{kind}"] = (with_toc - without) / plain
    return out


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point for `make bench-toc`."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=500)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--corpus", type=Path, help="reuse this corpus (made if absent)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-toc-") as tmp:
        corpus = args.corpus or Path(tmp)
        if not (corpus / "content" / "posts").is_dir():
            generate(corpus, args.posts, 0, 1)
        posts = sum(1 for _ in (corpus / "content" / "posts").glob("*.md"))
        raw = measure(corpus, variants(), args.runs, args.warmup)
    summary = summarise(raw)
    print(f"{posts} posts, {args.runs} interleaved runs after {args.warmup} warm-up")
    print(f"{'variant':<16}{'wall s':>9}{'vs plain':>10}{'CPU s':>9}{'vs plain':>10}")
    for name, row in summary["variants"].items():
        print(
            f"{name:<16}{row['median_wall_s']:>9.2f}{row['wall_vs_plain']:>9.2f}x"
            f"{row['median_cpu_s']:>9.2f}{row['cpu_vs_plain']:>9.2f}x"
        )
    print(
        "TOC alone, (project - project-no-toc) / plain: "
        f"CPU {summary['toc_share_cpu']:+.1%}, wall {summary['toc_share_wall']:+.1%}"
    )
    if args.json:
        payload = {"posts": posts, "runs": args.runs, "raw": raw, **summary}
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
