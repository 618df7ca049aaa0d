"""Load the receiver on loopback: webmention throughput and p99 vs its trivial route.

Both are measured in the same run; then kill -9 under load and check that
every webmention answered 201 is in the store (integrity_check ok).

    python bench/receiver_load.py [--seconds 5] [--clients 8] [--rounds 3]

The server is the real ``serve`` command (waitress, 8 threads, no verifier
threads, so the figure is the endpoint's own cost: checks and a durable
SQLite insert with synchronous=FULL). The load generator runs on the same
machine; every figure is a median over the rounds, phases alternating.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
from pathlib import Path
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pelican_plugins.responses.targets import write  # noqa: E402

SITE = "https://blog.example"
TARGET = f"{SITE}/2019/03/first-lesson/"


def start(folder: Path, threads: int) -> tuple[subprocess.Popen, str]:
    """Run ``serve --port 0``; return the process and its base URL."""
    command = [sys.executable, "-m", "pelican_plugins.receiver", "serve"]
    command += ["--db", str(folder / "var" / "responses.sqlite3")]
    command += ["--content", str(folder / "content"), "--site-url", SITE]
    command += ["--targets", str(folder / "targets.json"), "--port", "0"]
    command += ["--workers", "0", "--threads", str(threads)]
    config = folder / "receiver.toml"
    config.write_text("max_pending = 100000000\n", "utf-8")
    command += ["--config", str(config)]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    line = process.stdout.readline().decode()
    return process, line.split("serving on ", 1)[1].strip()


class Phase:
    """Closed-loop clients hitting one route for a fixed time."""

    def __init__(
        self, url: str, webmention: bool, clients: int, seconds: float
    ) -> None:
        self.address = urlsplit(url)
        self.webmention = webmention
        self.clients = clients
        self.seconds = seconds
        self.latencies: list[float] = []
        self.accepted: list[str] = []
        self.errors = 0
        self._lock = threading.Lock()
        self._counter = 0

    def _source(self) -> str:
        with self._lock:
            self._counter += 1
            n = self._counter
        return f"https://s{n % 50}.example/{os.getpid()}/{time.time_ns()}/{n}"

    def _client(self, stop_at: float) -> None:
        latencies, accepted, errors = [], [], 0
        conn = http.client.HTTPConnection(self.address.hostname, self.address.port)
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                if self.webmention:
                    source = self._source()
                    body = urlencode({"source": source, "target": TARGET})
                    headers = {"Content-Type": "application/x-www-form-urlencoded"}
                    conn.request("POST", "/webmention", body, headers)
                else:
                    conn.request("GET", "/health")
                answer = conn.getresponse()
                answer.read()
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
                conn = http.client.HTTPConnection(
                    self.address.hostname, self.address.port
                )
                if errors > 50:
                    break
                continue
            latencies.append(time.perf_counter() - started)
            if self.webmention and answer.status == 201:
                accepted.append(source)
            elif answer.status not in (200, 201):
                errors += 1
        conn.close()
        with self._lock:
            self.latencies += latencies
            self.accepted += accepted
            self.errors += errors

    def run(self, stop_event: threading.Event | None = None) -> Phase:
        """Run the clients; return self with figures filled in."""
        stop_at = time.perf_counter() + self.seconds
        threads = [
            threading.Thread(target=self._client, args=(stop_at,))
            for _ in range(self.clients)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.elapsed = time.perf_counter() - started
        del stop_event
        return self

    @property
    def throughput(self) -> float:
        """Requests answered per second."""
        return len(self.latencies) / self.elapsed

    @property
    def p99_ms(self) -> float:
        """The 99th percentile latency in milliseconds."""
        ordered = sorted(self.latencies)
        return 1000 * ordered[int(0.99 * (len(ordered) - 1))] if ordered else 0.0


def stored(db: Path) -> tuple[set[str], str]:
    """Return the stored sources and the integrity check's answer."""
    with sqlite3.connect(db) as conn:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        return {row[0] for row in conn.execute("SELECT source FROM mentions")}, check


def main() -> int:
    """Run the benchmark; print a table and JSON; exit 1 if a 201 was lost."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="receiver-bench-") as tmp:
        folder = Path(tmp)
        write(
            folder / "targets.json",
            SITE,
            {"/2019/03/first-lesson/": "first-lesson"},
            {"first-lesson": "/2019/03/first-lesson/"},
        )
        process, url = start(folder, args.threads)
        trivial, mentions, accepted = [], [], []
        try:
            for _ in range(args.rounds):
                trivial.append(Phase(url, False, args.clients, args.seconds).run())
                phase = Phase(url, True, args.clients, args.seconds).run()
                mentions.append(phase)
                accepted += phase.accepted
            # kill -9 in the middle of a loaded phase
            killer = threading.Timer(
                args.seconds / 2, os.kill, (process.pid, signal.SIGKILL)
            )
            killer.start()
            crash = Phase(url, True, args.clients, args.seconds).run()
            killer.join()
            process.wait(10)
            accepted += crash.accepted
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(10)
        process, _ = start(folder, args.threads)  # the restart opens the same store
        process.terminate()
        process.wait(10)
        present, integrity = stored(folder / "var" / "responses.sqlite3")
    lost = set(accepted) - present
    result = {
        "clients": args.clients,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "trivial_rps": statistics.median(p.throughput for p in trivial),
        "trivial_p99_ms": statistics.median(p.p99_ms for p in trivial),
        "webmention_rps": statistics.median(p.throughput for p in mentions),
        "webmention_p99_ms": statistics.median(p.p99_ms for p in mentions),
        "errors": sum(p.errors for p in trivial + mentions),
        "accepted": len(accepted),
        "accepted_during_crash_phase": len(crash.accepted),
        "lost": len(lost),
        "integrity_check": integrity,
    }
    result["ratio"] = result["webmention_rps"] / result["trivial_rps"]
    print(f"{'route':<16}{'req/s':>10}{'p99 ms':>10}")
    print(
        f"{'GET /health':<16}{result['trivial_rps']:>10.0f}"
        f"{result['trivial_p99_ms']:>10.1f}"
    )
    print(
        f"{'POST /webmention':<16}{result['webmention_rps']:>10.0f}"
        f"{result['webmention_p99_ms']:>10.1f}"
    )
    print(
        f"ratio {result['ratio']:.2f} (target >= 0.50); {result['accepted']} accepted, "
        f"{result['lost']} lost after kill -9; integrity_check {integrity}"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", "utf-8")
    return 1 if lost or integrity != "ok" else 0


if __name__ == "__main__":
    sys.exit(main())
