"""Burst throttles on the cache (Redis in production). They fail open: if the cache is down, requests pass."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.core.cache import cache

logger = logging.getLogger("threadr.cache")


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0  # seconds until the window resets, when refused


def hit(scope: str, ident: str, *, limit: int, window: int) -> Decision:
    """Count one event for `ident` in a fixed window of `window` seconds; refuse past `limit`."""
    now = int(time.time())
    window_start = now - now % window
    key = f"throttle:{scope}:{ident}:{window_start}"
    try:
        try:
            count = cache.incr(key)  # one round trip for every event but a window's first
        except ValueError:  # the window's first event: no counter yet
            cache.add(key, 0, timeout=window + 1)
            count = cache.incr(key)
    except Exception:  # the cache is down or lost the key: let the request through, and say so once in a while
        logger.warning("throttle %s failed open", scope, exc_info=True)
        return Decision(allowed=True)
    if count is None:  # django-redis swallowed a connection error
        return Decision(allowed=True)
    if count > limit:
        return Decision(allowed=False, retry_after=max(1, window_start + window - now))
    return Decision(allowed=True)
