"""Burst throttles on the cache (Redis in production). They fail open: if the cache is down, requests pass."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import BaseCache, caches

from threadr.lib.cache import RedisCache

logger = logging.getLogger("threadr.cache")


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0  # seconds until the window resets, when refused


@dataclass(frozen=True)
class Limit:
    scope: str  # what is counted ("generate-user")
    ident: str  # whose events ("42", an IP address)
    limit: int  # events allowed in a window


def hit(scope: str, ident: str, *, limit: int, window: int) -> Decision:
    """Count one event for `ident` in a fixed window of `window` seconds; refuse past `limit`."""
    return hit_all([Limit(scope, ident, limit)], window=window)


def hit_all(limits: Sequence[Limit], *, window: int) -> Decision:
    """Count one event against each of `limits` in the same fixed window; refuse if any is past its limit. On
    Redis every counter moves in one round trip, however many limits a request checks."""
    now = int(time.time())
    window_start = now - now % window
    keys = [f"throttle:{item.scope}:{item.ident}:{window_start}" for item in limits]
    store = caches["default"]
    try:
        counts = _count_on_redis(store, keys, window) if isinstance(store, RedisCache) else _count(store, keys, window)
    except Exception:  # the cache is down or lost a key: let the request through, and say so once in a while
        logger.warning("throttle %s failed open", ", ".join(item.scope for item in limits), exc_info=True)
        return Decision(allowed=True)
    if any(count is not None and count > item.limit for count, item in zip(counts, limits, strict=True)):
        return Decision(allowed=False, retry_after=max(1, window_start + window - now))
    return Decision(allowed=True)


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
