"""Burst throttles count events per fixed window in Redis and refuse past the limit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from django.core.cache import cache

from threadr.lib import throttle


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
