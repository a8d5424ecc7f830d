"""The transport of the outbound door: one GET per hop to addresses the policy vetted, all inside one deadline.

The connection goes to the vetted IP itself, so DNS rebinding cannot swap the target between check and use; TLS
still verifies the certificate against the name the user gave. Every redirect goes back through the address
policy, at most FETCH_MAX_REDIRECTS of them. The body is capped both on the wire and after decompression, and
only HTML and plain text are accepted.

Time is one `Deadline` of FETCH_TIMEOUT for the whole fetch, across every hop: it is checked around each DNS
lookup, and each connect, send and read may wait only for what is left of it, so a server that answers a byte at
a time cannot stretch an import past the deadline, and no watchdog thread is needed to cut it off.
"""

from __future__ import annotations

import http.client
import io
import socket
import ssl
import zlib
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from threadr.lib.deadline import Deadline, DeadlinePassed
from threadr.lib.fetch.page import FetchedPage, FetchError
from threadr.lib.fetch.policy import IPAddress, Target, parse_url, vetted_addresses

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

USER_AGENT = "ThreadrBot/1.0 (+https://threadr.app/bot)"
ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8"
ACCEPTED_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK = 64 * 1024


def fetch(url: str) -> FetchedPage:
    """GET `url` and return the final page, following at most FETCH_MAX_REDIRECTS vetted redirects."""
    deadline = Deadline(float(settings.FETCH_TIMEOUT))
    max_redirects = int(settings.FETCH_MAX_REDIRECTS)
    current = url
    try:
        for _hop in range(max_redirects + 1):
            target = parse_url(current)
            addresses = vetted_addresses(target.host, target.port, deadline=deadline)
            result = _get(target, addresses, deadline)
            if isinstance(result, FetchedPage):
                return result
            current = result
    # Every socket wait is given only the time left, so a socket timeout is the deadline passing too.
    except (DeadlinePassed, TimeoutError) as error:
        raise FetchError("timeout", f"no complete answer within {deadline.seconds:g} s") from error
    raise FetchError("too_many_redirects", f"more than {max_redirects} redirects")


def tls_context() -> ssl.SSLContext:
    """The system's trust store with hostname checks; a function so tests can trust their own CA."""
    return ssl.create_default_context()


def _get(target: Target, addresses: list[IPAddress], deadline: Deadline) -> FetchedPage | str:
    """One request to the first vetted address that accepts a connection: the page, or the next URL to visit."""
    connection = _connect(target, addresses, deadline)
    try:
        connection.request("GET", target.path, headers=_request_headers(target))
        with connection.getresponse() as response:  # closing it frees the socket when the server ends the exchange
            return _handle(target, response)
    except TimeoutError:  # the deadline's, reported by fetch()
        raise
    except (OSError, http.client.HTTPException) as error:
        raise FetchError("connection_failed", f"the connection to {target.host} failed: {error}") from error
    finally:
        connection.close()


def _connect(target: Target, addresses: list[IPAddress], deadline: Deadline) -> _PinnedConnection:
    last_error: OSError | None = None
    for address in addresses:
        connection = _PinnedConnection(target, address, deadline)
        try:
            connection.connect()
        except TimeoutError:  # the deadline's, reported by fetch()
            raise
        except ssl.SSLError as error:
            raise FetchError("connection_failed", f"secure connection to {target.host} failed: {error}") from error
        except OSError as error:
            last_error = error
            continue
        return connection
    raise FetchError("connection_failed", f"could not connect to {target.host}: {last_error}")


class _PinnedConnection(http.client.HTTPConnection):
    """HTTP/1.1 to one vetted address; for https, TLS with SNI and certificate checks against the URL's name."""

    def __init__(self, target: Target, address: IPAddress, deadline: Deadline) -> None:
        super().__init__(str(address), target.port)
        self._address = (str(address), target.port)
        self._server_name = target.host if target.scheme == "https" else None
        self._deadline = deadline

    def connect(self) -> None:
        sock = socket.create_connection(self._address, timeout=self._deadline.remaining())
        if self._server_name is not None:  # the handshake is bounded by the timeout just set
            sock = tls_context().wrap_socket(sock, server_hostname=self._server_name)
        # http.client only sends, makes a reader and closes through `sock`: the wrapper gives it all three.
        self.sock = _DeadlineSocket(sock, self._deadline)


class _DeadlineSocket:
    """The connection's socket as http.client uses it: every send and every read waits only for the time left."""

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        self._sock = sock
        self._deadline = deadline

    def sendall(self, data: bytes) -> None:
        self._sock.settimeout(self._deadline.remaining())  # a socket timeout bounds the whole sendall
        self._sock.sendall(data)

    def makefile(self, mode: str) -> io.BufferedReader:
        if mode != "rb":
            raise ValueError(f"only binary reading is supported, not {mode!r}")
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))

    def close(self) -> None:
        self._sock.close()  # the socket stays open until a reader made from it is closed too


class _DeadlineReader(io.RawIOBase):
    """The socket's byte stream, each receive given the time left on the deadline as its timeout."""

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        super().__init__()
        self._sock = sock
        self._stream = sock.makefile("rb", buffering=0)
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int | None:
        self._sock.settimeout(self._deadline.remaining())
        return self._stream.readinto(buffer)

    def close(self) -> None:
        self._stream.close()
        super().close()


def _request_headers(target: Target) -> dict[str, str]:
    default_port = 443 if target.scheme == "https" else 80
    host = f"[{target.host}]" if ":" in target.host else target.host
    return {
        "Host": host if target.port == default_port else f"{host}:{target.port}",
        "User-Agent": USER_AGENT,
        "Accept": ACCEPT,
        "Accept-Encoding": "gzip, deflate",
        "Accept-Language": "en;q=0.8, *;q=0.5",
    }


def _handle(target: Target, response: http.client.HTTPResponse) -> FetchedPage | str:
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
        raise _refusal(target, response, content_type, charset)
    if not 200 <= status < 300:
        raise FetchError("http_error", f"unexpected status {status}", status=status)
    if content_type and content_type not in ACCEPTED_TYPES:
        raise FetchError("not_html", f"the page is {content_type}", status=status, content_type=content_type)
    body = _read_body(response)
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


def _refusal(target: Target, response: http.client.HTTPResponse, content_type: str, charset: str | None) -> FetchError:
    status = response.status
    try:
        body = _read_body(response)
    except FetchError:  # an oversized or corrupt refusal is still a refusal; running out of time is not caught here
        body = b""
    page = FetchedPage(target.url, status, content_type, charset, body, _headers(response))
    if status in (404, 410):
        code = "not_found"
    elif status in (401, 403, 451):
        code = "blocked"
    else:
        code = "http_error"
    return FetchError(code, f"the server answered {status}", status=status, content_type=content_type, page=page)


def _read_body(response: http.client.HTTPResponse) -> bytes:
    """Read at most FETCH_MAX_BYTES, refusing as soon as the wire or the decompressed size passes it."""
    limit = int(settings.FETCH_MAX_BYTES)
    declared = response.getheader("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError("too_large", f"the page declares {declared} bytes")
    encoding = response.getheader("Content-Encoding", "identity").strip().lower()
    if encoding not in ("identity", "", "gzip", "x-gzip", "deflate"):
        raise FetchError("http_error", f"unsupported content encoding {encoding}")
    raw = _raw_chunks(response, limit)
    if encoding in ("gzip", "x-gzip", "deflate"):
        raw = _inflate(raw, gzip=encoding != "deflate", limit=limit)
    return b"".join(raw)


def _raw_chunks(response: http.client.HTTPResponse, limit: int) -> Iterator[bytes]:
    received = 0
    while True:
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
