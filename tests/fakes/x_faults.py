"""Faults a test scripts into the fake X, each for the next `times` matching requests, in the order they arrive.

Posts (`POST /2/tweets`) can fail before anything is stored (`fail_tweets`, `rate_limit_tweets`, `drop_tweets`)
or after the post is stored (`accept_then_hang`, `accept_then_drop`): the cases where the client cannot know
whether it posted. Deletes can fail or be rate limited before anything is deleted (`fail_deletes`,
`rate_limit_deletes`). Faults of different kinds queue separately, so `fail_tweets()` then `accept_then_hang()`
makes the next post fail and the one after it hang.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

TWEET = "tweet"  # checked before a post is stored
ACCEPTED = "accepted"  # checked once a post is stored: hang or drop instead of answering
ARRIVAL = "arrival"  # checked before a post's request is read
AUTH = "auth"  # checked before any API call's token
TIMELINE = "timeline"  # checked before a timeline read
DELETE = "delete"  # checked before a post is deleted


class XFaults:
    def __init__(self) -> None:
        self._fault_lock = threading.Lock()
        self._faults: dict[str, deque[dict[str, Any]]] = {}

    def fail_tweets(self, status: int = 503, times: int = 1) -> None:
        """The next posts answer `status` (a 5xx, say) and are not stored."""
        self._add(TWEET, times, kind="fail", status=status)

    def rate_limit_tweets(
        self,
        times: int = 1,
        *,
        reset_in: int = 900,
        user_24h_reset_in: int | None = None,
        app_24h_reset_in: int | None = None,
    ) -> None:
        """The next posts answer 429, their resets `reset_in` seconds from now (and the 24-hour ones when given)."""
        self._add(TWEET, times, kind="429", resets=(reset_in, user_24h_reset_in, app_24h_reset_in))

    def accept_then_hang(self, times: int = 1) -> None:
        """The next posts are stored, then no answer comes: the client times out (the fake closes the connection
        once the client hangs up, or after `hang_seconds`)."""
        self._add(ACCEPTED, times, kind="hang")

    def accept_then_drop(self, times: int = 1) -> None:
        """The next posts are stored, then the connection closes without an answer."""
        self._add(ACCEPTED, times, kind="drop")

    def drop_tweets(self, times: int = 1) -> None:
        """The next posts' connections close before the request is read: nothing is stored."""
        self._add(ARRIVAL, times, kind="drop")

    def refuse_auth(self, times: int = 1) -> None:
        """The next API calls (users/me, posts, deletes, timeline reads) answer 401 whatever token they carry."""
        self._add(AUTH, times, kind="401")

    def fail_timeline(self, status: int = 503, times: int = 1) -> None:
        """The next timeline reads answer `status`."""
        self._add(TIMELINE, times, kind="fail", status=status)

    def rate_limit_timeline(self, times: int = 1, *, reset_in: int = 900) -> None:
        """The next timeline reads answer 429, resetting `reset_in` seconds from now."""
        self._add(TIMELINE, times, kind="429", resets=(reset_in, None, None))

    def fail_deletes(self, status: int = 503, times: int = 1, *, detail: str | None = None) -> None:
        """The next deletes answer `status` (with `detail` as X's words, if given) and delete nothing."""
        self._add(DELETE, times, kind="fail", status=status, detail=detail)

    def rate_limit_deletes(self, times: int = 1, *, reset_in: int = 900) -> None:
        """The next deletes answer 429, resetting `reset_in` seconds from now."""
        self._add(DELETE, times, kind="429", resets=(reset_in, None, None))

    def pending_faults(self) -> int:
        """How many scripted faults have not met their request yet."""
        with self._fault_lock:
            return sum(len(queue) for queue in self._faults.values())

    def clear_faults(self) -> None:
        with self._fault_lock:
            self._faults.clear()

    def _add(self, target: str, times: int, **fault: Any) -> None:
        with self._fault_lock:
            self._faults.setdefault(target, deque()).extend([fault] * times)

    def take_fault(self, target: str) -> dict[str, Any]:
        """The next fault scripted for `target`, used up; {} when there is none."""
        with self._fault_lock:
            queue = self._faults.get(target)
            return queue.popleft() if queue else {}


def forced_limit_headers(resets: tuple[int, int | None, int | None]) -> dict[str, str]:
    """The headers of a scripted 429: every window named is spent and resets that many seconds from now."""
    reset_in, user_24h_reset_in, app_24h_reset_in = resets
    now = int(time.time())
    headers = {"x-rate-limit-limit": "100", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(now + reset_in)}
    if user_24h_reset_in is not None:
        headers |= {"x-user-limit-24hour-limit": "17", "x-user-limit-24hour-remaining": "0",
                    "x-user-limit-24hour-reset": str(now + user_24h_reset_in)}  # fmt: skip
    if app_24h_reset_in is not None:
        headers |= {"x-app-limit-24hour-limit": "1500", "x-app-limit-24hour-remaining": "0",
                    "x-app-limit-24hour-reset": str(now + app_24h_reset_in)}  # fmt: skip
    return headers
