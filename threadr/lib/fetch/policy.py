"""The address policy of the outbound door: which URLs may be fetched and which addresses they may reach.

A user-supplied URL is a request to make our server connect somewhere. This module reads the URL the way a
browser does (numeric hosts in decimal, octal, hex or short spellings become the IP they mean), resolves the
host, and vets every address it resolves to: each must be public, or inside a network the operator allowed with
FETCH_ALLOWED_PRIVATE_NETWORKS. IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4) are judged by the
address they embed. The transport then connects to the vetted addresses themselves and never asks DNS again.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.conf import settings

from threadr.lib.deadline import Deadline
from threadr.lib.fetch.page import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Never public, whatever the running Python's ipaddress flags say (they changed across 3.11 patch releases).
_BLOCKED_NETWORKS = tuple(
    ipaddress.ip_network(cidr)
    for cidr in (
        "0.0.0.0/8",  # "this network", includes 0.0.0.0
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, includes the 169.254.169.254 metadata service
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, includes broadcast
        "::/96",  # unspecified, loopback and the deprecated IPv4-compatible form
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard
        "2001::/32",  # Teredo: the embedded client address is obfuscated, so it cannot be vetted
        "2001:db8::/32",
        "2001:10::/28",
        "2001:20::/28",
        "fc00::/7",  # unique local, includes the fd00:ec2::254 metadata service
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


@dataclass(frozen=True)
class Target:
    """A URL that passed parsing, in the parts the transport sends."""

    scheme: str
    host: str  # ASCII (IDNA) host name or IP literal, lowercased, no brackets
    port: int
    path: str  # path and query, percent-encoded, never empty
    url: str


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to. The seam tests replace to map invented names to loopback servers."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def parse_url(url: str) -> Target:
    """Validate a URL the way a browser reads it; numeric hosts in any spelling become the IP they mean."""
    if not isinstance(url, str) or any(ord(char) <= 0x20 or ord(char) == 0x7F for char in url.strip()):
        raise FetchError("invalid_url", "the address contains spaces or control characters")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise FetchError("invalid_url", f"unreadable address: {error}") from error
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError("invalid_url", "only http and https addresses can be imported")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise FetchError("invalid_url", "addresses with a user name or password are not accepted")
    host = _canonical_host(parts.hostname or "")
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return Target(
        scheme=scheme,
        host=host,
        port=port or (443 if scheme == "https" else 80),
        path=path,
        url=url.strip(),
    )


def vetted_addresses(host: str, port: int, *, deadline: Deadline) -> list[IPAddress]:
    """The addresses to connect to, all allowed; refuses the whole name if any address it resolves to is not."""
    literal = _ip_literal(host)
    if literal is not None:
        addresses = [literal]
    else:
        # The system resolver takes no timeout: the deadline is checked on both sides of the lookup instead.
        deadline.remaining()
        try:
            addresses = resolve(host, port)
        except (OSError, UnicodeError) as error:
            raise FetchError("dns_failure", f"could not resolve {host}") from error
        deadline.remaining()
        if not addresses:
            raise FetchError("dns_failure", f"{host} has no address")
    refused = [address for address in addresses if not address_allowed(address)]
    if refused:
        raise FetchError("address_not_allowed", f"{host} points to a non-public address ({refused[0]})")
    return [_unmapped(address) for address in addresses]


def address_allowed(address: IPAddress) -> bool:
    """Public addresses, plus the private networks the operator named. IPv6 forms that embed an IPv4 address
    (mapped, NAT64, 6to4) are judged by the address they embed."""
    if any(address in network for network in _allowed_private_networks() if network.version == address.version):
        return True
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return address_allowed(embedded)
    if any(address in network for network in _BLOCKED_NETWORKS if network.version == address.version):
        return False
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_unspecified)


def _allowed_private_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(cidr, strict=False) for cidr in settings.FETCH_ALLOWED_PRIVATE_NETWORKS]


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _unmapped(address: IPAddress) -> IPAddress:
    """Connect to ::ffff:a.b.c.d as the IPv4 address it is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _canonical_host(hostname: str) -> str:
    """The host as it goes on the wire: IDNA for names, the canonical form for IP literals in any spelling."""
    try:
        host = hostname.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError as error:
        raise FetchError("invalid_url", "unreadable host name") from error
    if not host:
        raise FetchError("invalid_url", "the address has no host")
    if ":" in host:  # an IPv6 literal (urlsplit already removed the brackets)
        if "%" in host:
            raise FetchError("invalid_url", "IPv6 zone identifiers are not accepted")
        try:
            return str(ipaddress.IPv6Address(host))
        except ValueError as error:
            raise FetchError("invalid_url", "unreadable IPv6 address") from error
    ipv4 = _parse_ipv4(host)
    if ipv4 is not None:
        return str(ipv4)
    if not all(label and len(label) <= 63 for label in host.split(".")):
        raise FetchError("invalid_url", "unreadable host name")
    return host


def _parse_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """Read a host as browsers do (WHATWG URL): if its last label is a number, the whole host is an IPv4 address
    in decimal, octal (leading 0) or hex (0x) parts — so 2130706433, 0x7f.1 and 0177.0.0.1 all mean 127.0.0.1."""
    labels = host.split(".")
    if not _is_number(labels[-1]):
        return None
    if len(labels) > 4:
        raise FetchError("invalid_url", "unreadable IPv4 address")
    numbers = [_ipv4_part(label) for label in labels]
    if any(number > 255 for number in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise FetchError("invalid_url", "unreadable IPv4 address")
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def _is_number(label: str) -> bool:
    if label[:2] in ("0x", "0X"):
        return all(char in "0123456789abcdefABCDEF" for char in label[2:])
    return label.isascii() and label.isdigit()


def _ipv4_part(label: str) -> int:
    try:
        if label[:2] in ("0x", "0X"):
            return int(label[2:] or "0", 16)
        if len(label) > 1 and label.startswith("0"):
            return int(label[1:], 8)
        return int(label, 10)
    except ValueError as error:
        raise FetchError("invalid_url", "unreadable IPv4 address") from error


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None
