"""Delete from X: the API and the queue page ask, the runner deletes the chain from X last tweet first, and a
deleted chain is never resumed. Steps run in this process here; test_delete_from_x_workers.py runs real workers."""

from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone

from publishing import runner, services
from publishing.models import Publication
from tests.fakes.x_server import FakeX
from tests.publishing.conftest import drive, logged_in, make_thread, publish_now


def published(user, fake: FakeX, count: int = 3, *, title: str = "How we cut build times") -> Publication:
    publication = publish_now(user, make_thread(user, count, title=title))
    drive(publication)
    assert publication.status == "published"
    return publication


def drive_deletion(publication: Publication, *, steps: int = 50) -> list[runner.Step]:
    """Run its steps as workers would take them, ignoring the times they ask to wait, until it stops deleting."""
    taken = []
    for _ in range(steps):
        taken.append(runner.publication_step(publication_id=publication.pk))
        publication.refresh_from_db()
        if publication.status != "deleting":
            break
    return taken


def statuses(publication: Publication) -> list[str]:
    return list(publication.tweets.order_by("position").values_list("status", flat=True))


def delete_from_x(client, publication: Publication):
    return client.post(f"/api/v1/publications/{publication.pk}/delete-from-x")


# --- The API ------------------------------------------------------------------------------------------------


def test_it_answers_202_deleting_and_the_runner_deletes_the_chain_last_tweet_first(bob, connected, x):
    publication = published(bob, x, 3)
    ids = [tweet.id for tweet in x.posted(x.user)]
    client = logged_in(bob)

    response = delete_from_x(client, publication)

    assert response.status_code == 202
    assert response.json()["status"] == "deleting"
    assert x.deleted_ids() == []  # the queue deletes, not the request
    drive_deletion(publication)
    assert x.deleted_ids() == ids[::-1]
    assert x.posted(x.user) == []
    body = client.get(f"/api/v1/publications/{publication.pk}").json()
    assert body["status"] == "deleted"
    assert body["finished_at"] is not None
    assert [(tweet["status"], tweet["url"]) for tweet in body["tweets"]] == [("deleted", None)] * 3


def test_someone_elses_publication_is_404(bob, connected, x, mallory):
    publication = published(bob, x, 2)

    assert delete_from_x(logged_in(mallory), publication).status_code == 404
    assert logged_in(mallory).get(f"/app/queue/{publication.pk}/delete-from-x/").status_code == 404
    assert logged_in(mallory).post(f"/app/queue/{publication.pk}/delete-from-x/").status_code == 404
    assert len(x.posted(x.user)) == 2


def test_a_scheduled_publication_is_409_with_the_publication(bob, connected, x):
    thread = make_thread(bob)
    scheduled = services.publication_create(user=bob, thread=thread, at=timezone.now() + timedelta(days=1))

    response = delete_from_x(logged_in(bob), scheduled)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "publication_conflict"
    assert response.json()["error"]["publication"]["status"] == "scheduled"
    assert "Only a published or failed publication with tweets on X" in response.json()["error"]["message"]


def test_a_deleted_or_deleting_one_is_409(bob, connected, x):
    publication = published(bob, x, 2)
    client = logged_in(bob)
    delete_from_x(client, publication)

    assert delete_from_x(client, publication).status_code == 409
    drive_deletion(publication)
    assert delete_from_x(client, publication).status_code == 409


def test_a_failed_one_with_nothing_on_x_is_409(bob, connected, x):
    publication = publish_now(bob, make_thread(bob, 2))
    x.fail_tweets(400)
    drive(publication)
    assert publication.status == "failed"

    assert delete_from_x(logged_in(bob), publication).status_code == 409


def test_without_a_client_id_it_answers_503(bob, settings):
    settings.X_CLIENT_ID = ""

    response = logged_in(bob).post("/api/v1/publications/1/delete-from-x")

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "publishing_unavailable"


def test_it_needs_a_working_x_connection_but_not_premium(bob, connected, x):
    publication = published(bob, x, 2)
    bob.premium_until = timezone.now() - timedelta(days=1)
    bob.save()
    connected.status = "reconnect_needed"
    connected.save()
    client = logged_in(bob)

    refused = delete_from_x(client, publication)
    connected.status = "connected"
    connected.save()
    accepted = delete_from_x(client, publication)

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "x_not_connected"
    assert accepted.status_code == 202


def test_the_schema_names_the_endpoint_and_the_new_statuses(bob, x):
    schema = logged_in(bob).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    operation = schema["paths"]["/api/v1/publications/{id}/delete-from-x"]["post"]
    assert set(operation["responses"]) >= {"202", "409", "503"}
    text = json.dumps(schema["components"]["schemas"])
    assert '"deleting"' in text
    assert '"deleted"' in text


# --- What X answers -----------------------------------------------------------------------------------------


def test_a_failed_publication_is_deleted_too_and_then_never_retried(bob, connected, x):
    publication = publish_now(bob, make_thread(bob, 3))
    drive(publication, steps=1)  # tweet 1 posted
    x.fail_tweets(400)
    drive(publication)  # tweet 2 refused
    assert statuses(publication) == ["posted", "failed", "pending"]

    services.publication_delete_from_x(publication=publication)
    drive_deletion(publication)

    assert publication.status == "deleted"
    assert statuses(publication) == ["deleted", "failed", "pending"]
    retried = logged_in(bob).post(f"/api/v1/publications/{publication.pk}/retry")
    assert retried.status_code == 409


def test_a_refusal_part_way_stops_and_retry_is_refused_so_nothing_is_reposted(bob, connected, x):
    publication = publish_now(bob, make_thread(bob, 4))
    drive(publication, steps=3)  # tweets 1-3 posted
    x.fail_tweets(400)
    drive(publication)  # tweet 4 refused
    assert publication.status == "failed"
    services.publication_delete_from_x(publication=publication)
    drive_deletion(publication, steps=1)  # tweet 3 deleted
    x.fail_deletes(403, detail="You are not allowed to delete this Tweet.")

    drive_deletion(publication)

    assert publication.status == "failed"
    assert publication.error_code == "x_delete_failed"
    assert publication.error_message == "X refused to delete tweet 2: You are not allowed to delete this Tweet."
    assert statuses(publication) == ["posted", "posted", "deleted", "failed"]
    assert len(x.posted(x.user)) == 2
    retried = logged_in(bob).post(f"/api/v1/publications/{publication.pk}/retry")
    assert retried.status_code == 409
    assert retried.json()["error"]["code"] == "publication_deleted_from_x"
    assert "deleted from X, so it can't be resumed" in retried.json()["error"]["message"]
    assert x.tweet_calls == 4


def test_a_rate_limit_comes_back_at_its_reset_without_waiting_in_the_worker(bob, connected, x):
    publication = published(bob, x, 2)
    services.publication_delete_from_x(publication=publication)
    x.rate_limit_deletes(reset_in=120)

    (step,) = drive_deletion(publication, steps=1)

    assert publication.status == "deleting"
    assert step.next_at is not None
    assert timedelta(seconds=100) < step.next_at - timezone.now() <= timedelta(seconds=121)
    assert publication.next_run_at == step.next_at
    assert statuses(publication) == ["posted", "posted"]
    drive_deletion(publication)
    assert publication.status == "deleted"


def test_a_refused_token_is_renewed_once_and_the_deletion_carries_on(bob, connected, x):
    publication = published(bob, x, 2)
    services.publication_delete_from_x(publication=publication)
    x.refuse_auth(1)

    drive_deletion(publication)

    assert publication.status == "deleted"
    assert x.calls("POST", "/2/oauth2/token") == 1
    assert x.posted(x.user) == []


def test_it_runs_while_posting_is_paused(bob, connected, x, settings):
    publication = published(bob, x, 2)
    settings.PUBLISHING_PAUSED = True
    services.publication_delete_from_x(publication=publication)

    drive_deletion(publication)

    assert publication.status == "deleted"
    assert x.posted(x.user) == []


def test_the_sweep_resumes_a_deletion_whose_job_was_lost(bob, connected, x):
    publication = published(bob, x, 2)
    services.publication_delete_from_x(publication=publication)

    assert publication.pk in runner.publications_due(now=timezone.now() + timedelta(seconds=1))


def test_deleting_gives_back_nothing_of_the_spend_ceiling(bob, connected, x, settings):
    settings.X_MONTHLY_SPEND_CEILING_USD = 0.02
    settings.X_PRICE_POST_USD = 0.01
    publication = published(bob, x, 2)
    services.publication_delete_from_x(publication=publication)
    drive_deletion(publication)

    second = publish_now(bob, make_thread(bob, 2, title="Another"))
    drive(second, steps=2)

    assert second.status == "publishing"  # X billed the deleted tweets: the month's ceiling is still reached
    assert x.tweet_calls == 2


def test_the_export_shows_what_was_deleted(bob, connected, x):
    publication = published(bob, x, 2)
    services.publication_delete_from_x(publication=publication)
    drive_deletion(publication)

    response = logged_in(bob).get("/accounts/settings/export/")
    data = json.loads(b"".join(response.streaming_content))

    assert data["publications"][0]["status"] == "deleted"
    assert [tweet["status"] for tweet in data["publications"][0]["tweets"]] == ["deleted", "deleted"]


# --- The queue page -----------------------------------------------------------------------------------------


def test_the_queue_page_asks_then_deletes_and_shows_the_outcome(bob, connected, x):
    publication = published(bob, x, 3, title="Shipped")
    first = x.posted(x.user)[0]
    client = logged_in(bob)
    confirm_url = f"/app/queue/{publication.pk}/delete-from-x/"
    queue = client.get("/app/queue/").content.decode()
    assert confirm_url in queue

    confirm = client.get(confirm_url).content.decode()
    assert "This deletes 3 tweets from X, last first. The thread stays in Threadr." in confirm
    assert x.deleted_ids() == []
    after = client.post(confirm_url, follow=True).content.decode()

    assert "Deleting “Shipped” from X, last tweet first." in after
    assert "Deleting from X…" in after
    assert confirm_url not in after
    drive_deletion(publication)
    done = client.get("/app/queue/").content.decode()
    assert "Deleted from X" in done
    assert f"/status/{first.id}" not in done
    assert x.posted(x.user) == []


def test_the_page_says_why_when_x_refuses(bob, connected, x):
    publication = published(bob, x, 2, title="Shipped")
    x.fail_deletes(403, detail="You are not allowed to delete this Tweet.")
    client = logged_in(bob)
    client.post(f"/app/queue/{publication.pk}/delete-from-x/")

    drive_deletion(publication)
    page = client.get("/app/queue/").content.decode()

    assert publication.status == "published"
    assert "X refused to delete tweet 2: You are not allowed to delete this Tweet." in page
    assert f"/app/queue/{publication.pk}/delete-from-x/" in page  # it may be pressed again


def test_a_scheduled_one_offers_no_deletion_and_its_page_sends_back_with_a_reason(bob, connected):
    scheduled = services.publication_create(user=bob, thread=make_thread(bob), at=timezone.now() + timedelta(days=1))
    client = logged_in(bob)

    assert f"/app/queue/{scheduled.pk}/delete-from-x/" not in client.get("/app/queue/").content.decode()
    page = client.get(f"/app/queue/{scheduled.pk}/delete-from-x/", follow=True).content.decode()
    refused = client.post(f"/app/queue/{scheduled.pk}/delete-from-x/", follow=True).content.decode()

    assert "Only a published or failed publication with tweets on X can be deleted from X." in page
    assert "Only a published or failed publication with tweets on X can be deleted from X." in refused
    assert Publication.objects.get(pk=scheduled.pk).status == "scheduled"
