"""Notifying targets: discovery, then a webmention or a pingback, politely.

At most one request is in flight per host and at most eight overall. Every
request goes through the guarded fetcher, and discovery runs again before
every send (endpoints may carry one-time keys).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
import contextlib
import threading
from typing import Any
from urllib.parse import urlencode, urlsplit

from pelican_plugins import net
from pelican_plugins.linkbacks import pingback
from pelican_plugins.linkbacks.discover import discover
from pelican_plugins.linkbacks.plan import Job, Outcome
from pelican_plugins.linkbacks.state import BLOCKED, FAILED, NO_ENDPOINT, RETRY, SENT

MAX_IN_FLIGHT = 8
Fetch = Callable[..., net.Response]


def host_of(url: str) -> str:
    """Return the host a request to *url* is counted against."""
    return (urlsplit(url).hostname or "").rstrip(".").lower()


class HostGate:
    """One request at a time per host (the lock is held for the whole request)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    @contextlib.contextmanager
    def hold(self, host: str) -> Any:
        """Wait for *host* to be free and keep it for the block."""
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            yield


def _status_outcome(what: str, status: int) -> Outcome:
    if status == 429 or status >= 500:
        return Outcome(RETRY, f"{what} answered HTTP {status}")
    return Outcome(FAILED, f"{what} answered HTTP {status}")


def _fetch_error(exc: net.FetchError, what: str) -> Outcome:
    if isinstance(exc, net.Blocked):
        return Outcome(BLOCKED, f"blocked {what}: {exc.reason}")
    if isinstance(exc, net.TooManyRedirects):
        return Outcome(FAILED, f"{what}: {exc.reason}")
    return Outcome(RETRY, f"{what}: {exc.reason}")


def _webmention(job: Job, endpoint: str, fetch: Fetch) -> Outcome:
    # The endpoint's own query string stays in its URL (webmention.rocks 21).
    body = urlencode({"source": job.source, "target": job.target}).encode("ascii")
    resp = fetch(
        endpoint,
        method="POST",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    if 200 <= resp.status < 300:
        return Outcome(SENT, f"webmention accepted (HTTP {resp.status})")
    return _status_outcome("webmention endpoint", resp.status)


def _pingback(job: Job, endpoint: str, fetch: Fetch) -> Outcome:
    resp = fetch(
        endpoint,
        method="POST",
        data=pingback.request_body(job.source, job.target),
        headers={"Content-Type": "text/xml; charset=utf-8"},
    )
    if resp.status != 200:
        return _status_outcome("pingback endpoint", resp.status)
    if resp.truncated:
        return Outcome(FAILED, "pingback reply larger than the size cap")
    try:
        code, text = pingback.parse_reply(resp.body)
    except pingback.PingbackReplyError as exc:
        return Outcome(FAILED, f"pingback endpoint: {exc}")
    if code is None:
        return Outcome(SENT, "pingback registered")
    if code == pingback.ALREADY_REGISTERED:
        return Outcome(SENT, "pingback already registered (fault 48)")
    status = RETRY if code in pingback.RETRY_FAULTS else FAILED
    return Outcome(status, f"pingback fault {code}: {text}".rstrip(": "))


def notify(job: Job, fetch: Fetch) -> Outcome:
    """Discover the target's endpoint and notify it of *job*'s source."""
    try:
        page = fetch(job.target)
    except net.FetchError as exc:
        return _fetch_error(exc, "target")
    endpoint = discover(page)
    if endpoint is None:
        if page.status >= 500:
            return _status_outcome("target", page.status)
        return Outcome(NO_ENDPOINT, "no webmention or pingback endpoint")
    if job.deleted and endpoint.kind == "pingback":
        return Outcome(NO_ENDPOINT, "pingback cannot announce a deletion")
    send = _webmention if endpoint.kind == "webmention" else _pingback
    try:
        return send(job, endpoint.url, fetch)
    except net.FetchError as exc:
        return _fetch_error(exc, f"{endpoint.kind} endpoint")


def run(
    jobs: Sequence[Job],
    policy: net.Policy,
    *,
    workers: int = MAX_IN_FLIGHT,
    on_done: Callable[[Job, Outcome], None] | None = None,
) -> dict[Job, Outcome]:
    """Notify every job's target; return each job's outcome.

    Jobs are grouped by target host and each group runs in order on one
    worker, biggest groups first; the gate also holds back a request to an
    endpoint host that another worker is talking to.
    """
    gate = HostGate()

    def fetch(url: str, **kwargs: Any) -> net.Response:
        with gate.hold(host_of(url)):
            return net.fetch(url, policy=policy, follow_redirects=True, **kwargs)

    groups: dict[str, list[Job]] = defaultdict(list)
    for job in jobs:
        groups[host_of(job.target)].append(job)
    ordered = sorted(groups.values(), key=lambda g: (-len(g), host_of(g[0].target)))
    outcomes: dict[Job, Outcome] = {}
    lock = threading.Lock()

    def work(group: list[Job]) -> None:
        for job in group:
            outcome = notify(job, fetch)
            with lock:
                outcomes[job] = outcome
            if on_done is not None:
                on_done(job, outcome)

    with ThreadPoolExecutor(max_workers=max(1, min(workers, MAX_IN_FLIGHT))) as pool:
        for future in [pool.submit(work, group) for group in ordered]:
            future.result()
    return outcomes
