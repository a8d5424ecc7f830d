"""Posting a publication, one tweet per step. A step is a job: it posts the next tweet and says when the next step
should run (the spacing, a rate limit's reset, a backoff), so no worker ever sleeps.

What makes it safe to crash, retry and run on many workers at once:

- A step takes the X account's row lock, then the publication's, to claim the next tweet, so one account's steps
  run one at a time and its publications never interleave (`XAccount.busy_with`).
- The claim marks the tweet `sending_since` and commits before the request leaves. A later step that finds the mark
  knows X may have the tweet: it looks it up among the account's recent posts before sending again.
- Each tweet's X id is committed before the next tweet is claimed: after a crash the next step starts at the first
  tweet without one.
- An outcome that may have posted (a 5xx, a timeout after sending, a duplicate-content 403) is looked up; a match
  must have this tweet's text, be created after its first attempt began and reply to the previous tweet. Not found:
  it is sent again (X's duplicate check is the backstop), and after MAX_ATTEMPTS it is marked `unknown` for the
  person to decide.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import mail_admins, send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from generator import xtext
from publishing import selectors, services, x_client
from publishing.errors import XNotConnected
from publishing.models import Publication, PublishedTweet, PublishingPause, XAccount
from threadr.lib.urls import absolute_reverse

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# X's clock and ours may differ by a little; a tweet created this much before the first attempt still counts.
CLOCK_SKEW = timedelta(seconds=5)
# A publication waiting for another one of the same account looks again this often, in case the wake-up is lost.
WAITING_RECHECK = timedelta(minutes=1)


def in_flight() -> timedelta:
    """How long a step may be sending one tweet (a refresh, a lookup, the post, each within X_TIMEOUT per phase).
    A mark older than this was left by a worker that died."""
    return timedelta(seconds=6 * settings.X_TIMEOUT + 2)


def backoff(tries: int) -> timedelta:
    return timedelta(seconds=min(5 * 2 ** max(0, tries - 1), 300))


@dataclass(frozen=True)
class Step:
    next_at: datetime | None = None  # run the publication's next step then
    wake: tuple[int, ...] = ()  # the account's other publications, free to go now


@dataclass(frozen=True)
class Claim:
    publication: Publication
    tweet: PublishedTweet
    previous_id: str | None
    x_user_id: str


def publication_step(*, publication_id: int, now: datetime | None = None) -> Step:
    now = now or timezone.now()
    head = Publication.objects.filter(pk=publication_id).values("user_id", "status").first()
    if head is not None and head["status"] == Publication.Status.DELETING:
        from publishing import deletion  # built on this module's steps and timings

        return deletion.publication_delete_step(publication_id=publication_id, now=now)
    if head is None or head["status"] not in Publication.LIVE_STATUSES:
        return Step()
    paused = selectors.paused_until(now=now)
    if paused is not None:
        Publication.objects.filter(pk=publication_id).update(next_run_at=paused)
        return Step(next_at=paused)
    claim = _claim(publication_id=publication_id, user_id=head["user_id"], now=now)
    if isinstance(claim, Step):
        return claim
    return _send(claim, now=now)


@transaction.atomic
def _claim(*, publication_id: int, user_id: int, now: datetime) -> Claim | Step:
    account = XAccount.objects.select_for_update().filter(user_id=user_id).first()
    publication = Publication.objects.select_for_update().get(pk=publication_id)
    if publication.status not in Publication.LIVE_STATUSES:
        return Step()
    if publication.status == Publication.Status.SCHEDULED and publication.scheduled_for > now:
        return Step(next_at=publication.scheduled_for)
    if account is None or account.status != XAccount.Status.CONNECTED:
        return _fail(publication, account, code="x_reconnect_needed", message="Reconnect X, then retry.", now=now)
    busy_with = account.busy_with_id
    if busy_with is not None and busy_with != publication.pk and _still_publishing(busy_with):
        publication.next_run_at = now + WAITING_RECHECK
        publication.save(update_fields=["next_run_at"])
        return Step()
    if account.busy_with_id != publication.pk:
        account.busy_with = publication
        account.save(update_fields=["busy_with"])
    if publication.status == Publication.Status.SCHEDULED:
        publication.status = Publication.Status.PUBLISHING
    publication.started_at = publication.started_at or now
    tweets = list(publication.tweets.order_by("position"))
    pending = next((tweet for tweet in tweets if tweet.status != PublishedTweet.Status.POSTED), None)
    if pending is None:
        return _finish(publication, account, now=now)
    if pending.status != PublishedTweet.Status.PENDING:
        return _fail(publication, account, code="x_tweet_unsent", message=pending.error_message, now=now)
    posted = [tweet for tweet in tweets if tweet.status == PublishedTweet.Status.POSTED]
    last_posted = max((tweet.posted_at for tweet in posted if tweet.posted_at), default=None)
    spacing = timedelta(seconds=settings.PUBLISH_SPACING_SECONDS)
    if last_posted is not None and last_posted + spacing > now:
        return _later(publication, last_posted + spacing)
    if pending.sending_since is not None:
        if pending.sending_since + in_flight() > now:
            # Another step is sending it; that step schedules the next one.
            publication.next_run_at = pending.sending_since + in_flight()
            publication.save(update_fields=["next_run_at", "status", "started_at"])
            return Step()
        pending.may_exist = True  # a step died while sending it: X may have it
    pending.sending_since = now
    pending.first_attempt_at = pending.first_attempt_at or now
    pending.save(update_fields=["sending_since", "first_attempt_at", "may_exist"])
    publication.next_run_at = now + in_flight()
    publication.save(update_fields=["next_run_at", "status", "started_at"])
    previous_id = posted[-1].tweet_id if posted and pending.position > 1 else None
    return Claim(publication=publication, tweet=pending, previous_id=previous_id, x_user_id=account.x_user_id)


def _still_publishing(publication_id: int) -> bool:
    return Publication.objects.filter(pk=publication_id, status=Publication.Status.PUBLISHING).exists()


def _later(publication: Publication, at: datetime) -> Step:
    publication.next_run_at = at
    publication.save(update_fields=["next_run_at", "status", "started_at"])
    return Step(next_at=at)


def _send(claim: Claim, *, now: datetime) -> Step:
    publication, tweet = claim.publication, claim.tweet
    try:
        token = services.x_account_access_token(user_id=publication.user_id, now=now)
        if tweet.may_exist:
            found = _lookup(claim, token=token)
            if found is not None:
                return _posted(claim, found, now=now)
            if tweet.attempts >= MAX_ATTEMPTS:
                return _unknown(claim, now=now)
        outcome = x_client.post_tweet(access_token=token, text=tweet.text, reply_to=claim.previous_id)
        if isinstance(outcome, x_client.Unauthorized):
            # The token may have been revoked or expired early: renew it once and send again.
            token = services.x_account_access_token(user_id=publication.user_id, rejected=token, now=now)
            outcome = x_client.post_tweet(access_token=token, text=tweet.text, reply_to=claim.previous_id)
            if isinstance(outcome, x_client.Unauthorized):
                services.x_account_mark_reconnect_needed(user_id=publication.user_id)
                return _stop(claim, code="x_reconnect_needed", message="X refused our access: reconnect X.", now=now)
        return _outcome(claim, outcome, token=token, now=now)
    except XNotConnected as error:
        return _stop(claim, code="x_reconnect_needed", message=error.message, now=now)
    except x_client.XUnavailable as error:
        # Nothing was decided (a refresh or a lookup could not be made); the tweet keeps what it knew.
        logger.warning("X unavailable for publication %s: %s", publication.pk, error.message)
        return _release(claim, tries=tweet.unsent_tries + 1, now=now)


def _outcome(claim: Claim, outcome: x_client.PostOutcome, *, token: str, now: datetime) -> Step:
    tweet = claim.tweet
    if isinstance(outcome, x_client.Posted):
        return _posted(claim, outcome.tweet_id, now=now)
    if isinstance(outcome, x_client.NotSent):
        return _release(claim, tries=tweet.unsent_tries + 1, now=now)
    if isinstance(outcome, x_client.RateLimited):
        if outcome.app_cap_spent:
            _pause(until=outcome.reset_at)
        PublishedTweet.objects.filter(pk=tweet.pk).update(sending_since=None)
        return _later_fresh(claim.publication, outcome.reset_at)
    if isinstance(outcome, x_client.MaybePosted):
        tweet.attempts += 1
        tweet.may_exist = True
        PublishedTweet.objects.filter(pk=tweet.pk).update(attempts=tweet.attempts, may_exist=True)
        try:
            found = _lookup(claim, token=token)
        except x_client.XUnavailable:
            found = None
        if found is not None:
            return _posted(claim, found, now=now)
        if tweet.attempts >= MAX_ATTEMPTS:
            return _unknown(claim, now=now, duplicate=outcome.duplicate)
        return _release(claim, tries=tweet.attempts, now=now)
    message = outcome.message if isinstance(outcome, x_client.Rejected | x_client.Unauthorized) else ""
    return _stop(claim, code="x_rejected", message=f"X refused tweet {tweet.position}: {message}", now=now)


def same_text(ours: str, theirs: str) -> bool:
    """Whether a post on X is this tweet: X wraps links in t.co and may normalise spaces, so links and whitespace
    are compared as placeholders."""
    return _comparable(ours) == _comparable(theirs)


def _comparable(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    for start, end in reversed(xtext.find_urls(text)):
        text = f"{text[:start]}\x00{text[end:]}"
    return re.sub(r"\s+", " ", text).strip()


def _lookup(claim: Claim, *, token: str) -> str | None:
    tweet = claim.tweet
    assert tweet.first_attempt_at is not None
    since = tweet.first_attempt_at - CLOCK_SKEW
    Publication.objects.filter(pk=claim.publication.pk).update(reads=F("reads") + 1)
    for candidate in x_client.recent_tweets(access_token=token, user_id=claim.x_user_id, since=since):
        if (
            candidate.created_at >= since
            and candidate.replied_to == claim.previous_id
            and same_text(tweet.text, candidate.text)
        ):
            return candidate.id
    return None


def _posted(claim: Claim, tweet_id: str, *, now: datetime) -> Step:
    """Save the id before anything else happens; then the next tweet after the spacing, or the end."""
    tweet = claim.tweet
    posted_at = timezone.now()
    with transaction.atomic():
        PublishedTweet.objects.filter(pk=tweet.pk).update(
            status=PublishedTweet.Status.POSTED,
            tweet_id=tweet_id,
            posted_at=posted_at,
            sending_since=None,
            may_exist=False,
            unsent_tries=0,
            error_message="",
        )
        remaining = claim.publication.tweets.exclude(status=PublishedTweet.Status.POSTED).exists()
        if remaining:
            at = posted_at + timedelta(seconds=settings.PUBLISH_SPACING_SECONDS)
            Publication.objects.filter(pk=claim.publication.pk).update(next_run_at=at)
            return Step(next_at=at)
    return _finish_fresh(claim.publication.pk, now=now)


def _release(claim: Claim, *, tries: int, now: datetime) -> Step:
    """Nothing was posted as far as we know: clear the mark and come back after a backoff."""
    at = timezone.now() + backoff(tries)
    unsent = claim.tweet.unsent_tries + (0 if claim.tweet.may_exist else 1)
    PublishedTweet.objects.filter(pk=claim.tweet.pk).update(sending_since=None, unsent_tries=unsent)
    return _later_fresh(claim.publication, at)


def _later_fresh(publication: Publication, at: datetime) -> Step:
    Publication.objects.filter(pk=publication.pk, status=Publication.Status.PUBLISHING).update(next_run_at=at)
    return Step(next_at=at)


def _unknown(claim: Claim, *, now: datetime, duplicate: bool = False) -> Step:
    position = claim.tweet.position
    message = (
        f"We could not tell whether tweet {position} reached X. Check your profile on X, then retry "
        "(it is looked up again first) or cancel."
    )
    if duplicate:
        # Not found among this publication's posts, yet X has the text: most likely from an earlier post.
        message = (
            f"X refused tweet {position} as a duplicate: the same text is already on your profile, most likely "
            "from an earlier post. Delete that post on X and retry, or edit the thread and publish it again."
        )
    PublishedTweet.objects.filter(pk=claim.tweet.pk).update(
        status=PublishedTweet.Status.UNKNOWN, sending_since=None, error_message=message[:500]
    )
    return _stop(claim, code="x_tweet_unknown", message=message, now=now, tweet_status=None)


def _stop(
    claim: Claim, *, code: str, message: str, now: datetime, tweet_status: str | None = PublishedTweet.Status.FAILED
) -> Step:
    """The tweet could not be posted: the publication stops here for the person to retry or cancel."""
    with transaction.atomic():
        account = XAccount.objects.select_for_update().filter(user_id=claim.publication.user_id).first()
        publication = Publication.objects.select_for_update().get(pk=claim.publication.pk)
        changes: dict[str, object] = {"sending_since": None}
        if tweet_status is not None:
            changes.update(status=tweet_status, error_message=message[:500])
        PublishedTweet.objects.filter(pk=claim.tweet.pk).update(**changes)
        if publication.status not in Publication.LIVE_STATUSES:
            return Step()
        return _fail(publication, account, code=code, message=message, now=now)


def _fail(publication: Publication, account: XAccount | None, *, code: str, message: str, now: datetime) -> Step:
    publication.status = Publication.Status.FAILED
    publication.error_code, publication.error_message = code, message[:500]
    publication.finished_at, publication.next_run_at = now, None
    publication.save(update_fields=["status", "error_code", "error_message", "finished_at", "next_run_at"])
    _notify(publication, template="publication_failed")
    return Step(wake=_release_account(account, publication))


def _finish_fresh(publication_id: int, *, now: datetime) -> Step:
    with transaction.atomic():
        user_id = Publication.objects.filter(pk=publication_id).values_list("user_id", flat=True).first()
        if user_id is None:
            return Step()
        account = XAccount.objects.select_for_update().filter(user_id=user_id).first()
        publication = Publication.objects.select_for_update().filter(pk=publication_id).first()
        if publication is None or publication.status != Publication.Status.PUBLISHING:
            return Step()
        return _finish(publication, account, now=now)


def _finish(publication: Publication, account: XAccount | None, *, now: datetime) -> Step:
    publication.status = Publication.Status.PUBLISHED
    publication.finished_at, publication.next_run_at = now, None
    publication.save(update_fields=["status", "finished_at", "next_run_at", "started_at"])
    _notify(publication, template="publication_published")
    return Step(wake=_release_account(account, publication))


def _release_account(account: XAccount | None, publication: Publication) -> tuple[int, ...]:
    """Free the account for its next publication, and name the ones waiting (due now) so they are woken."""
    if account is None:
        return ()
    if account.busy_with_id == publication.pk:
        account.busy_with = None
        account.save(update_fields=["busy_with"])
    waiting = Publication.objects.filter(
        user_id=publication.user_id, status__in=Publication.LIVE_STATUSES, next_run_at__isnull=False
    ).exclude(pk=publication.pk)
    return tuple(waiting.filter(next_run_at__lte=timezone.now() + WAITING_RECHECK).values_list("pk", flat=True))


def _notify(publication: Publication, *, template: str) -> None:
    user = publication.user
    first = publication.tweets.filter(position=1).first()
    context = {
        "publication": publication,
        "first_url": first.url(publication.x_username) if first else "",
        "queue_url": absolute_reverse("publishing-queue"),
    }
    subject = {
        "publication_published": f"Your thread is on X: {publication.title}",
        "publication_failed": f"Your thread could not be published: {publication.title}",
    }[template]
    send_mail(subject[:200], render_to_string(f"publishing/email/{template}.txt", context), None, [user.email])


def _pause(*, until: datetime) -> None:
    """X says the app's daily cap is spent: nothing can post until its reset. Pause the queue and tell staff."""
    if PublishingPause.objects.filter(until__gte=until).exists():
        return
    reason = "X's daily post cap for the app is spent."
    PublishingPause.objects.create(until=until, reason=reason)
    logger.error("Publishing paused until %s: %s", until.isoformat(), reason)  # Sentry and the logs, without ADMINS
    mail_admins("Publishing paused", f"{reason} The queue resumes at {until:%Y-%m-%d %H:%M} UTC.")


def publications_due(*, now: datetime | None = None) -> list[int]:
    """The sweep's list: scheduled publications whose time has come, and publishing or deleting ones whose next step
    is due (their job was lost: a worker died, or the queue was cleared)."""
    now = now or timezone.now()
    due = Publication.objects.filter(status__in=Publication.WORKING_STATUSES, next_run_at__lte=now)
    return list(due.order_by("next_run_at").values_list("pk", flat=True)[:500])
