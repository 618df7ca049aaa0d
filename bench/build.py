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
from import_bench import run_import  # noqa: E402

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


PLUGIN_GROUPS: dict[str, tuple[str, ...]] = {
    "toc": ("pelican_plugins.toc",),
    # slugs was part of tag_cloud when the widget figures were measured.
    "widgets": (
        "pelican_plugins.slugs",
        "pelican_plugins.tag_cloud",
        "pelican_plugins.bookmarks",
    ),
    "responses": ("pelican_plugins.responses",),
    "linkbacks": ("pelican_plugins.linkbacks",),
}


def _project_plugins() -> list[str]:
    """Read the project's PLUGINS list the way Pelican reads pelicanconf.py."""
    from pelican.settings import read_settings  # noqa: PLC0415 (only when needed)

    return list(read_settings(str(PROJECT_SETTINGS))["PLUGINS"] or [])


def default_variants(per_plugin: bool = True) -> dict[str, dict[str, Any]]:
    """Plain, the whole project, and the project without each plugin group.

    Building the project once without a group, in the same interleaved run,
    gives that group's own cost: (project - project_without) / plain.
    Until pelicanconf.py exists this is plain twice (a noise check).
    """
    variants = {BASELINE: plain_variant()}
    if not PROJECT_SETTINGS.exists():
        variants["plain-again"] = plain_variant()
        return variants
    variants["project"] = project_variant()
    if per_plugin:
        plugins = _project_plugins()
        for group, names in PLUGIN_GROUPS.items():
            if set(names) <= set(plugins):
                rest = [p for p in plugins if p not in names]
                variants[f"no-{group}"] = project_variant(PLUGINS=rest)
    return variants


def plugin_costs(
    results: dict[str, dict[str, Any]], measure: str = "median_s"
) -> dict[str, float]:
    """Each plugin group's cost as a fraction of the plain Pelican build.

    `measure` is "median_s" (wall time) or "median_cpu_s" (CPU time of the
    build process, less disturbed when other work shares the machine).
    """
    plain = results[BASELINE][measure]
    project = results["project"][measure]
    return {
        name.removeprefix("no-"): (project - summary[measure]) / plain
        for name, summary in results.items()
        if name.startswith("no-")
    }


def import_responses(corpus: Path) -> dict[str, Any] | None:
    """Import the corpus WXR with the real importer, so builds show responses."""
    target = corpus / "content" / "responses"
    export = corpus / "export.xml"
    if target.is_dir() or not export.exists():
        return None
    seconds, _cpu, rss, code = run_import(
        export, corpus / "content", corpus / "responses.sqlite3"
    )
    if code != 0:
        raise RuntimeError(f"import of {export} failed with exit code {code}")
    return {
        "import_s": seconds,
        "import_rss_mb": rss,
        "response_files": len(list(target.glob("*.json"))),
    }


def _count_html(path: Path) -> int:
    return sum(f.endswith(".html") for _, _, files in os.walk(path) for f in files)


def build_command(
    corpus: Path,
    variant: dict[str, Any],
    work: Path,
    out: Path,
    cache: Path,
    *,
    python: str = sys.executable,
) -> tuple[list[str], Path]:
    """Return the `_one_build.py` command and working directory for a cold build."""
    overrides = {
        "PATH": str(corpus / "content"),
        **COLD,
        **variant.get("overrides", {}),
        "OUTPUT_PATH": str(out),
        "CACHE_PATH": str(cache),
    }
    settings = variant.get("settings")
    cwd = Path(settings).resolve().parent if settings else work
    return [python, str(ONE_BUILD), str(settings or "-"), json.dumps(overrides)], cwd


def run_one(
    corpus: Path, variant: dict[str, Any], work: Path, python: str = sys.executable
) -> dict[str, Any]:
    """Build once in a fresh process; return wall time, peak RSS and log counts.

    Output and cache always go to fresh directories under `work`, whatever the
    settings file says, so a benchmark can never touch the repository's output.
    """
    out = Path(tempfile.mkdtemp(prefix="out-", dir=work))
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
    cmd, cwd = build_command(corpus, variant, work, out, cache, python=python)
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
        "cpu_s": usage.ru_utime + usage.ru_stime,
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
        "median_cpu_s": statistics.median(r["cpu_s"] for r in runs),
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
        f"{'build s':>9}{'CPU s':>7}{'RSS MB':>8}{'html':>7}{'warn/err':>10}"
        f"{'vs ' + baseline:>10}"
    )
    lines = [head, "-" * len(head)]
    for name, s in results.items():
        ratio = s.get("median_paired_ratio", 1.0 if name == baseline else None)
        lines.append(
            f"{name:<{w}}{s['runs']:>5}{s['median_s']:>10.2f}{s['min_s']:>8.2f}"
            f"{s['max_s']:>8.2f}{s['median_run_s']:>9.2f}{s['median_cpu_s']:>7.2f}"
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
    ap.add_argument(
        "--quick", action="store_true", help="only plain vs project, no per-plugin runs"
    )
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
        imported = import_responses(corpus)
        if imported:
            info.update(imported)
            print(
                f"imported export.xml in {imported['import_s']:.1f} s "
                f"(peak RSS {imported['import_rss_mb']:.0f} MB): "
                f"{imported['response_files']} posts with responses",
                flush=True,
            )
        variants = default_variants(per_plugin=not args.quick)
        t0 = time.perf_counter()
        results = run_variants(corpus, variants, args.runs, warmup=args.warmup)
        total = time.perf_counter() - t0

    print(format_table(results))
    costs = plugin_costs(results) if "project" in results else {}
    cpu_costs = plugin_costs(results, "median_cpu_s") if "project" in results else {}
    for group, cost in costs.items():
        print(
            f"{group:>10}: adds {cost:+.1%} of a plain Pelican build "
            f"(CPU time: {cpu_costs[group]:+.1%})"
        )
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
            "plugin_costs": costs,
            "plugin_costs_cpu": cpu_costs,
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
