"""Throttles count events per fixed window in Redis and refuse past the limit. Without Redis, a burst throttle
lets requests through, and a limit that must hold counts in PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection

from tests.conftest import DEAD_REDIS
from threadr.lib import throttle
from threadr.lib.counters.models import WindowCount

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mid_window() -> Iterator[None]:
    """Every event of a test falls in one window, however close to a minute's end the test runs."""
    with time_machine.travel("2026-11-25 12:00:30+00:00", tick=False):
        yield


def test_it_refuses_events_past_the_limit_within_a_window() -> None:
    decisions = [throttle.hit("test", "alice", limit=2, window=60) for _ in range(3)]

    assert [decision.allowed for decision in decisions] == [True, True, False]
    assert decisions[2].retry_after == 30
    assert throttle.hit("test", "bob", limit=2, window=60).allowed  # counted per identity


def test_its_counter_expires_with_its_window() -> None:
    throttle.hit("test", "alice", limit=2, window=60)
    throttle.hit("test", "alice", limit=2, window=60)

    (key,) = cache.keys("throttle:test:alice:*")  # type: ignore[attr-defined]
    assert cache.get(key) == 2
    assert 0 < cache.ttl(key) <= 61  # type: ignore[attr-defined]


def test_several_limits_count_together_and_any_one_past_its_limit_refuses() -> None:
    limits = [throttle.Limit("user", "alice", 2), throttle.Limit("ip", "203.0.113.9", 5)]

    decisions = [throttle.hit_all(limits, window=60) for _ in range(3)]

    assert [decision.allowed for decision in decisions] == [True, True, False]
    assert decisions[2].retry_after == 30
    for pattern in ("throttle:user:alice:*", "throttle:ip:203.0.113.9:*"):
        (key,) = cache.keys(pattern)  # type: ignore[attr-defined]
        assert cache.get(key) == 3
        assert 0 < cache.ttl(key) <= 61  # type: ignore[attr-defined]


def test_a_refund_takes_one_event_back() -> None:
    decisions = [throttle.hit("test", "alice", limit=2, window=60) for _ in range(2)]

    throttle.refund(decisions[1])

    assert throttle.hit("test", "alice", limit=2, window=60).allowed
    assert not throttle.hit("test", "alice", limit=2, window=60).allowed


def test_without_redis_a_burst_throttle_fails_open(settings: Any) -> None:
    settings.CACHES = DEAD_REDIS

    decisions = [throttle.hit("test", "alice", limit=1, window=60) for _ in range(3)]

    assert [decision.allowed for decision in decisions] == [True, True, True]
    assert not WindowCount.objects.exists()


def test_without_redis_a_limit_that_must_hold_counts_in_postgresql(settings: Any) -> None:
    settings.CACHES = DEAD_REDIS
    limits = [throttle.Limit("user", "alice", 2), throttle.Limit("ip", "203.0.113.9", 5)]

    decisions = [throttle.hit_all(limits, window=60, when_down="database") for _ in range(3)]

    assert [decision.allowed for decision in decisions] == [True, True, False]
    assert decisions[2].retry_after == 30
    rows = WindowCount.objects.order_by("key")
    assert [(row.key, row.count) for row in rows] == [("ip:203.0.113.9", 3), ("user:alice", 3)]
    assert {row.window_start for row in rows} == {datetime(2026, 11, 25, 12, 0, tzinfo=UTC)}


def test_a_refund_counted_in_postgresql_is_taken_back_there(settings: Any) -> None:
    settings.CACHES = DEAD_REDIS
    first = throttle.hit("test", "alice", limit=1, window=60, when_down="database")

    throttle.refund(first)

    assert throttle.hit("test", "alice", limit=1, window=60, when_down="database").allowed
    assert WindowCount.objects.get().count == 1


def test_rows_of_windows_that_ended_are_deleted(settings: Any) -> None:
    settings.CACHES = DEAD_REDIS
    throttle.hit("test", "alice", limit=5, window=60, when_down="database")
    throttle.hit("test", "bob", limit=5, window=60, when_down="database")

    with time_machine.travel("2026-11-25 12:05:30+00:00", tick=False):
        assert throttle.hit("test", "alice", limit=5, window=60, when_down="database").allowed

    assert list(WindowCount.objects.values_list("key", "window_start", "count")) == [
        ("test:alice", datetime(2026, 11, 25, 12, 5, tzinfo=UTC), 1)
    ]


@pytest.mark.django_db(transaction=True)
def test_concurrent_events_in_postgresql_are_counted_exactly(settings: Any) -> None:
    settings.CACHES = DEAD_REDIS
    start = threading.Barrier(12)

    def attempt(_: int) -> bool:
        try:
            start.wait()
            return throttle.hit("test", "alice", limit=5, window=60, when_down="database").allowed
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=12) as pool:
        allowed = list(pool.map(attempt, range(12)))

    assert allowed.count(True) == 5
    assert WindowCount.objects.get().count == 12
