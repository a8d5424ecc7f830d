"""Each request gets an id that is echoed to the client and stamped on its JSON log line."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import override_settings

from tests.conftest import DEAD_REDIS


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Capture what the configured JSON console handler writes, at INFO."""
    root = logging.getLogger()
    handler = next(h for h in root.handlers if isinstance(h, logging.StreamHandler))
    stream = io.StringIO()
    previous_stream = handler.setStream(stream)
    previous_level = root.level
    root.setLevel(logging.INFO)
    yield stream
    root.setLevel(previous_level)
    handler.setStream(previous_stream)


def parsed(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


@pytest.mark.django_db
def test_it_echoes_an_incoming_request_id_and_logs_it(client, log_lines):
    response = client.get("/pricing", headers={"X-Request-ID": "req-abc-123"})

    assert response["X-Request-ID"] == "req-abc-123"
    line = next(entry for entry in parsed(log_lines) if entry["logger"] == "threadr.request")
    assert line["request_id"] == "req-abc-123"
    assert line["path"] == "/pricing"
    assert line["status"] == 200
    assert line["method"] == "GET"
    assert isinstance(line["duration_ms"], float)
    assert {"time", "level", "message"} <= set(line)


@pytest.mark.django_db
def test_it_makes_a_request_id_when_none_or_a_hostile_one_is_sent(client):
    plain = client.get("/pricing")
    hostile = client.get("/pricing", headers={"X-Request-ID": "bad id\r\nSet-Cookie: x=1"})

    assert len(plain["X-Request-ID"]) == 32
    assert len(hostile["X-Request-ID"]) == 32
    assert plain["X-Request-ID"] != hostile["X-Request-ID"]


@pytest.mark.django_db
def test_it_logs_the_user_id_of_a_signed_in_user(client, alice, log_lines):
    client.force_login(alice)

    client.get("/pricing")

    line = next(entry for entry in parsed(log_lines) if entry["logger"] == "threadr.request")
    assert line["user_id"] == alice.pk


def test_a_redis_outage_is_logged_once_per_interval_not_per_request(log_lines):
    with override_settings(CACHES=DEAD_REDIS, DJANGO_REDIS_LOGGER="threadr.cache"):
        for _ in range(5):
            assert cache.get("anything") is None

    outage_lines = [entry for entry in parsed(log_lines) if entry["logger"] == "threadr.cache"]
    assert len(outage_lines) <= 1
