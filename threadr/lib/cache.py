"""The Redis cache backend: django-redis with every outage turned into a miss, `add` included, and a circuit breaker
in front of Redis so that one that hangs costs one socket timeout per window, not one per cache call.

Wiring: `CACHES["default"]["OPTIONS"]["CONNECTION_POOL_CLASS"]` names `BreakerConnectionPool`. The pool (one per
process and Redis URL, django-redis keeps it) owns a `CircuitBreaker` and hands it to every connection it makes;
connections are redis-py's own with three calls guarded. Every Redis call in the process goes through them: the
cache, the throttles' pipelines, allauth's rate limits and the health probe.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django_redis.cache import RedisCache as DjangoRedisCache
from redis.connection import Connection, ConnectionPool, SSLConnection, UnixDomainSocketConnection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# Under threadr.cache, outside its once-a-minute filter: each opening and closing of the breaker is logged.
logger = logging.getLogger("threadr.cache.breaker")

# What a Redis that is gone or hangs raises: refused, reset, or a connect/read/write timeout.
_FAILURES = (RedisConnectionError, RedisTimeoutError)


class RedisCache(DjangoRedisCache):
    def add(self, *args: Any, **kwargs: Any) -> bool:
        """django-redis answers a swallowed outage with None, which callers read as "someone else holds this key".
        Locks built on `add` (allauth's rate limits take one) would then wait and refuse every request while Redis
        is down. Failing open matches every other cache call: with no Redis there is nothing to contend for."""
        added = super().add(*args, **kwargs)
        return True if added is None else bool(added)


class RedisSkipped(RedisConnectionError):
    """Redis failed moments ago, so this call is not sent: callers handle it as they handle Redis being down."""


class CircuitBreaker:
    """Closed: calls go through. A failure opens it for `seconds`: calls are refused at once. When the window ends,
    one call probes Redis while the others keep being refused; its success closes the breaker, its failure opens
    a new window."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._open = False
        self._until = 0.0
        self._lock = threading.Lock()

    def allows(self) -> bool:
        if not self._open:
            return True
        with self._lock:
            now = self._clock()
            if not self._open or now >= self._until:
                self._until = now + self.seconds  # this caller probes; the rest wait for its answer
                return True
            return False

    def failed(self) -> None:
        with self._lock:
            if not self._open:
                logger.warning("Redis did not answer: skipping it for %s s", self.seconds)
            self._open = True
            self._until = self._clock() + self.seconds

    def succeeded(self) -> None:
        if self._open:
            with self._lock:
                self._open = False
            logger.warning("Redis answers again")


class _Guarded:
    """A redis-py connection that asks its pool's breaker before connecting or reusing a socket, and reports how
    each exchange went. (The pool calls `connect` on every checkout, connected or not.)"""

    breaker: CircuitBreaker

    def connect_check_health(self, *args: Any, **kwargs: Any) -> None:
        if not self.breaker.allows():
            raise RedisSkipped("Redis failed moments ago; not asking it again yet.")
        try:
            super().connect_check_health(*args, **kwargs)  # type: ignore[misc]
        except _FAILURES:
            self.breaker.failed()
            raise

    def send_packed_command(self, *args: Any, **kwargs: Any) -> None:
        try:
            super().send_packed_command(*args, **kwargs)  # type: ignore[misc]
        except _FAILURES:
            self.breaker.failed()
            raise

    def read_response(self, *args: Any, **kwargs: Any) -> Any:
        try:
            response = super().read_response(*args, **kwargs)  # type: ignore[misc]
        except _FAILURES:
            self.breaker.failed()
            raise
        self.breaker.succeeded()
        return response


class GuardedConnection(_Guarded, Connection):
    pass


class GuardedSSLConnection(_Guarded, SSLConnection):
    pass


class GuardedUnixDomainSocketConnection(_Guarded, UnixDomainSocketConnection):
    pass


_GUARDED: dict[type, type] = {
    Connection: GuardedConnection,
    SSLConnection: GuardedSSLConnection,
    UnixDomainSocketConnection: GuardedUnixDomainSocketConnection,
}


class BreakerConnectionPool(ConnectionPool):
    """redis-py's pool, making guarded connections (of the kind the URL's scheme asks for) that share one breaker.
    `breaker_seconds` comes from `CONNECTION_POOL_KWARGS` (the REDIS_BREAKER_SECONDS setting)."""

    def __init__(self, *, breaker_seconds: float = 10.0, connection_class: type = Connection, **kwargs: Any) -> None:
        self.breaker = CircuitBreaker(breaker_seconds)
        super().__init__(connection_class=_GUARDED[connection_class], **kwargs)

    def make_connection(self) -> Any:
        connection: Any = super().make_connection()
        connection.breaker = self.breaker
        return connection
