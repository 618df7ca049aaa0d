"""Time the WXR importer and read its peak RSS, on a large and a small corpus.

Each run imports the corpus's export.xml in a fresh subprocess into a new
temporary content folder and database (the copy of the posts is not timed),
then a second import of the same file measures the "nothing changed" path.
Peak RSS comes from ``os.wait4``. The small corpus shows that memory stays
flat as the file grows.

Usage: python bench/import_bench.py [--corpus /tmp/c5k] [--posts 5000]
       [--responses 10] [--small-posts 500] [--runs 3] [--json FILE]
       python bench/import_bench.py --compare-posts [--small-posts 500] [--runs 5]
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus import generate  # noqa: E402


def run_import(
    export: Path, content: Path, db: Path, *extra: str
) -> tuple[float, float, int, int]:
    """Run one import subprocess: (wall s, CPU s, peak RSS in MB, exit code)."""
    args = [sys.executable, "-m", "pelican_plugins.importers", "wordpress"]
    args += [str(export), "--content", str(content), "--db", str(db), *extra]
    started = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, cpu, usage.ru_maxrss // 1024, proc.returncode


def ensure_corpus(folder: Path, posts: int, responses: int) -> Path:
    """Reuse *folder* when it holds a corpus of that size, else generate it."""
    manifest = folder / "corpus.json"
    if manifest.exists():
        meta = json.loads(manifest.read_text("utf-8"))
        if (meta["posts"], meta["responses"]) == (posts, responses):
            return folder
    print(f"generating {posts} posts x {responses} responses in {folder} ...")
    return generate(folder, posts, responses)


def measure(corpus: Path, runs: int) -> dict:
    """Median/min/max of first imports and of re-imports of one corpus."""
    export = corpus / "export.xml"
    first: list[tuple[float, float, int]] = []
    again: list[tuple[float, float, int]] = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
            content = Path(tmp) / "content"
            shutil.copytree(corpus / "content", content)
            db = Path(tmp) / "var" / "responses.sqlite3"
            for bucket in (first, again):
                seconds, cpu, rss, code = run_import(export, content, db)
                if code != 0:
                    raise SystemExit(f"import exited with {code}")
                bucket.append((seconds, cpu, rss))

    def summary(rows: list[tuple[float, float, int]]) -> dict:
        times = [t for t, _, _ in rows]
        return {
            "median_s": round(statistics.median(times), 2),
            "min_s": round(min(times), 2),
            "max_s": round(max(times), 2),
            "median_cpu_s": round(statistics.median(c for _, c, _ in rows), 2),
            "peak_rss_mb": max(r for _, _, r in rows),
        }

    return {
        "wxr_mb": round(export.stat().st_size / 1e6, 1),
        "first_import": summary(first),
        "reimport": summary(again),
    }


def measure_posts(corpus: Path, runs: int) -> dict:
    """Median wall time of a responses-only import and of a ``--posts`` import.

    The responses-only import gets the corpus's posts (it only matches them);
    the ``--posts`` import starts from an empty content folder, so it writes
    every post as well (conversion, URLs, redirects). Runs alternate, so
    machine noise hits both alike.
    """
    export = corpus / "export.xml"
    times: dict[str, list[float]] = {"responses": [], "posts": []}
    cpus: dict[str, list[float]] = {"responses": [], "posts": []}
    settings = str(ROOT / "pelicanconf.py")
    for _ in range(runs):
        for mode in ("responses", "posts"):
            with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
                content = Path(tmp) / "content"
                extra: tuple[str, ...] = ()
                if mode == "responses":
                    shutil.copytree(corpus / "content", content)
                else:
                    (content / "posts").mkdir(parents=True)
                    (content / "pages").mkdir()
                    extra = ("--posts", "--settings", settings)
                db = Path(tmp) / "var" / "responses.sqlite3"
                seconds, cpu, _, code = run_import(export, content, db, *extra)
                if code != 0:
                    raise SystemExit(f"{mode} import exited with {code}")
                times[mode].append(seconds)
                cpus[mode].append(cpu)
    medians = {k: statistics.median(v) for k, v in times.items()}
    cpu_medians = {k: statistics.median(v) for k, v in cpus.items()}
    return {
        "responses_only_median_s": round(medians["responses"], 2),
        "with_posts_median_s": round(medians["posts"], 2),
        "ratio": round(medians["posts"] / medians["responses"], 2),
        "responses_only_cpu_s": round(cpu_medians["responses"], 2),
        "with_posts_cpu_s": round(cpu_medians["posts"], 2),
        "cpu_ratio": round(cpu_medians["posts"] / cpu_medians["responses"], 2),
        "runs": runs,
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=Path("/tmp/c5k"))
    ap.add_argument("--posts", type=int, default=5000)
    ap.add_argument("--responses", type=int, default=10)
    ap.add_argument("--small-posts", type=int, default=500)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", type=Path)
    ap.add_argument(
        "--compare-posts",
        action="store_true",
        help="only compare a --posts import with a responses-only import"
        " (small corpus; the issue's budget is 1.5x)",
    )
    args = ap.parse_args(argv)
    if args.compare_posts:
        small_dir = args.corpus.with_name(
            args.corpus.name + f"-small{args.small_posts}"
        )
        small = ensure_corpus(small_dir, args.small_posts, args.responses)
        row = measure_posts(small, args.runs)
        print(
            f"{args.small_posts} posts x {args.responses} responses,"
            f" {row['runs']} runs:"
            f" responses-only median {row['responses_only_median_s']} s, with --posts"
            f" median {row['with_posts_median_s']} s, ratio {row['ratio']}"
            f" (CPU {row['responses_only_cpu_s']} s vs {row['with_posts_cpu_s']} s,"
            f" ratio {row['cpu_ratio']})"
        )
        if args.json:
            args.json.write_text(json.dumps(row, indent=2) + "\n", "utf-8")
        return 0
    large = ensure_corpus(args.corpus, args.posts, args.responses)
    small_dir = args.corpus.with_name(args.corpus.name + f"-small{args.small_posts}")
    small = ensure_corpus(small_dir, args.small_posts, args.responses)
    results = {}
    for label, corpus, posts in (
        ("small", small, args.small_posts),
        ("large", large, args.posts),
    ):
        row = measure(corpus, args.runs)
        row |= {"posts": posts, "responses": posts * args.responses}
        results[label] = row
        print(
            f"{label}: {posts} posts, {row['responses']} responses, "
            f"{row['wxr_mb']} MB WXR, {args.runs} runs | first import median "
            f"{row['first_import']['median_s']} s (min {row['first_import']['min_s']}"
            f", max {row['first_import']['max_s']}; CPU "
            f"{row['first_import']['median_cpu_s']} s), peak RSS "
            f"{row['first_import']['peak_rss_mb']} MB | re-import median "
            f"{row['reimport']['median_s']} s (CPU {row['reimport']['median_cpu_s']} s)"
            ", peak RSS "
            f"{row['reimport']['peak_rss_mb']} MB"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
