"""Django's PostgreSQL backend with one change: when the pool's check finds a dead connection, it checks the whole
pool at once.

After a database restart or failover every idle pooled connection is dead. psycopg_pool's stock check throws them
away one per attempt, backing off longer after each, so with a full pool of dead connections the first requests
wait for the pool's timeout and fail. Sweeping the pool (its public `check()`) on the first failure discards them
all and opens replacements in the background, so the retry finds a live one.

Django builds the pool itself and always passes the stock check, with no setting to choose another, so this is the
one place that reaches into psycopg_pool: it replaces the callback the pool keeps in `_check`.
tests/threadr/test_postgresql_pool.py fails if an upgrade moves it.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db.backends.postgresql import base
from psycopg_pool import ConnectionPool


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self) -> ConnectionPool | None:
        pool = super().pool  # type: ignore[misc]  # a property the stubs do not list
        if pool is not None and pool._check is ConnectionPool.check_connection:
            pool._check = functools.partial(check_or_sweep, pool)
        return pool


def check_or_sweep(pool: ConnectionPool, connection: Any) -> None:
    try:
        ConnectionPool.check_connection(connection)
    except Exception:
        pool.check()
        raise
