"""The staff dashboard charts publications and X's estimated spend per day."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from publishing.models import Publication, PublishedTweet
from threadr.staff.figures import figures_for

NOW = datetime(2026, 3, 31, 18, 0, tzinfo=UTC)


def test_publications_and_spend_per_day_come_from_the_rows(bob, settings):
    settings.X_PRICE_POST_USD = 0.01
    settings.X_PRICE_POST_WITH_URL_USD = 0.13
    settings.X_PRICE_READ_USD = 0.005
    day = datetime(2026, 3, 20, 9, tzinfo=UTC)
    publication = Publication.objects.create(user=bob, title="T", scheduled_for=day, created_at=day, reads=2)
    for position, has_url in enumerate([True, False, False], start=1):
        PublishedTweet.objects.create(
            publication=publication, position=position, text="t", has_url=has_url, status="posted", posted_at=day
        )
    PublishedTweet.objects.create(publication=publication, position=4, text="t", status="pending")

    figures = figures_for(now=NOW)

    index = figures.days.index(day.date())
    assert figures.publications[index] == 1
    assert figures.x_spend_cents[index] == 16  # 13 + 1 + 1 + 2 reads at half a cent
    assert sum(figures.publications) == 1


def test_the_dashboard_draws_both_charts(bob, client):
    from tests.conftest import make_user

    staff = make_user("ops@example.com", is_staff=True)
    client.force_login(staff)

    with time_machine.travel(NOW, tick=False):
        html = client.get("/staff/").content.decode()

    assert ">Publications to X per day</title>" in html
    assert ">Estimated X spend per day</title>" in html
