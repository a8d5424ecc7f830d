"""Storage is bounded: an account keeps a capped number of threads and characters of text (more on premium), every
path that creates or grows a thread is held to the caps, and duplicating and editing are throttled."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from generator import services
from generator.errors import StorageLimitReached
from generator.models import Generation, Thread
from generator.selectors import usage_for
from tests.generator.conftest import ARTICLE
from tests.live import connect, token_for

pytestmark = pytest.mark.django_db


def make_thread(owner: User, *, title: str = "Remote writing", tweets: list[str] | None = None) -> Thread:
    thread = Thread(owner=owner, title=title, engine="local", source_text="Some source.")
    thread.set_tweets(tweets or ["Lead with the conclusion.", "Keep documents alive."])
    thread.save()
    return thread


def stored_chars(owner: User) -> int:
    return sum(len(t.title) + len(t.source_text) + len(t.body_text) for t in Thread.objects.filter(owner=owner))


@pytest.fixture
def alice_api(alice: User) -> APIClient:
    api = APIClient()
    api.force_login(alice)
    return api


def test_duplicating_past_the_thread_cap_is_refused_with_a_message_that_says_what_to_do(alice, alice_api, settings):
    settings.MAX_THREADS_PER_USER = 3
    threads = [make_thread(alice) for _ in range(3)]

    response = alice_api.post(f"/api/v1/threads/{threads[0].pk}/duplicate")

    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "storage_limit"
    assert error["reason"] == "threads"
    assert error["message"] == (
        "This would take your threads past the 3 threads a free account keeps. Delete threads you no longer need, "
        "or upgrade to keep up to 20,000."
    )
    assert Thread.objects.filter(owner=alice).count() == 3


def test_premium_keeps_more_threads_than_free(alice, bob, settings):
    settings.MAX_THREADS_PER_USER = 1
    settings.PREMIUM_MAX_THREADS_PER_USER = 2
    bob_api = APIClient()
    bob_api.force_login(bob)
    original = make_thread(bob)

    assert bob_api.post(f"/api/v1/threads/{original.pk}/duplicate").status_code == 201
    refused = bob_api.post(f"/api/v1/threads/{original.pk}/duplicate").json()["error"]

    assert refused["message"] == (
        "This would take your threads past the 2 threads a premium account keeps. Delete threads you no longer need."
    )


def test_a_generation_is_refused_before_any_work_when_its_thread_could_not_be_kept(alice, alice_api, settings):
    settings.MAX_THREADS_PER_USER = 2
    make_thread(alice)
    make_thread(alice)

    response = alice_api.post("/api/v1/generations", {"text": ARTICLE}, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "storage_limit"
    assert response.json()["error"]["message"].startswith("Your threads are at the 2 threads a free account keeps.")
    assert not Generation.objects.filter(user=alice).exists()  # no quota reserved, the engine never ran


def test_a_generation_whose_thread_would_pass_the_text_cap_keeps_nothing_and_costs_no_quota(alice, alice_api, settings):
    make_thread(alice)
    settings.MAX_STORED_TEXT_PER_USER = stored_chars(alice) + 100  # room left, but less than the article

    response = alice_api.post("/api/v1/generations", {"text": ARTICLE}, format="json")

    assert response.status_code == 403
    error = response.json()["error"]
    assert (error["code"], error["message"]) == (
        "storage_limit",
        f"This would take your threads past the {settings.MAX_STORED_TEXT_PER_USER:,} characters of text a free "
        "account keeps. Delete threads you no longer need, or upgrade to keep up to 200,000,000.",
    )
    assert Thread.objects.filter(owner=alice).count() == 1
    assert usage_for(user=alice).daily_used == 0
    assert Generation.objects.get(user=alice).error_code == "storage_limit"


def test_a_streamed_generation_past_the_text_cap_ends_with_an_error_event(alice, alice_api, settings):
    make_thread(alice)
    settings.MAX_STORED_TEXT_PER_USER = stored_chars(alice) + 100

    response = alice_api.post("/api/v1/generations", {"text": ARTICLE}, format="json", HTTP_ACCEPT="text/event-stream")

    last = b"".join(response.streaming_content).decode().strip().split("\n\n")[-1]
    assert last.startswith("event: error\n")
    assert json.loads(last.split("data: ", 1)[1])["code"] == "storage_limit"
    assert Thread.objects.filter(owner=alice).count() == 1


def test_an_edit_that_grows_past_the_text_cap_is_refused_and_one_that_shrinks_is_kept(alice, alice_api, settings):
    thread = make_thread(alice, tweets=["A tweet of moderate length, as people write them.", "Another one."])
    settings.MAX_STORED_TEXT_PER_USER = stored_chars(alice) + 10
    url = f"/api/v1/threads/{thread.pk}"

    grown = alice_api.patch(url, {"tweets": ["A tweet of moderate length, as people write them. " * 3]}, format="json")
    settings.MAX_STORED_TEXT_PER_USER = 1  # a plan's cap fell below what is kept: tidying up still works
    shrunk = alice_api.patch(url, {"tweets": ["Short now."]}, format="json")

    assert grown.status_code == 403
    assert grown.json()["error"]["reason"] == "text"
    assert shrunk.status_code == 200
    thread.refresh_from_db()
    assert thread.tweets == ["Short now."]


def test_a_thread_kept_over_a_cap_can_still_be_favourited_and_renamed_shorter(alice, alice_api, settings):
    thread = make_thread(alice, title="A long title for a thread")
    settings.MAX_THREADS_PER_USER = 0
    settings.MAX_STORED_TEXT_PER_USER = 0

    response = alice_api.patch(f"/api/v1/threads/{thread.pk}", {"favourite": True, "title": "Short"}, format="json")

    assert response.status_code == 200


def test_every_save_of_a_thread_is_held_to_the_text_cap(alice, settings):
    thread = make_thread(alice)
    settings.MAX_STORED_TEXT_PER_USER = stored_chars(alice)
    thread.set_tweets([*thread.tweets, "One more tweet."])

    with pytest.raises(StorageLimitReached):
        services.thread_save(thread=thread)

    thread.refresh_from_db()
    assert len(thread.tweets) == 2


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_duplicates_stop_exactly_at_the_cap(live_server: Any, alice: User, settings) -> None:
    settings.MAX_THREADS_PER_USER = 5
    settings.THREAD_DUPLICATE_RATE_PER_USER = 1000
    original = make_thread(alice)
    token = token_for(alice)

    def duplicate(_: int) -> int:
        connection = connect(live_server.url)
        connection.request(
            "POST", f"/api/v1/threads/{original.pk}/duplicate", headers={"Authorization": f"Bearer {token}"}
        )
        return connection.getresponse().status

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = sorted(pool.map(duplicate, range(20)))

    assert statuses == [201] * 4 + [403] * 16
    assert Thread.objects.filter(owner=alice).count() == 5


@pytest.mark.usefixtures("one_throttle_window")  # its requests all land in one throttle window
@pytest.mark.parametrize(
    ("setting", "method", "path", "body"),
    [
        ("THREAD_DUPLICATE_RATE_PER_USER", "post", "/api/v1/threads/{pk}/duplicate", None),
        ("THREAD_EDIT_RATE_PER_USER", "patch", "/api/v1/threads/{pk}", {"favourite": True}),
    ],
)
def test_duplicating_and_editing_are_throttled_with_retry_after(
    alice, alice_api, settings, setting, method, path, body
):
    setattr(settings, setting, 3)
    thread = make_thread(alice)
    send = getattr(alice_api, method)

    answers = [send(path.format(pk=thread.pk), body, format="json") for _ in range(4)]

    assert [answer.status_code for answer in answers[:3]] == [201 if method == "post" else 200] * 3
    assert answers[3].status_code == 429
    assert answers[3].json()["error"]["code"] == "throttled"
    assert answers[3].json()["error"]["message"].startswith("Too many ")
    assert 1 <= int(answers[3]["Retry-After"]) <= 60
