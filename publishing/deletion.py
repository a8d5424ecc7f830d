"""Deleting a posted chain from X at its owner's request, last tweet first, one tweet per step. The contract is
posting's (`publishing.runner`): the rows are the truth, a step says when the next one should run, no worker sleeps.

- "Delete from X" (`services.publication_delete_from_x`) marks the publication `deleting` and wakes it; the runner
  hands a `deleting` publication's steps to this module, and the sweep resumes one whose job was lost.
- A step locks the publication's row, takes its posted tweet with the highest position, marks it `sending_since`
  and commits before the request leaves; a step finding a fresh mark leaves the tweet to the step that set it. The
  tweet is saved as `deleted` before the next one is taken, so a tweet is never asked for twice once X said yes.
- X's answers: deleted, or already gone (200 with `deleted: false`, or 404), mark the tweet `deleted`; a 429 comes
  back at its reset; X unavailable comes back after a backoff (asking again is harmless: a tweet X deleted answers
  "already gone"); a 401 renews the token once. Any other refusal stops: the publication goes back to `published`
  when every tweet not deleted is still on X, else to `failed`, with `x_delete_failed` naming the tweet and X's
  words, and "Delete from X" may be pressed again.
- Deleting posts nothing (the estimated X bill counts no deletes) and takes down what the person wants gone, so it
  runs while posting is paused (the kill switch, X's daily post cap, the spend ceiling).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from publishing import services, x_client
from publishing.errors import XNotConnected
from publishing.models import Publication, PublishedTweet
from publishing.runner import Step, backoff, in_flight

logger = logging.getLogger(__name__)

FAILED_CODE = "x_delete_failed"


@dataclass(frozen=True)
class Claim:
    publication_id: int
    user_id: int
    tweet: PublishedTweet


def publication_delete_step(*, publication_id: int, now: datetime | None = None) -> Step:
    now = now or timezone.now()
    claim = _claim(publication_id=publication_id, now=now)
    if isinstance(claim, Step):
        return claim
    return _delete(claim, now=now)


@transaction.atomic
def _claim(*, publication_id: int, now: datetime) -> Claim | Step:
    publication = Publication.objects.select_for_update().filter(pk=publication_id).first()
    if publication is None or publication.status != Publication.Status.DELETING:
        return Step()
    tweet = publication.tweets.filter(status=PublishedTweet.Status.POSTED).order_by("-position").first()
    if tweet is None:
        return _done(publication, now=now)
    if tweet.sending_since is not None and tweet.sending_since + in_flight() > now:
        # Another step is deleting it; that step schedules the next one.
        publication.next_run_at = tweet.sending_since + in_flight()
        publication.save(update_fields=["next_run_at"])
        return Step()
    tweet.sending_since = now
    tweet.save(update_fields=["sending_since"])
    publication.next_run_at = now + in_flight()
    publication.save(update_fields=["next_run_at"])
    return Claim(publication_id=publication.pk, user_id=publication.user_id, tweet=tweet)


def _delete(claim: Claim, *, now: datetime) -> Step:
    tweet = claim.tweet
    try:
        token = services.x_account_access_token(user_id=claim.user_id, now=now)
        outcome = x_client.delete_tweet(access_token=token, tweet_id=tweet.tweet_id)
        if isinstance(outcome, x_client.Unauthorized):
            # The token may have been revoked or expired early: renew it once and ask again.
            token = services.x_account_access_token(user_id=claim.user_id, rejected=token, now=now)
            outcome = x_client.delete_tweet(access_token=token, tweet_id=tweet.tweet_id)
            if isinstance(outcome, x_client.Unauthorized):
                services.x_account_mark_reconnect_needed(user_id=claim.user_id)
                return _stop(claim, f"Tweet {tweet.position} was not deleted: X refused our access. Reconnect X.")
    except XNotConnected as error:
        return _stop(claim, f"Tweet {tweet.position} was not deleted: {error.message}")
    except x_client.XUnavailable as error:
        logger.warning("X unavailable deleting publication %s: %s", claim.publication_id, error.message)
        tries = tweet.unsent_tries + 1
        return _later(claim, at=timezone.now() + backoff(tries), tries=tries)
    if isinstance(outcome, x_client.Deleted):
        return _deleted(claim)
    if isinstance(outcome, x_client.RateLimited):
        return _later(claim, at=outcome.reset_at, tries=tweet.unsent_tries)
    return _stop(claim, f"X refused to delete tweet {tweet.position}: {outcome.message}")


def _deleted(claim: Claim) -> Step:
    """Save the tweet as deleted before anything else happens; then the next one at once, or the end."""
    now = timezone.now()
    with transaction.atomic():
        PublishedTweet.objects.filter(pk=claim.tweet.pk).update(
            status=PublishedTweet.Status.DELETED, sending_since=None, unsent_tries=0, error_message=""
        )
        publication = Publication.objects.select_for_update().filter(pk=claim.publication_id).first()
        if publication is None or publication.status != Publication.Status.DELETING:
            return Step()
        if publication.tweets.filter(status=PublishedTweet.Status.POSTED).exists():
            publication.next_run_at = now
            publication.save(update_fields=["next_run_at"])
            return Step(next_at=now)
        return _done(publication, now=now)


def _later(claim: Claim, *, at: datetime, tries: int) -> Step:
    """Nothing was decided: clear the mark and come back at `at`."""
    PublishedTweet.objects.filter(pk=claim.tweet.pk).update(sending_since=None, unsent_tries=tries)
    Publication.objects.filter(pk=claim.publication_id, status=Publication.Status.DELETING).update(next_run_at=at)
    return Step(next_at=at)


def _stop(claim: Claim, message: str) -> Step:
    """X would not delete the tweet: stop for the person to see why and press "Delete from X" again. What the
    publication was before (published, or failed part-way) shows in the tweets still waiting to be posted."""
    with transaction.atomic():
        PublishedTweet.objects.filter(pk=claim.tweet.pk).update(sending_since=None)
        publication = Publication.objects.select_for_update().filter(pk=claim.publication_id).first()
        if publication is None or publication.status != Publication.Status.DELETING:
            return Step()
        kept = publication.tweets.exclude(status=PublishedTweet.Status.DELETED)
        all_posted = not kept.exclude(status=PublishedTweet.Status.POSTED).exists()
        publication.status = Publication.Status.PUBLISHED if all_posted else Publication.Status.FAILED
        publication.error_code, publication.error_message = FAILED_CODE, message[:500]
        publication.next_run_at = None
        publication.save(update_fields=["status", "error_code", "error_message", "next_run_at"])
    logger.info("Deleting publication %s from X stopped: %s", claim.publication_id, message)
    return Step()


def _done(publication: Publication, *, now: datetime) -> Step:
    publication.status = Publication.Status.DELETED
    publication.error_code = publication.error_message = ""
    publication.finished_at, publication.next_run_at = now, None
    publication.save(update_fields=["status", "error_code", "error_message", "finished_at", "next_run_at"])
    return Step()
