"""`make bench-instructions`: instruction counts of plain Pelican and this project.

Wall time on small shared machines swings by about ±10%, which hides costs of
a few percent. Valgrind counts executed instructions instead: cachegrind
without its cache simulation (the default, about twice as fast as callgrind)
or callgrind (``--tool callgrind``). The
count is not exact either: Python's hash seed and the memory layout move it by
up to about 1% of a build. So every variant is built once per hash seed, and
each figure is the median over seeds of a ratio taken within one seed.

Usage: python bench/instructions.py [--posts 500] [--hash-seeds 1 2 3] [--jobs 2]
                                    [--corpus DIR] [--json FILE] [--quick]
                                    [--variants plain project ...]
                                    [--tool cachegrind|callgrind]
Needs valgrind (Debian: apt install valgrind). One 500-post build takes a few
minutes under it; builds run `--jobs` at a time (counts do not depend on load).
"""

from __future__ import annotations

import argparse
from concurrent.futures import ThreadPoolExecutor
import json
import os
from pathlib import Path
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))
from build import (  # noqa: E402
    BASELINE,
    build_command,
    default_variants,
    import_responses,
    plugin_costs,
)
from corpus import generate  # noqa: E402

# callgrind: "Collected : 123"; cachegrind: "I   refs:      1,234".
_COLLECTED = re.compile(r"(?:Collected :|I\s+refs:)\s+([\d,]+)")
TOOLS = {
    "cachegrind": ["--tool=cachegrind", "--cache-sim=no"],
    "callgrind": ["--tool=callgrind"],
}


def collected(valgrind_log: str) -> int:
    """Return the instruction total valgrind prints at exit (the last one)."""
    found = _COLLECTED.findall(valgrind_log)
    if not found:
        raise ValueError("no 'Collected :' or 'I refs:' line in the valgrind output")
    return int(found[-1].replace(",", ""))


def count_one(
    corpus: Path,
    variant: dict[str, Any],
    hash_seed: int,
    work: Path,
    tool: str = "cachegrind",
) -> int:
    """Build once under valgrind with a fixed hash seed; return the instructions."""
    out = Path(tempfile.mkdtemp(prefix="out-", dir=work))
    cmd, cwd = build_command(corpus, variant, work, out, out / "cache")
    trace = f"{out}.{tool}"
    cmd = ["valgrind", *TOOLS[tool], f"--{tool}-out-file={trace}", *cmd]
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed)}
    try:
        proc = subprocess.run(
            cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False
        )
    finally:
        shutil.rmtree(out, ignore_errors=True)
        Path(trace).unlink(missing_ok=True)
    if proc.returncode != 0:
        raise RuntimeError(f"build failed under valgrind:\n{proc.stderr[-3000:]}")
    logged = json.loads(proc.stdout.strip().splitlines()[-1])
    if logged["errors"]:
        raise RuntimeError(f"build logged errors: {logged['first_error']}")
    return collected(proc.stderr)


def summarise(counts: dict[str, dict[int, int]]) -> dict[str, Any]:
    """Median ratios to plain, and each plugin group's cost, over the hash seeds.

    ``counts[variant][seed]`` are instructions. A group's cost in one seed is
    (project - project without the group) / plain, as in ``make bench``.
    """
    seeds = sorted(counts[BASELINE])
    plain = counts[BASELINE]
    out: dict[str, Any] = {"seeds": seeds, "variants": {}, "plugin_costs": {}}
    for name, by_seed in counts.items():
        out["variants"][name] = {
            "median_instructions": statistics.median(by_seed.values()),
            "ratio_to_plain": statistics.median(by_seed[s] / plain[s] for s in seeds),
        }
    if "project" in counts and "no-plugins" in counts:
        # The plugins' own cost: the same site and theme without any plugin.
        out["plugins_ratio"] = statistics.median(
            counts["project"][s] / counts["no-plugins"][s] for s in seeds
        )
    if "project" in counts:
        per_seed = [
            plugin_costs({n: {"i": c[s]} for n, c in counts.items()}, "i")
            for s in seeds
        ]
        for group in per_seed[0]:
            costs = [costs_of_seed[group] for costs_of_seed in per_seed]
            out["plugin_costs"][group] = {
                "median": statistics.median(costs),
                "per_seed": costs,
            }
    return out


def format_summary(summary: dict[str, Any]) -> str:
    """Return the table `make bench-instructions` prints."""
    lines = [f"hash seeds: {' '.join(map(str, summary['seeds']))}"]
    lines.append(f"{'variant':<16}{'median instructions':>22}{'vs plain':>10}")
    for name, v in summary["variants"].items():
        lines.append(
            f"{name:<16}{v['median_instructions'] / 1e9:>20.3f} G"
            f"{v['ratio_to_plain']:>9.3f}x"
        )
    if "plugins_ratio" in summary:
        lines.append(
            f"project / no-plugins = {summary['plugins_ratio']:.3f}x "
            "(the plugins' own cost, median of per-seed ratios)"
        )
    for group, cost in summary["plugin_costs"].items():
        each = ", ".join(f"{c:+.2%}" for c in cost["per_seed"])
        lines.append(
            f"{group} adds {cost['median']:+.2%} of a plain build (per seed: {each})"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=500)
    ap.add_argument("--responses", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1, help="corpus seed")
    ap.add_argument("--hash-seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--json", type=Path)
    ap.add_argument(
        "--quick", action="store_true", help="only plain, project and no-plugins"
    )
    ap.add_argument(
        "--variants",
        nargs="+",
        help="only these variants of `make bench` (plain is always built), e.g. "
        "plain project no-url_memo",
    )
    ap.add_argument("--tool", choices=sorted(TOOLS), default="cachegrind")
    args = ap.parse_args(argv)
    if not shutil.which("valgrind"):
        print("valgrind is not installed (apt install valgrind)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-instr-") as tmp:
        corpus = args.corpus or Path(tmp) / "corpus"
        if not (corpus / "content" / "posts").is_dir():
            generate(corpus, args.posts, args.responses, args.seed)
        import_responses(corpus)
        variants = default_variants(per_plugin=not args.quick, features=True)
        if args.variants:
            unknown = set(args.variants) - set(variants)
            if unknown:
                print(f"unknown variants: {' '.join(sorted(unknown))}", file=sys.stderr)
                return 2
            wanted = {BASELINE, *args.variants}
            variants = {n: v for n, v in variants.items() if n in wanted}
        elif args.quick:
            variants = {
                n: v
                for n, v in variants.items()
                if n in (BASELINE, "project", "no-plugins")
            }
        else:
            variants = default_variants(per_plugin=True)
        jobs = [(n, s) for s in args.hash_seeds for n in variants]
        work = Path(tmp)

        def run(job: tuple[str, int]) -> tuple[str, int, int]:
            name, seed = job
            total = count_one(corpus, variants[name], seed, work, args.tool)
            print(f"  seed {seed}  {name:<14} {total:,}", file=sys.stderr, flush=True)
            return name, seed, total

        counts: dict[str, dict[int, int]] = {n: {} for n in variants}
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            for name, seed, total in pool.map(run, jobs):
                counts[name][seed] = total
    summary = summarise(counts)
    print(format_summary(summary))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
