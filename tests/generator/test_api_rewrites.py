"""POST /api/v1/threads/<id>/tweets/<position>/regenerate: one tweet rewritten by the engine, within the thread's
cap and the user's daily allowance, replacing only its own tweet."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from generator import services
from generator.models import Rewrite, Thread
from tests.fakes import openai_server
from tests.fakes.openai_server import FakeOpenAI, FakeReply
from tests.generator.conftest import ARTICLE

pytestmark = pytest.mark.django_db

fake_openai = openai_server.fake_openai

NOON = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TWEETS = ["Remote teams decide in writing.", "Lead with the conclusion.", "Keep documents alive."]


def rewrite_url(thread_id: int, position: int) -> str:
    return f"/api/v1/threads/{thread_id}/tweets/{position}/regenerate"


def generate(api, fake: FakeOpenAI, **options) -> dict:
    fake.script(FakeReply(tweets=TWEETS))
    response = api.post("/api/v1/generations", {"text": ARTICLE, **options}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_the_ai_engine_rewrites_one_tweet_of_a_saved_thread(alice_api, alice, fake_openai):
    created = generate(alice_api, fake_openai, tone="witty")
    fake_openai.script(FakeReply(text="Decisions live in documents now."))

    response = alice_api.post(rewrite_url(created["id"], 1), {"instruction": "punchier"}, format="json")

    assert response.status_code == 200, response.content
    assert [tweet["text"] for tweet in response.json()["tweets"]] == [
        "Decisions live in documents now. 1/3",
        "Lead with the conclusion. 2/3",
        "Keep documents alive. 3/3",
    ]
    assert response.json()["regenerations"] == 1
    prompt = fake_openai.completions[-1].message("user")
    assert "Rewrite tweet [1]" in prompt
    assert "- Tone: witty." in prompt
    assert "punchier" in prompt
    assert Thread.objects.get(pk=created["id"]).tweets[0] == "Decisions live in documents now. 1/3"


def make_thread(owner, **fields) -> Thread:
    thread = Thread(owner=owner, title="Remote writing", engine="local", source_text=ARTICLE, **fields)
    thread.set_tweets([f"{body} {k}/3" for k, body in enumerate(TWEETS, start=1)])
    return services.thread_save(thread=thread)


def test_a_copy_of_a_thread_keeps_its_count_of_rewrites(alice_api, alice, settings):
    settings.MAX_REGENERATIONS_PER_THREAD = 2
    thread = make_thread(alice, regenerations=2)

    copy = alice_api.post(f"/api/v1/threads/{thread.pk}/duplicate").json()
    refused = alice_api.post(rewrite_url(copy["id"], 1), {}, format="json")

    assert copy["regenerations"] == 2
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "regenerate_limit"


def test_a_free_user_has_a_daily_allowance_of_rewrites_across_threads(alice_api, alice, settings):
    settings.FREE_DAILY_REWRITES = 2
    first, second = make_thread(alice), make_thread(alice)

    with time_machine.travel(NOON, tick=False):
        assert alice_api.post(rewrite_url(first.pk, 1), {}, format="json").status_code == 200
        assert alice_api.post(rewrite_url(second.pk, 2), {}, format="json").status_code == 200
        refused = alice_api.post(rewrite_url(second.pk, 3), {}, format="json")
        usage = alice_api.get("/api/v1/usage").json()["rewrites"]
    with time_machine.travel(NOON + timedelta(hours=12), tick=False):  # the next UTC day
        again = alice_api.post(rewrite_url(second.pk, 3), {}, format="json")

    assert refused.status_code == 402
    assert refused.json()["error"]["code"] == "rewrite_quota"
    assert "2 free rewrites today" in refused.json()["error"]["message"]
    assert refused.json()["error"]["limit"] == 2
    assert refused.json()["error"]["resets_at"] == "2026-03-11T00:00:00+00:00"
    assert Thread.objects.get(pk=second.pk).regenerations == 2  # the refused one was not counted
    assert usage == {"used": 2, "limit": 2, "left": 0, "resets_at": "2026-03-11T00:00:00Z"}
    assert again.status_code == 200


def test_a_premium_user_has_a_higher_fair_use_ceiling(api, bob, settings):
    settings.FREE_DAILY_REWRITES = 1
    settings.PREMIUM_DAILY_REWRITE_CEILING = 3
    api.force_login(bob)
    thread = make_thread(bob)

    statuses = [api.post(rewrite_url(thread.pk, 1), {}, format="json").status_code for _ in range(4)]
    refused = api.post(rewrite_url(thread.pk, 1), {}, format="json").json()["error"]

    assert statuses == [200, 200, 200, 402]
    assert "fair-use ceiling of 3 rewrites" in refused["message"]


def test_a_rewrite_the_provider_fails_costs_nothing(alice_api, alice, fake_openai, settings):
    settings.FREE_DAILY_REWRITES = 1
    settings.OPENAI_MAX_RETRIES = 0
    thread = make_thread(alice)
    fake_openai.script(FakeReply.server_error())

    failed = alice_api.post(rewrite_url(thread.pk, 2), {}, format="json")
    fake_openai.script(FakeReply(text="Put the answer first."))
    retried = alice_api.post(rewrite_url(thread.pk, 2), {}, format="json")

    assert failed.status_code == 503
    assert failed.json()["error"]["code"] == "provider_unavailable"
    assert retried.status_code == 200, retried.content
    assert retried.json()["regenerations"] == 1
    assert [rewrite.status for rewrite in Rewrite.objects.filter(user=alice).order_by("pk")] == ["failed", "succeeded"]


def test_rewrites_are_throttled_per_user_before_the_provider_hears_of_them(alice_api, alice, fake_openai, settings):
    settings.REWRITE_RATE_PER_USER = 2
    thread = make_thread(alice)
    fake_openai.default = FakeReply(text="Put the answer first.")

    with time_machine.travel(NOON, tick=False):  # all three in one throttle window, however slow the machine
        statuses = [alice_api.post(rewrite_url(thread.pk, 1), {}, format="json") for _ in range(3)]

    assert [response.status_code for response in statuses] == [200, 200, 429]
    assert statuses[2].json()["error"]["code"] == "throttled"
    assert 1 <= int(statuses[2]["Retry-After"]) <= 60
    assert len(fake_openai.completions) == 2
    assert Thread.objects.get(pk=thread.pk).regenerations == 2


def test_an_edit_saved_from_an_earlier_read_does_not_give_rewrites_back(alice_api, alice):
    thread = make_thread(alice)
    read_before = Thread.objects.get(pk=thread.pk)
    assert alice_api.post(rewrite_url(thread.pk, 1), {}, format="json").status_code == 200

    services.thread_update(thread=read_before, title="Renamed")

    saved = Thread.objects.get(pk=thread.pk)
    assert saved.title == "Renamed"
    assert saved.regenerations == 1
