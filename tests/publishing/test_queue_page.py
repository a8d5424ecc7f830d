"""The queue page lists the person's publications with links to each posted tweet, and cancels or retries."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from publishing import services
from publishing.models import Publication
from tests.publishing.conftest import drive, logged_in, make_thread, publish_now


def test_it_lists_publications_with_links_to_posted_tweets(bob, connected, x, django_assert_max_num_queries):
    publication = publish_now(bob, make_thread(bob, 2, title="Shipped"))
    drive(publication)
    services.publication_create(user=bob, thread=make_thread(bob, title="Later"), at=timezone.now() + timedelta(days=1))
    client = logged_in(bob)

    with django_assert_max_num_queries(12):
        page = client.get("/app/queue/").content.decode()

    first = x.posted(x.user)[0]
    assert f"https://x.com/threadr_writer/status/{first.id}" in page
    assert "Shipped" in page
    assert "Later" in page


def test_a_scheduled_one_is_cancelled_from_the_page(bob, connected):
    publication = services.publication_create(user=bob, thread=make_thread(bob), at=timezone.now() + timedelta(days=1))

    page = logged_in(bob).post(f"/app/queue/{publication.pk}/cancel/", follow=True).content.decode()

    assert "is cancelled. Nothing was posted." in page
    assert Publication.objects.get(pk=publication.pk).status == "cancelled"


def test_a_failed_one_is_retried_from_the_page(bob, connected, x):
    publication = publish_now(bob, make_thread(bob, 2))
    x.fail_tweets(400)
    drive(publication)

    page = logged_in(bob).post(f"/app/queue/{publication.pk}/retry/", follow=True).content.decode()

    assert "carries on from its first unposted tweet" in page
    assert Publication.objects.get(pk=publication.pk).status == "publishing"


def test_someone_elses_publication_is_404(bob, connected, mallory):
    publication = publish_now(bob, make_thread(bob))

    assert logged_in(mallory).post(f"/app/queue/{publication.pk}/cancel/").status_code == 404
    assert "How we cut build times" not in logged_in(mallory).get("/app/queue/").content.decode()
