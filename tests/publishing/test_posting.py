"""What reaches X when a publication runs, step by step in this process, whatever X answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from publishing import runner
from publishing.models import Publication, PublishedTweet, PublishingPause
from tests.publishing.conftest import drive, make_thread, publish_now


def tweets_of(publication: Publication) -> list[PublishedTweet]:
    return list(publication.tweets.order_by("position"))


def test_it_posts_the_thread_as_a_reply_chain_in_order(bob, connected, x, mailoutbox):
    thread = make_thread(bob, 4)
    publication = publish_now(bob, thread)

    drive(publication)

    posted = x.posted(x.user)
    assert [tweet.submitted for tweet in posted] == thread.tweets
    assert posted[0].in_reply_to_tweet_id is None
    assert [tweet.in_reply_to_tweet_id for tweet in posted[1:]] == [tweet.id for tweet in posted[:-1]]
    assert publication.status == "published"
    assert [tweet.tweet_id for tweet in tweets_of(publication)] == [tweet.id for tweet in posted]
    assert mailoutbox[-1].subject == f"Your thread is on X: {thread.title}"
    assert f"https://x.com/threadr_writer/status/{posted[0].id}" in mailoutbox[-1].body


def test_each_step_posts_one_tweet_and_asks_for_the_next_after_the_spacing(bob, connected, x, settings):
    settings.PUBLISH_SPACING_SECONDS = 2
    publication = publish_now(bob, make_thread(bob, 3))

    first = runner.publication_step(publication_id=publication.pk)
    early = runner.publication_step(publication_id=publication.pk)

    assert x.tweet_calls == 1
    assert first.next_at is not None
    assert (first.next_at - datetime.now(tz=UTC)).total_seconds() == pytest.approx(2, abs=0.5)
    assert early.next_at == first.next_at  # a step that comes too soon sends nothing and names the same time


def test_a_post_accepted_then_never_answered_is_found_and_not_sent_again(bob, connected, x):
    thread = make_thread(bob, 3)
    publication = publish_now(bob, thread)
    runner.publication_step(publication_id=publication.pk)
    x.accept_then_hang()

    drive(publication)

    assert [tweet.submitted for tweet in x.posted(x.user)] == thread.tweets
    assert x.tweet_calls == 3
    assert publication.status == "published"


def test_a_dropped_connection_after_sending_is_looked_up_before_any_resend(bob, connected, x):
    thread = make_thread(bob, 2)
    publication = publish_now(bob, thread)
    x.accept_then_drop()

    drive(publication)

    assert [tweet.submitted for tweet in x.posted(x.user)] == thread.tweets
    assert x.tweet_calls == 2
    assert x.calls("GET", f"/2/users/{x.user.id}/tweets") == 1


def test_a_server_error_that_stored_nothing_is_sent_again_after_a_lookup(bob, connected, x):
    thread = make_thread(bob, 2)
    publication = publish_now(bob, thread)
    x.fail_tweets(503)

    drive(publication)

    assert [tweet.submitted for tweet in x.posted(x.user)] == thread.tweets
    assert publication.status == "published"
    assert publication.tweets.get(position=1).attempts == 1


def test_a_request_that_never_left_is_retried_later_without_a_lookup(bob, connected, x, settings):
    publication = publish_now(bob, make_thread(bob, 2))
    settings.X_API_BASE = "http://127.0.0.1:1"  # X cannot be reached: the connection is refused

    step = runner.publication_step(publication_id=publication.pk)

    assert step.next_at is not None
    assert step.next_at > datetime.now(tz=UTC)
    first = publication.tweets.get(position=1)
    assert (first.status, first.attempts, first.may_exist, first.sending_since) == ("pending", 0, False, None)
    settings.X_API_BASE = x.base_url
    drive(publication)
    assert len(x.posted(x.user)) == 2
    assert x.calls("GET", f"/2/users/{x.user.id}/tweets") == 0


def test_three_unanswered_tries_mark_the_tweet_unknown_and_stop(bob, connected, x, mailoutbox):
    publication = publish_now(bob, make_thread(bob, 3))
    x.fail_tweets(500, times=3)

    drive(publication)

    first = publication.tweets.get(position=1)
    assert publication.status == "failed"
    assert publication.error_code == "x_tweet_unknown"
    assert first.status == "unknown"
    assert x.tweet_calls == 3
    assert publication.tweets.filter(status="pending").count() == 2
    assert mailoutbox[-1].subject.startswith("Your thread could not be published")


def test_a_duplicate_of_an_earlier_post_stops_and_says_so(bob, connected, x):
    thread = make_thread(bob, 3)
    earlier = x.posts.create(x.user.id, {"text": thread.tweets[0]})  # posted by hand an hour ago: a duplicate
    earlier.created_at -= timedelta(hours=1)
    publication = publish_now(bob, thread)

    drive(publication)

    assert publication.status == "failed"
    assert publication.error_code == "x_tweet_unknown"
    assert publication.error_message.startswith("X refused tweet 1 as a duplicate: the same text is already on your")
    assert len(x.posted(x.user)) == 1  # only the earlier post: nothing of this thread went out


def test_another_refusal_fails_the_tweet_with_xs_words_and_stops(bob, connected, x):
    thread = make_thread(bob, 3)
    publication = publish_now(bob, thread)
    runner.publication_step(publication_id=publication.pk)
    x.posts.delete(x.user.id, x.posted(x.user)[0].id)  # the first tweet is deleted on X: the reply is refused

    drive(publication)

    second = publication.tweets.get(position=2)
    assert publication.status == "failed"
    assert second.status == "failed"
    assert "deleted or not visible" in second.error_message
    assert x.tweet_calls == 2


def test_a_rate_limit_reschedules_at_the_latest_reset_without_sending_more(bob, connected, x):
    publication = publish_now(bob, make_thread(bob, 3))
    x.rate_limit_tweets(reset_in=60, user_24h_reset_in=600)

    step = runner.publication_step(publication_id=publication.pk)

    assert step.next_at is not None
    assert (step.next_at - datetime.now(tz=UTC)).total_seconds() == pytest.approx(600, abs=5)
    publication.refresh_from_db()
    assert publication.status == "publishing"
    assert publication.next_run_at == step.next_at
    assert publication.tweets.get(position=1).attempts == 0
    assert x.tweet_calls == 1


def test_the_apps_daily_cap_pauses_the_whole_queue_until_its_reset(bob, connected, x, mailoutbox, settings):
    settings.ADMINS = [("Ops", "ops@example.com")]
    publication = publish_now(bob, make_thread(bob, 2))
    x.rate_limit_tweets(reset_in=60, app_24h_reset_in=3600)

    runner.publication_step(publication_id=publication.pk)
    again = runner.publication_step(publication_id=publication.pk)

    pause = PublishingPause.objects.get()
    assert again.next_at == pause.until
    assert x.tweet_calls == 1
    assert any(mail.to == ["ops@example.com"] and "paused" in mail.subject.lower() for mail in mailoutbox)


def test_the_kill_switch_holds_every_publication_without_calling_x(bob, connected, x, settings):
    settings.PUBLISHING_PAUSED = True
    publication = publish_now(bob, make_thread(bob, 2))

    step = runner.publication_step(publication_id=publication.pk)

    assert step.next_at is not None
    assert x.tweet_calls == 0
    # It looks again at the next sweep, so lifting the switch shows within one.
    assert step.next_at <= timezone.now() + timedelta(seconds=settings.PUBLISH_SWEEP_SECONDS)
    settings.PUBLISHING_PAUSED = False
    drive(publication)
    assert x.tweet_calls == 2


def test_a_spend_ceiling_reached_pauses_publishing_until_next_month(bob, connected, x, settings):
    settings.X_MONTHLY_SPEND_CEILING_USD = 0.02
    settings.X_PRICE_POST_USD = 0.01
    publication = publish_now(bob, make_thread(bob, 4))

    drive(publication, steps=5)

    assert x.tweet_calls == 2
    publication.refresh_from_db()
    assert publication.status == "publishing"
    assert publication.next_run_at is not None
    assert publication.next_run_at.day == 1


def test_a_401_renews_the_token_once_and_carries_on(bob, connected, x):
    publication = publish_now(bob, make_thread(bob, 2))
    x.refuse_auth()

    drive(publication)

    assert publication.status == "published"
    assert len(x.tokens_of(x.user, "access")) == 2


def test_a_second_401_after_renewing_fails_with_reconnect(bob, connected, x, mailoutbox):
    publication = publish_now(bob, make_thread(bob, 2))
    x.refuse_auth(times=2)

    drive(publication)

    connected.refresh_from_db()
    assert publication.status == "failed"
    assert publication.error_code == "x_reconnect_needed"
    assert "reconnect" in publication.error_message.lower()
    assert connected.status == "reconnect_needed"
    assert x.posted(x.user) == []


def test_links_are_matched_through_tco_when_looking_a_post_up(bob, connected, x):
    thread = make_thread(bob, 2)
    thread.set_tweets(["Read the whole story at https://example.com/builds/fast today.", "2/2 That is all."])
    thread.save()
    publication = publish_now(bob, thread)
    x.accept_then_drop()

    drive(publication)

    assert [tweet.submitted for tweet in x.posted(x.user)] == thread.tweets
    assert x.tweet_calls == 2


def test_retry_resumes_from_the_first_unposted_tweet(bob, connected, x):
    from publishing import services

    thread = make_thread(bob, 4)
    publication = publish_now(bob, thread)
    runner.publication_step(publication_id=publication.pk)
    runner.publication_step(publication_id=publication.pk)
    x.fail_tweets(400)
    drive(publication)
    assert publication.status == "failed"

    services.publication_retry(publication=publication)
    drive(publication)

    assert [tweet.submitted for tweet in x.posted(x.user)] == thread.tweets
    assert publication.status == "published"
