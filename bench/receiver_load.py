"""Load the receiver on loopback: webmention throughput and p99 vs its trivial route.

Both are measured in the same run, against the same server; then kill -9
under load and check that every webmention answered 201 is in the store
(integrity_check ok).

    python bench/receiver_load.py [--seconds 5] [--connections 8] [--rounds 3]
                                  [--threads 8] [--generator auto|wrk|python]

The server is the real ``serve`` command (waitress, ``--threads`` threads, no
verifier threads, so the figure is the endpoint's own cost: checks and a
durable SQLite insert with synchronous=FULL). The load generator runs on the
same machine: ``wrk`` (C, Debian package ``wrk``) when it is installed, else
Python client threads in this process, which share the cores and cost about
as much per request as the trivial route itself (the ratio then reads high).
Every figure is a median over the rounds, phases alternating. The kill -9
phase always uses the Python clients, which know exactly which sources were
answered 201; for wrk phases the 2xx count must not exceed the rows stored.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
from pathlib import Path
import re
import shutil
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
SCRIPT = Path(__file__).with_name("receiver_load.lua")


def cpu_seconds(pid: int) -> float:
    """Return the CPU time (user + system, all threads) process *pid* has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measured(phase: Phase | WrkPhase, pid: int) -> Phase | WrkPhase:
    """Run *phase*; add the server's CPU milliseconds per request it answered.

    On a shared machine the server's share of the cores swings, its cost per
    request much less: the figure to compare when the throughput is noisy.
    """
    before = cpu_seconds(pid)
    phase.run()
    phase.cpu_ms = 1000 * (cpu_seconds(pid) - before) / max(phase.requests, 1)
    return phase


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
    """Closed-loop Python clients hitting one route for a fixed time."""

    generator = "python"

    def __init__(
        self, url: str, webmention: bool, clients: int, seconds: float, tag: str = ""
    ) -> None:
        self.address = urlsplit(url)
        self.webmention = webmention
        self.tag = tag or f"py{os.getpid()}"
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
        return f"https://s{n % 50}.example/{self.tag}/{time.time_ns()}/{n}"

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

    def run(self) -> Phase:
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
        self.requests = len(self.latencies)
        return self

    @property
    def ok(self) -> int:
        """Answers 200 (trivial route) or 201 (webmention)."""
        return len(self.accepted) if self.webmention else len(self.latencies)

    @property
    def throughput(self) -> float:
        """Requests answered per second."""
        return len(self.latencies) / self.elapsed

    @property
    def p99_ms(self) -> float:
        """The 99th percentile latency in milliseconds."""
        ordered = sorted(self.latencies)
        return 1000 * ordered[int(0.99 * (len(ordered) - 1))] if ordered else 0.0


class WrkPhase:
    """The same phase driven by wrk (one C thread, ``clients`` connections)."""

    generator = "wrk"

    def __init__(
        self, url: str, webmention: bool, clients: int, seconds: float, tag: str = ""
    ) -> None:
        self.command = ["wrk", "-t1", f"-c{clients}", f"-d{seconds:g}s"]
        self.command += ["-s", str(SCRIPT), url.rstrip("/") + "/"]
        self.command += ["--", "webmention" if webmention else "health", TARGET, tag]
        self.webmention = webmention
        self.tag = tag
        self.accepted: list[str] = []  # wrk cannot list them; see ``ok``

    def run(self) -> WrkPhase:
        """Run wrk; return self with figures filled in from its done() hook."""
        out = subprocess.run(
            self.command, capture_output=True, text=True, check=True
        ).stdout
        found = re.search(r"^RESULT (\{.*\})$", out, re.MULTILINE)
        if found is None:
            raise SystemExit(f"receiver_load: wrk printed no result:\n{out}")
        result = json.loads(found.group(1))
        self.requests = result["requests"]
        self.ok = result["ok"]
        self.errors = result["errors"]
        self.throughput = result["requests"] / (result["duration_us"] / 1e6)
        self.p99_ms = result["p99_us"] / 1000
        return self


def stored(db: Path) -> tuple[set[str], str]:
    """Return the stored sources and the integrity check's answer."""
    with sqlite3.connect(db) as conn:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        return {row[0] for row in conn.execute("SELECT source FROM mentions")}, check


def tagged(sources: set[str], tag: str) -> int:
    """How many stored sources one phase sent (its tag is the path's first part)."""
    return sum(1 for source in sources if source.split("/")[3] == tag)


def report(result: dict, load_before: float) -> None:
    """Print the table and the verdict line."""
    print(
        f"generator {result['generator']}, {result['server_threads']} server "
        f"threads, {result['connections']} connections, {result['rounds']} x "
        f"{result['seconds']:g} s per route; load average {load_before:.2f} -> "
        f"{os.getloadavg()[0]:.2f}"
    )
    print(f"{'route':<18}{'req/s':>10}{'p99 ms':>10}{'server CPU ms/req':>19}")
    print(
        f"{'GET /health':<18}{result['trivial_rps']:>10.0f}"
        f"{result['trivial_p99_ms']:>10.1f}{result['trivial_server_cpu_ms']:>19.3f}"
    )
    print(
        f"{'POST /webmention':<18}{result['webmention_rps']:>10.0f}"
        f"{result['webmention_p99_ms']:>10.1f}"
        f"{result['webmention_server_cpu_ms']:>19.3f}"
    )
    print(
        f"ratio {result['ratio']:.2f} (target >= 0.50; per round "
        f"{', '.join(f'{r:.2f}' for r in result['ratios'])}; by server CPU per "
        f"request {result['cpu_ratio']:.2f}); {result['accepted']} accepted, "
        f"{result['lost']} lost after kill -9; "
        f"integrity_check {result['integrity_check']}"
    )


def main() -> int:
    """Run the benchmark; print a table and JSON; exit 1 if a 201 was lost."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--connections", "--clients", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=8, help="server threads")
    ap.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    use_wrk = args.generator == "wrk" or (
        args.generator == "auto" and shutil.which("wrk") is not None
    )
    if use_wrk and shutil.which("wrk") is None:
        ap.error("wrk is not installed (Debian: apt install wrk)")
    phase_class = WrkPhase if use_wrk else Phase
    load_before = os.getloadavg()[0]
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
            for n in range(args.rounds):
                trivial.append(
                    measured(
                        phase_class(url, False, args.connections, args.seconds),
                        process.pid,
                    )
                )
                phase = measured(
                    phase_class(
                        url, True, args.connections, args.seconds, tag=f"round{n}"
                    ),
                    process.pid,
                )
                mentions.append(phase)
                accepted += phase.accepted
            # kill -9 in the middle of a loaded phase (Python clients: exact ids)
            killer = threading.Timer(
                args.seconds / 2, os.kill, (process.pid, signal.SIGKILL)
            )
            killer.start()
            crash = Phase(url, True, args.connections, args.seconds, "crash").run()
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
    lost = len(set(accepted) - present)
    # wrk counts answers, not ids: a phase may not have more 2xx than stored rows
    lost += sum(max(0, p.ok - tagged(present, p.tag)) for p in mentions)
    result = {
        "generator": phase_class.generator,
        "server_threads": args.threads,
        "connections": args.connections,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "trivial_rps": statistics.median(p.throughput for p in trivial),
        "trivial_p99_ms": statistics.median(p.p99_ms for p in trivial),
        "webmention_rps": statistics.median(p.throughput for p in mentions),
        "webmention_p99_ms": statistics.median(p.p99_ms for p in mentions),
        "trivial_server_cpu_ms": statistics.median(p.cpu_ms for p in trivial),
        "webmention_server_cpu_ms": statistics.median(p.cpu_ms for p in mentions),
        "ratios": [
            round(m.throughput / t.throughput, 3)
            for t, m in zip(trivial, mentions, strict=True)
        ],
        "errors": sum(p.errors for p in trivial + mentions),
        "accepted": sum(p.ok for p in mentions) + len(crash.accepted),
        "accepted_during_crash_phase": len(crash.accepted),
        "lost": lost,
        "answered_2xx_vs_stored": {
            p.tag: [p.ok, tagged(present, p.tag)] for p in [*mentions, crash]
        },
        "integrity_check": integrity,
    }
    result["ratio"] = result["webmention_rps"] / result["trivial_rps"]
    result["cpu_ratio"] = (
        result["trivial_server_cpu_ms"] / result["webmention_server_cpu_ms"]
    )
    report(result, load_before)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", "utf-8")
    return 1 if lost or integrity != "ok" else 0


if __name__ == "__main__":
    sys.exit(main())
