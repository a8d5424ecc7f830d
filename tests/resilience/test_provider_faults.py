"""The AI provider misbehaves: it stalls before the first token, cuts the stream, or answers 429s and 5xxs in
storms. Each time the person gets a clear error, keeps their quota, finds no half-saved thread, and the worker's
threads are given back."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from generator.models import Generation, Thread
from tests.fakes.openai_server import SEPARATOR, FakeOpenAI, FakeReply
from tests.generator.conftest import parse_sse
from tests.live import wait_for
from tests.resilience.conftest import ARTICLE, TWEETS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_throttles", "short_deadlines")]

NO_WAIT = (("retry-after-ms", "1"),)
STALL = FakeReply(tweets=TWEETS, first_token_delay=0.5)
CUT_AFTER_FIRST_TWEET = FakeReply(tweets=TWEETS, cut_after=len(TWEETS[0] + SEPARATOR) // 7 + 2)
RATE_LIMITED = FakeReply.failure(
    429, "Rate limit reached.", kind="requests", code="rate_limit_exceeded", headers=NO_WAIT
)
SERVER_ERROR = FakeReply.failure(500, "The server had an error.", kind="server_error", headers=NO_WAIT)
BAD_GATEWAY = FakeReply.failure(502, "Bad gateway.", kind="server_error", headers=NO_WAIT)
# A 429's headers come at once, its body not before the first token's deadline.
RATE_LIMITED_BODY_LATE = replace(RATE_LIMITED, first_token_delay=0.5)


@pytest.fixture
def short_deadlines(settings: Any) -> None:
    """A first-token deadline of 200 ms, so a stalled provider (500 ms) fails fast, while a refusal sent at once still
    arrives in time on a busy machine; one retry, as production has some."""
    settings.OPENAI_FIRST_TOKEN_TIMEOUT = 0.2
    settings.OPENAI_TOTAL_TIMEOUT = 2.0
    settings.OPENAI_MAX_RETRIES = 1


@pytest.fixture
def bob_api(bob: User) -> APIClient:
    """One client for the whole test: each new test client loads the middleware (and scans static files) again."""
    client = APIClient()
    client.force_authenticate(bob)
    return client


def generate(client: APIClient, *, stream: bool = False) -> Any:
    headers = {"HTTP_ACCEPT": "text/event-stream"} if stream else {}
    return client.post("/api/v1/generations", {"text": ARTICLE}, format="json", **headers)


def failure_code(response: Any) -> str:
    """The error code of a JSON answer, or of the `error` event that ends a stream (read to its end)."""
    if response.streaming:
        name, payload = parse_sse(b"".join(response.streaming_content))[-1]
        assert name == "error"
        return str(payload["code"])
    return str(response.json()["error"]["code"])


def assert_nothing_was_kept(user: User, client: APIClient) -> None:
    assert not Thread.objects.filter(owner=user).exists()
    assert not Generation.objects.filter(user=user).exclude(status="failed").exists()
    assert client.get("/api/v1/usage").json()["daily_used"] == 0


@pytest.mark.parametrize(
    ("reply", "status", "code"),
    [
        (STALL, 504, "provider_timeout"),
        (RATE_LIMITED, 503, "rate_limited"),
        (SERVER_ERROR, 503, "provider_unavailable"),
        (BAD_GATEWAY, 503, "provider_unavailable"),
        (RATE_LIMITED_BODY_LATE, 504, "provider_timeout"),
    ],
    ids=["slow-first-token", "429-storm", "500-storm", "502-storm", "429-body-late"],
)
def test_a_failing_provider_gives_a_clear_error_and_costs_nothing(
    bob: User, bob_api: APIClient, fake_openai: FakeOpenAI, reply: FakeReply, status: int, code: str
) -> None:
    fake_openai.default = reply

    response = generate(bob_api)

    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert "try again" in error["message"].lower()
    assert len(fake_openai.completions) == 2  # the first try and its one retry
    assert_nothing_was_kept(bob, bob_api)


def test_a_stream_cut_after_the_first_tweet_ends_in_an_error_event_and_saves_nothing(
    bob: User, bob_api: APIClient, fake_openai: FakeOpenAI, settings: Any
) -> None:
    settings.OPENAI_FIRST_TOKEN_TIMEOUT = 5.0  # this test is about the cut, not the clock
    fake_openai.default = CUT_AFTER_FIRST_TWEET

    events = parse_sse(b"".join(generate(bob_api, stream=True).streaming_content))

    names = [name for name, _ in events]
    assert names[-2:] == ["tweet", "error"]
    assert events[-1][1]["code"] == "stream_interrupted"
    assert len(fake_openai.completions) == 1  # tweets were shown: no silent retry that could contradict them
    assert_nothing_was_kept(bob, bob_api)


def test_a_provider_that_trickles_one_byte_a_second_times_out_at_the_whole_call_deadline_and_costs_nothing(
    bob: User, bob_api: APIClient, fake_openai: FakeOpenAI, settings: Any
) -> None:
    settings.OPENAI_FIRST_TOKEN_TIMEOUT = 30.0  # the whole-call deadline, not the first token's, must end it
    settings.OPENAI_TOTAL_TIMEOUT = 2.0
    fake_openai.default = FakeReply(tweets=TWEETS, trickle=1.0)

    response = generate(bob_api)

    [request] = fake_openai.completions  # no time was left for a retry
    assert time.monotonic() - request.at < 2.5  # counted from the request's arrival: the app's start-up is not timed
    assert response.status_code == 504
    assert response.json()["error"]["code"] == "provider_timeout"
    assert_nothing_was_kept(bob, bob_api)


def test_two_hundred_failed_calls_leak_no_threads(
    bob: User, bob_api: APIClient, fake_openai: FakeOpenAI, settings: Any
) -> None:

    settings.OPENAI_MAX_RETRIES = 0
    settings.OPENAI_FIRST_TOKEN_TIMEOUT = 0.05  # forty stalls, quickly: a refusal late at this deadline times out too
    faults = [STALL, CUT_AFTER_FIRST_TWEET, RATE_LIMITED, SERVER_ERROR, BAD_GATEWAY]
    fake_openai.script(*(faults[index % len(faults)] for index in range(200)))
    generate(bob_api)  # the first call imports and warms what every later call reuses
    before = threading.active_count()

    outcomes = [failure_code(generate(bob_api, stream=index % 2 == 0)) for index in range(199)]

    assert {"provider_timeout", "rate_limited", "provider_unavailable"} <= set(outcomes)
    assert set(outcomes) <= {"provider_timeout", "stream_interrupted", "rate_limited", "provider_unavailable"}
    # The fake provider's own handler threads finish their sleep and exit; ours must already be gone.
    assert wait_for(lambda: threading.active_count() <= before, timeout=5), threading.enumerate()
    assert Generation.objects.filter(user=bob, status="failed").count() == 200
    assert_nothing_was_kept(bob, bob_api)
