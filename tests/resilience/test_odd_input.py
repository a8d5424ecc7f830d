"""Odd input is a clear client error, never a 500: a NUL byte in an address, a body over the limit, JSON nested
past reason, and text PostgreSQL cannot store, in forms and in JSON alike."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import ApiToken
from generator.models import Thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(alice) -> Thread:
    thread = Thread(owner=alice, title="Odd input", engine="local", source_text="Some source.")
    thread.set_tweets(["First tweet.", "Second tweet."])
    thread.save()
    return thread


@pytest.fixture
def alice_api(alice) -> APIClient:
    client = APIClient()
    client.force_authenticate(alice)
    return client


@pytest.fixture
def alice_browser(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


def test_a_share_link_with_a_nul_byte_is_not_found(client, thread):
    response = client.get("/t/%00/")

    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_an_api_address_with_a_nul_byte_is_not_found_in_the_error_shape(alice_api):
    response = alice_api.get("/api/v1/threads%00")

    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}


def test_an_api_body_over_the_limit_is_413_in_the_error_shape(alice_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    body = json.dumps({"text": "word " * 30_000})

    response = alice_api.post("/api/v1/generations", body, content_type="application/json")

    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "request_too_large"
    assert error["message"] == "The request is 0.1 MB; the limit is 0.1 MB. Send less at once."
    assert error["limit_bytes"] == 100_000


def test_a_form_over_the_limit_gets_a_plain_413_page(alice_browser, alice):
    response = alice_browser.post("/accounts/settings/tokens/", {"name": "x" * 3_000_000})

    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert "the limit is 2.5 MB" in response.content.decode()
    assert not ApiToken.objects.filter(user=alice).exists()


def nested(levels: int) -> str:
    """A JSON object whose `nested` member brings it to `levels` levels in all."""
    return '{"title": "Nested", "nested": ' + "[" * (levels - 1) + "]" * (levels - 1) + "}"


@pytest.mark.parametrize("levels", [33, 10_000])
def test_deeply_nested_json_is_a_400(alice_api, thread, levels):
    response = alice_api.patch(f"/api/v1/threads/{thread.pk}", nested(levels), content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "malformed_request",
        "message": "The JSON is nested more than 32 levels deep.",
    }


def test_json_nested_as_deep_as_the_limit_is_read(alice_api, thread):
    response = alice_api.patch(f"/api/v1/threads/{thread.pk}", nested(32), content_type="application/json")

    assert response.status_code == 200
    assert response.json()["title"] == "Nested"


def test_a_nul_byte_in_a_form_field_is_a_400_naming_the_field(alice_browser, alice):
    response = alice_browser.post("/accounts/settings/tokens/", {"name": "News\x00letter"})

    assert response.status_code == 400
    assert "“name” contains a NUL character" in response.content.decode()
    assert not ApiToken.objects.filter(user=alice).exists()


def test_a_nul_byte_in_a_json_string_is_a_400_naming_the_field(alice_api, thread):
    body = json.dumps({"tweets": ["Fine.", "Not\x00 fine."]})

    response = alice_api.patch(f"/api/v1/threads/{thread.pk}", body, content_type="application/json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["message"].startswith("“tweets.1” contains a NUL character")
    assert error["fields"] == {"tweets": {"1": ["Null characters are not allowed."]}}
    thread.refresh_from_db()
    assert thread.tweets == ["First tweet.", "Second tweet."]


def test_a_lone_surrogate_in_a_json_key_is_a_400_naming_it(alice_api):
    response = alice_api.post("/api/v1/generations", '{"te\\ud800xt": "hello"}', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"te\\ud800xt": ["Surrogate characters are not allowed."]}
