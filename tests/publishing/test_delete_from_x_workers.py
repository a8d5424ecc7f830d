"""Delete from X on real worker processes against the fake X: the chain goes last tweet first, a tweet already gone
counts as deleted, X being down part-way costs a backoff and nothing twice, and a refusal stops with X's words."""

from __future__ import annotations

from typing import Any

import pytest

from publishing import services
from publishing.models import Publication
from tests.fakes.x_server import FakeX
from tests.jobs.workers import Workers
from tests.publishing.conftest import drive, make_thread, publish_now
from tests.publishing.test_workers import wait_for, worker_env

pytestmark = pytest.mark.django_db(transaction=True)


def published_chain(user: Any, fake: FakeX, count: int) -> tuple[Publication, list[str]]:
    """A chain posted in this process (no spacing), and its X ids in order."""
    publication = publish_now(user, make_thread(user, count))
    drive(publication)
    assert publication.status == "published"
    return publication, [tweet.id for tweet in fake.posted(fake.user)]


def statuses(publication: Publication) -> list[str]:
    return list(publication.tweets.order_by("position").values_list("status", flat=True))


def on_delete_number(fake: FakeX, number: int, act: Any) -> None:
    """Call `act()` as the `number`th delete request arrives, before it is answered."""
    seen = []

    def hook(method: str, path: str) -> None:
        if method == "DELETE":
            seen.append(path)
            if len(seen) == number:
                act()

    fake.on_request = hook


def test_a_worker_deletes_a_seven_tweet_chain_last_tweet_first(job_workers: Workers, bob, connected, x):
    publication, ids = published_chain(bob, x, 7)
    job_workers.start(env=worker_env(x))

    services.publication_delete_from_x(publication=publication)
    wait_for(job_workers, publication, "deleted")

    assert x.deleted_ids() == ids[::-1]
    assert x.posted(x.user) == []
    assert statuses(publication) == ["deleted"] * 7
    assert publication.finished_at is not None
    assert x.tweet_calls == 7  # nothing was posted again


def test_a_tweet_already_gone_from_x_counts_as_deleted(job_workers: Workers, bob, connected, x):
    publication, ids = published_chain(bob, x, 4)
    with x.lock:
        x.posts.delete(x.user.id, ids[1])  # the person deleted tweet 2 on X themselves
    job_workers.start(env=worker_env(x))

    services.publication_delete_from_x(publication=publication)
    wait_for(job_workers, publication, "deleted")

    assert x.deleted_ids() == ids[::-1]
    assert statuses(publication) == ["deleted"] * 4
    assert publication.error_code == ""


def test_x_down_part_way_resumes_after_a_backoff_deleting_nothing_twice(job_workers: Workers, bob, connected, x):
    publication, ids = published_chain(bob, x, 5)
    on_delete_number(x, 3, lambda: x.fail_deletes(503))  # tweet 3's first delete meets a 503
    job_workers.start(env=worker_env(x))

    services.publication_delete_from_x(publication=publication)
    wait_for(job_workers, publication, "deleted")

    assert x.deleted_ids() == [ids[4], ids[3], ids[2], ids[2], ids[1], ids[0]]
    assert x.posted(x.user) == []
    assert statuses(publication) == ["deleted"] * 5


def test_a_refusal_stops_with_xs_words_and_keeps_the_rest_posted(job_workers: Workers, bob, connected, x):
    publication, ids = published_chain(bob, x, 7)
    refusal = "You are not allowed to delete this Tweet."
    on_delete_number(x, 3, lambda: x.fail_deletes(403, detail=refusal))
    job_workers.start(env=worker_env(x))

    services.publication_delete_from_x(publication=publication)
    job_workers.wait_until(lambda: x.deleted_ids()[2:3] == [ids[4]], "the refused delete")
    wait_for(job_workers, publication, "published")

    assert publication.error_code == "x_delete_failed"
    assert publication.error_message == f"X refused to delete tweet 5: {refusal}"
    assert statuses(publication) == ["posted"] * 5 + ["deleted"] * 2
    assert [tweet.id for tweet in x.posted(x.user)] == ids[:5]

    services.publication_delete_from_x(publication=publication)  # pressed again, X now agrees
    wait_for(job_workers, publication, "deleted")

    assert x.deleted_ids() == [ids[6], ids[5], ids[4], ids[4], ids[3], ids[2], ids[1], ids[0]]
    assert x.posted(x.user) == []
