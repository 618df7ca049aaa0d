"""`make bench`: time cold Pelican builds of one corpus, plain Pelican vs this project.

Every build runs in a fresh subprocess with caching off and a fresh output
directory, variants are interleaved so machine noise hits all of them alike,
and the headline figure is the median ratio to plain Pelican, which is far
more stable on small shared machines than absolute seconds.

Usage: python bench/build.py [--posts 500|500,2000,5000] [--responses 10]
                             [--runs 5] [--corpus DIR] [--json FILE] [--quick]
                             [--variants project no-plugins ...]
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
# Plugins that exist to make builds correct or fast: each must pay for itself.
FEATURE_PLUGINS: dict[str, tuple[str, ...]] = {
    "cache_guard": ("pelican_plugins.cache_guard",),
    "url_memo": ("pelican_plugins.url_memo",),
}


def _project_plugins() -> list[str]:
    """Read the project's PLUGINS list the way Pelican reads pelicanconf.py."""
    from pelican.settings import read_settings  # noqa: PLC0415 (only when needed)

    return list(read_settings(str(PROJECT_SETTINGS))["PLUGINS"] or [])


def default_variants(
    per_plugin: bool = True, features: bool = False
) -> dict[str, dict[str, Any]]:
    """Plain, the whole project, and the project without each plugin group.

    Building the project once without a group, in the same interleaved run,
    gives that group's own cost: (project - project_without) / plain.
    `no-plugins` is the same site and theme without any plugin: the baseline of
    the plugins' own cost. With *features*, also the parts named in issue 13:
    the per-post responses feeds, writing the content cache, `cache_guard`
    (its fingerprint) and `url_memo`. Until pelicanconf.py exists this is
    plain twice (a noise check).
    """
    variants = {BASELINE: plain_variant()}
    if not PROJECT_SETTINGS.exists():
        variants["plain-again"] = plain_variant()
        return variants
    variants["project"] = project_variant()
    variants["no-plugins"] = project_variant(PLUGINS=[])
    plugins = _project_plugins()
    if per_plugin:
        for group, names in PLUGIN_GROUPS.items():
            if set(names) <= set(plugins):
                rest = [p for p in plugins if p not in names]
                variants[f"no-{group}"] = project_variant(PLUGINS=rest)
    if features:
        for group, names in FEATURE_PLUGINS.items():
            if set(names) <= set(plugins):
                rest = [p for p in plugins if p not in names]
                variants[f"no-{group}"] = project_variant(PLUGINS=rest)
        variants["no-post-feeds"] = project_variant(RESPONSES_ARTICLE_FEED_ATOM=None)
        # Cold, but saving Pelican's content cache as `make html` does.
        variants["plus-cache-writes"] = project_variant(CACHE_CONTENT=True)
    return variants


def select_variants(
    quick: bool = False, names: list[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Return the variants of one size: *names* (and plain), or by *quick*."""
    if not names:
        return default_variants(per_plugin=not quick, features=not quick)
    every = default_variants(features=True)
    return {n: v for n, v in every.items() if n == BASELINE or n in names}


def plugin_costs(
    results: dict[str, dict[str, Any]], measure: str = "median_s"
) -> dict[str, float]:
    """Each plugin group's cost as a fraction of the plain Pelican build.

    `measure` is "median_s" (wall time), "median_cpu_s" (CPU time of the build
    process, less disturbed when other work shares the machine) or
    "median_peak_rss_mb" (then the result is in MB, not a fraction).
    A `no-X` variant gives X's cost as project - variant; a `plus-X` variant
    (the project doing more) as variant - project.
    """
    plain = 1.0 if measure == "median_peak_rss_mb" else results[BASELINE][measure]
    project = results["project"][measure]
    costs = {}
    for name, summary in results.items():
        if name.startswith("no-") and name != "no-plugins":
            costs[name.removeprefix("no-")] = (project - summary[measure]) / plain
        elif name.startswith("plus-"):
            costs[name.removeprefix("plus-")] = (summary[measure] - project) / plain
    return costs


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
    corpus: Path,
    variant: dict[str, Any],
    work: Path,
    python: str = sys.executable,
    keep: dict[str, Path] | None = None,
) -> dict[str, Any]:
    """Build once in a fresh process; return wall time, peak RSS and log counts.

    Output and cache always go to fresh directories under `work`, whatever the
    settings file says, so a benchmark can never touch the repository's output.
    With *keep* ({"output": DIR, "cache": DIR}, under `work`) they go there
    instead and stay for the next build: the warm-rebuild benchmark.
    """
    if keep:
        out, cache = keep["output"], keep["cache"]
    else:
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
    if not keep:
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
        "raw": [
            {"wall_s": r["wall_s"], "cpu_s": r["cpu_s"], "rss_mb": r["peak_rss_mb"]}
            for r in runs
        ],
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


def prepare_corpus(corpus: Path, posts: int, responses: int, seed: int) -> dict:
    """Generate *corpus* unless it holds posts already; import its responses."""
    gen_s = None
    if not (corpus / "content" / "posts").is_dir():
        t0 = time.perf_counter()
        generate(corpus, posts, responses, seed)
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
    return info


def size_summary(posts: int, results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One point of the curve: the plugins' own cost and each part's, at one size.

    Ratios are of CPU time (user + system of the build process) and of peak
    RSS, project against the same site and theme without plugins.
    """
    row: dict[str, Any] = {"posts": posts}
    if "project" not in results or "no-plugins" not in results:
        return row
    project, bare = results["project"], results["no-plugins"]
    plain = results[BASELINE]
    row.update(
        plain_cpu_s=plain["median_cpu_s"],
        no_plugins_cpu_s=bare["median_cpu_s"],
        project_cpu_s=project["median_cpu_s"],
        cpu_ratio=statistics.median(
            p["cpu_s"] / b["cpu_s"]
            for p, b in zip(project["raw"], bare["raw"], strict=True)
        ),
        no_plugins_rss_mb=bare["median_peak_rss_mb"],
        project_rss_mb=project["median_peak_rss_mb"],
        rss_ratio=project["median_peak_rss_mb"] / bare["median_peak_rss_mb"],
        cpu_costs=plugin_costs(results, "median_cpu_s"),
        rss_costs=plugin_costs(results, "median_peak_rss_mb"),
    )
    return row


def format_curve(rows: list[dict[str, Any]]) -> str:
    """Return the sweep's table: a line per corpus size, then each part's cost."""
    head = (
        f"{'posts':>6}{'plain CPU s':>12}{'no-plugins':>11}{'project':>9}"
        f"{'CPU x':>7}{'RSS no-pl':>10}{'RSS proj':>9}{'RSS x':>7}"
    )
    lines = [
        (
            "project against the same site without plugins (CPU: median of paired "
            "ratios; RSS: medians, MB)"
        ),
        head,
        "-" * len(head),
    ]
    for row in rows:
        if "cpu_ratio" not in row:
            continue
        lines.append(
            f"{row['posts']:>6}{row['plain_cpu_s']:>12.2f}"
            f"{row['no_plugins_cpu_s']:>11.2f}{row['project_cpu_s']:>9.2f}"
            f"{row['cpu_ratio']:>6.3f}x{row['no_plugins_rss_mb']:>10.0f}"
            f"{row['project_rss_mb']:>9.0f}{row['rss_ratio']:>6.2f}x"
        )
    parts = sorted({part for row in rows for part in row.get("cpu_costs", {})})
    if parts:
        lines.append("")
        lines.append(
            "each part's cost: CPU as % of a plain build / peak RSS in MB "
            "(no-X: project - project without X; plus-X: the project doing X)"
        )
        lines.append(f"{'posts':>6}" + "".join(f"{part:>22}" for part in parts))
        for row in rows:
            cells = []
            for part in parts:
                if part in row.get("cpu_costs", {}):
                    cpu, rss = row["cpu_costs"][part], row["rss_costs"][part]
                    cells.append(f"{cpu:+.1%} / {rss:+.0f} MB".rjust(22))
                else:
                    cells.append(" " * 22)
            lines.append(f"{row['posts']:>6}" + "".join(cells))
    return "\n".join(lines)


def _sizes(text: str) -> list[int]:
    sizes = [int(part) for part in text.split(",") if part.strip()]
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("expected N or N,N,... posts (N >= 1)")
    return sizes


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point for `make bench`."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--posts",
        type=_sizes,
        default=[500],
        help="corpus size, or a comma-separated sweep such as 500,2000,5000",
    )
    ap.add_argument("--responses", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1, help="untimed rounds first")
    ap.add_argument(
        "--corpus",
        type=Path,
        help="reuse this corpus (generated there if absent); in a sweep, the "
        "folder that keeps one corpus per size (DIR/posts-N)",
    )
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument(
        "--quick",
        action="store_true",
        help="only plain, project and no-plugins: no per-plugin or per-feature runs",
    )
    ap.add_argument(
        "--variants",
        nargs="+",
        metavar="NAME",
        help="only these variants (plain is always built), e.g. project "
        "no-plugins no-url_memo",
    )
    args = ap.parse_args(argv)
    sweep = len(args.posts) > 1
    if args.variants:
        unknown = set(args.variants) - set(default_variants(features=True))
        if unknown:
            ap.error(f"unknown variants: {' '.join(sorted(unknown))}")

    payload: dict[str, Any] = {
        "runs": args.runs,
        "warmup": args.warmup,
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "sizes": [],
    }
    rows = []
    t_all = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as tmp:
        for posts in args.posts:
            root = args.corpus or Path(tmp)
            corpus = root / f"posts-{posts}" if sweep else root
            info = prepare_corpus(corpus, posts, args.responses, args.seed)
            variants = select_variants(args.quick, args.variants)
            t0 = time.perf_counter()
            results = run_variants(corpus, variants, args.runs, warmup=args.warmup)
            total = time.perf_counter() - t0
            print(format_table(results))
            costs = plugin_costs(results) if "project" in results else {}
            cpu_costs = (
                plugin_costs(results, "median_cpu_s") if "project" in results else {}
            )
            rss_costs = (
                plugin_costs(results, "median_peak_rss_mb")
                if "project" in results
                else {}
            )
            for group, cost in costs.items():
                print(
                    f"{group:>13}: {cost:+.1%} of a plain Pelican build "
                    f"(CPU time: {cpu_costs[group]:+.1%}; "
                    f"peak RSS {rss_costs[group]:+.0f} MB)"
                )
            print(
                f"{os.cpu_count()} CPUs; {args.runs} runs each after {args.warmup} "
                f"warm-up; {info['posts']} posts took {total:.0f} s. "
                "Quote medians and ratios, not single runs.",
                flush=True,
            )
            rows.append(size_summary(info["posts"], results))
            payload["sizes"].append(
                {
                    "corpus": info,
                    "variants": variants,
                    "results": results,
                    "plugin_costs": costs,
                    "plugin_costs_cpu": cpu_costs,
                    "plugin_costs_rss_mb": rss_costs,
                    "curve": rows[-1],
                }
            )
    if any("cpu_ratio" in row for row in rows):
        print()
        print(format_curve(rows))
    print(f"bench took {time.perf_counter() - t_all:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
