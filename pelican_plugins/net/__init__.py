"""The project's one guarded HTTP fetcher (SSRF-safe, capped, pinned).

Every outgoing request (linkbacks discovery and sending, receiver
verification) goes through :func:`fetch`; see docs/net.md for the rules.
"""

from pelican_plugins.net.addresses import address_refusal, host_refusal
from pelican_plugins.net.client import (
    USER_AGENT,
    Blocked,
    Deadline,
    FetchError,
    NetworkError,
    Policy,
    Response,
    TooManyRedirects,
    check_url,
    fetch,
    system_resolver,
)

__all__ = [
    "USER_AGENT",
    "Blocked",
    "Deadline",
    "FetchError",
    "NetworkError",
    "Policy",
    "Response",
    "TooManyRedirects",
    "address_refusal",
    "check_url",
    "fetch",
    "host_refusal",
    "system_resolver",
]
