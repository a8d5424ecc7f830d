"""While the AI engine writes, the stream carries `draft` events: the unfinished tweet as far as the model has
written it, no more often than every 100 ms, each one the start of the tweet it becomes."""

from __future__ import annotations

from itertools import pairwise
from time import monotonic

import pytest

from generator import drafts
from generator.llm.stream import TweetStream
from tests.fakes import openai_server
from tests.fakes.openai_server import FakeReply
from tests.generator.conftest import ARTICLE, parse_sse

pytestmark = pytest.mark.django_db

fake_openai = openai_server.fake_openai

URL = "/api/v1/generations"
TWEETS = [
    "Remote teams decide in documents now, not in meetings, and the habit shows in everything they ship.",
    "Lead with the conclusion: readers skim, so the answer belongs in the first sentence of the page.",
    "Keep documents alive; a stale page misleads the next person who has to make the same decision.",
]


def stream(api, *, text: str = ARTICLE):
    return api.post(URL, {"text": text}, format="json", HTTP_ACCEPT="text/event-stream")


def test_drafts_grow_into_the_tweet_they_become(alice_api, fake_openai):
    fake_openai.script(FakeReply(tweets=TWEETS, chunk_size=3, chunk_delay=0.01))

    events = parse_sse(b"".join(stream(alice_api).streaming_content))

    names = [name for name, _ in events]
    assert names[0] == "status"
    assert names[-2:] == ["status", "done"]
    finished = {data["position"]: data["text"] for name, data in events if name == "tweet"}
    assert list(finished.values()) == TWEETS
    seen: dict[int, str] = {}
    for name, data in events:
        if name == "draft":
            assert set(data) == {"position", "text"}
            assert finished[data["position"]].startswith(data["text"])
            assert data["text"].startswith(seen.get(data["position"], ""))
            seen[data["position"]] = data["text"]
        elif name == "tweet":
            seen[data["position"]] = data["text"]
    drafted = {data["position"] for name, data in events if name == "draft"}
    assert drafted == {1, 2, 3}


def test_a_draft_comes_after_the_tweet_before_it_and_before_its_own(alice_api, fake_openai):
    fake_openai.script(FakeReply(tweets=TWEETS, chunk_size=3, chunk_delay=0.01))

    events = parse_sse(b"".join(stream(alice_api).streaming_content))

    tweets_so_far = 0
    for name, data in events:
        if name == "tweet":
            tweets_so_far += 1
        elif name == "draft":
            assert data["position"] == tweets_so_far + 1


def test_no_two_drafts_are_sent_within_100_ms(alice_api, fake_openai, monkeypatch):
    # The throttle's own clock readings, recorded: when a draft event reaches the client (read in this thread, the
    # stream paused at that event), the last reading is the moment the server let that draft through.
    readings: list[float] = []

    def recording_clock() -> float:
        readings.append(monotonic())
        return readings[-1]

    monkeypatch.setattr(drafts, "monotonic", recording_clock)
    fake_openai.script(FakeReply(tweets=TWEETS, chunk_size=2, chunk_delay=0.008))

    sent_at = []
    for chunk in stream(alice_api).streaming_content:
        if chunk.startswith(b"event: draft"):
            sent_at.append(readings[-1])

    assert len(sent_at) >= 5
    gaps = [later - earlier for earlier, later in pairwise(sent_at)]
    assert min(gaps) >= drafts.DRAFT_INTERVAL
    assert len(readings) > len(sent_at)  # drafts were held back, not all sent


def test_the_local_engine_streams_finished_tweets_only(alice_api, settings):
    settings.THREADR_ENGINE = "local"

    events = parse_sse(b"".join(stream(alice_api).streaming_content))

    assert "draft" not in [name for name, _ in events]
    assert events[-1][0] == "done"


@pytest.mark.parametrize(
    ("reply", "first_tweet"),
    [
        ("Title: Why small releases win\nSmall releases win.\n---\nSecond.", "Small releases win."),
        ("Here is your thread:\n1. Small releases win.\n---\n2. Second.", "Small releases win."),
        ("**Small** releases win.\n---\nSecond.", "Small releases win."),
    ],
    ids=["title-line", "preamble-and-numbers", "bold"],
)
def test_drafts_never_show_what_the_finished_tweet_drops(reply, first_tweet):
    reader = TweetStream()
    drafts_seen, finished = [], []
    for character in reply:
        finished += reader.feed(character)
        drafts_seen.append(reader.pending())
    finished += reader.close()

    assert first_tweet in finished
    first_drafts = drafts_seen[: reply.index("---")]
    assert all(first_tweet.startswith(draft) for draft in first_drafts), first_drafts
    assert first_drafts[-1] == first_tweet
