"""The provider's HTTP transport: no network wait outlasts the deadline of the call it serves.

The SDK's HTTP client (httpx2, over httpcore2) gives a request one read timeout, which bounds each wait for data
but not their sum: a server that trickles a byte at a time could hold a call open for ever. httpcore2's connection
pool takes any network backend (`ConnectionPool(network_backend=...)`, its documented extension point); ours wraps
the standard `SyncBackend` and gives every connect, read and write at most the time left on the `Deadline` that
`deadline_applied` put in force around the current step of a call (a context variable, so each thread and each
step sees its own). Without one in force, the request's own timeouts apply unchanged.

`DeadlineTransport` is the `httpx2.BaseTransport` (the documented way to give a client its own transport) over
such a pool. It does for it what `httpx2.HTTPTransport` does for the stock pool: converts the request and the
response, and raises httpcore2's errors as httpx2's, which the SDK turns into its own. Proxies from the
environment (`HTTPS_PROXY`) are still served by httpx2's own proxy transport, without the per-read cap.

One more duty: the SDK's synchronous `Stream` closes the response as soon as it reads `[DONE]`, before the body's
final empty chunk may have been read, and closing a response before its body ends drops the connection. So
closing a reply first reads on for at most `DRAIN_SECONDS` (as the SDK's asynchronous `Stream` does), letting
the connection go back to the pool for the next generation instead of costing a new one (and a TLS handshake).
A reply closed while still streaming (the engine had all the tweets it may show) is dropped after that wait.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import httpcore2
import httpx2

from threadr.lib.deadline import Deadline, DeadlinePassed

DRAIN_SECONDS = 0.1

_in_force: ContextVar[Deadline | None] = ContextVar("provider_deadline", default=None)

# httpcore2's errors and the httpx2 errors the SDK expects for them, the most specific first.
_ERRORS: tuple[tuple[type[Exception], type[httpx2.TransportError]], ...] = (
    (httpcore2.ConnectTimeout, httpx2.ConnectTimeout),
    (httpcore2.ReadTimeout, httpx2.ReadTimeout),
    (httpcore2.WriteTimeout, httpx2.WriteTimeout),
    (httpcore2.PoolTimeout, httpx2.PoolTimeout),
    (httpcore2.TimeoutException, httpx2.TimeoutException),
    (httpcore2.ConnectError, httpx2.ConnectError),
    (httpcore2.ReadError, httpx2.ReadError),
    (httpcore2.WriteError, httpx2.WriteError),
    (httpcore2.NetworkError, httpx2.NetworkError),
    (httpcore2.RemoteProtocolError, httpx2.RemoteProtocolError),
    (httpcore2.LocalProtocolError, httpx2.LocalProtocolError),
    (httpcore2.ProtocolError, httpx2.ProtocolError),
    (httpcore2.UnsupportedProtocol, httpx2.UnsupportedProtocol),
    (httpcore2.ProxyError, httpx2.ProxyError),
)
_CORE_ERRORS = tuple(core for core, _ in _ERRORS)


@contextmanager
def deadline_applied(deadline: Deadline) -> Iterator[None]:
    """Hold every network wait inside the block to `deadline`. Set it around each step of a streamed call (the
    request, each `next()`), not around a generator's whole body, which would leak it to the caller between steps."""
    token = _in_force.set(deadline)
    try:
        yield
    finally:
        _in_force.reset(token)


class DeadlineTransport(httpx2.BaseTransport):
    def __init__(self, *, limits: httpx2.Limits) -> None:
        self._pool = httpcore2.ConnectionPool(
            ssl_context=httpx2.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_DeadlineBackend(),
        )

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        url = request.url
        core_request = httpcore2.Request(
            method=request.method,
            url=httpcore2.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path),
            headers=request.headers.raw,
            content=request.read(),
            extensions=request.extensions,
        )
        with _as_httpx2_errors(request):
            response = self._pool.handle_request(core_request)
        return httpx2.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ReplyBody(response, request=request),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()


class _ReplyBody(httpx2.SyncByteStream):
    def __init__(self, response: httpcore2.Response, *, request: httpx2.Request) -> None:
        self._response = response
        self._request = request
        self._parts = response.iter_stream()  # one iterator, so closing can read on where the reader stopped

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx2_errors(self._request):
            yield from self._parts

    def close(self) -> None:
        try:
            with deadline_applied(Deadline(DRAIN_SECONDS)):
                for _ in self._parts:
                    pass
        except _CORE_ERRORS:
            pass  # what the reader wanted is over: only the connection's reuse is lost
        finally:
            self._response.close()


class _DeadlineBackend(httpcore2.NetworkBackend):
    def __init__(self) -> None:
        self._backend = httpcore2.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore2.SOCKET_OPTION] | None = None,
    ) -> httpcore2.NetworkStream:
        timeout = _capped(timeout, httpcore2.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_tcp(host, port, timeout, local_address, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _DeadlineStream(httpcore2.NetworkStream):
    def __init__(self, stream: httpcore2.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _capped(timeout, httpcore2.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _capped(timeout, httpcore2.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore2.NetworkStream:
        timeout = _capped(timeout, httpcore2.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> object:
        return self._stream.get_extra_info(info)


def _capped(timeout: float | None, error: type[httpcore2.TimeoutException]) -> float | None:
    """The wait a step may take: its own timeout, or less when the deadline in force is nearer."""
    deadline = _in_force.get()
    if deadline is None:
        return timeout
    try:
        return deadline.timeout(timeout)
    except DeadlinePassed as exc:
        raise error(str(exc)) from exc


@contextmanager
def _as_httpx2_errors(request: httpx2.Request) -> Iterator[None]:
    try:
        yield
    except _CORE_ERRORS as exc:
        ours = next(ours for core, ours in _ERRORS if isinstance(exc, core))
        raise ours(str(exc), request=request) from exc
