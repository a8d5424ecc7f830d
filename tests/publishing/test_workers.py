"""Publishing on real worker processes (`manage.py procrastinate worker`) against the fake X: the queue, crashes,
timeouts, two workers at once, and a scheduled publication's time. The rows are the truth; these tests check that
whatever the workers go through, X gets each tweet once, in order, as a reply chain."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from publishing import services
from publishing.models import Publication
from publishing.tasks import publication_step
from tests.fakes.x_server import FakeX
from tests.jobs.workers import Workers
from tests.publishing.conftest import KEY, make_thread
from threadr.lib import jobs

pytestmark = pytest.mark.django_db(transaction=True)


def worker_env(fake: FakeX, **extra: Any) -> dict[str, str]:
    return {
        **fake.settings(),
        "DJANGO_SETTINGS_MODULE": "tests.publishing.worker_settings",
        "FIELD_ENCRYPTION_KEY": KEY,
        "PUBLISH_SPACING_SECONDS": "0.2",
        "PUBLISH_SWEEP_SECONDS": "1",
        "X_TIMEOUT": "0.5",
        **{name: str(value) for name, value in extra.items()},
    }


def wait_for(workers: Workers, publication: Publication, status: str, timeout: float = 60.0) -> Publication:
    """Wait until the row (the workers are other processes) reaches `status`, failing with a worker's log if one
    dies meanwhile."""

    def reached() -> bool:
        publication.refresh_from_db()
        return publication.status == status

    workers.wait_until(reached, f"publication {publication.pk} to be {status}", timeout)
    return publication


def assert_posted_once_as_a_chain(fake: FakeX, tweets: list[str], publication: Publication) -> None:
    posted = fake.posted(fake.user)
    assert [tweet.submitted for tweet in posted] == tweets
    assert posted[0].in_reply_to_tweet_id is None
    assert [tweet.in_reply_to_tweet_id for tweet in posted[1:]] == [tweet.id for tweet in posted[:-1]]
    assert [tweet.tweet_id for tweet in publication.tweets.order_by("position")] == [tweet.id for tweet in posted]


def test_a_worker_posts_the_chain_in_order(job_workers: Workers, bob, connected, x):
    job_workers.start(env=worker_env(x))
    thread = make_thread(bob, 5)

    publication = wait_for(job_workers, services.publication_create(user=bob, thread=thread, at=None), "published")

    assert_posted_once_as_a_chain(x, thread.tweets, publication)
    assert x.tweet_calls == 5


def test_two_workers_racing_for_one_publication_post_each_tweet_once(job_workers: Workers, bob, connected, x):
    job_workers.start(2, concurrency=3, env=worker_env(x))
    thread = make_thread(bob, 6)
    publication = services.publication_create(user=bob, thread=thread, at=None)
    for _ in range(5):  # extra jobs for the same publication, as lost-job sweeps and retries would leave
        jobs.defer(publication_step, publication_id=publication.pk)

    wait_for(job_workers, publication, "published")
    job_workers.drain()

    assert_posted_once_as_a_chain(x, thread.tweets, publication)
    assert x.tweet_calls == 6


def test_a_worker_killed_after_x_took_tweet_3_of_7_resumes_at_4_without_reposting(
    job_workers: Workers, bob, connected, x
):
    (worker,) = job_workers.start(env=worker_env(x))
    thread = make_thread(bob, 7)

    def kill_at_the_third(tweet: Any) -> None:
        if len(x.posted(x.user)) == 3:
            job_workers.kill(worker)  # X has tweet 3; the worker never hears back or saves its id

    x.on_tweet = kill_at_the_third
    publication = services.publication_create(user=bob, thread=thread, at=None)
    job_workers.wait_until(lambda: worker.poll() is not None, "the worker to be killed")
    publication.refresh_from_db()
    assert publication.tweets.filter(status="posted").count() == 2

    job_workers.start(env=worker_env(x))
    wait_for(job_workers, publication, "published")

    assert_posted_once_as_a_chain(x, thread.tweets, publication)
    assert x.tweet_calls == 7
    assert x.calls("GET", f"/2/users/{x.user.id}/tweets") == 1  # tweet 3 was looked up, then adopted


def test_a_timeout_after_x_took_the_tweet_posts_nothing_twice(job_workers: Workers, bob, connected, x):
    job_workers.start(env=worker_env(x))
    thread = make_thread(bob, 4)
    x.on_tweet = None
    x.accept_then_hang(times=2)  # tweets 1 and 2 are stored, and their answers never come

    publication = wait_for(job_workers, services.publication_create(user=bob, thread=thread, at=None), "published")

    assert_posted_once_as_a_chain(x, thread.tweets, publication)
    assert x.tweet_calls == 4


def test_a_scheduled_publication_posts_within_a_minute_of_its_time(job_workers: Workers, bob, connected, x, settings):
    settings.PUBLISH_MIN_LEAD_SECONDS = 2
    job_workers.start(env=worker_env(x))
    thread = make_thread(bob, 2)
    at = timezone.now() + timedelta(seconds=3)

    publication = services.publication_create(user=bob, thread=thread, at=at)
    assert publication.status == "scheduled"
    wait_for(job_workers, publication, "published", timeout=90)

    first = x.posted(x.user)[0]
    assert at <= first.created_at < at + timedelta(minutes=1)
    assert_posted_once_as_a_chain(x, thread.tweets, publication)
