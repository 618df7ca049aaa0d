"""`make bench`: time cold Pelican builds of one corpus, plain Pelican vs this project.

Every build runs in a fresh subprocess with caching off and a fresh output
directory, variants are interleaved so machine noise hits all of them alike,
and the headline figure is the median ratio to plain Pelican, which is far
more stable on small shared machines than absolute seconds.

Usage: python bench/build.py [--posts 500] [--responses 10] [--runs 5]
                             [--corpus DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
PROJECT_SETTINGS = REPO_ROOT / "pelicanconf.py"
ONE_BUILD = BENCH_DIR / "_one_build.py"
BASELINE = "plain"

if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))
from corpus import generate  # noqa: E402

# The permalink scheme the corpus links use; plain Pelican gets it too.
URL_SCHEME: dict[str, str] = {
    "ARTICLE_URL": "{date:%Y}/{date:%m}/{slug}/",
    "ARTICLE_SAVE_AS": "{date:%Y}/{date:%m}/{slug}/index.html",
}
# Cold-build defaults; a variant's own overrides win over these.
COLD: dict[str, Any] = {
    "LOAD_CONTENT_CACHE": False,
    "CACHE_CONTENT": False,
    "DELETE_OUTPUT_DIRECTORY": True,
}


def plain_variant() -> dict[str, Any]:
    """Pelican's DEFAULT_CONFIG (default theme, no plugins) on the same corpus."""
    return {
        "settings": None,
        "overrides": {
            "ARTICLE_PATHS": ["posts"],
            "PAGE_PATHS": ["pages"],
            "PLUGINS": [],  # None would auto-load any installed namespace plugins
            **URL_SCHEME,
        },
    }


def project_variant(
    settings: Path = PROJECT_SETTINGS, **overrides: Any
) -> dict[str, Any]:
    """Use the project's pelicanconf.py, optionally with extra overrides."""
    return {"settings": str(settings), "overrides": overrides}


def default_variants() -> dict[str, dict[str, Any]]:
    """Plain + project, or plain twice (a noise check) until pelicanconf.py exists."""
    variants = {BASELINE: plain_variant()}
    if PROJECT_SETTINGS.exists():
        variants["project"] = project_variant()
    else:
        variants["plain-again"] = plain_variant()
    return variants


def _count_html(path: Path) -> int:
    return sum(f.endswith(".html") for _, _, files in os.walk(path) for f in files)


def run_one(
    corpus: Path, variant: dict[str, Any], work: Path, python: str = sys.executable
) -> dict[str, Any]:
    """Build once in a fresh process; return wall time, peak RSS and log counts.

    Output and cache always go to fresh directories under `work`, whatever the
    settings file says, so a benchmark can never touch the repository's output.
    """
    out = Path(tempfile.mkdtemp(prefix="out-", dir=work))
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
    overrides = {
        "PATH": str(corpus / "content"),
        **COLD,
        **variant.get("overrides", {}),
        "OUTPUT_PATH": str(out),
        "CACHE_PATH": str(cache),
    }
    settings = variant.get("settings")
    cwd = Path(settings).resolve().parent if settings else work
    cmd = [python, str(ONE_BUILD), str(settings or "-"), json.dumps(overrides)]
    with (
        tempfile.TemporaryFile(dir=work) as so,
        tempfile.TemporaryFile(dir=work) as se,
    ):
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=so, stderr=se)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        so.seek(0)
        se.seek(0)
        stdout = so.read().decode("utf-8", "replace")
        stderr = se.read().decode("utf-8", "replace")
    html = _count_html(out)
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    if proc.returncode != 0:
        raise RuntimeError(
            f"build failed (exit {proc.returncode}): {' '.join(cmd[:3])}\n"
            f"{stderr[-3000:]}"
        )
    inner = json.loads(stdout.strip().splitlines()[-1])
    return {
        "wall_s": wall,
        "peak_rss_mb": usage.ru_maxrss / 1024,  # ru_maxrss is KiB on Linux
        "html_files": html,
        **inner,
    }


def _summary(runs: list[dict[str, Any]], base: list[dict[str, Any]] | None) -> dict:
    walls = [r["wall_s"] for r in runs]
    s: dict[str, Any] = {
        "runs": len(runs),
        "wall_s": walls,
        "median_s": statistics.median(walls),
        "min_s": min(walls),
        "max_s": max(walls),
        "median_run_s": statistics.median(r["run_s"] for r in runs),
        "median_peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in runs),
        "html_files": runs[-1]["html_files"],
        "warnings": runs[-1]["warnings"],
        "errors": runs[-1]["errors"],
        "first_error": runs[-1]["first_error"],
    }
    if base:
        paired = [r["wall_s"] / b["wall_s"] for r, b in zip(runs, base, strict=True)]
        s["median_paired_ratio"] = statistics.median(paired)
        s["ratio_of_medians"] = s["median_s"] / statistics.median(
            b["wall_s"] for b in base
        )
    return s


def run_variants(
    corpus: Path,
    variants: dict[str, dict[str, Any]],
    runs: int = 5,
    *,
    warmup: int = 1,
    baseline: str = BASELINE,
    progress: bool = True,
) -> dict[str, dict[str, Any]]:
    """Time each variant `runs` times, interleaved, after `warmup` untimed rounds.

    A variant is {"settings": path-or-None, "overrides": {...}}; None means
    Pelican's DEFAULT_CONFIG. The order rotates every round (A B, B A, ...).
    Returns per-variant summaries; ratios are against `baseline` if present.
    """
    names = list(variants)
    raw: dict[str, list[dict[str, Any]]] = {n: [] for n in names}
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        work = Path(tmp)
        for rnd in range(-warmup, runs):
            k = rnd % len(names)
            for name in names[k:] + names[:k]:
                result = run_one(corpus, variants[name], work)
                if progress:
                    tag = "warm-up" if rnd < 0 else f"run {rnd + 1}/{runs}"
                    print(
                        f"  {tag:>9}  {name:<14} {result['wall_s']:7.2f} s",
                        file=sys.stderr,
                        flush=True,
                    )
                if rnd >= 0:
                    raw[name].append(result)
    base = raw.get(baseline)
    return {n: _summary(raw[n], base if n != baseline else None) for n in names}


def format_table(results: dict[str, dict[str, Any]], baseline: str = BASELINE) -> str:
    """Human-readable table; 'vs plain' is the median of per-round ratios."""
    w = max(16, *(len(n) + 2 for n in results))
    head = (
        f"{'variant':<{w}}{'runs':>5}{'median s':>10}{'min s':>8}{'max s':>8}"
        f"{'build s':>9}{'RSS MB':>8}{'html':>7}{'warn/err':>10}{'vs ' + baseline:>10}"
    )
    lines = [head, "-" * len(head)]
    for name, s in results.items():
        ratio = s.get("median_paired_ratio", 1.0 if name == baseline else None)
        lines.append(
            f"{name:<{w}}{s['runs']:>5}{s['median_s']:>10.2f}{s['min_s']:>8.2f}"
            f"{s['max_s']:>8.2f}{s['median_run_s']:>9.2f}"
            f"{s['median_peak_rss_mb']:>8.0f}{s['html_files']:>7}"
            f"{str(s['warnings']) + '/' + str(s['errors']):>10}"
            f"{'' if ratio is None else f'{ratio:.2f}x':>10}"
        )
    for name, s in results.items():
        if name != baseline and "median_paired_ratio" in s:
            lines.append(
                f"{name} / {baseline} = {s['median_paired_ratio']:.2f}x "
                f"(ratio of medians {s['ratio_of_medians']:.2f}x)"
            )
        if s["errors"]:
            lines.append(f"{name}: first logged error: {s['first_error']}")
    return "\n".join(lines)


def _corpus_info(corpus: Path) -> dict[str, Any]:
    manifest = corpus / "corpus.json"
    info: dict[str, Any] = {}
    if manifest.exists():
        info = json.loads(manifest.read_text(encoding="utf-8"))
    info["posts"] = sum(1 for _ in (corpus / "content" / "posts").glob("*.md"))
    wxr = corpus / "export.xml"
    info["wxr_mb"] = wxr.stat().st_size / 1e6 if wxr.exists() else None
    info["path"] = str(corpus)
    return info


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point for `make bench`."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=500)
    ap.add_argument("--responses", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1, help="untimed rounds first")
    ap.add_argument(
        "--corpus", type=Path, help="reuse this corpus (generated there if absent)"
    )
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as tmp:
        corpus = args.corpus or Path(tmp)
        gen_s = None
        if not (corpus / "content" / "posts").is_dir():
            t0 = time.perf_counter()
            generate(corpus, args.posts, args.responses, args.seed)
            gen_s = time.perf_counter() - t0
        info = _corpus_info(corpus)
        info["generate_s"] = gen_s
        made = f", generated in {gen_s:.1f} s" if gen_s is not None else " (reused)"
        print(
            f"corpus: {info['posts']} posts, "
            f"{info.get('responses', '?')} responses/post, "
            f"export.xml {info['wxr_mb'] or 0:.1f} MB{made}",
            flush=True,
        )
        variants = default_variants()
        t0 = time.perf_counter()
        results = run_variants(corpus, variants, args.runs, warmup=args.warmup)
        total = time.perf_counter() - t0

    print(format_table(results))
    print(
        f"{os.cpu_count()} CPUs; {args.runs} runs each after {args.warmup} warm-up; "
        f"bench took {total:.0f} s. Quote medians and ratios, not single runs."
    )
    if args.json:
        payload = {
            "corpus": info,
            "runs": args.runs,
            "warmup": args.warmup,
            "python": sys.version.split()[0],
            "cpus": os.cpu_count(),
            "variants": variants,
            "results": results,
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
