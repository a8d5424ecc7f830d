"""POST /api/v1/generations: a saved thread as JSON or as a stream, with exact quota and clear errors."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from accounts.services import api_token_create
from generator.models import Generation, Thread
from tests.conftest import make_user
from tests.fakes import openai_server
from tests.generator.conftest import ARTICLE, parse_sse

pytestmark = pytest.mark.django_db

URL = "/api/v1/generations"
fake_openai = openai_server.fake_openai


def test_it_generates_and_saves_a_thread_from_text(alice_api, alice):
    response = alice_api.post(URL, {"text": ARTICLE, "numbering": "1/n"}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    thread = Thread.objects.get(pk=body["id"], owner=alice)
    assert body["engine"] == "local"
    assert body["style"] == "summary"
    assert len(body["tweets"]) >= 2
    assert [tweet["position"] for tweet in body["tweets"]] == list(range(1, len(body["tweets"]) + 1))
    assert all(tweet["weighted_length"] <= 280 for tweet in body["tweets"])
    assert body["tweets"][0]["text"].endswith(f"1/{len(body['tweets'])}")
    assert [tweet["text"] for tweet in body["tweets"]] == thread.tweets
    assert body["usage"]["daily_used"] == 1
    assert body["usage"]["daily_left"] == 4
    assert Generation.objects.get(user=alice).status == "succeeded"


def test_the_saved_thread_and_its_ledger_row_keep_what_the_generation_knew(alice_api, alice):
    history_version = alice.history_version

    body = alice_api.post(URL, {"text": ARTICLE, "tone": "casual", "hashtags": True}, format="json").json()

    thread = Thread.objects.get(pk=body["id"])
    assert (thread.owner, thread.engine, thread.style.slug) == (alice, "local", "summary")
    assert thread.title == body["title"]
    assert thread.title
    assert thread.source_text == ARTICLE.strip()
    assert thread.body_text == "\n\n".join(thread.tweets)
    assert thread.options["tone"] == "casual"
    assert thread.options["hashtags"] is True
    assert thread.created_at
    assert thread.updated_at
    generation = Generation.objects.get(user=alice)
    assert (generation.status, generation.engine, generation.thread) == ("succeeded", "local", thread)
    assert generation.finished_at >= generation.created_at
    assert generation.duration_ms is not None
    assert generation.first_tweet_ms is not None
    alice.refresh_from_db()
    assert alice.history_version == history_version + 1  # cached history pages are retired


def test_it_streams_status_tweets_and_done_as_server_sent_events(alice_api, alice):
    response = alice_api.post(URL, {"text": ARTICLE}, format="json", HTTP_ACCEPT="text/event-stream")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    assert set(response["Cache-Control"].split(", ")) == {"no-cache", "private", "no-store"}
    events = parse_sse(b"".join(response.streaming_content))
    names = [name for name, _ in events]
    assert names[0] == "status"
    assert events[0][1] == {"stage": "generating"}
    assert names[-1] == "done"
    tweets = [data for name, data in events if name == "tweet"]
    assert len(tweets) >= 2
    done = events[-1][1]
    thread = Thread.objects.get(pk=done["id"], owner=alice)
    assert done["url"] == f"/app/threads/{thread.pk}/"
    assert done["tweets"] == thread.tweets
    assert len(thread.tweets) == len(tweets)


def test_a_bearer_token_works_like_a_session(api, alice):
    issued = api_token_create(user=alice, name="script")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.raw}")

    response = api.post(URL, {"text": ARTICLE}, format="json")

    assert response.status_code == 201
    assert Thread.objects.filter(owner=alice).count() == 1


def test_the_sixth_generation_of_the_day_is_refused_with_usage(alice_api):
    for _ in range(5):
        assert alice_api.post(URL, {"text": ARTICLE}, format="json").status_code == 201

    response = alice_api.post(URL, {"text": ARTICLE}, format="json")

    assert response.status_code == 402
    error = response.json()["error"]
    assert error["code"] == "quota_exceeded"
    assert error["reason"] == "daily"
    assert error["usage"]["daily_used"] == 5
    assert error["usage"]["daily_left"] == 0
    assert "daily_resets_at" in error["usage"]
    assert Thread.objects.count() == 5


def test_a_refusal_before_streaming_is_still_an_event_stream(alice_api):
    for _ in range(5):
        alice_api.post(URL, {"text": ARTICLE}, format="json")

    response = alice_api.post(URL, {"text": ARTICLE}, format="json", HTTP_ACCEPT="text/event-stream")

    assert response.status_code == 402
    [(name, data)] = parse_sse(response.content)
    assert name == "error"
    assert data["code"] == "quota_exceeded"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "text"),
        ({"text": "   "}, "text"),
        ({"text": ARTICLE, "url": "https://example.com/a"}, "text"),
        ({"url": "ftp://example.com/a"}, "url"),
        ({"text": ARTICLE, "max_tweets": 26}, "max_tweets"),
        ({"text": ARTICLE, "numbering": "roman"}, "numbering"),
        ({"text": ARTICLE, "tone": "angry"}, "tone"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_costs_nothing(alice_api, payload, field):
    response = alice_api.post(URL, payload, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"
    assert field in response.json()["error"]["fields"]
    assert Generation.objects.count() == 0


def test_text_shorter_than_the_minimum_is_a_400_naming_text_before_any_quota_or_provider(alice_api, fake_openai):
    short = "Remote teams write things down. " * 6  # 191 characters once trimmed

    response = alice_api.post(URL, {"text": f"  {short}  "}, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["fields"] == {
        "text": ["The text is 191 characters; paste at least 200 so there is enough to make a thread."]
    }
    assert alice_api.get("/api/v1/usage").json()["daily_used"] == 0
    assert Generation.objects.count() == 0
    assert fake_openai.completions == []


def test_a_stream_refuses_short_text_with_one_error_event_naming_text(alice_api):
    response = alice_api.post(URL, {"text": "Too short."}, format="json", HTTP_ACCEPT="text/event-stream")

    assert response.status_code == 400
    [(name, data)] = parse_sse(response.content)
    assert name == "error"
    assert data["fields"]["text"] == [
        "The text is 10 characters; paste at least 200 so there is enough to make a thread."
    ]
    assert Generation.objects.count() == 0


def test_text_of_exactly_the_minimum_makes_a_thread(alice_api):
    text = ("Remote teams decide in writing. " * 7)[:200]

    response = alice_api.post(URL, {"text": text}, format="json")

    assert response.status_code == 201, response.content


@override_settings(MIN_ARTICLE_CHARS=1000)
def test_the_minimum_is_a_setting(alice_api):
    response = alice_api.post(URL, {"text": ARTICLE}, format="json")

    assert response.status_code == 400
    assert "paste at least 1,000" in response.json()["error"]["fields"]["text"][0]


def test_text_over_fifty_thousand_characters_is_a_413(alice_api):
    response = alice_api.post(URL, {"text": "word " * 10_001}, format="json")

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "input_too_large"
    assert "50,000" in response.json()["error"]["message"]
    assert Generation.objects.count() == 0


def test_a_premium_style_is_refused_to_a_free_user_and_allowed_to_a_premium_one(alice_api, api, bob):
    refused = alice_api.post(URL, {"text": ARTICLE, "style": "story"}, format="json")
    api.force_login(bob)
    allowed = api.post(URL, {"text": ARTICLE, "style": "story"}, format="json")

    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "premium_style"
    assert allowed.status_code == 201
    assert allowed.json()["style"] == "story"


def test_an_unknown_style_is_a_400(alice_api):
    response = alice_api.post(URL, {"text": ARTICLE, "style": "limerick"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unknown_style"


def test_an_unverified_email_cannot_generate_yet(api):
    carol = make_user("carol@example.com", verified=False)
    api.force_login(carol)

    response = api.post(URL, {"text": ARTICLE}, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "email_unverified"


def test_an_api_token_of_an_unverified_email_cannot_generate_until_it_is_confirmed(api):
    carol = make_user("carol@example.com", verified=False)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=carol, name='cli').raw}")

    refused = api.post(URL, {"text": ARTICLE}, format="json")
    carol.emailaddress_set.update(verified=True)
    allowed = api.post(URL, {"text": ARTICLE}, format="json")

    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "email_unverified"
    assert allowed.status_code == 201


def test_anonymous_callers_get_401_with_a_bearer_challenge(api):
    response = api.post(URL, {"text": ARTICLE}, format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.usefixtures("one_throttle_window")  # its requests all land in one throttle window
@override_settings(GENERATION_RATE_PER_USER=2)
def test_a_burst_is_throttled_with_retry_after(alice_api):
    for _ in range(2):
        assert alice_api.post(URL, {"text": ARTICLE}, format="json").status_code == 201

    response = alice_api.post(URL, {"text": ARTICLE}, format="json")

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["error"]["code"] == "throttled"
    assert Generation.objects.count() == 2


def test_a_generation_costs_ten_statements_once_the_styles_are_cached(api, alice):
    """The token, the verified address, the user's row lock, the quota count, the storage count and the reservation;
    then the history version (which locks the owner for the storage cap), the thread, the storage count with it and
    its ledger row. The style comes from the cache the first generation filled."""
    raw = api_token_create(user=alice, name="cli").raw
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.post(URL, {"text": ARTICLE, "style": "howto"}, format="json").status_code == 201

    with CaptureQueriesContext(connection) as captured:
        assert api.post(URL, {"text": ARTICLE, "style": "howto"}, format="json").status_code == 201

    statements = [query["sql"].split()[0] for query in captured if "SAVEPOINT" not in query["sql"]]
    assert statements == [
        "SELECT", "SELECT", "SELECT", "SELECT", "SELECT", "INSERT", "UPDATE", "INSERT", "SELECT", "UPDATE"
    ]  # fmt: skip
