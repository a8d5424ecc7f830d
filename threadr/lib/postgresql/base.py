"""Django's PostgreSQL backend, with one change to its connection pool's health check.

The stock check sends an empty query to the server every time a request takes a connection from the pool: one
round trip per request, or two for a generation, which gives its connection back while it waits on the provider.
A pooled connection is idle between uses, so the server has nothing to say on it unless it is ending it: a
terminated backend, a restart or an idle timeout each send an error message or close the socket. Here the check
looks at the socket first and asks the server only when something has arrived there (or the socket is gone).

After a database restart or failover every idle pooled connection is dead at once. The stock check discards one
dead connection per attempt and backs off (1 s, 2 s, 4 s...) before trying the next, so with twenty dead
connections the first requests time out. Here a failed check sweeps the whole pool: every dead connection is
discarded and replacements open in the background, so the retry a second later finds a live one.
"""

from __future__ import annotations

import select
from typing import Any

from django.db.backends.postgresql import base
from psycopg_pool import ConnectionPool


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self) -> ConnectionPool | None:
        pool = super().pool  # type: ignore[misc]  # a property the stubs do not list
        # Django gave the pool the stock check; swap in ours once (psycopg-pool 3.3 keeps the callback in _check).
        if pool is not None and pool._check is ConnectionPool.check_connection:
            pool._check = _sweeping_check(pool)
        return pool


def _sweeping_check(pool: ConnectionPool) -> Any:
    def check(connection: Any) -> None:
        if _quiet(connection):
            return
        try:
            ConnectionPool.check_connection(connection)
        except Exception:
            pool.check()
            raise

    return check


def _quiet(connection: Any) -> bool:
    """True when the idle connection's socket is open and nothing has arrived on it since its last use."""
    try:
        descriptor = connection.pgconn.socket
    except Exception:  # closed or never opened: let the real check say so
        return False
    poller = select.poll()
    poller.register(descriptor, select.POLLIN | select.POLLPRI)
    return not poller.poll(0)
