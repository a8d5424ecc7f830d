"""Shared tools for breaking things on purpose: a dead Redis, a fake provider with a deep accept backlog, raw HTTP
to the live server, and a look at the quota ledger after the dust settles."""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from accounts.models import User
from accounts.services import api_token_create
from generator.models import Generation
from tests.fakes import openai_server
from tests.fakes.openai_server import FakeOpenAI

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


@pytest.fixture
def fake_openai(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    """The shared fake provider, with an accept backlog deep enough for fifty simultaneous streams."""
    monkeypatch.setattr(openai_server._Server, "request_queue_size", 256)
    with openai_server.running() as fake:
        settings.OPENAI_API_KEY = openai_server.API_KEY
        settings.OPENAI_BASE_URL = fake.base_url
        settings.OPENAI_MODEL = openai_server.MODEL
        settings.THREADR_ENGINE = "openai"
        yield fake


@pytest.fixture
def no_throttles(settings: Any) -> None:
    """Burst throttles out of the way, so only the exact quota decides."""
    settings.GENERATION_RATE_PER_USER = 100_000
    settings.GENERATION_RATE_PER_IP = 100_000


def token_for(user: User) -> str:
    return api_token_create(user=user, name="resilience").raw


def connect(base_url: str, timeout: float = 30) -> http.client.HTTPConnection:
    parts = urlsplit(base_url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)


def post_generation(base_url: str, token: str, *, stream: bool, body: Any = None) -> http.client.HTTPResponse:
    """POST a generation over a real socket; the caller reads (or abandons) the response."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if stream:
        headers["Accept"] = "text/event-stream"
    payload = body if isinstance(body, bytes) else json.dumps(body or {"text": ARTICLE}).encode()
    connection = connect(base_url)
    connection.request("POST", "/api/v1/generations", body=payload, headers=headers)
    return connection.getresponse()


def read_event(response: http.client.HTTPResponse) -> tuple[str, dict[str, Any]]:
    """The next Server-Sent Event on the response, parsed as a browser would."""
    event, data = "message", ""
    while True:
        line = response.readline().decode()
        if line in {"\n", ""}:
            if data:
                return event, json.loads(data)
            if line == "":
                raise EOFError("stream ended")
            continue
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data += line[5:].strip()


def wait_for(condition: Callable[[], bool], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def live_reservations(user: User) -> int:
    """Reservations neither consumed nor released: what a request that died would leave behind."""
    return Generation.objects.filter(user=user, status=Generation.Status.RESERVED).count()
