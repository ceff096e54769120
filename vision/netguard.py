"""Where media may be fetched from: the SSRF guard under :mod:`vision.fetch`.

Media URLs come from strangers' posts, so a URL may point at the worker's own network
(``http://169.254.169.254/`` cloud metadata, ``http://10.0.0.5:9200/`` the Elasticsearch
cluster). Checking the URL's host before the request is not enough: a name can resolve to a
public address when checked and a private one when connected to (DNS rebinding), and a
redirect moves the request elsewhere. So the check lives in the connection itself: an httpcore
network backend resolves the host once, refuses if *any* address is not public, and connects
to exactly the addresses it checked. Every connection, redirects included, goes through it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class Refusal(Exception):  # noqa: N818 - a refusal is an outcome, not a programming error
    """Why a URL will not be fetched: ``reason`` is a stable machine-readable code, the
    message says what was wrong with which input."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


def embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (v4-mapped, 6to4, NAT64), because
    ``::ffff:127.0.0.1`` reaches loopback just as ``127.0.0.1`` does."""
    if isinstance(ip, ipaddress.IPv4Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(ip: IPAddress) -> bool:
    """True for an address on the public internet. ``is_global`` alone is not enough:
    it counts multicast as global and does not look inside IPv6 forms of IPv4 addresses."""
    inner = embedded_ipv4(ip)
    if inner is not None and not is_public(inner):
        return False
    return ip.is_global and not ip.is_multicast


class AddressPolicy:
    """Decides which hosts may be connected to: public addresses always; private,
    loopback and link-local ones only when allow-listed by host name or network (local test
    servers, the demo's sample server)."""

    def __init__(self, allow: Iterable[str] = ()):
        self.allowed_names: set[str] = set()
        self.allowed_networks: list[IPNetwork] = []
        for entry in allow:
            try:
                self.allowed_networks.append(ipaddress.ip_network(entry.strip(), strict=False))
            except ValueError:
                self.allowed_names.add(entry.strip().lower().rstrip("."))

    def permits(self, ip: IPAddress) -> bool:
        return is_public(ip) or any(ip in net for net in self.allowed_networks)

    def resolve(self, host: str, port: int) -> list[str]:
        """Every address of ``host``, or a :class:`Refusal` when it does not resolve or
        when one of its addresses is not permitted (a name with one private address among
        public ones is refused: which one a connection uses is not ours to choose)."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise Refusal("dns", f"host {host!r} does not resolve: {exc}") from exc
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
        if host.lower().rstrip(".") in self.allowed_names:
            return addresses
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
            if not self.permits(ip):
                raise Refusal("private-address",
                              f"host {host!r} resolves to {address}, which is not a public "
                              f"address; add it to the fetch allow-list if it is trusted")
        return addresses


class GuardedBackend(httpcore.NetworkBackend):
    """An httpcore network backend that connects only where the policy permits, to the
    addresses it checked (TLS still verifies and sends SNI for the original host name,
    which httpcore takes from the URL, not from the address connected to)."""

    def __init__(self, policy: AddressPolicy):
        self.policy = policy
        self.inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
                    ) -> httpcore.NetworkStream:
        last_error: Exception | None = None
        for address in self.policy.resolve(host, port):
            try:
                return self.inner.connect_tcp(address, port, timeout, local_address,
                                              socket_options)
            except httpcore.ConnectError as exc:  # try the host's next address
                last_error = exc
        assert last_error is not None  # getaddrinfo never answers with no address
        raise last_error

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport (same exception mapping, pooling and TLS), with the connection
    pool built on :class:`GuardedBackend`. httpx has no public parameter for a network
    backend, so the pool it built is swapped for an equivalent one; no proxies (a proxy
    would connect for us, past the guard)."""

    def __init__(self, policy: AddressPolicy, max_connections: int):
        ssl_context = httpx.create_ssl_context(trust_env=False)
        super().__init__(verify=ssl_context, trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            network_backend=GuardedBackend(policy),
        )
