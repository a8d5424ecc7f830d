"""Generating from a link, and what a user sees when the link or the AI provider fails: a clear error, no quota
used, nothing half-saved."""

from __future__ import annotations

import pytest

from generator.models import Generation, Thread
from tests.fakes import openai_server, pages
from tests.fakes.openai_server import FakeReply
from tests.generator.conftest import ARTICLE, parse_sse

pytestmark = pytest.mark.django_db

page_server = pages.page_server
fake_openai = openai_server.fake_openai

URL = "/api/v1/generations"


@pytest.fixture
def web(page_server, settings, monkeypatch):
    settings.FETCH_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.1/32"]
    pages.map_hosts(monkeypatch, {"blog.example": "127.0.0.1"})
    return page_server


def link(web, path: str) -> str:
    return f"http://blog.example:{web.port}{path}"


def assert_nothing_spent(user) -> None:
    assert not Thread.objects.filter(owner=user).exists()
    assert not Generation.objects.filter(user=user, status__in=["succeeded", "reserved"]).exists()


def test_it_makes_a_thread_from_a_blog_post_link(alice_api, alice, web):
    response = alice_api.post(URL, {"url": link(web, "/posts/ci-build-times")}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    thread = Thread.objects.get(pk=body["id"])
    assert thread.source_url.endswith("/posts/ci-build-times")
    assert thread.title
    assert len(thread.source_text) > 300
    assert Generation.objects.get(user=alice).input_kind == "url"


def test_a_stream_from_a_link_says_it_is_fetching_first(alice_api, web):
    response = alice_api.post(
        URL, {"url": link(web, "/posts/ci-build-times")}, format="json", HTTP_ACCEPT="text/event-stream"
    )

    events = parse_sse(b"".join(response.streaming_content))
    stages = [data["stage"] for name, data in events if name == "status"]
    assert stages == ["fetching", "generating", "saving"]
    assert events[-1][0] == "done"


@pytest.mark.parametrize(
    ("path", "code"),
    [("/missing", "not_found"), ("/business/heat-pump-race", "paywall"), ("/report.pdf", "not_html")],
)
def test_a_link_that_is_not_an_article_is_a_422_and_costs_nothing(alice_api, alice, web, path, code):
    response = alice_api.post(URL, {"url": link(web, path)}, format="json")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert Generation.objects.get(user=alice).error_code == code
    assert_nothing_spent(alice)
    assert alice_api.get("/api/v1/usage").json()["daily_used"] == 0


def test_a_link_to_a_private_address_is_refused(alice_api, alice, settings):
    settings.FETCH_ALLOWED_PRIVATE_NETWORKS = []

    response = alice_api.post(URL, {"url": "http://127.0.0.1:9/admin"}, format="json")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "address_not_allowed"
    assert_nothing_spent(alice)


def test_an_import_error_mid_stream_is_an_error_event(alice_api, web):
    response = alice_api.post(URL, {"url": link(web, "/missing")}, format="json", HTTP_ACCEPT="text/event-stream")

    events = parse_sse(b"".join(response.streaming_content))
    assert events[-1][0] == "error"
    assert events[-1][1]["code"] == "not_found"
    assert "status" not in events[-1][1]
    assert events[-1][1]["fields"] == {"url": [events[-1][1]["message"]]}


def test_an_import_failure_names_the_link_as_the_field_to_fix(alice_api, web):
    response = alice_api.post(URL, {"url": link(web, "/missing")}, format="json")

    error = response.json()["error"]
    assert response.status_code == 422
    assert error["fields"] == {"url": ["We couldn't find that page (404). Check the link."]}


def test_the_ai_engine_writes_the_thread_when_configured(alice_api, alice, fake_openai):
    fake_openai.script(FakeReply(tweets=["Remote teams decide in writing.", "Lead with the conclusion."]))

    response = alice_api.post(URL, {"text": ARTICLE}, format="json")

    assert response.status_code == 201
    assert response.json()["engine"] == "openai"
    assert [tweet["text"] for tweet in response.json()["tweets"]] == [
        "Remote teams decide in writing. 1/2",
        "Lead with the conclusion. 2/2",
    ]


@pytest.mark.parametrize(
    ("replies", "status", "code"),
    [
        ([FakeReply.server_error()] * 3, 503, "provider_unavailable"),
        ([FakeReply.insufficient_quota()], 502, "insufficient_quota"),
        ([FakeReply.unauthorized()], 502, "provider_auth"),
    ],
)
def test_a_provider_failure_is_a_clear_error_and_costs_nothing(alice_api, alice, fake_openai, replies, status, code):
    fake_openai.script(*replies)

    response = alice_api.post(URL, {"text": ARTICLE}, format="json")

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert_nothing_spent(alice)


def test_a_stream_cut_mid_way_saves_nothing(alice_api, alice, fake_openai):
    fake_openai.script(FakeReply(tweets=["One tweet.", "Two tweets.", "Three tweets."], cut_after=3))

    response = alice_api.post(URL, {"text": ARTICLE}, format="json", HTTP_ACCEPT="text/event-stream")

    events = parse_sse(b"".join(response.streaming_content))
    assert events[-1][0] == "error"
    assert events[-1][1]["code"] == "stream_interrupted"
    assert_nothing_spent(alice)


def test_a_slow_provider_times_out_as_a_504(alice_api, alice, fake_openai, settings):
    settings.OPENAI_FIRST_TOKEN_TIMEOUT = 0.3
    settings.OPENAI_MAX_RETRIES = 0
    fake_openai.script(FakeReply(tweets=["Too late."], first_token_delay=2))

    response = alice_api.post(URL, {"text": ARTICLE}, format="json")

    assert response.status_code == 504
    assert response.json()["error"]["code"] == "provider_timeout"
    assert_nothing_spent(alice)
