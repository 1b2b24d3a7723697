"""Who is really calling, behind a reverse proxy: `X-Forwarded-For`, believed only from the
proxies the operator names.

Rate limits (failed sign-ins, live streams) count per client address. A header anyone can
send must not choose that address: the socket's peer is the client, unless the peer is one
of `AGENTCRON_TRUSTED_PROXIES` (addresses or networks), and then the client is the nearest
address in `X-Forwarded-For` that is not itself a trusted proxy. The server is run with
uvicorn's own proxy handling off (`serving.py`), so this is the only place that decides.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> tuple[Network, ...]:
    """`10.0.0.1, 10.1.0.0/16, ::1` → networks; raises ValueError naming a bad entry."""
    networks = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ValueError(
                f"AGENTCRON_TRUSTED_PROXIES: {part!r} is not an address or network"
            ) from None
    return tuple(networks)


def _trusted(address: str, networks: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(peer: str, forwarded_for: str, networks: tuple[Network, ...]) -> str:
    if not networks or not _trusted(peer, networks):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):  # nearest first: the last entry was added by our proxy
        if not _trusted(hop, networks):
            return hop
    return hops[0] if hops else peer


class TrustedProxies:
    """ASGI middleware: sets the request's client address by the rule above."""

    def __init__(self, app: ASGIApp, networks: tuple[Network, ...]) -> None:
        self.app = app
        self.networks = networks

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.networks and scope.get("client"):
            peer, port = scope["client"]
            forwarded = b",".join(
                value for name, value in scope["headers"] if name == b"x-forwarded-for"
            ).decode("latin-1")
            address = client_address(peer, forwarded, self.networks)
            if address != peer:
                scope = {**scope, "client": (address, port)}
        await self.app(scope, receive, send)
