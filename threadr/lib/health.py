"""Dependency probes behind /health and /readiness."""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

logger = logging.getLogger(__name__)

_migrations_seen_applied = False


def database_ok() -> bool:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("health: database did not answer", exc_info=True)
        return False


def cache_ok() -> bool:
    """Write and read back a value: with Redis errors swallowed as misses, this is the only honest probe."""
    key = f"health:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=5)
        answered = cache.get(key) == "1"
        cache.delete(key)
        return answered
    except Exception:
        logger.warning("health: cache did not answer", exc_info=True)
        return False


def migrations_applied() -> bool:
    """True when no migration is waiting. Once true it stays true for this process (migrations only move forward)."""
    global _migrations_seen_applied
    if _migrations_seen_applied:
        return True
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    _migrations_seen_applied = not plan
    return _migrations_seen_applied
