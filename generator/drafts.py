"""How often the unfinished tweet is sent while the model writes it: at most every DRAFT_INTERVAL seconds.

A model streams a few tokens every few milliseconds; sending each as a `draft` event would cost more than it shows.
Each draft holds the whole unfinished tweet, so one left out is never missed: the next one, or the finished
tweet, carries its text too.
"""

from __future__ import annotations

from time import monotonic

DRAFT_INTERVAL = 0.1  # seconds between two `draft` events, at least


class DraftThrottle:
    """Says which drafts to send: none within DRAFT_INTERVAL of the last one sent (by the monotonic clock, which
    no clock change moves), and never the same text twice in a row."""

    def __init__(self) -> None:
        self._sent_at: float | None = None
        self._sent = ""

    def admit(self, text: str) -> bool:
        if not text or text == self._sent:
            return False
        now = monotonic()
        if self._sent_at is not None and now - self._sent_at < DRAFT_INTERVAL:
            return False
        self._sent_at, self._sent = now, text
        return True
