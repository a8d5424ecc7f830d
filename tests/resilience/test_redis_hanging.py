"""A Redis that accepts connections and never answers: the first call waits out one socket timeout, then Redis is
skipped for a window (the circuit breaker) and the site serves as it does with Redis down."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.models import User
from tests.conftest import PASSWORD, configured_redis_at
from tests.fakes.silent_server import SilentServer, silent_server
from threadr.lib import throttle

pytestmark = pytest.mark.django_db


@pytest.fixture
def hanging_redis(settings: Any) -> Iterator[SilentServer]:
    """The configured cache (its timeouts and breaker as in production) pointed at a Redis that never answers."""
    with silent_server() as server:
        settings.CACHES = configured_redis_at(server.url)
        yield server


def sign_in(user: User, browser: Client | None = None) -> Any:
    return (browser or Client()).post("/accounts/login/", {"login": user.email, "password": PASSWORD})


def test_it_asks_a_hanging_redis_once_and_then_skips_it(hanging_redis: SilentServer) -> None:
    cache.set("page", "cached")
    answers = [cache.get("page") for _ in range(10)]
    decision = throttle.hit("generate-user", "42", limit=1, window=60)

    assert answers == [None] * 10  # misses, as with Redis down
    assert decision.allowed  # a burst throttle fails open
    assert hanging_redis.connections == 1  # the first call timed out; nothing was sent after it
    sent = hanging_redis.bytes_received
    cache.get("page")
    assert hanging_redis.bytes_received == sent


def test_sign_in_stays_under_a_second_with_a_hanging_redis(alice: User, settings: Any) -> None:
    # What is timed is what Redis adds: the password hash costs the same with Redis up, hanging or down, and on a
    # shared test machine argon2 alone can take a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    alice.set_password(PASSWORD)
    alice.save()
    browser = Client()  # one handler, as one server process: a new one would load the middleware each time
    assert sign_in(alice, browser).status_code == 302  # the server has served before Redis started hanging

    with silent_server() as hanging:
        settings.CACHES = configured_redis_at(hanging.url)
        durations, statuses = [], []
        for _ in range(20):
            browser.cookies.clear()  # each sign-in from a fresh session
            started = time.monotonic()
            statuses.append(sign_in(alice, browser).status_code)
            durations.append(time.monotonic() - started)

    assert statuses == [302] * 20
    p99 = statistics.quantiles(durations, n=100, method="inclusive")[98]
    assert p99 < 1.0, f"sign-in p99 {p99:.2f} s with a hanging Redis: {[round(d, 2) for d in durations]}"
    assert hanging.connections == 1


@pytest.mark.usefixtures("one_throttle_window")
def test_the_password_limit_holds_while_redis_hangs(hanging_redis: SilentServer, alice: User) -> None:
    stranger = Client(REMOTE_ADDR="203.0.113.66")
    for _ in range(5):
        stranger.post("/accounts/login/", {"login": alice.email, "password": "not-her-password"})

    refused = stranger.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})

    assert "Too many failed login attempts" in refused.content.decode()
    assert "_auth_user_id" not in stranger.session
    owner = Client(REMOTE_ADDR="198.51.100.7")
    assert owner.post("/accounts/login/", {"login": alice.email, "password": PASSWORD}).status_code == 302
