"""Gunicorn's gthread worker, with one change to when a connection gets a thread and when the worker accepts.

Stock gthread hands every connection it accepts to a thread, which waits up to five seconds for the request to
arrive; and it accepts while it holds fewer than `worker_connections` connections of any kind. So the worker's
only brake on a burst is `worker_connections`, which counts idle and kept-alive connections too: set it to the
thread count and a handful of idle sockets stop the worker accepting (and keep-alive is off); set it higher and a
burst of streams queues inside whichever worker accepted first, each waiting a whole stream length for a thread.

Here a thread is what a connection needs only once its request has arrived:

- a connection whose first bytes are already there when it is accepted goes to a thread at once (in a burst,
  every one of them); one that has sent nothing waits in the worker's poller, as a kept-alive connection does,
  and is closed if nothing arrives within `keepalive` seconds;
- the worker accepts while it has a free thread, so a burst is shared between workers, and idle or kept-alive
  connections never stop it accepting (up to `worker_connections` in all, the per-worker file descriptor bound).

A client that sends its headers slowly still holds a thread until they are complete: that is for the proxy or
platform router in front of the app to absorb (docs/operations.md).

gunicorn.conf.py names this class in `worker_class`. It overrides the gthread worker's own methods, so it is tied
to the gunicorn version pinned in requirements.txt; tests/resilience/test_connections.py is its contract.
"""

from __future__ import annotations

import errno
import selectors
import socket
import time
from concurrent import futures
from functools import partial
from typing import Any

from gunicorn.workers.gthread import TConn
from gunicorn.workers.gthread import ThreadWorker as GthreadWorker


class ThreadWorker(GthreadWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.busy_threads = 0  # connections handed to the thread pool and not finished (main thread only)

    def accept(self, listener: socket.socket) -> None:
        try:
            client_sock, client_addr = listener.accept()
        except OSError as error:
            if error.errno in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                return
            raise
        self.nr_conns += 1
        conn = TConn(self.cfg, client_sock, client_addr, listener.getsockname())
        if conn.wait_for_data(0):
            self.enqueue_req(conn)
        else:
            conn.timeout = time.monotonic() + self.cfg.keepalive
            self.pending_conns.append(conn)
            self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn))

    def enqueue_req(self, conn: TConn) -> None:
        super().enqueue_req(conn)
        self.busy_threads += 1
        if self.busy_threads >= self.cfg.threads:
            self.set_accept_enabled(False)

    def finish_request(self, conn: TConn, fs: futures.Future[Any]) -> None:
        self.busy_threads -= 1
        super().finish_request(conn, fs)

    def set_accept_enabled(self, enabled: bool) -> None:
        # The run loop asks to accept whenever fewer than worker_connections are open; accept only with a free
        # thread as well. The loop asks again after every finished request, so accepting resumes at once.
        super().set_accept_enabled(enabled and self.busy_threads < self.cfg.threads)
