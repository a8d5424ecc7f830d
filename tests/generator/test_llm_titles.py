"""The AI engine's `Title:` line names the thread and is never posted as a tweet, whether the reply comes back as
JSON or streams as Server-Sent Events, however the line is cut into chunks."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from generator.domain import ThreadOptions, ThreadTitle
from generator.llm import OpenAIEngine, TweetStream
from generator.models import Thread
from tests.fakes import openai_server, pages
from tests.fakes.openai_server import SAMPLE_ARTICLE, SAMPLE_STYLE, SEPARATOR, FakeOpenAI, FakeReply
from tests.generator.conftest import ARTICLE, parse_sse

pytestmark = pytest.mark.django_db

fake_openai = openai_server.fake_openai
page_server = pages.page_server

URL = "/api/v1/generations"
TITLE = "Write it down: how remote teams decide"
TWEETS = [
    "Ten years ago decisions happened in meetings. Today they happen in documents.",
    "Good remote writers lead with the conclusion, because readers skim.",
    "Teams that review their documents monthly make fewer repeated mistakes.",
]


PAGE_TITLE = "How we cut our CI build from 40 minutes to 6"


@pytest.fixture
def web(page_server, settings, monkeypatch) -> str:
    """The link of a blog post titled PAGE_TITLE, served on loopback."""
    settings.FETCH_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.1/32"]
    pages.map_hosts(monkeypatch, {"blog.example": "127.0.0.1"})
    return f"http://blog.example:{page_server.port}/posts/ci-build-times"


def titled(title: str = TITLE, *, chunk_size: int = 7, own_block: bool = False) -> FakeReply:
    separator = SEPARATOR if own_block else "\n"
    return FakeReply(text=f"Title: {title}{separator}" + SEPARATOR.join(TWEETS), chunk_size=chunk_size)


def tweet_texts(body: dict) -> list[str]:
    return [tweet["text"] for tweet in body["tweets"]]


def test_it_names_the_thread_after_the_title_line_and_never_posts_it(alice_api, fake_openai: FakeOpenAI):
    fake_openai.script(titled())

    response = alice_api.post(URL, {"text": ARTICLE, "numbering": "none"}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == TITLE
    assert tweet_texts(body) == TWEETS
    assert Thread.objects.get(pk=body["id"]).title == TITLE


@pytest.mark.parametrize("chunk_size", [1, 3, 5])
def test_a_streamed_title_line_split_across_chunks_is_never_a_tweet_event(
    alice_api, fake_openai: FakeOpenAI, chunk_size: int
):
    fake_openai.script(titled(chunk_size=chunk_size))

    response = alice_api.post(
        URL, {"text": ARTICLE, "numbering": "none"}, format="json", HTTP_ACCEPT="text/event-stream"
    )

    events = parse_sse(b"".join(response.streaming_content))
    tweets = [data["text"] for name, data in events if name == "tweet"]
    assert tweets == TWEETS
    assert not any("Title" in tweet for tweet in tweets)
    name, done = events[-1]
    assert name == "done"
    assert done["title"] == TITLE
    assert Thread.objects.get(pk=done["id"]).title == TITLE


def test_a_title_sent_as_its_own_block_is_not_a_tweet_either(alice_api, fake_openai: FakeOpenAI):
    fake_openai.script(titled(own_block=True, chunk_size=4))

    response = alice_api.post(
        URL, {"text": ARTICLE, "numbering": "none"}, format="json", HTTP_ACCEPT="text/event-stream"
    )

    events = parse_sse(b"".join(response.streaming_content))
    assert [data["text"] for name, data in events if name == "tweet"] == TWEETS
    assert events[-1][1]["title"] == TITLE


def test_a_long_title_is_cut_to_seventy_characters_at_a_word(alice_api, fake_openai: FakeOpenAI):
    long_title = "Why remote teams that write their decisions down make fewer repeated mistakes every month"
    long_title = (long_title + " and ship faster")[:100]
    assert len(long_title) == 100
    fake_openai.script(titled(long_title))

    title = alice_api.post(URL, {"text": ARTICLE}, format="json").json()["title"]

    assert 0 < len(title) <= 70
    assert long_title.startswith(title)
    assert long_title[len(title)] == " "


def test_without_a_title_line_an_imported_article_keeps_its_own_title(alice_api, fake_openai: FakeOpenAI, web):
    fake_openai.script(FakeReply(tweets=TWEETS))

    body = alice_api.post(URL, {"url": web}, format="json").json()

    assert body["title"] == PAGE_TITLE
    assert tweet_texts(body)[0] not in body["title"]


def test_the_ai_title_wins_over_the_imported_articles_own(alice_api, fake_openai: FakeOpenAI, web):
    fake_openai.script(titled())

    assert alice_api.post(URL, {"url": web}, format="json").json()["title"] == TITLE


def test_the_brief_asks_for_one_short_title_line_before_the_first_tweet(alice_api, fake_openai: FakeOpenAI):
    fake_openai.script(titled())

    alice_api.post(URL, {"text": ARTICLE}, format="json")

    [request] = fake_openai.completions
    assert 'one line "Title: " and a short title for it (at most 70 characters)' in request.message("system")


def test_a_title_in_markdown_or_after_a_preamble_is_read_as_the_title_too():
    for reply in (
        f"**Title:** {TITLE}\nHook.\n---\nNext.",
        f'Here is your thread:\nTitle: "{TITLE}"\nHook.\n---\nNext.',
    ):
        stream = TweetStream()
        items = [item for piece in reply.partition("Tit") for item in stream.feed(piece)] + stream.close()
        assert items == [ThreadTitle(TITLE), "Hook.", "Next."]


def test_a_rewritten_tweet_never_comes_back_as_its_title_line(fake_openai: FakeOpenAI):
    fake_openai.script(FakeReply(text=f"Title: {TITLE}\nA sharper second tweet."))

    rewritten = OpenAIEngine().regenerate(
        article=SAMPLE_ARTICLE, bodies=TWEETS, position=1, options=ThreadOptions(), style=SAMPLE_STYLE
    )

    assert rewritten == ["A sharper second tweet."]


def test_the_command_line_prints_the_ai_title_and_no_title_tweet(fake_openai: FakeOpenAI):
    fake_openai.script(titled())
    out = io.StringIO()

    call_command(
        "makethread", "-", "--engine", "openai", "--json", stdout=out, stderr=io.StringIO(), stdin=io.StringIO(ARTICLE)
    )

    printed = json.loads(out.getvalue())
    assert printed["title"] == TITLE
    assert len(printed["tweets"]) == len(TWEETS)
    assert not any("Title" in tweet["text"] for tweet in printed["tweets"])
