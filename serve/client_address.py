"""Which address a request comes from, believing `X-Forwarded-For` only as far as `trusted_proxies` allow.

Anyone can send an `X-Forwarded-For` header, so by default it is ignored and the peer address is the client: a
per-IP limit cannot be dodged by writing a new address into each request. When the peer is a trusted proxy, the
header is read from the right (the entry that proxy appended) and each trusted hop is skipped; the first address
no trusted proxy vouches for is the client. Entries further left were written by the client and are never used.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "unknown"
_MAX_CHARS = 64  # a garbled header entry still makes a bounded rate-limit key


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """Addresses and CIDR networks (validated by the settings) as networks."""
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _trusted(address: str, trusted: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def client_address(peer: str | None, forwarded_for: Sequence[str], trusted: Sequence[Network]) -> str:
    """The client's address: `peer` unless it is a trusted proxy, then the nearest untrusted forwarded hop.

    `forwarded_for` holds every `X-Forwarded-For` header value in order (a proxy may add its own header line).
    """
    if peer is None:
        return UNKNOWN
    if not trusted or not _trusted(peer, trusted):
        return peer
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
    address = peer
    for hop in reversed(hops):
        address = hop[:_MAX_CHARS]
        if not _trusted(hop, trusted):
            break
    return address
