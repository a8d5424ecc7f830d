"""POST /api/v1/threads/<id>/tweets/<position>/regenerate: one tweet rewritten by the engine, within the thread's
cap and the user's daily allowance, replacing only its own tweet."""

from __future__ import annotations

import pytest

from generator.models import Thread
from tests.fakes import openai_server
from tests.fakes.openai_server import FakeOpenAI, FakeReply
from tests.generator.conftest import ARTICLE

pytestmark = pytest.mark.django_db

fake_openai = openai_server.fake_openai

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
