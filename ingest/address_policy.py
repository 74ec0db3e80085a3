"""Which network addresses the poller may fetch from: public ones, and those named in
``NEWSWATCH_ALLOWED_HOSTS``.

Feed URLs come from registry files, OPML imports and redirects chosen by the feed's server, so
without a rule a feed could make the poller talk to the machine's own services (the Kafka port,
a database), the private network, or a cloud metadata service (169.254.169.254,
fd00:ec2::254). The rule is applied where an address becomes known: to every URL (the feed's
and every redirect hop) whose host is an address literal, in any spelling (``2130706433``,
``0x7f.1``, ``0177.0.0.1``, ``[::ffff:127.0.0.1]``, a trailing dot), and to every address a
host name resolves to, inside the resolver the HTTP client connects with, so the address
checked is the address connected to (a second, rebinding DNS answer is never asked for).

Refused: every address that is not globally routable (loopback, private, link-local, shared,
unspecified, reserved, documentation, benchmarking), multicast, and IPv6 addresses that carry
such an IPv4 address inside (IPv4-mapped, NAT64, 6to4, Teredo), plus the name ``localhost``.

``NEWSWATCH_ALLOWED_HOSTS``: comma- or space-separated host names (``intranet.example``),
address ranges in CIDR notation (``10.20.0.0/16``, ``127.0.0.1/32``) and single origins
(``127.0.0.1:8080``, ``[::1]:8080``, ``feeds.local:80``), for tests and intranets.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from yarl import URL

__all__ = ["ALLOWED_HOSTS_ENV", "AddressPolicy", "AddressRefused", "CheckedResolver",
           "literal_address"]

ALLOWED_HOSTS_ENV = "NEWSWATCH_ALLOWED_HOSTS"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
# digits, hex digits, 'x' and dots: the legacy IPv4 spellings inet_aton accepts
_LEGACY_IPV4 = re.compile(r"^(?:0x[0-9a-f]+|[0-9]+)(?:\.(?:0x[0-9a-f]+|[0-9]+)){0,3}$")
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


class AddressRefused(OSError):
    """A feed URL or one of its redirects points at an address the policy refuses. An
    ``OSError`` so that the HTTP client passes it through its resolver as a connection
    failure; the fetcher reports it as error kind ``blocked``."""


def _normal_host(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host.split("%", 1)[0].rstrip(".")  # an IPv6 zone id names an interface, not a host


def literal_address(host: str) -> IPAddress | None:
    """The address ``host`` spells, in any of the forms resolvers accept, or None for a name."""
    host = _normal_host(host)
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _LEGACY_IPV4.match(host):  # '2130706433', '0x7f.1', '0177.0.0.1', '127.1'
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # the client's (obfuscation undone by the library)
    if any(address in net for net in _NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _why_not_public(address: IPAddress) -> str | None:
    """Why an address is not a public unicast one, or None when it is."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        if inner is not None:
            reason = _why_not_public(inner)
            return f"carries {inner}, {reason}" if reason else None
    if address.is_multicast:
        return "a multicast address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_unspecified:
        return "the unspecified address"
    if address.is_link_local:
        return "a link-local address (where cloud metadata services answer)"
    if address.is_private:
        return "a private-network address"
    if not address.is_global or address.is_reserved:
        return "not a public address"
    return None


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """The allow-list; everything public is allowed anyway. Build with ``parse``."""

    names: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()
    origins: frozenset[tuple[str, int]] = frozenset()

    @classmethod
    def parse(cls, spec: str | None) -> AddressPolicy:
        """Read an allow-list (the ``NEWSWATCH_ALLOWED_HOSTS`` format). Raises ``ValueError``
        naming the entry that is neither a host name, a CIDR range nor a host:port."""
        names: set[str] = set()
        networks: list[Network] = []
        origins: set[tuple[str, int]] = set()
        for entry in re.split(r"[,\s]+", spec or ""):
            if not entry:
                continue
            if "/" in entry:
                try:
                    networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
                except ValueError as exc:
                    raise ValueError(f"{ALLOWED_HOSTS_ENV}: {entry!r} is not a CIDR range: "
                                     f"{exc}") from None
                continue
            origin = re.fullmatch(r"\[([0-9a-fA-F:.]+)\]:(\d+)|([^:\[\]]+):(\d+)", entry)
            if origin:
                host, port = (origin.group(1), origin.group(2)) if origin.group(1) else (
                    origin.group(3), origin.group(4))
                if not 0 < int(port) < 65536:
                    raise ValueError(f"{ALLOWED_HOSTS_ENV}: {entry!r}: port {int(port)} is not "
                                     "a TCP port (1-65535)")
                origins.add((_canonical_host(host), int(port)))
            elif literal_address(entry) is not None:
                address = literal_address(entry)
                networks.append(ipaddress.ip_network(address))
            elif re.fullmatch(r"[A-Za-z0-9_.-]+", entry):
                names.add(_normal_host(entry))
            else:
                raise ValueError(f"{ALLOWED_HOSTS_ENV}: {entry!r} is not a host name, a CIDR "
                                 "range or host:port")
        return cls(frozenset(names), tuple(networks), frozenset(origins))

    @classmethod
    def from_env(cls) -> AddressPolicy:
        return cls.parse(os.environ.get(ALLOWED_HOSTS_ENV))

    def allowing(self, spec: str) -> AddressPolicy:
        """This policy plus the entries of ``spec`` (e.g. the demo's own feed server)."""
        extra = AddressPolicy.parse(spec)
        return AddressPolicy(self.names | extra.names, self.networks + extra.networks,
                             self.origins | extra.origins)

    def refusal(self, host: str, port: int | None, address: IPAddress | None) -> str | None:
        """Why connecting to ``address`` (resolved from ``host``) is refused, or None."""
        name = _normal_host(host)
        if name in self.names:
            return None
        if port is not None and ((_canonical_host(name), port) in self.origins or (
                address is not None and (_canonical_host(str(address)), port) in self.origins)):
            return None
        if address is None:
            if name in _LOCAL_NAMES or name.endswith(".localhost"):
                return f"{host} is a name for this machine"
            return None  # a name: its addresses are checked when it is resolved
        candidates = [address]
        if isinstance(address, ipaddress.IPv6Address) and _embedded_ipv4(address) is not None:
            candidates.append(_embedded_ipv4(address))  # '10.0.0.0/8' allows ::ffff:10.0.0.1
        if any(a in network for a in candidates for network in self.networks):
            return None
        reason = _why_not_public(address)
        return f"{host} is {reason}" if reason else None

    def refusal_for_url(self, url: str) -> str | None:
        """Why fetching ``url`` is refused before any DNS lookup (address literals in any
        spelling, ``localhost``), or None; names are checked again when resolved."""
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError:
            return None  # not this policy's business: the URL check reports it
        if port is None:
            port = {"http": 80, "https": 443}.get(parts.scheme.lower())
        for host in _spellings(url.strip(), parts.hostname):
            reason = self.refusal(host, port, literal_address(host))
            if reason is not None:
                return (f"{reason}: newswatch fetches only public addresses unless "
                        f"{ALLOWED_HOSTS_ENV} names the host, its range or host:port")
        return None


def _spellings(url: str, host: str | None) -> list[str]:
    """The host as written and as the HTTP client will read it: yarl applies NFKC and IDNA,
    so '①②⑦.0.0.1' or '127。0。0。1' (ideographic full stops) reach the client as 127.0.0.1,
    an address literal it connects to without asking the resolver."""
    hosts = [host] if host else []
    try:
        client_host = URL(url).host
    except (ValueError, TypeError, UnicodeError):
        client_host = None
    if client_host and client_host not in hosts:
        hosts.append(client_host)
    return hosts


def _canonical_host(host: str) -> str:
    address = literal_address(host)
    return str(address) if address is not None else _normal_host(host)


class CheckedResolver(AbstractResolver):
    """A resolver that drops the addresses the policy refuses (and raises ``AddressRefused``
    when none is left). The HTTP client connects only to the addresses returned here."""

    def __init__(self, policy: AddressPolicy, inner: AbstractResolver | None = None) -> None:
        self.policy = policy
        self._inner = inner or DefaultResolver()

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        kept: list[ResolveResult] = []
        reasons: list[str] = []
        for info in found:
            reason = self.policy.refusal(host, port, literal_address(info["host"]))
            if reason is None:
                kept.append(info)
            else:
                reasons.append(f"{info['host']}: {reason}")
        if not kept:
            raise AddressRefused(f"{host} resolves only to refused addresses ({'; '.join(reasons)})"
                                 f"; newswatch fetches only public addresses unless "
                                 f"{ALLOWED_HOSTS_ENV} names the host, its range or host:port")
        return kept

    async def close(self) -> None:
        await self._inner.close()
