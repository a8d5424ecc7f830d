"""The circuit breaker in front of Redis: after a failure, calls are refused for a window; then one call probes
while the others keep waiting, and its answer closes the breaker or opens a new window."""

from __future__ import annotations

from threadr.lib.cache import CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_it_lets_every_call_through_while_redis_answers() -> None:
    breaker = CircuitBreaker(10, clock=Clock())

    breaker.succeeded()

    assert [breaker.allows() for _ in range(3)] == [True, True, True]


def test_after_a_failure_it_refuses_calls_for_the_window() -> None:
    clock = Clock()
    breaker = CircuitBreaker(10, clock=clock)

    breaker.failed()
    clock.now += 9.9

    assert [breaker.allows() for _ in range(3)] == [False, False, False]


def test_when_the_window_ends_one_call_probes_while_the_others_wait() -> None:
    clock = Clock()
    breaker = CircuitBreaker(10, clock=clock)
    breaker.failed()
    clock.now += 10

    assert [breaker.allows() for _ in range(3)] == [True, False, False]


def test_a_probe_that_is_answered_closes_it() -> None:
    clock = Clock()
    breaker = CircuitBreaker(10, clock=clock)
    breaker.failed()
    clock.now += 10
    assert breaker.allows()

    breaker.succeeded()

    assert [breaker.allows() for _ in range(3)] == [True, True, True]


def test_a_probe_that_fails_opens_a_new_window() -> None:
    clock = Clock()
    breaker = CircuitBreaker(10, clock=clock)
    breaker.failed()
    clock.now += 10
    assert breaker.allows()

    breaker.failed()
    clock.now += 9.9
    assert not breaker.allows()
    clock.now += 0.1
    assert breaker.allows()


def test_a_window_of_zero_seconds_turns_it_off() -> None:
    breaker = CircuitBreaker(0, clock=Clock())

    breaker.failed()

    assert [breaker.allows() for _ in range(3)] == [True, True, True]
