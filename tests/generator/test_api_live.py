"""The generation API over real HTTP (a live server, real sockets): streaming, disconnects and racing requests."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from accounts.services import api_token_create
from generator.models import Generation, Thread
from tests.fakes import openai_server
from tests.fakes.openai_server import FakeReply
from tests.live import post_generation, read_event, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

fake_openai = openai_server.fake_openai

TWEETS = [
    "Remote teams decide in documents now, not meetings.",
    "Lead with the conclusion: readers skim.",
    "Write for a reader with no context.",
    "Keep documents alive; stale pages mislead.",
]


def test_the_first_tweet_reaches_the_client_before_the_provider_writes_the_last(live_server, alice, fake_openai):
    release = threading.Event()
    # Hold the provider's stream after the first tweet (and its separator) until the client has seen tweet 1.
    first_part = len(TWEETS[0] + openai_server.SEPARATOR) // 7 + 1
    fake_openai.script(FakeReply(tweets=TWEETS, hold=(first_part, release)))
    token = api_token_create(user=alice, name="live").raw

    response = post_generation(live_server.url, token, stream=True)
    events = []
    while not events or events[-1][0] != "tweet":
        events.append(read_event(response))
    release.set()
    while events[-1][0] not in {"done", "error"}:
        events.append(read_event(response))

    assert events[0] == ("status", {"stage": "generating"})
    tweets = [data["text"] for name, data in events if name == "tweet"]
    assert tweets[0] == TWEETS[0]
    assert events[-1][0] == "done"
    assert Thread.objects.get(pk=events[-1][1]["id"]).tweets[-1].startswith(TWEETS[-1])


def test_a_client_that_disconnects_mid_stream_still_gets_its_thread_saved(live_server, alice, fake_openai):
    release = threading.Event()
    first_part = len(TWEETS[0] + openai_server.SEPARATOR) // 7 + 1
    fake_openai.script(FakeReply(tweets=TWEETS, hold=(first_part, release)))
    token = api_token_create(user=alice, name="live").raw

    response = post_generation(live_server.url, token, stream=True)
    while read_event(response)[0] != "tweet":
        pass
    response.close()  # the browser tab is closed
    release.set()

    assert wait_for(lambda: Thread.objects.filter(owner=alice).exists())
    thread = Thread.objects.get(owner=alice)
    assert [tweet.rsplit(" ", 1)[0] for tweet in thread.tweets] == TWEETS
    assert Generation.objects.get(user=alice).status == "succeeded"


def test_forty_racing_requests_from_a_free_user_get_exactly_five_threads(live_server, alice, settings):
    settings.GENERATION_RATE_PER_USER = 1000
    settings.GENERATION_RATE_PER_IP = 1000
    token = api_token_create(user=alice, name="race").raw
    start = threading.Barrier(40)

    def attempt(_: int) -> int:
        start.wait()
        response = post_generation(live_server.url, token, stream=False)
        response.read()
        return response.status

    with ThreadPoolExecutor(max_workers=40) as pool:
        statuses = list(pool.map(attempt, range(40)))

    assert sorted(set(statuses)) == [201, 402]
    assert statuses.count(201) == 5
    assert Generation.objects.filter(user=alice, status="succeeded").count() == 5
    assert Thread.objects.filter(owner=alice).count() == 5
