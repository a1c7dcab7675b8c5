"""Where a webhook may point: only at the public internet. A partner's URL must never make
Pathway's workers POST to themselves, to the private network they sit in, or to a cloud's
metadata service (server-side request forgery).

The rule is applied to the addresses a host name *resolves to*, so every spelling of an address
(decimal `2130706433`, octal `0177.0.0.1`, hexadecimal, short `127.1`, IPv6 `[::1]`, IPv4-mapped
`[::ffff:127.0.0.1]`, NAT64, 6to4 and Teredo wrappings) and every DNS name pointing inward is
caught. Registration refuses such a URL (a name that does not resolve yet is accepted: delivery
checks it again); delivery resolves once per attempt, refuses if any address is forbidden, and
connects to the vetted address itself, so the name cannot be re-pointed between the check and
the connection (DNS rebinding).

`WEBHOOK_ALLOWED_NETWORKS` (settings; test and development only, refused in production) lists
networks that are let through anyway, such as the tests' receiver on 127.0.0.1.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.request
from typing import Any

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Metadata services that sit on public-looking addresses (the others are link-local or private).
METADATA = {ipaddress.ip_address("168.63.129.16")}  # Azure's wire server


class ForbiddenAddress(OSError):
    """The endpoint resolves to an address webhooks may not reach."""


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(net, strict=False) for net in getattr(settings, "WEBHOOK_ALLOWED_NETWORKS", ())]


def forbidden_reason(ip: IPAddress) -> str | None:
    """Why `ip` may not be reached ("loopback", "private" ...), or None if it is public."""
    if any(ip in network for network in allowed_networks()):
        return None
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return forbidden_reason(ip.ipv4_mapped)
        if ip in NAT64:
            return forbidden_reason(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        wrapped = ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if wrapped is not None and (reason := forbidden_reason(wrapped)):
            return reason
    for reason, flag in (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),  # 169.254.169.254, the usual metadata address
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("metadata", ip in METADATA),
        ("not public", not ip.is_global),  # shared address space (100.64.0.0/10) and the rest
    ):
        if flag:
            return reason
    return None


def vetted_addresses(host: str, port: int) -> list[tuple[Any, ...]]:
    """getaddrinfo() answers for `host`, all of them allowed; raises ForbiddenAddress if any is
    not (a name with one public and one private address is refused: either could be used)."""
    answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    for *_, sockaddr in answers:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if reason := forbidden_reason(ip):
            raise ForbiddenAddress(f"{ip} is {reason}")
    return answers


def check_host(host: str, port: int) -> str | None:
    """At registration: why the host may not be used, or None (also when it does not resolve)."""
    try:
        vetted_addresses(host, port)
    except ForbiddenAddress as refused:
        return str(refused)
    except (OSError, UnicodeError):
        return None  # not resolvable now: delivery resolves and checks again
    return None


# socket.create_connection's "no timeout given" sentinel; private, so typeshed leaves it out.
DEFAULT_TIMEOUT = socket._GLOBAL_DEFAULT_TIMEOUT  # type: ignore[attr-defined]


def _connect_vetted(
    address: tuple[str, int], timeout: Any = DEFAULT_TIMEOUT, source_address: Any = None
) -> socket.socket:
    """socket.create_connection, but to the vetted addresses only (no second DNS lookup)."""
    host, port = address
    error: OSError | None = None
    for family, kind, proto, _, sockaddr in vetted_addresses(host, port):
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as failed:
            sock.close()
            error = failed
    raise error or OSError(f"no address for {host}")


class VettedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the vetted address; TLS still checks the certificate against the URL's host."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect_vetted


class VettedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        # HTTPSHandler keeps its TLS context in _context (private, not in typeshed).
        return self.do_open(VettedHTTPSConnection, req, context=self._context)  # type: ignore[attr-defined]
