"""The one guarded HTTP fetcher: every outgoing request of the project uses it.

A request is refused before any socket opens when its URL, port, host name or
any resolved address is not allowed. The connection goes to the address that
was checked (no second lookup can rebind it), every redirect hop is checked
again, and a wall-clock deadline and a byte cap bound the whole exchange.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
import ipaddress
import logging
import socket
import ssl
import time
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import certifi
import httpcore
import httpx

from pelican_plugins.net.addresses import address_refusal, host_refusal

logger = logging.getLogger(__name__)

Resolver = Callable[[str, int], Sequence[str]]

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 65536


def _version() -> str:
    try:
        return metadata.version("listening-back-kit")
    except metadata.PackageNotFoundError:
        return "0"


USER_AGENT = f"TheListeningBack/{_version()} (+linkbacks)"


class FetchError(Exception):
    """A request that could not be made or completed; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Blocked(FetchError):
    """The scheme, credentials, port, host or an address is refused."""


class Deadline(FetchError):
    """The connect timeout or the overall deadline passed."""


class TooManyRedirects(FetchError):
    """More redirect hops than allowed, or a redirect loop."""


class NetworkError(FetchError):
    """DNS failure, refused or reset connection, or a TLS certificate failure."""


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve *host* once with getaddrinfo; return the addresses in its order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class Policy:
    """What a fetch may reach, and how long and how much it may read.

    ``allow_private`` is the test-only escape hatch: loopback and private
    addresses and any port are then allowed, and a warning is logged.
    ``allowed_networks`` (tests only, also warned about) allows just those
    networks, so a test can reach its own server and still see every other
    private address refused. ``resolver`` replaces getaddrinfo, so tests can
    make a name resolve to a chosen address; ``cafile`` adds a certificate
    authority to trust.
    """

    allow_private: bool = False
    connect_timeout: float = 5.0
    deadline: float = 10.0
    max_bytes: int = 1_000_000
    max_redirects: int = 5
    ports: frozenset[int] = frozenset({80, 443, 8080})
    user_agent: str = USER_AGENT
    resolver: Resolver = field(default=system_resolver, repr=False)
    cafile: str | None = None
    allowed_networks: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.allow_private or self.allowed_networks:
            logger.warning(
                "private addresses are allowed for outgoing requests: "
                "use this for tests only"
            )

    def address_refusal(self, address: str) -> str | None:
        """Say why this policy refuses *address*, or None when it is allowed."""
        if self.allow_private:
            return None
        refusal = address_refusal(address)
        if refusal and self.allowed_networks:
            try:
                ip = ipaddress.ip_address(address.split("%", 1)[0])
            except ValueError:
                return refusal
            if any(ip in ipaddress.ip_network(net) for net in self.allowed_networks):
                return None
        return refusal


@dataclass(frozen=True)
class Response:
    """What a fetch returns: the final URL, status, headers and capped body."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes
    truncated: bool

    @property
    def content_type(self) -> str:
        """The lower-cased media type without parameters ("" if absent)."""
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()


@dataclass(frozen=True)
class Target:
    """A URL that passed every check, with the addresses to connect to."""

    url: str
    host: str
    port: int
    addresses: tuple[str, ...]


def check_url(url: str, policy: Policy) -> Target:
    """Parse and check *url*, resolve its host once and check every address."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Blocked(f"invalid URL {url!r}: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise Blocked(f"scheme {scheme or 'none'!r} is not http or https")
    if parts.username is not None or parts.password is not None:
        raise Blocked("credentials in URLs are refused")
    host = (parts.hostname or "").rstrip(".")
    refusal = host_refusal(host)
    if refusal:
        raise Blocked(refusal)
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise Blocked(f"invalid host name {host!r}") from None
    if port is None:
        port = 443 if scheme == "https" else 80
    if port not in policy.ports and not policy.allow_private:
        raise Blocked(f"port {port} is not allowed")
    try:
        addresses = tuple(policy.resolver(ascii_host, port))
    except (OSError, UnicodeError) as exc:
        raise NetworkError(f"cannot resolve {host}: {exc}") from None
    if not addresses:
        raise NetworkError(f"cannot resolve {host}: no address")
    for address in addresses:
        refusal = policy.address_refusal(address)
        if refusal:
            raise Blocked(f"{host}: {refusal}")
    clean = urlunsplit((scheme, parts.netloc, parts.path or "/", parts.query, ""))
    return Target(clean, ascii_host, port, addresses)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read and write ends by the deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: float) -> None:
        self._inner = inner
        self._deadline = deadline

    def _left(self, timeout: float | None) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("deadline passed")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, self._left(timeout))
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    """Connects to the checked addresses, never to what the host name says now."""

    def __init__(self, target: Target, policy: Policy, deadline: float) -> None:
        self._target = target
        self._policy = policy
        self._deadline = deadline
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        error: Exception = httpcore.ConnectError("no address")
        for address in self._target.addresses:
            left = self._deadline - time.monotonic()
            if left <= 0:
                raise httpcore.ConnectTimeout("deadline passed")
            try:
                stream = self._inner.connect_tcp(
                    address,
                    self._target.port,
                    timeout=min(self._policy.connect_timeout, left),
                )
            except httpcore.ConnectError as exc:
                error = exc
                continue
            return _DeadlineStream(stream, self._deadline)
        raise error


def _ssl_context(policy: Policy) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=certifi.where())
    if policy.cafile:
        context.load_verify_locations(cafile=policy.cafile)
    return context


def _request_headers(
    target: Target, headers: Mapping[str, str] | None, policy: Policy
) -> list[tuple[bytes, bytes]]:
    merged = httpx.Headers(dict(headers or {}))
    for name in ("host", "cookie", "authorization", "proxy-authorization"):
        merged.pop(name, None)
    merged["User-Agent"] = policy.user_agent
    merged["Accept-Encoding"] = "identity"
    host = target.host if ":" not in target.host else f"[{target.host}]"
    default = 443 if target.url.startswith("https:") else 80
    host_header = host if target.port == default else f"{host}:{target.port}"
    return [(b"Host", host_header.encode("ascii"))] + [
        (name.encode("latin-1"), value.encode("latin-1"))
        for name, value in merged.multi_items()
    ]


def _one_hop(
    target: Target,
    method: str,
    *,
    headers: Mapping[str, str] | None,
    data: bytes | None,
    policy: Policy,
    deadline: float,
) -> Response:
    backend = _PinnedBackend(target, policy, deadline)
    pool = httpcore.ConnectionPool(
        ssl_context=_ssl_context(policy), network_backend=backend, retries=0
    )
    timeout = {
        "connect": policy.connect_timeout,
        "read": policy.deadline,
        "write": policy.deadline,
        "pool": policy.deadline,
    }
    chunks: list[bytes] = []
    size = 0
    truncated = False
    with (
        pool,
        pool.stream(
            method,
            target.url,
            headers=_request_headers(target, headers, policy),
            content=data,
            extensions={"timeout": timeout},
        ) as reply,
    ):
        if method != "HEAD":
            for chunk in reply.iter_stream():
                if time.monotonic() > deadline:
                    raise httpcore.ReadTimeout("deadline passed")
                room = policy.max_bytes - size
                if len(chunk) > room:
                    chunks.append(chunk[:room])
                    truncated = True
                    break
                chunks.append(chunk)
                size += len(chunk)
        response_headers = httpx.Headers(
            [(k.decode("latin-1"), v.decode("latin-1")) for k, v in reply.headers]
        )
        status = reply.status
    return Response(target.url, status, response_headers, b"".join(chunks), truncated)


def _translate(exc: Exception, url: str) -> FetchError:
    host = urlsplit(url).hostname or url
    if isinstance(exc, httpcore.TimeoutException):
        return Deadline(f"{host}: timed out")
    if isinstance(exc, httpcore.ConnectError):
        cause = str(exc) or "connection failed"
        if "CERTIFICATE" in cause.upper():
            return NetworkError(f"{host}: TLS certificate not trusted")
        return NetworkError(f"{host}: {cause}")
    if isinstance(exc, httpcore.ProtocolError | httpcore.NetworkError):
        return NetworkError(f"{host}: {exc or 'connection broken'}")
    return NetworkError(f"{host}: {exc}")


def fetch(
    url: str,
    method: str = "GET",
    *,
    headers: Mapping[str, str] | None = None,
    data: bytes | None = None,
    policy: Policy | None = None,
    follow_redirects: bool = True,
) -> Response:
    """Make one guarded request and return its response.

    GET and HEAD follow redirects (each hop checked again, at most
    ``policy.max_redirects``); a POST is never re-sent, so its 30x comes back
    as is. Raises :class:`Blocked`, :class:`Deadline`,
    :class:`TooManyRedirects` or :class:`NetworkError`.
    """
    policy = policy or Policy()
    method = method.upper()
    deadline = time.monotonic() + policy.deadline
    seen: set[str] = set()
    current = url
    for _ in range(policy.max_redirects + 1):
        target = check_url(current, policy)
        seen.add(target.url)
        try:
            response = _one_hop(
                target,
                method,
                headers=headers,
                data=data,
                policy=policy,
                deadline=deadline,
            )
        except (httpcore.TimeoutException, httpcore.ConnectError) as exc:
            raise _translate(exc, current) from None
        except (httpcore.ProtocolError, httpcore.NetworkError) as exc:
            if time.monotonic() >= deadline:
                raise Deadline(f"{target.host}: timed out") from None
            raise _translate(exc, current) from None
        except ssl.SSLError as exc:
            raise NetworkError(f"{target.host}: TLS error ({exc.reason})") from None
        location = response.headers.get("location")
        if (
            not follow_redirects
            or method not in ("GET", "HEAD")
            or response.status not in REDIRECT_CODES
            or not location
        ):
            return response
        current = urljoin(target.url, location.strip())
        if urlsplit(current)._replace(fragment="").geturl() in seen:
            raise TooManyRedirects(f"redirect loop at {current}")
    raise TooManyRedirects(f"more than {policy.max_redirects} redirects")
