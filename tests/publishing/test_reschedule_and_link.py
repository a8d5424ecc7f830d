"""Rescheduling a publication that has not started (API and queue page, in the profile's time zone), and the
publish dialog's offer to carry the article's link in the last tweet only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from generator.models import Thread
from publishing import links
from publishing.models import Publication
from tests.publishing.conftest import drive, logged_in, make_thread
from tests.publishing.test_api import in_minutes, publish

URL = "https://blog.example.com/build-times"


def linked_thread(owner, *, hook_link: str = f"\n\n{URL}") -> Thread:
    thread = Thread(owner=owner, title="How we cut build times", engine="local", source_url=URL)
    thread.set_tweets(
        [
            f"We cut our build times by 70%. Here is how.{hook_link}",
            "First, we cached dependencies between runs.",
            "Then we split the test suite across machines.",
        ]
    )
    thread.save()
    return thread


# --- Rescheduling ------------------------------------------------------------------------------------------


def test_a_scheduled_publication_moves_to_a_new_moment(bob, connected):
    client = logged_in(bob)
    created = publish(client, make_thread(bob), in_minutes(30)).json()
    later = in_minutes(24 * 60, offset_hours=-5)

    response = client.patch(f"/api/v1/publications/{created['id']}", {"at": later}, content_type="application/json")

    assert response.status_code == 200
    assert response.json()["status"] == "scheduled"
    assert datetime.fromisoformat(response.json()["scheduled_for"]) == datetime.fromisoformat(later)
    assert Publication.objects.get(pk=created["id"]).next_run_at == datetime.fromisoformat(later)


def test_rescheduling_to_now_starts_it(bob, connected, x):
    client = logged_in(bob)
    thread = make_thread(bob, 2)
    created = publish(client, thread, in_minutes(30)).json()

    response = client.patch(f"/api/v1/publications/{created['id']}", {"at": None}, content_type="application/json")

    assert response.json()["status"] == "publishing"
    drive(Publication.objects.get(pk=created["id"]))
    assert [tweet.submitted for tweet in x.posted(x.user)] == thread.tweets


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"at": in_minutes(0.5)}, "at least 1 minute ahead"),
        ({"at": in_minutes(91 * 24 * 60)}, "within the next 90 days"),
        ({"at": "tomorrow"}, "ISO 8601"),
        ({}, "Send 'at'"),
    ],
)
def test_a_bad_new_time_is_refused_and_the_old_one_kept(bob, connected, body, message):
    client = logged_in(bob)
    created = publish(client, make_thread(bob), in_minutes(30)).json()

    response = client.patch(f"/api/v1/publications/{created['id']}", body, content_type="application/json")

    assert response.status_code == 400
    assert message in response.json()["error"]["message"]
    assert Publication.objects.get(pk=created["id"]).scheduled_for == datetime.fromisoformat(created["scheduled_for"])


def test_only_one_not_yet_started_is_rescheduled_and_only_by_its_owner(bob, connected, mallory):
    client = logged_in(bob)
    started = publish(client, make_thread(bob, title="Now")).json()
    scheduled = publish(client, make_thread(bob, title="Later"), in_minutes(30)).json()
    body = {"at": in_minutes(60)}

    refused = client.patch(f"/api/v1/publications/{started['id']}", body, content_type="application/json")
    stranger = logged_in(mallory).patch(
        f"/api/v1/publications/{scheduled['id']}", body, content_type="application/json"
    )

    assert refused.status_code == 409
    assert refused.json()["error"]["publication"]["status"] == "publishing"
    assert stranger.status_code == 404
    assert (
        logged_in(mallory).post(f"/app/queue/{scheduled['id']}/reschedule/", {"at": "2030-01-01T09:00"}).status_code
        == 404
    )


def test_the_queue_page_shows_and_takes_times_in_the_profiles_zone(bob, connected):
    bob.time_zone = "America/New_York"
    bob.save(update_fields=["time_zone"])
    client = logged_in(bob)
    created = publish(client, make_thread(bob, title="Later"), in_minutes(30)).json()
    new_york = ZoneInfo("America/New_York")
    tomorrow = (
        (timezone.now() + timedelta(days=1)).astimezone(new_york).replace(hour=9, minute=30, second=0, microsecond=0)
    )
    page = client.get("/app/queue/").content.decode()
    shown = datetime.fromisoformat(created["scheduled_for"]).astimezone(new_york)

    assert "Times are in your time zone, America/New_York." in page
    assert f'value="{shown:%Y-%m-%dT%H:%M}"' in page  # the reschedule field starts at the current moment

    after = client.post(
        f"/app/queue/{created['id']}/reschedule/", {"at": f"{tomorrow:%Y-%m-%dT%H:%M}"}, follow=True
    ).content.decode()

    assert f"is rescheduled to {tomorrow:%-d %b %Y}, 09:30 (America/New_York)." in after
    assert Publication.objects.get(pk=created["id"]).scheduled_for == tomorrow.astimezone(UTC)


def test_the_queue_page_says_why_a_new_time_is_refused(bob, connected):
    client = logged_in(bob)
    created = publish(client, make_thread(bob), in_minutes(30)).json()
    past = (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")  # UTC: the profile has no zone yet

    page = client.post(f"/app/queue/{created['id']}/reschedule/", {"at": past}, follow=True).content.decode()
    blank = client.post(f"/app/queue/{created['id']}/reschedule/", {"at": ""}, follow=True).content.decode()

    assert "Pick a time at least 1 minute ahead." in page
    assert "Pick a date and time to reschedule it to." in blank
    assert Publication.objects.get(pk=created["id"]).scheduled_for == datetime.fromisoformat(created["scheduled_for"])


# --- The source link in the last tweet ---------------------------------------------------------------------


def test_the_source_link_is_posted_in_the_last_tweet_only_when_asked(bob, connected, x):
    thread = linked_thread(bob)
    client = logged_in(bob)

    body = client.post(
        f"/api/v1/threads/{thread.pk}/publications", {"at": None, "link_last": True}, content_type="application/json"
    ).json()
    drive(Publication.objects.get(pk=body["id"]))

    assert body["link_last"] is True
    assert [tweet.submitted for tweet in x.posted(x.user)] == [
        "We cut our build times by 70%. Here is how.",
        "First, we cached dependencies between runs.",
        f"Then we split the test suite across machines.\n\n{URL}",
    ]
    assert [tweet.has_url for tweet in Publication.objects.get(pk=body["id"]).tweets.order_by("position")] == [
        False,
        False,
        True,
    ]
    assert Thread.objects.get(pk=thread.pk).tweets[0].endswith(URL)  # the thread itself is left as written


def test_without_the_choice_the_tweets_go_as_written(bob, connected):
    thread = linked_thread(bob)

    body = publish(logged_in(bob), thread).json()

    assert [tweet["text"] for tweet in body["tweets"]] == thread.tweets
    assert body["link_last"] is False


def test_updating_the_scheduled_copy_keeps_the_choice(bob, connected):
    thread = linked_thread(bob)
    client = logged_in(bob)
    created = client.post(
        f"/api/v1/threads/{thread.pk}/publications",
        {"at": in_minutes(30), "link_last": True},
        content_type="application/json",
    ).json()
    thread.set_tweets([f"A sharper hook.\n\n{URL}", *thread.tweets[1:]])
    thread.save()

    updated = client.post(f"/api/v1/publications/{created['id']}/update-copy").json()

    assert updated["tweets"][0]["text"] == "A sharper hook."
    assert updated["tweets"][-1]["text"].endswith(URL)


def test_link_last_must_be_a_boolean(bob, connected):
    thread = linked_thread(bob)

    response = logged_in(bob).post(
        f"/api/v1/threads/{thread.pk}/publications", {"at": None, "link_last": "yes"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert "'link_last' must be true or false" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("tweets", "expected"),
    [
        # A lead-in line goes with the link; the tweet keeps its own words.
        (
            [f"Read the full article: {URL}\nIt is worth it.", "Last."],
            ["It is worth it.", f"Last.\n\n{URL}"],
        ),
        # A tweet that was only the link is dropped.
        ([f"🔗 {URL}", "Point.", "Last."], ["Point.", f"Last.\n\n{URL}"]),
        # Words around the link stay, with one space between them.
        ([f"See {URL} for the numbers.", "Last."], ["See for the numbers.", f"Last.\n\n{URL}"]),
        # A last tweet already carrying it is left alone.
        ([f"Hook {URL}", f"More at {URL}"], ["Hook", f"More at {URL}"]),
        # Other links stay where they are.
        ([f"Hook {URL} and https://other.example/x", "Last."], ["Hook and https://other.example/x", f"Last.\n\n{URL}"]),
        # A last tweet with no room gets the link in a tweet of its own.
        ([f"Hook {URL}", "x" * 270], ["Hook", "x" * 270, f"🔗 {URL}"]),
    ],
)
def test_moving_the_link_keeps_every_word_but_the_links_lead_in(tweets, expected):
    assert links.link_moved_last(tweets, URL) == expected


def test_nothing_to_move_when_only_the_last_tweet_links():
    tweets = ["Hook.", f"Last {URL}"]

    assert not links.can_move_last(tweets, URL)
    assert links.link_moved_last(tweets, URL) == tweets
