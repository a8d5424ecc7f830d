"""Alarms: call a function after a delay unless cancelled first, all of a process's alarms served by one thread.

A `threading.Timer` per alarm starts a thread each time, and a server sets an alarm for every provider call (the
whole-call deadline in `generator.llm`). Under load that is dozens of thread starts a second and dozens of idle
threads contending for the interpreter lock. Here one daemon thread waits for the earliest moment instead.

The thread starts on the first alarm of each process: a forked worker (gunicorn) forgets its parent's alarms and
starts its own.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import os
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)


class Alarms:
    def __init__(self, *, name: str) -> None:
        self._name = name
        self._forget()
        os.register_at_fork(after_in_child=self._forget)

    def _forget(self) -> None:
        self._wake = threading.Condition()
        self._queue: list[tuple[float, int]] = []  # (moment, key), earliest first; cancelled keys stay until popped
        self._actions: dict[int, Callable[[], None]] = {}  # the alarms still to fire, by key
        self._keys = itertools.count()
        self._thread: threading.Thread | None = None

    def schedule(self, delay: float, action: Callable[[], None]) -> int:
        """Call `action` (in the alarm thread) `delay` seconds from now; returns the key to `cancel` it with."""
        with self._wake:
            key = next(self._keys)
            self._actions[key] = action
            heapq.heappush(self._queue, (time.monotonic() + delay, key))
            self._drop_cancelled()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            elif self._queue[0][1] == key:
                self._wake.notify()
            return key

    def cancel(self, key: int) -> None:
        """The alarm will not fire (nothing happens if it already has)."""
        with self._wake:
            self._actions.pop(key, None)
            self._drop_cancelled()

    def _drop_cancelled(self) -> None:
        """Rebuild the queue without cancelled alarms once they make up most of it (the lock held), so it holds at
        most 64 more entries than twice the alarms still set."""
        if len(self._queue) > 2 * len(self._actions) + 64:
            self._queue = [entry for entry in self._queue if entry[1] in self._actions]
            heapq.heapify(self._queue)

    @property
    def pending(self) -> int:
        with self._wake:
            return len(self._actions)

    def _run(self) -> None:
        while True:
            action = self._next()
            try:
                action()
            except Exception:
                logger.exception("An alarm failed")

    def _next(self) -> Callable[[], None]:
        """Wait for the earliest alarm still set, take it off the queue and return its action."""
        with self._wake:
            while True:
                while self._queue and self._queue[0][1] not in self._actions:
                    heapq.heappop(self._queue)
                if not self._queue:
                    self._wake.wait()
                    continue
                moment, key = self._queue[0]
                delay = moment - time.monotonic()
                if delay > 0:
                    self._wake.wait(delay)
                    continue
                heapq.heappop(self._queue)
                return self._actions.pop(key)
