"""The state one running receiver owns, and helpers every route shares."""

from __future__ import annotations

import functools
import ipaddress
import logging
import os
from pathlib import Path
import threading
import time
from typing import Any

from flask import current_app, request
from werkzeug.sansio.utils import get_current_url

from pelican_plugins.receiver.config import Config, with_secret
from pelican_plugins.receiver.db import Database
from pelican_plugins.receiver.notify import send_later
from pelican_plugins.receiver.tokens import Tokens
from pelican_plugins.responses.endpoints import Endpoints, receiver_endpoints
from pelican_plugins.responses.targets import Targets

logger = logging.getLogger(__name__)


class Service:
    """The state one running receiver owns: config, store, targets, worker."""

    def __init__(self, config: Config) -> None:
        self.config = with_secret(config)
        self.db = Database(self.config.db, self.config.responses_folder)
        self.tokens = Tokens(
            self.config.secret_key, self.config.min_delay, self.config.token_max_age
        )
        self._targets = Targets(self.config.site_url, {}, {})
        self._targets_stamp: tuple[int, int] | None = None
        self._targets_path = os.fspath(self.config.targets)
        self._lock = threading.Lock()
        self._queued = 0
        self._counted_at = -1.0
        self.worker: Any = None
        self.rebuilder: Any = None

    def targets(self) -> Targets:
        """Return the published targets, re-read whenever the build rewrote them.

        One ``stat`` per call; the lock is taken only when the file changed.
        """
        try:
            stat = os.stat(self._targets_path)
            stamp: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        if stamp is None or stamp == self._targets_stamp:
            return self._targets
        with self._lock:
            if stamp != self._targets_stamp:
                try:
                    self._targets = Targets.load(
                        Path(self._targets_path), self.config.site_url
                    )
                except ValueError as error:
                    logger.error("receiver: %s (keeping the previous targets)", error)
                self._targets_stamp = stamp
            return self._targets

    def queue_full(self) -> bool:
        """Tell whether ``max_pending`` mentions wait; counted at most once a second.

        Counting on every request would cost a scan that grows with the queue.
        """
        now = time.monotonic()
        with self._lock:
            if now - self._counted_at >= 1.0:
                self._queued = self.db.queued()
                self._counted_at = now
            self._queued += 1
            return self._queued > self.config.max_pending

    def wake(self) -> None:
        """Tell the verifier there is work."""
        if self.worker is not None:
            self.worker.wake()

    def approved(self) -> None:
        """Something became public: schedule the rebuild, if one is configured."""
        if self.rebuilder is not None:
            self.rebuilder.request()

    def notify_pending(self, item: Any) -> None:
        """Email the moderator about a new pending item, if configured (no wait)."""
        if self.config.notify_to:
            send_later(self.config, item)

    def close(self) -> None:
        """Stop the threads and close the store."""
        for part in (self.worker, self.rebuilder):
            if part is not None:
                part.stop()
        self.db.close()


def service() -> Service:
    """Return the running app's Service."""
    return current_app.extensions["receiver"]


def client_ip() -> str:
    """Return the sender's address; X-Forwarded-For only from a trusted proxy (D20)."""
    remote = request.remote_addr or ""
    if remote in service().config.trusted_proxies:
        forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass
    return remote


def anonymised(address: str) -> str:
    """Return the /24 (IPv4) or /48 (IPv6) network of *address*, as Isso stores it."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


def endpoints() -> Endpoints:
    """Return the receiver's public addresses (one rule: responses.endpoints).

    From ``public_url`` (the site's RESPONSES_RECEIVER_URL), else from the
    address this request came to (werkzeug's ``get_current_url``, cached: it
    costs more than the rest of a webmention's checks).
    """
    public = service().config.public_url
    if public:
        return _endpoints_of(public)
    return _endpoints_at(request.scheme, request.host, request.root_path)


@functools.lru_cache(maxsize=64)  # pure; one or two bases per running service
def _endpoints_of(base: str) -> Endpoints:
    return receiver_endpoints(base) or _never()


@functools.lru_cache(maxsize=64)  # pure; a few Host names per running service
def _endpoints_at(scheme: str, host: str, root: str) -> Endpoints:
    return _endpoints_of(get_current_url(scheme, host, root))


def _never() -> Endpoints:
    raise RuntimeError("the request's own address is not an http(s) URL")
