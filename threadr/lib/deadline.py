"""One deadline for a whole operation: a URL import (`FETCH_TIMEOUT`) or a provider call (`OPENAI_TOTAL_TIMEOUT`).

The deadline is a moment on the monotonic clock. Every blocking step (connecting, sending, each read) asks it
how long it may still wait and waits no longer, so a server that trickles one byte a second cannot stretch the
operation past its deadline, and nothing needs a watchdog thread to cut it off.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class DeadlinePassed(Exception):
    """The operation's time is up; callers turn it into their own error (an import timeout, a provider one)."""


class Deadline:
    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self.at = clock() + seconds

    def remaining(self) -> float:
        """Seconds left; raises `DeadlinePassed` once there are none, so no step starts a wait it cannot finish."""
        left = self.at - self._clock()
        if left <= 0:
            raise DeadlinePassed(f"no complete answer within {self.seconds:g} s")
        return left

    def timeout(self, limit: float | None = None) -> float:
        """The time a single wait may take: what is left, or `limit` if that is shorter."""
        left = self.remaining()
        return left if limit is None else min(limit, left)
