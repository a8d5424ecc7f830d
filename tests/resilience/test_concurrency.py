"""Many people at once, over real sockets: browsers that close mid-stream, one free user on two app servers, and
Stripe's duplicate webhooks landing while threads are being generated."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from accounts.models import User
from billing.models import EntitlementChange, WebhookEvent
from generator.models import Generation, Thread
from tests.billing.conftest import fake_stripe, fixture_event, signed, start_checkout  # noqa: F401 - fixture
from tests.fakes.openai_server import SEPARATOR, FakeOpenAI, FakeReply
from tests.live import connect, gunicorn, post_generation, read_event, token_for, wait_for
from tests.resilience.conftest import TWEETS, live_reservations

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("no_throttles")]


def test_fifty_clients_that_hang_up_mid_stream_still_get_fifty_threads(
    live_server: Any, bob: User, fake_openai: FakeOpenAI
) -> None:
    release = threading.Event()
    first_tweet_chunks = len(TWEETS[0] + SEPARATOR) // 7 + 1
    fake_openai.default = FakeReply(tweets=TWEETS, hold=(first_tweet_chunks, release))
    token = token_for(bob)

    def hang_up_after_the_first_tweet(_: int) -> None:
        response = post_generation(live_server.url, token, stream=True)
        while read_event(response)[0] != "tweet":
            pass
        response.close()  # the tab is closed while the provider is still writing

    with ThreadPoolExecutor(max_workers=50) as pool:
        list(pool.map(hang_up_after_the_first_tweet, range(50)))
    release.set()

    assert wait_for(lambda: Thread.objects.filter(owner=bob).count() == 50, timeout=30)
    assert wait_for(lambda: live_reservations(bob) == 0)
    assert Generation.objects.filter(user=bob, status="succeeded").count() == 50


def test_one_free_user_on_two_app_servers_gets_exactly_the_quota(alice: User, settings: Any) -> None:
    token = token_for(alice)
    throttles_off = {"GENERATION_RATE_PER_USER": "100000", "GENERATION_RATE_PER_IP": "100000"}
    small = {"WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "20", "DB_POOL_MAX_SIZE": "10"}
    with gunicorn(**throttles_off, **small) as first, gunicorn(**throttles_off, **small) as second:
        start = threading.Barrier(40)

        def attempt(index: int) -> int:
            start.wait()
            response = post_generation((first if index % 2 else second).url, token, stream=False)
            response.read()
            return response.status

        with ThreadPoolExecutor(max_workers=40) as pool:
            statuses = list(pool.map(attempt, range(40)))

    assert sorted(set(statuses)) == [201, 402]
    assert statuses.count(201) == settings.FREE_DAILY_LIMIT
    assert Thread.objects.filter(owner=alice).count() == settings.FREE_DAILY_LIMIT
    assert live_reservations(alice) == 0


def test_ten_copies_of_twenty_webhooks_apply_once_each_while_threads_generate(
    live_server: Any,
    alice: User,
    bob: User,
    fake_stripe: Any,  # noqa: F811
) -> None:
    events = []
    for _ in range(20):
        session_id = start_checkout(alice)
        fake_stripe.pay_session(session_id)
        events.append(fixture_event("checkout.session.completed", session_id=session_id, user_id=alice.pk))
    token = token_for(bob)
    deliveries = [event for event in events for _ in range(10)]

    def deliver(event: dict[str, Any]) -> int:
        payload = json.dumps(event)
        client = connect(live_server.url)
        client.request(
            "POST",
            "/billing/webhook/",
            body=payload,
            headers={"Content-Type": "application/json", "Stripe-Signature": signed(payload)},
        )
        return client.getresponse().status

    def generate(_: int) -> int:
        response = post_generation(live_server.url, token, stream=False)
        response.read()
        return response.status

    with ThreadPoolExecutor(max_workers=30) as pool:
        generations = [pool.submit(generate, index) for index in range(10)]
        statuses = list(pool.map(deliver, deliveries))
        generated = [future.result() for future in generations]

    assert statuses == [200] * 200
    assert generated == [201] * 10
    assert WebhookEvent.objects.count() == 20
    assert set(WebhookEvent.objects.values_list("attempts", flat=True)) == {1}
    assert EntitlementChange.objects.filter(user=alice).count() == 20
    assert Thread.objects.filter(owner=bob).count() == 10
