"""Shared tools for breaking things on purpose: the fake provider, throttles out of the way, and a look at the quota
ledger after the dust settles. Raw HTTP to the live server lives in tests/live.py."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from generator.models import Generation
from tests.fakes import openai_server

ARTICLE = (
    "Teams that ship often share one habit: they make small changes and look at the result before the next one. "
    "The cost of a slow feedback loop rarely shows on a dashboard. It shows up as engineers switching context "
    "while they wait, and as bugs found by customers instead of tests. Shorter loops make every change cheaper."
)
TWEETS = [
    "Teams that ship often make small changes and look before the next one.",
    "A slow feedback loop hides: it shows up as context switches and customer-found bugs.",
    "Shorter loops make every change cheaper.",
]


fake_openai = openai_server.fake_openai


@pytest.fixture
def no_throttles(settings: Any) -> None:
    """Burst throttles out of the way, so only the exact quota decides."""
    settings.GENERATION_RATE_PER_USER = 100_000
    settings.GENERATION_RATE_PER_IP = 100_000
    settings.REWRITE_RATE_PER_USER = 100_000
    settings.REWRITE_RATE_PER_IP = 100_000


def live_reservations(user: User) -> int:
    """Reservations neither consumed nor released: what a request that died would leave behind."""
    return Generation.objects.filter(user=user, status=Generation.Status.RESERVED).count()
