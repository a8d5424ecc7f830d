"""Clients that hold connections instead of using them, for `bench/run.py`: idle sockets that send nothing, and
slowloris clients that send a request's headers one line at a time (each kind runs in one background thread); and
the /health probe that shows whether the server still answers."""

from __future__ import annotations

import contextlib
import http.client
import math
import selectors
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from bench import harness


def _address(base_url: str) -> tuple[str, int]:
    parts = urlsplit(base_url)
    return parts.hostname or "127.0.0.1", parts.port or 80


def health_seconds(base_url: str, *, timeout: float) -> float:
    """GET /health on a new connection, connecting included; infinite when no answer came within `timeout`."""
    client = harness.connection_to(base_url, timeout=timeout)
    try:
        answer = harness.request(base_url, "GET", "/health", connection=client)
        return answer.elapsed if answer.status == 200 else math.inf
    except (OSError, http.client.HTTPException):
        return math.inf
    finally:
        client.close()


@contextmanager
def idle_connections(base_url: str, count: int) -> Iterator[list[int]]:
    """`count` connections that send nothing, open the whole time: one the server closes is opened again at once.
    Yields a one-item list counting those reopenings, read when the block ends."""
    address = _address(base_url)
    selector = selectors.DefaultSelector()
    reopened = [0]
    stop = threading.Event()

    def open_one() -> None:
        sock = socket.create_connection(address, timeout=10)
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)

    def keep_open() -> None:
        while not stop.is_set():
            for key, _ in selector.select(timeout=0.1):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                try:
                    still_open = bool(sock.recv(4096))
                except OSError:
                    still_open = False
                if not still_open:
                    selector.unregister(sock)
                    sock.close()
                    reopened[0] += 1
                    open_one()

    for _ in range(count):
        open_one()
    keeper = threading.Thread(target=keep_open, daemon=True)
    keeper.start()
    try:
        yield reopened
    finally:
        stop.set()
        keeper.join()
        for key in list(selector.get_map().values()):
            selector.unregister(key.fileobj)
            key.fileobj.close()  # type: ignore[union-attr]
        selector.close()


class Drippers:
    """Slowloris clients: each opens a connection, sends a request line, then one more header line every
    `interval` seconds and never ends the headers. A server that reads headers in a thread gives each one."""

    def __init__(self, base_url: str, interval: float) -> None:
        self.address = _address(base_url)
        self.interval = interval
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.dripper = threading.Thread(target=self._drip, daemon=True)

    def __enter__(self) -> Drippers:
        self.dripper.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.dripper.join()
        for sock in self.sockets:
            sock.close()

    def add(self, count: int) -> None:
        for _ in range(count):
            sock = socket.create_connection(self.address, timeout=10)
            sock.sendall(f"GET /health HTTP/1.1\r\nHost: {self.address[0]}\r\n".encode())
            with self.lock:
                self.sockets.append(sock)

    def _drip(self) -> None:
        line = 0
        while not self.stop.wait(self.interval):
            line += 1
            with self.lock:
                current = list(self.sockets)
            for sock in current:
                with contextlib.suppress(OSError):  # the server gave up on this one: it holds no thread any more
                    sock.sendall(f"X-Drip-{line}: {time.monotonic():.0f}\r\n".encode())
