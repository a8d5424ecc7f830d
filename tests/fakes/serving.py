"""Run a fake's server in a background thread for the duration of a block: the one start and stop every fake uses."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def serving(server: socketserver.BaseServer, *, stop: threading.Event | None = None) -> Iterator[None]:
    """Serve until the block ends, then close the listening socket.

    `stop`, when given, is set first, so handlers still waiting on it (a held-open stream, a trickled body) let go
    before the server closes and, unless the server sets `block_on_close = False`, waits for them.
    """
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield
    finally:
        if stop is not None:
            stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
