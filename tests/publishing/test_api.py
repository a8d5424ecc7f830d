"""The publishing API: publish now or at a time, the queue, cancel, retry and the scheduled copy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from billing.models import Plan, Subscription
from publishing.models import Publication
from tests.publishing.conftest import connect, drive, logged_in, make_thread


def publish(client, thread, at=None):
    return client.post(f"/api/v1/threads/{thread.pk}/publications", {"at": at}, content_type="application/json")


def in_minutes(minutes: float, offset_hours: int = 0) -> str:
    zone = timezone.get_fixed_timezone(offset_hours * 60)
    return (datetime.now(tz=UTC) + timedelta(minutes=minutes)).astimezone(zone).isoformat()


def test_publishing_now_answers_201_with_the_publication(bob, connected, x):
    thread = make_thread(bob, 3)

    response = publish(logged_in(bob), thread)

    body = response.json()
    assert response.status_code == 201
    assert body["status"] == "publishing"
    assert [(tweet["position"], tweet["status"], tweet["tweet_id"], tweet["url"]) for tweet in body["tweets"]] == [
        (1, "pending", None, None),
        (2, "pending", None, None),
        (3, "pending", None, None),
    ]
    assert x.tweet_calls == 0  # the worker posts, not the request


def test_a_scheduled_publication_keeps_its_moment_whatever_the_offset(bob, connected):
    at = in_minutes(30, offset_hours=2)

    body = publish(logged_in(bob), make_thread(bob), at).json()

    assert body["status"] == "scheduled"
    assert datetime.fromisoformat(body["scheduled_for"]) == datetime.fromisoformat(at)


@pytest.mark.parametrize(
    ("at", "message"),
    [
        # Times relative to now are worked out when the test runs, not when it is collected (with pytest-xdist every
        # worker collects, and their tests must have the same names).
        pytest.param(lambda: in_minutes(0.5), "at least 1 minute ahead", id="half a minute ahead"),
        pytest.param(lambda: in_minutes(91 * 24 * 60), "within the next 90 days", id="91 days ahead"),
        ("2026-05-01T09:30:00", "needs an offset"),
        ("next tuesday", "ISO 8601"),
        (12, "ISO 8601"),
    ],
)
def test_a_bad_time_is_refused_with_a_reason(bob, connected, at, message):
    response = publish(logged_in(bob), make_thread(bob), at() if callable(at) else at)

    assert response.status_code == 400
    assert message in response.json()["error"]["message"]
    assert not Publication.objects.exists()


def test_a_second_publication_of_a_live_thread_answers_409_with_the_first(bob, connected):
    thread = make_thread(bob)
    client = logged_in(bob)
    first = publish(client, thread, in_minutes(10)).json()

    response = publish(client, thread)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "publication_exists"
    assert response.json()["error"]["publication"]["id"] == first["id"]


def test_someone_elses_thread_and_publication_are_404(bob, connected, mallory):
    thread = make_thread(bob)
    publication = publish(logged_in(bob), thread, in_minutes(10)).json()
    attacker = logged_in(mallory)

    assert publish(attacker, thread).status_code == 404
    assert attacker.get(f"/api/v1/publications/{publication['id']}").status_code == 404
    assert attacker.delete(f"/api/v1/publications/{publication['id']}").status_code == 404
    assert attacker.post(f"/api/v1/publications/{publication['id']}/retry").status_code == 404
    assert attacker.get("/api/v1/publications").json()["results"] == []


def test_free_users_are_asked_to_upgrade(alice, x):
    connect(alice, x)

    response = publish(logged_in(alice), make_thread(alice))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "premium_required"


def test_the_monthly_cap_of_a_pass_is_402_with_the_count(bob, connected, settings):
    settings.PUBLISH_MONTHLY_LIMIT_PASS = 1
    client = logged_in(bob)
    publish(client, make_thread(bob, title="One"), in_minutes(10))

    response = publish(client, make_thread(bob, title="Two"), in_minutes(10))

    assert response.status_code == 402
    assert response.json()["error"] | {"message": ""} == {
        "code": "publish_limit_reached",
        "message": "",
        "used": 1,
        "limit": 1,
    }


def test_a_subscription_has_its_own_cap(bob, connected, settings):
    settings.PUBLISH_MONTHLY_LIMIT_PASS = 0
    settings.PUBLISH_MONTHLY_LIMIT_SUBSCRIPTION = 5
    plan = Plan.objects.filter(kind=Plan.Kind.SUBSCRIPTION).first()
    Subscription.objects.create(user=bob, plan=plan, stripe_subscription_id="sub_1", status="active")

    assert publish(logged_in(bob), make_thread(bob), in_minutes(10)).status_code == 201


def test_without_a_connected_x_account_it_says_to_connect(bob, x):
    response = publish(logged_in(bob), make_thread(bob))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "x_not_connected"


def test_without_a_client_id_every_endpoint_answers_503(bob, settings):
    settings.X_CLIENT_ID = ""
    client = logged_in(bob)
    thread = make_thread(bob)

    answers = [
        publish(client, thread),
        client.get("/api/v1/publications"),
        client.get("/api/v1/publications/1"),
        client.delete("/api/v1/publications/1"),
        client.post("/api/v1/publications/1/retry"),
    ]

    assert {response.status_code for response in answers} == {503}
    assert {response.json()["error"]["code"] for response in answers} == {"publishing_unavailable"}


def test_cancelling_a_scheduled_one_works_and_a_started_one_is_409(bob, connected):
    client = logged_in(bob)
    scheduled = publish(client, make_thread(bob, title="Later"), in_minutes(10)).json()
    started = publish(client, make_thread(bob, title="Now")).json()

    cancelled = client.delete(f"/api/v1/publications/{scheduled['id']}")
    refused = client.delete(f"/api/v1/publications/{started['id']}")

    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert refused.status_code == 409
    assert refused.json()["error"]["publication"]["status"] == "publishing"


def test_the_list_filters_by_status_and_pages(bob, connected, django_assert_max_num_queries):
    client = logged_in(bob)
    for number in range(3):
        publish(client, make_thread(bob, title=f"Later {number}"), in_minutes(10))
    publish(client, make_thread(bob, title="Now"))

    with django_assert_max_num_queries(8):
        scheduled = client.get("/api/v1/publications?status=scheduled&page_size=2").json()

    assert scheduled["count"] == 3
    assert len(scheduled["results"]) == 2
    assert {item["status"] for item in scheduled["results"]} == {"scheduled"}
    assert client.get("/api/v1/publications?status=lost").status_code == 400


def test_retry_resumes_a_failed_one_and_refuses_others(bob, connected, x):
    client = logged_in(bob)
    thread = make_thread(bob, 2)
    created = publish(client, thread).json()
    x.fail_tweets(400)
    drive(Publication.objects.get(pk=created["id"]))

    retried = client.post(f"/api/v1/publications/{created['id']}/retry")
    again = client.post(f"/api/v1/publications/{created['id']}/retry")

    assert retried.status_code == 200
    assert retried.json()["status"] == "publishing"
    assert again.status_code == 409
    drive(Publication.objects.get(pk=created["id"]))
    assert [tweet.submitted for tweet in x.posted(x.user)] == thread.tweets


def test_the_scheduled_copy_changes_only_when_asked(bob, connected):
    client = logged_in(bob)
    thread = make_thread(bob, 2)
    created = publish(client, thread, in_minutes(10)).json()
    thread.set_tweets(["A new first tweet.", "A new second tweet.", "And a third."])
    thread.save()

    before = client.get(f"/api/v1/publications/{created['id']}").json()
    updated = client.post(f"/api/v1/publications/{created['id']}/update-copy").json()

    assert [tweet["text"] for tweet in before["tweets"]] == [tweet["text"] for tweet in created["tweets"]]
    assert [tweet["text"] for tweet in updated["tweets"]] == thread.tweets


def test_the_schema_documents_the_publishing_api(client):
    schema = client.get("/api/schema/", headers={"Accept": "application/json"}).content.decode()

    for path in ("/api/v1/threads/{id}/publications", "/api/v1/publications", "/api/v1/publications/{id}/retry"):
        assert path in schema
