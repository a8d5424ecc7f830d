"""Hostile text: random Unicode with lone surrogates, control characters and odd line breaks never crashes the tweet
counter, and never makes the generation API answer 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from accounts.models import User
from generator import xtext
from generator.models import Thread

# Every code point, lone surrogates included (a Python str can hold them; JSON can carry them as \ud800 escapes).
ANY_CHARACTER = st.characters(codec=None, exclude_categories=())
NASTY = st.sampled_from(["\ud800", "\udfff", "\x00", "\x1b", "\r\n", "\u2028", "\ufeff", "\ufffe", "\u200d", "🇫", "#"])
HOSTILE_TEXT = st.lists(st.one_of(ANY_CHARACTER, NASTY, st.just("https://example.com/a?b=c ")), max_size=400).map(
    "".join
)


@settings(max_examples=400, deadline=None)
@given(text=HOSTILE_TEXT)
def test_the_tweet_counter_answers_for_any_text(text: str) -> None:
    length = xtext.parse(text)

    assert length.weighted_length == xtext.weighted_length(text) >= 0
    assert xtext.is_valid(text) == length.valid
    for start, end in xtext.find_urls(text) + xtext.emoji_spans(text):
        assert 0 <= start < end <= len(text)


@pytest.fixture
def alice_api(alice: User, settings: Any) -> APIClient:
    settings.GENERATION_RATE_PER_USER = 100_000
    settings.GENERATION_RATE_PER_IP = 100_000
    settings.FREE_DAILY_LIMIT = 100_000
    settings.FREE_MONTHLY_LIMIT = 100_000
    client = APIClient()
    client.force_authenticate(alice)
    return client


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=HOSTILE_TEXT.map(lambda text: text + " Enough words here to make an article. " * 6))
def test_the_generation_api_never_answers_500_to_hostile_text(alice_api: APIClient, text: str) -> None:
    # json.dumps escapes lone surrogates as \udXXX, exactly what a browser's JSON.stringify sends for them.
    body = json.dumps({"text": text})

    response = alice_api.post("/api/v1/generations", body, content_type="application/json")

    assert response.status_code in {201, 400}, response.content
    if response.status_code == 201:
        thread = Thread.objects.get(pk=response.json()["id"])
        assert all(xtext.weighted_length(tweet) <= xtext.MAX_WEIGHTED_LENGTH for tweet in thread.tweets)
    else:
        assert response.json()["error"]["code"]


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["\ud800 lone high surrogate in an article. " * 6, "Nul \x00 byte in text. " * 12])
def test_text_postgresql_cannot_store_is_refused_or_cleaned_not_a_500(alice_api: APIClient, text: str) -> None:
    response = alice_api.post("/api/v1/generations", json.dumps({"text": text}), content_type="application/json")

    assert response.status_code in {201, 400}, response.content
