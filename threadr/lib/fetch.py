"""The one door for outbound HTTP to addresses a user typed: a GET that cannot be turned against our own network.

A user-supplied URL is a request to make our server connect somewhere. So the host is resolved here, every
address it resolves to must be public (or explicitly allowed by FETCH_ALLOWED_PRIVATE_NETWORKS), and the
connection goes to the vetted IP itself — the name is never looked up a second time, so DNS rebinding cannot
swap the target between check and use. TLS still verifies the certificate against the original name. Every
redirect hop goes through the same check. One deadline covers all hops (a watchdog closes a socket that drips),
and the body is capped both on the wire and after decompression.

Imports no app: callers turn `FetchError` into their own exceptions.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings

USER_AGENT = "ThreadrBot/1.0 (+https://threadr.app/bot)"
ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8"
ACCEPTED_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK = 64 * 1024

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


class FetchError(Exception):
    """Why a URL could not be fetched. `code` is stable (invalid_url, address_not_allowed, dns_failure, timeout,
    too_large, not_html, not_found, blocked, too_many_redirects, connection_failed, http_error); `status` and
    `content_type` are set when the server answered; `page` holds the (capped) body of a refusal such as a 401/403,
    so callers can tell a login wall from a plain refusal."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int | None = None,
        content_type: str = "",
        page: FetchedPage | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.content_type = content_type
        self.page = page


@dataclass(frozen=True)
class FetchedPage:
    final_url: str
    status: int
    content_type: str  # media type only, lowercased: "text/html"
    charset: str | None
    body: bytes  # decompressed
    headers: dict[str, str] = field(default_factory=dict)  # lowercased names


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # ASCII (IDNA) host name or IP literal, lowercased, no brackets
    port: int
    path: str  # path and query, percent-encoded, never empty
    url: str


def fetch(url: str) -> FetchedPage:
    """GET `url` and return the final page, following at most FETCH_MAX_REDIRECTS vetted redirects."""
    deadline = _Deadline(float(settings.FETCH_TIMEOUT))
    max_redirects = int(settings.FETCH_MAX_REDIRECTS)
    current = url
    for _hop in range(max_redirects + 1):
        target = parse_url(current)
        addresses = vetted_addresses(target.host, target.port, deadline)
        location = _get(target, addresses, deadline)
        if isinstance(location, FetchedPage):
            return location
        current = location
    raise FetchError("too_many_redirects", f"more than {max_redirects} redirects")


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to. The seam tests replace to map invented names to loopback servers."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def parse_url(url: str) -> _Target:
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
    return _Target(
        scheme=scheme,
        host=host,
        port=port or (443 if scheme == "https" else 80),
        path=path,
        url=url.strip(),
    )


def vetted_addresses(host: str, port: int, deadline: _Deadline) -> list[IPAddress]:
    """The addresses to connect to, all allowed; refuses the whole name if any address it resolves to is not."""
    literal = _ip_literal(host)
    if literal is not None:
        addresses = [literal]
    else:
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


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            raise self.error()
        return left

    def error(self) -> FetchError:
        return FetchError("timeout", f"no complete answer within {self.seconds:g} s")

    def passed(self) -> bool:
        return time.monotonic() >= self.at


def _get(target: _Target, addresses: list[IPAddress], deadline: _Deadline) -> FetchedPage | str:
    """One request to the first vetted address that accepts a connection: the page, or the next URL to visit."""
    connection = _connect(target, addresses, deadline)
    aborted = threading.Event()
    watchdog = threading.Timer(deadline.remaining(), _abort, args=(connection, aborted))
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.request("GET", target.path, headers=_request_headers(target))
        result = _handle(target, connection.getresponse(), deadline)
    except FetchError as error:
        if aborted.is_set() and error.code != "timeout":
            raise deadline.error() from error
        raise
    except (OSError, http.client.HTTPException) as error:
        if aborted.is_set() or deadline.passed():
            raise deadline.error() from error
        raise FetchError("connection_failed", f"the connection to {target.host} failed: {error}") from error
    finally:
        watchdog.cancel()
        connection.close()
    if aborted.is_set():  # a read cut short by the watchdog can look like a clean end of the body
        raise deadline.error()
    return result


def _connect(target: _Target, addresses: list[IPAddress], deadline: _Deadline) -> http.client.HTTPConnection:
    last_error: OSError | None = None
    for address in addresses:
        connection = _connection_for(target, address, deadline.remaining())
        try:
            connection.connect()
            return connection
        except ssl.SSLError as error:
            raise FetchError("connection_failed", f"secure connection to {target.host} failed: {error}") from error
        except OSError as error:
            connection.close()
            last_error = error
            if deadline.passed():
                raise deadline.error() from error
    raise FetchError("connection_failed", f"could not connect to {target.host}: {last_error}")


def _connection_for(target: _Target, address: IPAddress, timeout: float) -> http.client.HTTPConnection:
    if target.scheme == "https":
        return _PinnedHTTPSConnection(str(address), target.port, server_name=target.host, timeout=timeout)
    return http.client.HTTPConnection(str(address), target.port, timeout=timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to a vetted IP, with SNI and certificate checks against the name the user gave."""

    def __init__(self, address: str, port: int, *, server_name: str, timeout: float) -> None:
        super().__init__(address, port, timeout=timeout, context=tls_context())
        self.server_name = server_name

    def connect(self) -> None:
        http.client.HTTPConnection.connect(self)
        self.sock = self._context.wrap_socket(self.sock, server_hostname=self.server_name)  # type: ignore[attr-defined]


def tls_context() -> ssl.SSLContext:
    """The system's trust store with hostname checks; a function so tests can trust their own CA."""
    return ssl.create_default_context()


def _abort(connection: http.client.HTTPConnection, aborted: threading.Event) -> None:
    """Called by the watchdog at the deadline: unblock whatever read is waiting on a slow server."""
    aborted.set()
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            return


def _request_headers(target: _Target) -> dict[str, str]:
    default_port = 443 if target.scheme == "https" else 80
    host = f"[{target.host}]" if ":" in target.host else target.host
    return {
        "Host": host if target.port == default_port else f"{host}:{target.port}",
        "User-Agent": USER_AGENT,
        "Accept": ACCEPT,
        "Accept-Encoding": "gzip, deflate",
        "Accept-Language": "en;q=0.8, *;q=0.5",
    }


def _handle(target: _Target, response: http.client.HTTPResponse, deadline: _Deadline) -> FetchedPage | str:
    status = response.status
    if status in REDIRECT_STATUSES:
        location = response.getheader("Location", "").strip()
        if not location:
            raise FetchError("http_error", f"redirect ({status}) without a location", status=status)
        next_url = urljoin(target.url, location)
        if urlsplit(next_url).scheme.lower() not in ("http", "https"):
            raise FetchError("invalid_url", "redirected to an address that is not http or https", status=status)
        return next_url
    content_type, charset = _content_type(response.getheader("Content-Type", ""))
    if status >= 400:
        raise _refusal(target, response, deadline, content_type, charset)
    if not 200 <= status < 300:
        raise FetchError("http_error", f"unexpected status {status}", status=status)
    if content_type and content_type not in ACCEPTED_TYPES:
        raise FetchError("not_html", f"the page is {content_type}", status=status, content_type=content_type)
    body = _read_body(response, deadline)
    if not content_type:
        content_type = _sniff(body)
        if content_type not in ACCEPTED_TYPES:
            raise FetchError("not_html", "the page has no readable content type", status=status)
    return FetchedPage(
        final_url=target.url,
        status=status,
        content_type=content_type,
        charset=charset,
        body=body,
        headers=_headers(response),
    )


def _refusal(
    target: _Target, response: http.client.HTTPResponse, deadline: _Deadline, content_type: str, charset: str | None
) -> FetchError:
    status = response.status
    try:
        body = _read_body(response, deadline)
    except FetchError as error:
        if error.code == "timeout":
            raise
        body = b""
    page = FetchedPage(target.url, status, content_type, charset, body, _headers(response))
    if status in (404, 410):
        code = "not_found"
    elif status in (401, 403, 451):
        code = "blocked"
    else:
        code = "http_error"
    return FetchError(code, f"the server answered {status}", status=status, content_type=content_type, page=page)


def _read_body(response: http.client.HTTPResponse, deadline: _Deadline) -> bytes:
    """Read at most FETCH_MAX_BYTES, refusing as soon as the wire or the decompressed size passes it."""
    limit = int(settings.FETCH_MAX_BYTES)
    declared = response.getheader("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError("too_large", f"the page declares {declared} bytes")
    encoding = response.getheader("Content-Encoding", "identity").strip().lower()
    if encoding not in ("identity", "", "gzip", "x-gzip", "deflate"):
        raise FetchError("http_error", f"unsupported content encoding {encoding}")
    raw = _raw_chunks(response, deadline, limit)
    if encoding in ("gzip", "x-gzip", "deflate"):
        raw = _inflate(raw, gzip=encoding != "deflate", limit=limit)
    return b"".join(raw)


def _raw_chunks(response: http.client.HTTPResponse, deadline: _Deadline, limit: int) -> Iterator[bytes]:
    received = 0
    while True:
        deadline.remaining()
        chunk = response.read1(CHUNK)
        if not chunk:
            return
        received += len(chunk)
        if received > limit:
            raise FetchError("too_large", f"the page is larger than {limit} bytes")
        yield chunk


def _inflate(chunks: Iterator[bytes], *, gzip: bool, limit: int) -> Iterator[bytes]:
    """Decompress without ever holding more than `limit` + 1 bytes of output: a bomb stops at the cap."""
    decompressor: zlib._Decompress | None = zlib.decompressobj(31) if gzip else None
    produced = 0
    for chunk in chunks:
        if decompressor is None:  # deflate: zlib-wrapped as the spec says, or raw as some servers send it
            decompressor = zlib.decompressobj(15 if _looks_zlib(chunk) else -15)
        data = chunk
        while data:
            try:
                out = decompressor.decompress(data, limit - produced + 1)
            except zlib.error as error:
                raise FetchError("http_error", "the compressed page is corrupt") from error
            produced += len(out)
            if produced > limit:
                raise FetchError("too_large", f"the page is larger than {limit} bytes once decompressed")
            yield out
            data = decompressor.unconsumed_tail
        if decompressor.eof:
            return
    if decompressor is None or not decompressor.eof:
        raise FetchError("http_error", "the compressed page ends before its end")


def _looks_zlib(chunk: bytes) -> bool:
    return len(chunk) >= 2 and chunk[0] & 0x0F == 8 and (chunk[0] << 8 | chunk[1]) % 31 == 0


def _content_type(header: str) -> tuple[str, str | None]:
    media_type, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return media_type.strip().lower(), charset


def _sniff(body: bytes) -> str:
    start = body[:1024].lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    return ""


def _headers(response: http.client.HTTPResponse) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in response.getheaders():
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers
