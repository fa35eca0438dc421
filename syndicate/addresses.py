"""Which network addresses are public: the one rule for every place that judges a host.

The fetcher uses it to refuse connections a source may not make (server-side request
forgery: an item's URL must not reach the council's intranet or a cloud metadata
service), and the feed sink uses it to keep links partners cannot follow out of a feed.
"""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Cloud metadata services outside the link-local range (AWS's IPv6 one, Alibaba's); the
#: link-local ones (169.254.169.254, fe80::…) are refused as link-local.
METADATA_ADDRESSES = frozenset({ipaddress.ip_address("fd00:ec2::254"),
                                ipaddress.ip_address("100.100.100.200")})


def _judged(address: str) -> IPAddress:
    """The address a connection to ``address`` really reaches (``ValueError`` if it is
    not an IP address): IPv4 carried inside IPv6 (``::ffff:a.b.c.d``, 6to4
    ``2002:aabb:ccdd::``) is judged by the IPv4 address; Python 3.11 calls 2002::/16
    global whatever it embeds. A zone (``fe80::1%eth0``) is dropped."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        return ip.ipv4_mapped or ip.sixtofour or ip
    return ip


def is_public(address: str) -> bool:
    """True for a globally routable unicast address; False for loopback, private,
    link-local, multicast, reserved, unspecified and shared (CGNAT) addresses.
    ``ValueError`` if ``address`` is not an IP address."""
    ip = _judged(address)
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback
                                 or ip.is_link_local or ip.is_private or ip.is_unspecified)


def acceptable(address: str, *, allow_private: bool) -> bool:
    """Whether a connection may go to ``address``: a public one; with ``allow_private``
    also a private or loopback one — never link-local, metadata, multicast, reserved or
    unspecified."""
    if is_public(address):
        return True
    if not allow_private:
        return False
    ip = _judged(address)
    if ip in METADATA_ADDRESSES or ip.is_link_local or ip.is_multicast or ip.is_unspecified:
        return False
    return ip.is_private or ip.is_loopback


def is_local_name(host: str) -> bool:
    """Whether ``host`` is a name only this machine resolves (``localhost`` and, per
    RFC 6761, any name under ``.localhost``)."""
    host = host.lower().rstrip(".")
    return host == "localhost" or host.endswith(".localhost")
