"""Publishing's writes: linking and unlinking an X account, keeping its tokens fresh, making, cancelling, retrying
and updating publications, and deleting their tweets from X. The posting itself is `publishing.runner`, the deleting
`publishing.deletion`."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from accounts.services import user_x_handle_confirm, user_x_handle_unverify
from generator import xtext
from generator.models import Thread
from publishing import links, selectors, x_client
from publishing.crypto import TokenUnreadable
from publishing.errors import (
    PremiumRequired,
    PublicationConflict,
    PublishingUnavailable,
    PublishInputInvalid,
    PublishLimitReached,
    XAccountTaken,
    XNotConnected,
)
from publishing.models import Publication, PublishedTweet, XAccount
from publishing.queue import publication_wake
from threadr.lib.urls import absolute_reverse

logger = logging.getLogger(__name__)

# An access token this close to its end is renewed before use rather than sent to fail.
EXPIRY_MARGIN = timedelta(minutes=2)


# --- The X account ------------------------------------------------------------------------------------------


@transaction.atomic
def x_account_connect(*, user: User, tokens: x_client.Tokens, x_user: x_client.XUser) -> XAccount:
    """Link (or relink) the user's X account with a fresh token pair. One X account per Threadr account, and one
    Threadr account per X account: the handle Threadr shows as verified is then the person's own."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    if XAccount.objects.filter(x_user_id=x_user.id).exclude(user=user).exists():
        raise XAccountTaken(f"@{x_user.username} is linked to another Threadr account. Disconnect it there first.")
    account = XAccount.objects.filter(user=user).first() or XAccount(user=user)
    if account.pk is not None:  # relinking: the pair it replaces is revoked once the new one is saved
        transaction.on_commit(partial(_revoke_all, _readable_tokens(account)))
    account.x_user_id, account.username = x_user.id, x_user.username
    account.status = XAccount.Status.CONNECTED
    account.set_tokens(
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_at=tokens.expires_at,
        scope=tokens.scope,
    )
    account.connected_at = timezone.now()
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError:  # another Threadr account linked it at the same moment
        raise XAccountTaken(f"@{x_user.username} is linked to another Threadr account.") from None
    user_x_handle_confirm(user=user, handle=x_user.username)  # shared threads show it as verified
    return account


def x_account_disconnect(*, user: User) -> bool:
    """Delete the tokens here and revoke them at X once that is committed (best effort: a token X no longer knows is
    as good as revoked, and nothing waits on X's answer inside a transaction)."""
    with transaction.atomic():
        account = XAccount.objects.select_for_update().filter(user=user).first()
        if account is None:
            return False
        tokens = _readable_tokens(account)
        account.delete()
        user_x_handle_unverify(user=user)
        transaction.on_commit(partial(_revoke_all, tokens))
    return True


def _revoke_all(tokens: list[tuple[str, str]]) -> None:
    for token, hint in tokens:
        x_client.revoke(token=token, hint=hint)


def _readable_tokens(account: XAccount) -> list[tuple[str, str]]:
    """The tokens to revoke, refresh first (revoking it ends the whole grant at X), skipping any no key can read."""
    found = []
    for attribute, hint in (("refresh_token", "refresh_token"), ("access_token", "access_token")):
        try:
            token = getattr(account, attribute)
        except TokenUnreadable:  # written with a key since removed: it cannot be revoked, and goes with the row
            continue
        if token:
            found.append((token, hint))
    return found


def x_account_access_token(*, user_id: int, rejected: str | None = None, now: datetime | None = None) -> str:
    """A working access token for the user's X account, renewed first if it has expired or X refused it
    (`rejected`: the token a 401 came back for).

    Refresh tokens are single use, so the renewal happens under the account's row lock and the new pair is
    committed before anyone uses it: a second worker waiting on the lock finds the new pair and uses it, never
    spending the old refresh token again. A refused renewal marks the account "reconnect needed" and emails the
    owner; `XNotConnected` is raised then and whenever the account is not usable.
    """
    now = now or timezone.now()
    refused: x_client.RefreshRefused | None = None
    with transaction.atomic():
        account = XAccount.objects.select_for_update().select_related("user").filter(user_id=user_id).first()
        if account is None:
            raise XNotConnected("Connect your X account in your account settings first.")
        if account.status != XAccount.Status.CONNECTED:
            raise XNotConnected("Your X connection needs renewing: reconnect X in your account settings.")
        token = account.access_token
        fresh = account.access_expires_at > now + EXPIRY_MARGIN
        if fresh and token != rejected:
            return token
        try:
            renewed = x_client.refresh(refresh_token=account.refresh_token, now=now)
        except x_client.RefreshRefused as error:
            refused = error
            _reconnect_needed(account)
        else:
            account.set_tokens(
                access_token=renewed.access_token,
                refresh_token=renewed.refresh_token or account.refresh_token,
                expires_at=renewed.expires_at,
                scope=renewed.scope or account.scope,
            )
            account.refreshed_at = now
            account.save()
    if refused is not None:
        raise XNotConnected("X refused to renew access: reconnect X in your account settings.") from refused
    return renewed.access_token


def x_account_mark_reconnect_needed(*, user_id: int) -> None:
    with transaction.atomic():
        account = XAccount.objects.select_for_update().select_related("user").filter(user_id=user_id).first()
        if account is not None and account.status == XAccount.Status.CONNECTED:
            _reconnect_needed(account)


def _reconnect_needed(account: XAccount) -> None:
    """Mark the account and tell its owner, once (the mail goes out with this transaction, through the outbox)."""
    account.status = XAccount.Status.RECONNECT_NEEDED
    account.save(update_fields=["status"])
    context = {"username": account.username, "settings_url": absolute_reverse("account_settings")}
    send_mail(
        "Reconnect your X account to keep publishing",
        render_to_string("publishing/email/reconnect_needed.txt", context),
        None,
        [account.user.email],
    )


# --- Publications -------------------------------------------------------------------------------------------


def _tweets_of(thread: Thread, *, link_last: bool = False) -> list[str]:
    tweets = [str(text).strip() for text in thread.tweets]
    if not tweets or any(not text for text in tweets):
        raise PublishInputInvalid("This thread has an empty tweet. Fill it in or remove it before publishing.")
    if link_last and thread.source_url:
        tweets = links.link_moved_last(tweets, thread.source_url)
    for position, text in enumerate(tweets, start=1):
        if not xtext.is_valid(text):
            raise PublishInputInvalid(f"Tweet {position} is too long for X. Shorten it before publishing.")
    return tweets


def _check_may_publish(*, user: User, now: datetime) -> None:
    if not selectors.publishing_available():
        raise PublishingUnavailable()
    allowance = selectors.publish_allowance_for(user=user, now=now)
    if not allowance.premium:
        raise PremiumRequired("Publishing to X is a premium feature. Upgrade to publish threads from Threadr.")
    if allowance.left <= 0:
        raise PublishLimitReached(
            f"You have published {allowance.used} threads this month, your plan's limit. "
            "It resets on the first of the month (UTC).",
            used=allowance.used,
            limit=allowance.limit,
        )
    account = selectors.x_account_for_user(user=user)
    if account is None:
        raise XNotConnected("Connect your X account in your account settings first.")
    if account.status != XAccount.Status.CONNECTED:
        raise XNotConnected("Your X connection needs renewing: reconnect X in your account settings.")


def _check_time(at: datetime, now: datetime) -> None:
    if at < now + timedelta(seconds=settings.PUBLISH_MIN_LEAD_SECONDS):
        minutes = max(1, settings.PUBLISH_MIN_LEAD_SECONDS // 60)
        raise PublishInputInvalid(f"Pick a time at least {minutes} minute{'s' if minutes != 1 else ''} ahead.")
    if at > now + timedelta(days=settings.PUBLISH_MAX_AHEAD_DAYS):
        raise PublishInputInvalid(f"Pick a time within the next {settings.PUBLISH_MAX_AHEAD_DAYS} days.")


def _copy_tweets(publication: Publication, tweets: list[str]) -> None:
    PublishedTweet.objects.bulk_create(
        PublishedTweet(publication=publication, position=position, text=text, has_url=bool(xtext.find_urls(text)))
        for position, text in enumerate(tweets, start=1)
    )


def publication_create(
    *, user: User, thread: Thread, at: datetime | None, link_last: bool = False, now: datetime | None = None
) -> Publication:
    """Publish `thread` now (`at` None: its job is queued in this transaction) or at `at`, from a copy of its tweets
    taken now (`link_last`: with its source link moved to the last tweet). A thread with a live publication is
    refused with 409 and that publication."""
    now = now or timezone.now()
    _check_may_publish(user=user, now=now)
    if at is not None:
        _check_time(at, now)
    tweets = _tweets_of(thread, link_last=link_last)
    account = selectors.x_account_for_user(user=user)
    assert account is not None  # checked above
    try:
        with transaction.atomic():
            # The thread's row lock: the retention policy passes over a thread being given a publication.
            if not Thread.objects.select_for_update().filter(pk=thread.pk).exists():
                raise Http404("No such thread.")
            publication = Publication.objects.create(
                user=user,
                thread=thread,
                title=thread.title[:200],
                status=Publication.Status.SCHEDULED if at else Publication.Status.PUBLISHING,
                scheduled_for=at or now,
                next_run_at=at or now,
                x_username=account.username,
                link_last=link_last,
            )
            _copy_tweets(publication, tweets)
            if at is None:
                publication_wake(publication_id=publication.pk)
    except IntegrityError:
        live = selectors.publication_live_for_thread(thread_id=thread.pk)
        if live is None:
            raise
        raise PublicationConflict(
            "This thread is already scheduled or publishing.", publication=live, code="publication_exists"
        ) from None
    return selectors.publication_get_for_user(user=user, pk=publication.pk)


def _locked(publication: Publication) -> Publication:
    return Publication.objects.select_for_update().get(pk=publication.pk)


def publication_cancel(*, publication: Publication) -> Publication:
    """Cancel one that has not started; once a tweet may be on X, it runs its course (or fails, then retry)."""
    with transaction.atomic():
        locked = _locked(publication)
        if locked.status != Publication.Status.SCHEDULED:
            raise PublicationConflict(
                "Only a publication that has not started can be cancelled.", publication=publication
            )
        locked.status = Publication.Status.CANCELLED
        locked.finished_at = timezone.now()
        locked.next_run_at = None
        locked.save(update_fields=["status", "finished_at", "next_run_at"])
    return selectors.publication_get_for_user(user=publication.user, pk=publication.pk)


def publication_retry(*, publication: Publication, now: datetime | None = None) -> Publication:
    """Resume a failed publication from its first unposted tweet. A tweet whose fate was unknown is looked up on
    X before it is sent again."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(publication)
        if locked.status != Publication.Status.FAILED:
            raise PublicationConflict("Only a failed publication can be retried.", publication=publication)
        _check_nothing_deleted(locked)
        _check_x_usable(user=publication.user, then="retry")
        locked.tweets.exclude(status=PublishedTweet.Status.POSTED).update(
            status=PublishedTweet.Status.PENDING, attempts=0, error_message="", sending_since=None
        )
        locked.status = Publication.Status.PUBLISHING
        locked.error_code = locked.error_message = ""
        locked.finished_at = None
        locked.next_run_at = now
        locked.save(update_fields=["status", "error_code", "error_message", "finished_at", "next_run_at"])
        publication_wake(publication_id=locked.pk)
    return selectors.publication_get_for_user(user=publication.user, pk=publication.pk)


def _check_x_usable(*, user: User, then: str) -> None:
    """Work on what the month already counted (a retry, a start now, deleting from X) needs X and a working account,
    not a free slot. `then` finishes the message: what to do once X is reconnected."""
    if not selectors.publishing_available():
        raise PublishingUnavailable()
    account = selectors.x_account_for_user(user=user)
    if account is None or account.status != XAccount.Status.CONNECTED:
        raise XNotConnected(f"Reconnect your X account in your account settings, then {then}.")


def publication_update_copy(*, publication: Publication) -> Publication:
    """ "Update the scheduled copy": take the thread's tweets as they are now, while nothing has been sent."""
    with transaction.atomic():
        locked = _locked(publication)
        if locked.status != Publication.Status.SCHEDULED or locked.thread is None:
            raise PublicationConflict("Only a scheduled publication's copy can be updated.", publication=publication)
        tweets = _tweets_of(locked.thread, link_last=locked.link_last)
        locked.tweets.all().delete()
        _copy_tweets(locked, tweets)
        locked.title = locked.thread.title[:200]
        locked.save(update_fields=["title"])
    return selectors.publication_get_for_user(user=publication.user, pk=publication.pk)


def publication_reschedule(
    *, publication: Publication, at: datetime | None, now: datetime | None = None
) -> Publication:
    """Move a scheduled publication to another moment (the same rules as a new one), or start it now (`at` None).
    A job already waiting for the old moment finds the new one on the row and waits again."""
    now = now or timezone.now()
    if at is not None:
        _check_time(at, now)
    with transaction.atomic():
        locked = _locked(publication)
        if locked.status != Publication.Status.SCHEDULED:
            raise PublicationConflict("Only a publication that has not started can be rescheduled.", publication=locked)
        if at is None:
            _check_x_usable(user=publication.user, then="start it")
            locked.status = Publication.Status.PUBLISHING
        locked.scheduled_for = locked.next_run_at = at or now
        locked.save(update_fields=["status", "scheduled_for", "next_run_at"])
        if at is None:
            publication_wake(publication_id=locked.pk)
    return selectors.publication_get_for_user(user=publication.user, pk=publication.pk)


def publications_cancel_all_for_user(*, user: User) -> int:
    """Account deletion: nothing more is posted for this person (a publication mid-send stops before its next tweet)."""
    return Publication.objects.filter(user=user, status__in=Publication.LIVE_STATUSES).update(
        status=Publication.Status.CANCELLED, finished_at=timezone.now(), next_run_at=None
    )


# --- Deleting from X ----------------------------------------------------------------------------------------


def publication_delete_from_x(*, publication: Publication, now: datetime | None = None) -> Publication:
    """Delete from X: queue the deletion of a published (or failed part-way) chain's tweets from X, last first
    (`publishing.deletion` does it on the job queue). The thread and this record stay in Threadr. Neither premium nor
    a free monthly slot is needed to take one's own posts down, only a working X connection."""
    now = now or timezone.now()
    if not selectors.publishing_available():
        raise PublishingUnavailable()
    with transaction.atomic():
        locked = _locked(publication)
        if not locked.can_delete_from_x:
            raise PublicationConflict(
                "Only a published or failed publication with tweets on X can be deleted from X.",
                publication=publication,
            )
        _check_x_usable(user=publication.user, then="delete from X")
        locked.status = Publication.Status.DELETING
        locked.error_code = locked.error_message = ""
        locked.next_run_at = now
        locked.save(update_fields=["status", "error_code", "error_message", "next_run_at"])
        publication_wake(publication_id=locked.pk)
    return selectors.publication_get_for_user(user=publication.user, pk=publication.pk)


def _check_nothing_deleted(publication: Publication) -> None:
    """A retry would post the chain's missing tweets as replies to ones deleted from X: never."""
    if publication.tweets.filter(status=PublishedTweet.Status.DELETED).exists():
        raise PublicationConflict(
            "Some of this publication's tweets were deleted from X, so it can't be resumed. Publish the thread again.",
            publication=publication,
            code="publication_deleted_from_x",
        )
