"""``X-Forwarded-*`` from the API gateway, believed only when the peer is a trusted proxy.

Anyone can send ``X-Forwarded-For: 10.0.0.1``; only the connection's own peer address is a fact. So the
headers count only when that peer is in ``security.trusted_proxies``, and even then the client is the
rightmost ``X-Forwarded-For`` entry that is not itself a trusted proxy (entries left of it were written by
the client and prove nothing). ``-Proto``, ``-Host`` and ``-Prefix`` are validated before use, since they
end up in links and in the OpenAPI server URL.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_HOST = re.compile(r"^[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]{2,45}\](:[0-9]{1,5})?$")
_PREFIX = re.compile(r"^(/[A-Za-z0-9._~-]+)+$")
HEADERS = ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Prefix")


class TrustedProxies:
    """A set of addresses and networks; membership answers are memoised (peers are few)."""

    def __init__(self, entries: Iterable[str]) -> None:
        self.networks: tuple[Network, ...] = tuple(ipaddress.ip_network(e, strict=False) for e in entries)
        self._memo: dict[str, bool] = {}

    def __bool__(self) -> bool:
        return bool(self.networks)

    def trusts(self, address: str | None) -> bool:
        if not address or not self.networks:
            return False
        known = self._memo.get(address)
        if known is None:
            try:
                ip = ipaddress.ip_address(address)
            except ValueError:
                known = False
            else:
                if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
                    ip = ip.ipv4_mapped
                known = any(ip in net for net in self.networks)
            if len(self._memo) < 10000:
                self._memo[address] = known
        return known


@dataclass(frozen=True, slots=True)
class Forwarded:
    """What a trusted gateway says about the original request; None fields were not (validly) sent."""

    remote: str | None = None
    scheme: str | None = None
    host: str | None = None
    prefix: str = ""


def client_address(chain: str, peer: str, proxies: TrustedProxies) -> str | None:
    """The client in an ``X-Forwarded-For`` chain that reached us through trusted ``peer``; None if unparseable."""
    hops = [h.strip() for h in chain.split(",") if h.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return None  # an unparseable hop: stop believing the chain here
        if not proxies.trusts(hop):
            return hop
    return hops[0] if hops else peer


def forwarded(headers: Mapping[str, str], peer: str | None, proxies: TrustedProxies) -> Forwarded | None:
    """The gateway's view of the request, or None when ``peer`` is untrusted or sent no such header."""
    if not proxies.trusts(peer) or not any(h in headers for h in HEADERS):
        return None
    assert peer is not None
    chain = headers.get("X-Forwarded-For")
    remote = client_address(chain, peer, proxies) if chain else None
    proto = (headers.get("X-Forwarded-Proto") or "").split(",")[0].strip().lower()
    host = (headers.get("X-Forwarded-Host") or "").split(",")[0].strip()
    prefix = (headers.get("X-Forwarded-Prefix") or "").split(",")[0].strip().rstrip("/")
    return Forwarded(remote=remote,
                     scheme=proto if proto in ("http", "https") else None,
                     host=host if host and _HOST.match(host) else None,
                     prefix=prefix if prefix and _PREFIX.match(prefix) else "")
