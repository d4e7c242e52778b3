"""The client's address: the one place it is read from a request.

Sign-in lockouts count failures per address, so the address must be one a client cannot
choose. ``REMOTE_ADDR`` (the peer of the connection) is; ``X-Forwarded-For`` is not,
unless reverse proxies we trust stand in front and each appends the address it saw.
``LIAISON_PROXY_COUNT`` says how many do: with N of them, the entry N places from the
right end of the header is the address the outermost proxy saw, and everything left of
it is whatever the client sent. With 0 (the default) the header is ignored.

``liaison serve`` therefore tells uvicorn never to rewrite the peer from proxy headers
(``uvicorn_proxy_options``): the count is applied here, once, for django-axes
(``AXES_CLIENT_IP_CALLABLE``) and the request log alike.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest


def forwarded_client(peer: str, forwarded_for: str, proxies: int) -> str:
    """The client's address given the connection's peer, the X-Forwarded-For header and
    the number of trusted proxies in front."""
    if proxies <= 0 or not forwarded_for.strip():
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",")]
    # Fewer entries than proxies: the request entered behind the outermost ones, and
    # every entry was still written by a trusted proxy; the leftmost is the farthest seen.
    candidate = hops[max(len(hops) - proxies, 0)]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        # Not an address (a proxy that writes ports or names): the peer, which is real.
        return peer


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent ``request`` (see the module's docstring)."""
    return forwarded_client(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        settings.LIAISON_PROXY_COUNT,
    )


def uvicorn_proxy_options() -> dict[str, Any]:
    """uvicorn's proxy settings: it never replaces the peer with a forwarded address.

    Left to its defaults, uvicorn trusts X-Forwarded-For from any client on loopback and
    rewrites the peer before Django sees it, so a forged header would pick a new address
    for every attempt. With proxies configured the count is still applied once, by
    ``client_address``; uvicorn's own rule (the rightmost untrusted hop, given the
    proxies' addresses) would need their addresses rather than their number."""
    return {"proxy_headers": False, "forwarded_allow_ips": ""}
