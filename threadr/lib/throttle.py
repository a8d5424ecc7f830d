"""Throttles: events counted per fixed window in the cache (Redis in production), refused past a limit.

When the cache is down (or skipped by its circuit breaker), a burst throttle fails open: the request passes and a
line is logged. A limit that must hold without Redis (`when_down="database"`: the password limits, the admin's
sign-in) counts in PostgreSQL instead, one row per key and window, so every process shares one count.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from django.core.cache import BaseCache, caches
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from threadr.lib.cache import RedisCache
from threadr.lib.counters.models import WindowCount

logger = logging.getLogger("threadr.cache")


@dataclass(frozen=True)
class Counted:
    """Where one event was counted, so that `refund` can take it back from the same counters."""

    keys: tuple[str, ...]
    window_start: int  # Unix seconds
    window: int
    in_database: bool


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0  # seconds until the window resets, when refused
    counted: Counted | None = None  # None: nothing was counted (the cache was down and the throttle failed open)


@dataclass(frozen=True)
class Limit:
    scope: str  # what is counted ("generate-user")
    ident: str  # whose events ("42", an IP address)
    limit: int  # events allowed in a window


def hit(
    scope: str, ident: str, *, limit: int, window: int, when_down: Literal["open", "database"] = "open"
) -> Decision:
    """Count one event for `ident` in a fixed window of `window` seconds; refuse past `limit`."""
    return hit_all([Limit(scope, ident, limit)], window=window, when_down=when_down)


def hit_all(limits: Sequence[Limit], *, window: int, when_down: Literal["open", "database"] = "open") -> Decision:
    """Count one event against each of `limits` in the same fixed window; refuse if any is past its limit. On
    Redis every counter moves in one round trip, however many limits a request checks."""
    now = int(time.time())
    window_start = now - now % window
    keys = tuple(f"{item.scope}:{item.ident}" for item in limits)
    try:
        counts = _count_in_cache([_cache_key(key, window_start) for key in keys], window)
        in_database = False
    except Exception:  # the cache is down or lost a key: say so once in a while
        if when_down == "open":
            logger.warning("throttle %s failed open", ", ".join(item.scope for item in limits), exc_info=True)
            return Decision(allowed=True)
        logger.warning("throttle %s counted in PostgreSQL", ", ".join(item.scope for item in limits), exc_info=True)
        counts = _count_in_database(keys, window_start, window)
        in_database = True
    counted = Counted(keys=keys, window_start=window_start, window=window, in_database=in_database)
    if any(count is not None and count > item.limit for count, item in zip(counts, limits, strict=True)):
        return Decision(allowed=False, retry_after=max(1, window_start + window - now), counted=counted)
    return Decision(allowed=True, counted=counted)


def refund(decision: Decision) -> None:
    """Take back the event `decision` counted, from the counters that counted it (a correct password is not a
    guess). Best effort on the cache: if it fails now, the event simply stays counted."""
    counted = decision.counted
    if counted is None:
        return
    if counted.in_database:
        WindowCount.objects.filter(
            key__in=counted.keys, window_start=_moment(counted.window_start), count__gt=0
        ).update(count=F("count") - 1)
        return
    try:
        _uncount_in_cache([_cache_key(key, counted.window_start) for key in counted.keys], counted.window)
    except Exception:
        logger.warning("throttle refund failed", exc_info=True)


def _cache_key(key: str, window_start: int) -> str:
    return f"throttle:{key}:{window_start}"


def _moment(unix_seconds: int) -> datetime:
    return datetime.fromtimestamp(unix_seconds, UTC)


def _count_in_cache(keys: list[str], window: int) -> list[int | None]:
    store = caches["default"]
    return _count_on_redis(store, keys, window) if isinstance(store, RedisCache) else _count(store, keys, window)


def _count_on_redis(store: RedisCache, keys: list[str], window: int) -> list[int | None]:
    """Each counter created for its window if need be (expiring with it), then incremented: one pipeline."""
    pipeline = store.client.get_client(write=True).pipeline(transaction=False)
    for key in keys:
        stored = store.make_key(key)
        pipeline.set(stored, 0, ex=window + 1, nx=True)
        pipeline.incr(stored)
    return [int(count) for count in pipeline.execute()[1::2]]


def _count(store: BaseCache, keys: list[str], window: int) -> list[int | None]:
    """The same counters on any other cache (the local-memory one `make run` uses). None: the cache swallowed an
    error, so nothing is known."""
    counts: list[int | None] = []
    for key in keys:
        try:
            counts.append(store.incr(key))  # one call for every event but a window's first
        except ValueError:  # the window's first event: no counter yet
            store.add(key, 0, timeout=window + 1)
            counts.append(store.incr(key))
    return counts


def _uncount_in_cache(keys: list[str], window: int) -> None:
    store = caches["default"]
    if isinstance(store, RedisCache):
        pipeline = store.client.get_client(write=True).pipeline(transaction=False)
        for key in keys:
            stored = store.make_key(key)
            pipeline.decr(stored)
            pipeline.expire(stored, window + 1)  # a counter that expired meanwhile comes back, and goes again
        pipeline.execute()
        return
    for key in keys:
        with contextlib.suppress(ValueError):  # expired with its window: nothing to take back
            store.decr(key)


def _count_in_database(keys: Sequence[str], window_start: int, window: int) -> list[int | None]:
    """One row per key and window, incremented under its row lock, so concurrent requests in every process count
    exactly. A window's first event also deletes the rows of windows that have ended."""
    start = _moment(window_start)
    counts: dict[str, int] = {}
    with transaction.atomic():
        for key in sorted(keys):  # one locking order, so two requests sharing keys never deadlock
            row, created = WindowCount.objects.update_or_create(
                key=key,
                window_start=start,
                defaults={"count": F("count") + 1},
                create_defaults={"count": 1, "expires_at": start + timedelta(seconds=window)},
            )
            if created:
                WindowCount.objects.filter(expires_at__lt=timezone.now()).delete()
            else:
                row.refresh_from_db(fields=["count"])
            counts[key] = row.count
    return [counts[key] for key in keys]
