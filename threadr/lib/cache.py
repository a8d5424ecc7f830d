"""The Redis cache backend: django-redis with every outage turned into a miss, `add` included."""

from __future__ import annotations

from typing import Any

from django_redis.cache import RedisCache as DjangoRedisCache


class RedisCache(DjangoRedisCache):
    def add(self, *args: Any, **kwargs: Any) -> bool:
        """django-redis answers a swallowed outage with None, which callers read as "someone else holds this key".
        Locks built on `add` (allauth's rate limits take one) would then wait and refuse every request while Redis
        is down. Failing open matches every other cache call: with no Redis there is nothing to contend for."""
        added = super().add(*args, **kwargs)
        return True if added is None else bool(added)
