"""The one adapter over psycopg_pool (threadr/lib/postgresql): its contract with the installed versions, and the
recovery it buys."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from django.db import connection
from psycopg_pool import ConnectionPool

from threadr.lib.postgresql.base import check_or_sweep


def test_django_still_gives_the_pool_the_stock_check_where_the_adapter_replaces_it() -> None:
    """If an upgrade of Django or psycopg_pool moves the check, this fails rather than the adapter doing nothing."""
    pool = ConnectionPool(kwargs={}, open=False, check=ConnectionPool.check_connection)
    assert pool._check is ConnectionPool.check_connection

    assert connection.pool is not None
    assert connection.pool._check.func is check_or_sweep
    assert connection.pool._check.args == (connection.pool,)


def test_a_failed_check_sweeps_the_whole_pool_and_still_fails_that_connection() -> None:
    params = connection.get_connection_params()
    for name in ("cursor_factory", "context", "prepare_threshold", "server_side_binding"):
        params.pop(name, None)
    sweeps = []

    class Pool:
        def check(self) -> None:
            sweeps.append(True)

    pool: Any = Pool()
    with psycopg.connect(**params, autocommit=True) as pooled, psycopg.connect(**params, autocommit=True) as admin:
        check_or_sweep(pool, pooled)
        assert sweeps == []

        admin.execute("SELECT pg_terminate_backend(%s)", (pooled.info.backend_pid,))
        with pytest.raises(psycopg.OperationalError):
            check_or_sweep(pool, pooled)
    assert sweeps == [True]
