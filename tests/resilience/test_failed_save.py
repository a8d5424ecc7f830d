"""The database fails while a generated thread is being saved: the reservation is given back on a fresh
connection, the client hears a 503 (JSON) or an `error` event (SSE), and trying again at once is not refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import User
from generator.models import Generation, Thread
from tests.generator.conftest import ARTICLE, parse_sse
from tests.resilience.conftest import live_reservations

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("no_throttles")]

URL = "/api/v1/generations"


@pytest.fixture
def save_kills_its_connection() -> Iterator[None]:
    """Until the fixture ends, the backend that inserts a thread terminates itself mid-statement, as a database
    restart or a failover does to a connection in use."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION threadr_test_die() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NEW; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER threadr_test_die BEFORE INSERT ON generator_thread "
            "FOR EACH ROW EXECUTE FUNCTION threadr_test_die()"
        )
    try:
        yield
    finally:
        repair()


def repair() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS threadr_test_die ON generator_thread")
        cursor.execute("DROP FUNCTION IF EXISTS threadr_test_die()")


@pytest.fixture
def client(alice: User, settings) -> APIClient:
    settings.FREE_DAILY_LIMIT = 1  # the failed attempt holds the day's only thread unless it is given back
    api = APIClient()
    api.force_login(alice)
    return api


@pytest.mark.usefixtures("save_kills_its_connection")
def test_a_json_client_gets_503_and_its_quota_back(client: APIClient, alice: User) -> None:
    response = client.post(URL, {"text": ARTICLE}, format="json")

    assert response.status_code == 503, response.content
    assert response.json()["error"]["code"] == "service_unavailable"
    assert live_reservations(alice) == 0
    assert Generation.objects.get(user=alice).status == Generation.Status.FAILED
    repair()
    retry = client.post(URL, {"text": ARTICLE}, format="json")
    assert retry.status_code == 201, retry.content
    assert Thread.objects.filter(owner=alice).count() == 1


@pytest.mark.usefixtures("save_kills_its_connection")
def test_a_streaming_client_gets_an_error_event_and_its_quota_back(client: APIClient, alice: User) -> None:
    response = client.post(URL, {"text": ARTICLE}, format="json", HTTP_ACCEPT="text/event-stream")

    events = parse_sse(b"".join(response.streaming_content))
    assert events[-1][0] == "error"
    assert events[-1][1]["code"] == "service_unavailable"
    assert live_reservations(alice) == 0
    repair()
    retry = client.post(URL, {"text": ARTICLE}, format="json", HTTP_ACCEPT="text/event-stream")
    assert parse_sse(b"".join(retry.streaming_content))[-1][0] == "done"
