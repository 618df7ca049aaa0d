"""Time the linkbacks sender against 1,000 targets on a slow local server.

Every request to the server (the target page, then the webmention POST) is
answered after a fixed delay (50 ms). The targets are spread over many host
names, all resolving to 127.0.0.1 through the fetcher's test resolver, so the
limits that matter are the sender's own: one request in flight per host and
eight overall. The ideal time those limits allow is

    max(ceil(requests / 8), most requests to one host) * delay

and the run should stay within 125% of it. The server runs in its own
process, so its threads do not compete with the sender's for the GIL. Each
run reports its elapsed time, and the median over the runs is compared with
the ideal.

Usage: python bench/linkbacks.py [--targets 1000] [--hosts 40] [--delay 0.05]
       [--runs 3] [--json FILE]
"""

from __future__ import annotations

import argparse
from collections import Counter
import http.server
import json
import math
from pathlib import Path
import statistics
import subprocess
import sys
import time
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pelican_plugins import net  # noqa: E402
from pelican_plugins.linkbacks import send  # noqa: E402
from pelican_plugins.linkbacks.plan import Job  # noqa: E402
from pelican_plugins.linkbacks.state import SENT  # noqa: E402

PAGE = b'<!DOCTYPE html><html><head><link rel="webmention" href="/wm"></head></html>'


class SlowServer(http.server.ThreadingHTTPServer):
    """Answers every request after ``delay`` seconds."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, delay: float) -> None:
        super().__init__(("127.0.0.1", 0), SlowHandler)
        self.delay = delay


class SlowHandler(http.server.BaseHTTPRequestHandler):
    """GET: a page advertising /wm; POST: 202 Accepted."""

    server: SlowServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: D102
        pass

    def _answer(self, status: int, body: bytes) -> None:
        time.sleep(self.server.delay)
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: D102
        self._answer(200, PAGE)

    def do_POST(self) -> None:  # noqa: D102
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer(202, b"")


def ideal_seconds(jobs: list[Job], delay: float) -> float:
    """Return the shortest time the per-host (1) and overall (8) limits allow."""
    per_host = Counter(send.host_of(job.target) for job in jobs)
    requests = 2 * len(jobs)  # discovery GET + webmention POST, same host here
    slots = max(math.ceil(requests / send.MAX_IN_FLIGHT), 2 * max(per_host.values()))
    return slots * delay


def serve(delay: float) -> None:
    """Child process: serve until killed; print the port first."""
    server = SlowServer(delay)
    print(server.server_address[1], flush=True)
    server.serve_forever()


def one_run(targets: int, hosts: int, delay: float) -> dict[str, float]:
    """Send to every target once; return elapsed, ideal and request counts."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(delay)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        port = int(child.stdout.readline())  # type: ignore[union-attr]
        names = [f"h{i}.bench.test" for i in range(hosts)]
        policy = net.Policy(
            allowed_networks=("127.0.0.1/32",),
            ports=frozenset({port}),
            resolver=lambda host, port: ["127.0.0.1"],
        )
        jobs = [
            Job(
                "https://blog.example/2024/01/post/",
                f"http://{names[i % hosts]}:{port}/post/{i}",
                "new post",
            )
            for i in range(targets)
        ]
        started = time.perf_counter()
        outcomes = send.run(jobs, policy)
        elapsed = time.perf_counter() - started
    finally:
        child.terminate()
        child.wait()
    sent = sum(o.status == SENT for o in outcomes.values())
    if sent != targets:
        problems = Counter(o.reason for o in outcomes.values() if o.status != SENT)
        raise SystemExit(f"only {sent}/{targets} sent: {problems.most_common(3)}")
    return {
        "elapsed": elapsed,
        "ideal": ideal_seconds(jobs, delay),
        "requests": 2 * sent,
    }


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--targets", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=40)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--serve", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve)
        return 0
    runs = []
    for n in range(args.runs):
        result = one_run(args.targets, args.hosts, args.delay)
        runs.append(result)
        print(
            f"run {n + 1}: {result['elapsed']:.2f} s for {result['requests']} "
            f"requests (ideal {result['ideal']:.2f} s, "
            f"{result['elapsed'] / result['ideal']:.1%})"
        )
    median = statistics.median(r["elapsed"] for r in runs)
    ideal = runs[0]["ideal"]
    ratio = median / ideal
    verdict = "within" if ratio <= 1.25 else "OVER"
    print(
        f"median {median:.2f} s vs ideal {ideal:.2f} s: {ratio:.1%} "
        f"({verdict} the 125% target) for {args.targets} targets on "
        f"{args.hosts} hosts, {args.delay * 1000:.0f} ms per request"
    )
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "median": median}, indent=1))
    return 0 if ratio <= 1.25 else 1


if __name__ == "__main__":
    sys.exit(main())
