"""One thread per process serves every alarm: the whole-call deadline of each provider call is one of them."""

from __future__ import annotations

import os
import threading
import time

from threadr.lib.alarms import Alarms


def test_alarms_fire_in_the_order_of_their_moments_not_of_their_setting() -> None:
    alarms = Alarms(name="test-alarms-order")
    fired: list[str] = []
    done = threading.Event()
    alarms.schedule(0.15, lambda: (fired.append("late"), done.set()))
    alarms.schedule(0.05, lambda: fired.append("early"))
    alarms.schedule(0.10, lambda: fired.append("middle"))
    assert done.wait(5)
    assert fired == ["early", "middle", "late"]
    assert alarms.pending == 0


def test_a_cancelled_alarm_never_fires() -> None:
    alarms = Alarms(name="test-alarms-cancel")
    fired: list[str] = []
    done = threading.Event()
    key = alarms.schedule(0.05, lambda: fired.append("cancelled"))
    alarms.schedule(0.10, lambda: (fired.append("kept"), done.set()))
    alarms.cancel(key)
    assert done.wait(5)
    time.sleep(0.05)
    assert fired == ["kept"]


def test_an_earlier_alarm_set_while_the_thread_waits_for_a_later_one_fires_on_time() -> None:
    alarms = Alarms(name="test-alarms-wake")
    alarms.schedule(30, lambda: None)
    fired = threading.Event()
    started = time.monotonic()
    alarms.schedule(0.05, fired.set)
    assert fired.wait(5)
    assert time.monotonic() - started < 1


def test_one_thread_serves_every_alarm_and_cancelled_ones_do_not_pile_up() -> None:
    alarms = Alarms(name="test-alarms-one-thread")
    for _ in range(1000):  # a busy server: every call sets its deadline and cancels it when done
        alarms.cancel(alarms.schedule(60, lambda: None))
    assert [thread.name for thread in threading.enumerate()].count("test-alarms-one-thread") == 1
    assert alarms.pending == 0
    assert len(alarms._queue) <= 64 + 1


def test_a_failing_alarm_is_logged_and_the_next_one_still_fires(caplog) -> None:  # type: ignore[no-untyped-def]
    alarms = Alarms(name="test-alarms-failure")
    fired = threading.Event()

    def broken() -> None:
        raise RuntimeError("boom")

    alarms.schedule(0.01, broken)
    alarms.schedule(0.05, fired.set)
    assert fired.wait(5)
    assert "An alarm failed" in caplog.text


def test_a_forked_worker_serves_its_alarms_with_its_own_thread() -> None:
    """Gunicorn forks its workers: the parent's alarm thread does not exist in a child."""
    alarms = Alarms(name="test-alarms-fork")
    alarms.schedule(60, lambda: None)  # the parent's thread is running
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child process reports through its exit code
        fired = threading.Event()
        alarms.schedule(0.01, fired.set)
        os._exit(0 if fired.wait(5) and alarms.pending == 0 else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert alarms.pending == 1  # the parent's own alarm is untouched
