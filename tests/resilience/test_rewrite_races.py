"""Rewrites racing each other and the editor, over real sockets: the thread's cap holds before the provider is
called, and a rewrite that lands after an edit keeps the edit."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from accounts.models import User
from generator import services
from generator.models import Rewrite, Thread
from tests.fakes.openai_server import FakeOpenAI, FakeReply
from tests.live import connect, token_for, wait_for
from tests.resilience.conftest import ARTICLE

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("no_throttles")]

BODIES = ["Ship small changes.", "Look before the next one.", "Slow loops hide their cost."]


def make_thread(owner: User) -> Thread:
    thread = Thread(owner=owner, title="Small releases", engine="openai", source_text=ARTICLE)
    thread.set_tweets([f"{body} {k}/3" for k, body in enumerate(BODIES, start=1)])
    return services.thread_save(thread=thread)


def call(base_url: str, token: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    client = connect(base_url)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    client.request(method, path, body=json.dumps(body or {}), headers=headers)
    response = client.getresponse()
    return response.status, json.loads(response.read())


def rewrite_path(thread: Thread, position: int) -> str:
    return f"/api/v1/threads/{thread.pk}/tweets/{position}/regenerate"


def test_forty_concurrent_rewrites_of_one_thread_send_at_most_twenty_to_the_provider(
    live_server: Any, alice: User, fake_openai: FakeOpenAI, settings: Any
) -> None:
    settings.FREE_DAILY_REWRITES = 100
    thread = make_thread(alice)
    token = token_for(alice)
    release = threading.Event()
    fake_openai.default = FakeReply(text="Each small release is easy to check.", hold=(0, release))
    start = threading.Barrier(40)
    answered: list[int] = []

    def rewrite(index: int) -> tuple[int, Any]:
        start.wait()
        status, body = call(live_server.url, token, "POST", rewrite_path(thread, index % 3 + 1))
        answered.append(status)
        return status, body

    with ThreadPoolExecutor(max_workers=40) as pool:
        results = [pool.submit(rewrite, index) for index in range(40)]
        # The provider holds every request it gets; the rest must have been answered without it.
        assert wait_for(lambda: len(fake_openai.completions) + len(answered) >= 40, timeout=60)
        release.set()
        outcomes = [result.result() for result in results]

    cap = settings.MAX_REGENERATIONS_PER_THREAD
    codes = [(status, body.get("error", {}).get("code", "rewritten")) for status, body in outcomes]
    assert len(fake_openai.completions) == cap
    assert codes.count((403, "regenerate_limit")) == 40 - cap
    # The ones the provider answered: rewritten, or dropped because a racing rewrite of the same tweet got there
    # first. None was throttled.
    assert set(codes) <= {(200, "rewritten"), (409, "tweet_changed"), (403, "regenerate_limit")}
    assert (200, "rewritten") in codes
    assert Thread.objects.get(pk=thread.pk).regenerations == cap
    assert Rewrite.objects.filter(user=alice).exclude(status="failed").count() == cap


def rewrite_while_held(live_server: Any, alice: User, fake: FakeOpenAI, thread: Thread, position: int):
    """Start a rewrite of tweet `position` whose provider answer waits for the returned event; returns the event
    and a way to collect the response."""
    token = token_for(alice)
    release = threading.Event()
    fake.script(FakeReply(text="Every small release is easy to check.", hold=(0, release)))
    pool = ThreadPoolExecutor(max_workers=1)
    pending = pool.submit(call, live_server.url, token, "POST", rewrite_path(thread, position))
    assert wait_for(lambda: len(fake.completions) == 1)
    pool.shutdown(wait=False)
    return release, token, pending


def test_an_edit_saved_while_a_tweet_is_rewritten_is_kept(
    live_server: Any, alice: User, fake_openai: FakeOpenAI
) -> None:
    thread = make_thread(alice)
    release, token, pending = rewrite_while_held(live_server, alice, fake_openai, thread, 2)

    edited = [  # as the editor saves them: numbered
        "Ship small changes, daily. 1/4",
        "Look before the next one. 2/4",
        "Slow loops hide their cost. 3/4",
        "So measure. 4/4",
    ]
    assert call(live_server.url, token, "PATCH", f"/api/v1/threads/{thread.pk}", {"tweets": edited})[0] == 200
    release.set()
    status, body = pending.result(timeout=30)

    assert status == 200, body
    assert Thread.objects.get(pk=thread.pk).tweets == [
        "Ship small changes, daily. 1/4",
        "Every small release is easy to check. 2/4",
        "Slow loops hide their cost. 3/4",
        "So measure. 4/4",
    ]
    assert [tweet["text"] for tweet in body["tweets"]] == Thread.objects.get(pk=thread.pk).tweets


def test_a_rewrite_of_a_tweet_edited_meanwhile_gives_way_to_the_edit(
    live_server: Any, alice: User, fake_openai: FakeOpenAI
) -> None:
    thread = make_thread(alice)
    release, token, pending = rewrite_while_held(live_server, alice, fake_openai, thread, 2)

    edited = ["Ship small changes. 1/3", "Look, then ship again. 2/3", "Slow loops hide their cost. 3/3"]
    assert call(live_server.url, token, "PATCH", f"/api/v1/threads/{thread.pk}", {"tweets": edited})[0] == 200
    release.set()
    status, body = pending.result(timeout=30)

    assert status == 409
    assert body["error"]["code"] == "tweet_changed"
    saved = Thread.objects.get(pk=thread.pk)
    assert saved.tweets == edited
    assert saved.regenerations == 1  # the provider was paid for the answer that was dropped
    assert Rewrite.objects.get(user=alice).status == "discarded"
