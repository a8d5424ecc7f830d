"""A TCP server on 127.0.0.1 that accepts every connection, reads what it is sent, and never answers: a Redis that
hangs. It counts the connections and the bytes it received, so a test can tell whether the app kept asking."""

from __future__ import annotations

import selectors
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class SilentServer:
    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self._listener.setblocking(False)
        self.port = self._listener.getsockname()[1]
        self.connections = 0
        self.bytes_received = 0
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._listener, selectors.EVENT_READ)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="silent-server", daemon=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _serve(self) -> None:
        while not self._stopped.is_set():
            for key, _ in self._selector.select(timeout=0.05):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                if sock is self._listener:
                    accepted, _ = sock.accept()
                    accepted.setblocking(False)
                    self._selector.register(accepted, selectors.EVENT_READ)
                    self.connections += 1
                    continue
                try:
                    data = sock.recv(65536)
                except OSError:
                    data = b""
                if data:
                    self.bytes_received += len(data)
                else:  # the client gave up and closed
                    self._selector.unregister(sock)
                    sock.close()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)
        for key in list(self._selector.get_map().values()):
            key.fileobj.close()  # type: ignore[union-attr]
        self._selector.close()


@contextmanager
def silent_server() -> Iterator[SilentServer]:
    server = SilentServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
