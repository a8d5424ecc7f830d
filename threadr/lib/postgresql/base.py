"""Django's PostgreSQL backend, with one change to its connection pool's health check.

After a database restart or failover every idle pooled connection is dead at once. The stock check discards one
dead connection per attempt and backs off (1 s, 2 s, 4 s...) before trying the next, so with twenty dead
connections the first requests time out. Here a failed check sweeps the whole pool: every dead connection is
discarded and replacements open in the background, so the retry a second later finds a live one.
"""

from __future__ import annotations

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
        try:
            ConnectionPool.check_connection(connection)
        except Exception:
            pool.check()
            raise

    return check
