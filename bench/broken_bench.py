"""Peak memory and time of imports full of broken records (issue 12's two cases).

- ``many``: 1,000 items whose comment holds a raw ``]]>`` in a ~1 MB file, and
  one valid item last;
- ``header``: a 10 MB channel header (before the first item) and 200 such
  broken items, then one valid item.

Each file is imported by the real command in a fresh subprocess (``os.wait4``
gives the peak RSS); the median of ``--runs`` runs is printed, with the
number of quarantined records and whether the last valid item arrived. The
baseline is a clean file of the same size and item count, so the figures
say what the broken records cost, not what Python costs.

Usage: python bench/broken_bench.py [--runs 3] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.importers.wxrdoc import comment, item, site, wxr  # noqa: E402


def export(broken: int, header_bytes: int, size: int, bad: bool) -> str:
    """Return a WXR with *broken* items (raw ``]]>`` if *bad*), then a good one."""
    pad = "x" * max(0, size // max(broken, 1) - 1500)
    body = f"{pad} raw ]]> inside" if bad else f"{pad} fine"
    items = [
        item(n, slug="a-post", comments=[comment(n, content=body)])
        for n in range(2, broken + 2)
    ]
    items.append(item(1, slug="a-post", comments=[comment(1)]))
    # wxr() splits "]]>" WordPress-style; put the raw, breaking form back.
    text = wxr(*items).replace("raw ]]]]><![CDATA[> inside", "raw ]]> inside")
    if header_bytes:
        filler = "<description>" + "h" * header_bytes + "</description>\n"
        text = text.replace("<channel>\n", "<channel>\n" + filler, 1)
    return text


def run_once(path: Path, tmp: Path) -> tuple[float, int, int, str, bool]:
    """(wall s, peak RSS MB, exit code, stdout, last item stored) of one import."""
    content = site(tmp, "a-post")
    db = tmp / "var" / "db.sqlite3"
    args = [sys.executable, "-m", "pelican_plugins.importers", "wordpress"]
    args += [str(path), "--content", str(content), "--db", str(db)]
    started = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    last = 0
    if db.exists():  # an import that crashed early never created it
        with sqlite3.connect(db) as conn:
            last = conn.execute(
                "SELECT count(*) FROM responses WHERE id = 'wp-old.example-1'"
            ).fetchone()[0]
        conn.close()
    return (
        elapsed,
        usage.ru_maxrss // 1024,
        os.waitstatus_to_exitcode(status),
        out,
        last == 1,
    )


CASES = {
    "many": {"broken": 1000, "header_bytes": 0, "size": 1_000_000},
    "header": {"broken": 200, "header_bytes": 10_000_000, "size": 200_000},
}


def main() -> None:
    """Measure each case and its clean twin; print one line per file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        for name, case in CASES.items():
            for bad in (True, False):
                label = f"{name}-{'broken' if bad else 'clean'}"
                path = tmp / f"{label}.xml"
                path.write_text(export(**case, bad=bad), "utf-8")
                runs = []
                for n in range(args.runs):
                    runs.append(run_once(path, tmp / f"{label}-{n}"))
                out = runs[-1][3]
                results[label] = {
                    "mb": round(path.stat().st_size / 1e6, 1),
                    "wall_s": round(statistics.median(r[0] for r in runs), 2),
                    "peak_rss_mb": statistics.median(r[1] for r in runs),
                    "exit": runs[-1][2],
                    "last_item_imported": runs[-1][4],
                    "quarantined": _count(out, "quarantined records"),
                }
                r = results[label]
                print(
                    f"{label:15} {r['mb']:5} MB  {r['wall_s']:6} s  "
                    f"peak {r['peak_rss_mb']:4} MB  exit {r['exit']}  "
                    f"quarantined {r['quarantined']}  "
                    f"last item in: {r['last_item_imported']}"
                )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), "utf-8")


def _count(out: str, row: str) -> int:
    for line in out.splitlines():
        cells = [c.strip() for c in line.split("│") if c.strip()]
        if cells and cells[0] == row:
            return int(cells[1])
    return -1


if __name__ == "__main__":
    main()
