"""What the AI engine asks the provider for: a thread a careful writer would post (issue 17, item 11). Asserted on
the request the provider received, so the rules are in what is really sent."""

from __future__ import annotations

from generator.domain import ThreadOptions
from generator.llm import OpenAIEngine
from tests.fakes import openai_server
from tests.fakes.openai_server import SAMPLE_ARTICLE, SAMPLE_STYLE, FakeOpenAI, FakeReply

fake_openai = openai_server.fake_openai


def sent_brief(fake_openai: FakeOpenAI) -> str:
    fake_openai.script(FakeReply(tweets=["Small releases win.", "Here is why."]))
    list(OpenAIEngine().generate(article=SAMPLE_ARTICLE, options=ThreadOptions(), style=SAMPLE_STYLE))
    [request] = fake_openai.completions
    return request.message("system")


def test_the_brief_asks_for_a_hook_with_the_strongest_claim_that_promises_the_thread(fake_openai: FakeOpenAI):
    brief = sent_brief(fake_openai)
    assert "The first tweet is a hook: it makes the article's strongest claim" in brief
    assert "promises what the thread will show" in brief


def test_the_brief_asks_for_tweets_that_stand_on_their_own(fake_openai: FakeOpenAI):
    brief = sent_brief(fake_openai)
    assert "Every tweet stands on its own" in brief
    assert '"And...", "But...", "This..."' in brief


def test_the_brief_asks_for_distinct_points_and_the_conclusion(fake_openai: FakeOpenAI):
    brief = sent_brief(fake_openai)
    assert "one distinct point per tweet, none repeating another or the hook" in brief
    assert "Include the article's conclusion." in brief


def test_the_brief_stays_short(fake_openai: FakeOpenAI):
    assert len(sent_brief(fake_openai)) < 2_500
