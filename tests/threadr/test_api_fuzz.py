"""A property-based run over every API operation (schemathesis, from our own OpenAPI schema): whatever the
input, the API answers with a client error or success, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from cryptography.fernet import Fernet
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as examples

from accounts.services import api_token_create
from generator.models import Thread


@pytest.fixture
def api_schema(db):
    # Requests run inside the test's transaction, as with Django's test client: keep the connection open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    # A handler built now, after static files are collected (whitenoise scans them on start-up). Not threadr.wsgi:
    # it would set Django up a second time, and a second logging set-up doubles the cache logger's filters.
    yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def thread(alice) -> Thread:
    thread = Thread(owner=alice, title="Fuzzed", engine="local", source_text="Short source. Another sentence.")
    thread.set_tweets(["First tweet.", "Second tweet."])
    thread.save()
    return thread


def test_the_api_never_answers_500(api_schema, alice, thread, settings: Any):
    # Publishing configured (against no X: nothing here reaches it), so its endpoints are fuzzed past the 503
    # `publishing_unavailable` they answer without X_CLIENT_ID.
    django_settings = settings
    django_settings.X_CLIENT_ID = "fuzz-client"
    django_settings.FIELD_ENCRYPTION_KEY = [Fernet.generate_key().decode()]
    token = api_token_create(user=alice, name="fuzz").raw
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10

    for operation in operations:

        @given(case=operation.as_strategy())
        @examples(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def never_a_server_error(case):
            # Half the generated ids point at a real thread, so edits and exports are fuzzed too, not just 404s.
            if case.method != "DELETE" and case.path_parameters and case.path_parameters.get("id", 1) % 2 == 0:
                case.path_parameters["id"] = thread.pk
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            assert response.status_code < 500, f"{case.method} {case.path}: {response.status_code} {response.text}"

        never_a_server_error()
