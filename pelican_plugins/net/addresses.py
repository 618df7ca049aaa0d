"""Which hosts and addresses an outgoing request may reach (pure, no I/O)."""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Names refused before any lookup: they always mean "this machine or its cloud".
DENIED_NAMES = frozenset({"localhost", "metadata.google.internal"})
DENIED_SUFFIXES = (".localhost", ".internal")

# Ranges that ``ipaddress`` calls global on some Python patch levels, but that
# are special-purpose (IANA registry, CVE-2024-4032) or anycast relays.
_EXTRA_DENIED = tuple(
    ipaddress.ip_network(net)
    for net in ("192.0.0.0/24", "192.88.99.0/24", "64:ff9b:1::/48", "2001::/23")
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def host_refusal(host: str) -> str | None:
    """Say why a host *name* is refused, or return None when it may be looked up."""
    name = host.rstrip(".").lower()
    if not name:
        return "the URL has no host"
    if name in DENIED_NAMES or name.endswith(DENIED_SUFFIXES):
        return f"host {name} is internal"
    return None


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """Return the IPv4 address an IPv6 one carries (mapped, NAT64, 6to4, compat).

    >>> str(embedded_ipv4(ipaddress.IPv6Address("64:ff9b::7f00:1")))
    '127.0.0.1'
    """
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if int(address) >> 32 == 0:  # deprecated IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(int(address))
    return None


def _public(address: IPAddress) -> bool:
    return (
        address.is_global
        and not address.is_multicast
        and not address.is_reserved
        and not any(address in net for net in _EXTRA_DENIED)
    )


def address_refusal(text: str) -> str | None:
    """Say why an IP address is refused, or return None when it is public.

    An IPv6 address that carries an IPv4 one is judged by the IPv4 address,
    because ``ipaddress`` calls ``64:ff9b::7f00:1`` (NAT64 for 127.0.0.1)
    global. The deprecated IPv4-compatible form ``::a.b.c.d`` is refused.
    """
    try:
        address: IPAddress = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return f"{text} is not an IP address"
    judged: IPAddress = address
    if isinstance(address, ipaddress.IPv6Address):
        inner = embedded_ipv4(address)
        if inner is not None:
            if int(address) >> 32 == 0:
                return f"address {address} is not public"
            judged = inner
    if not _public(judged):
        return f"address {address} is not public"
    return None
