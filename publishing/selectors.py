"""Publishing's reads: the owner-checking door to publications, the user's X account, what a user may publish and
whether the queue is paused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from billing.models import Subscription
from generator.selectors import quota_windows
from publishing import x_client
from publishing.models import Publication, PublishedTweet, PublishingPause, XAccount
from threadr.lib import jobs


def publishing_available() -> bool:
    """X is configured and the job queue is in PostgreSQL: each tweet is a job, and a job for later (the spacing, a
    rate limit's reset) needs the queue."""
    return x_client.configured() and jobs.queue_in_database()


def publishes_directly(*, user: User, now: datetime | None = None) -> bool:
    """Whether the editor offers "Publish to X" instead of the manual "Post on X" guide: publishing configured, a
    premium user and a working X connection. The monthly cap is left to the dialog, which says when it resets."""
    if not publishing_available() or not user.is_premium(now):
        return False
    return XAccount.objects.filter(user=user, status=XAccount.Status.CONNECTED).exists()


def x_account_for_user(*, user: User) -> XAccount | None:
    return XAccount.objects.filter(user=user).first()


def _with_tweets(publications: QuerySet[Publication]) -> QuerySet[Publication]:
    return publications.prefetch_related(Prefetch("tweets", queryset=PublishedTweet.objects.order_by("position")))


def publication_get_for_user(*, user: User, pk: int | str) -> Publication:
    """The only way views and the API load a publication by id: someone else's is a 404, like a missing one."""
    try:
        return _with_tweets(Publication.objects.filter(user=user)).get(pk=int(pk))
    except (Publication.DoesNotExist, ValueError, TypeError):
        raise Http404("No such publication.") from None


def publication_list_for_user(*, user: User, status: str = "") -> QuerySet[Publication]:
    publications = Publication.objects.filter(user=user)
    if status:
        publications = publications.filter(status=status)
    return _with_tweets(publications).order_by("-created_at", "-id")


def publication_live_for_thread(*, thread_id: int) -> Publication | None:
    return _with_tweets(Publication.objects.filter(thread_id=thread_id, status__in=Publication.LIVE_STATUSES)).first()


@dataclass(frozen=True)
class PublishAllowance:
    premium: bool
    used: int  # publications made this UTC month (cancelled ones do not count)
    limit: int
    resets_at: datetime

    @property
    def left(self) -> int:
        return max(0, self.limit - self.used)


def publish_allowance_for(*, user: User, now: datetime | None = None) -> PublishAllowance:
    """Publishing is premium; each plan has its monthly cap: a subscription's, else a pass's."""
    now = now or timezone.now()
    _, _, month_start, month_end = quota_windows(now)
    premium = user.is_premium(now)
    subscribed = Subscription.objects.filter(user=user, status__in=Subscription.ACCESS_STATUSES).exists()
    limit = 0
    if premium:
        limit = settings.PUBLISH_MONTHLY_LIMIT_SUBSCRIPTION if subscribed else settings.PUBLISH_MONTHLY_LIMIT_PASS
    used = (
        Publication.objects.filter(user=user, created_at__gte=month_start, created_at__lt=month_end)
        .exclude(status=Publication.Status.CANCELLED)
        .count()
    )
    return PublishAllowance(premium=premium, used=used, limit=limit, resets_at=month_end)


def estimated_spend_usd(*, since: datetime, until: datetime) -> float:
    """X's pay-per-use bill for posts and lookups in a window, at the configured prices."""
    posted = PublishedTweet.objects.filter(
        status__in=PublishedTweet.SENT_STATUSES, posted_at__gte=since, posted_at__lt=until
    )
    with_url = posted.filter(has_url=True).count()
    plain = posted.count() - with_url
    reads = Publication.objects.filter(created_at__gte=since, created_at__lt=until).aggregate(n=Sum("reads"))["n"] or 0
    return (
        plain * settings.X_PRICE_POST_USD
        + with_url * settings.X_PRICE_POST_WITH_URL_USD
        + reads * settings.X_PRICE_READ_USD
    )


def paused_until(*, now: datetime | None = None) -> datetime | None:
    """When the queue may post again, if it is paused: the kill switch (no end: until it is turned off), a pause X
    forced on the app (its daily cap), or this month's spend ceiling."""
    now = now or timezone.now()
    _, _, month_start, month_end = quota_windows(now)
    if settings.PUBLISHING_PAUSED:
        # The switch has no end of its own: waiting publications look again at every sweep, so turning it off (and
        # restarting) lets them carry on within one.
        return now + timedelta(seconds=settings.PUBLISH_SWEEP_SECONDS)
    pause = PublishingPause.objects.filter(until__gt=now).order_by("-until").first()
    if pause is not None:
        return pause.until
    ceiling = settings.X_MONTHLY_SPEND_CEILING_USD
    if ceiling and estimated_spend_usd(since=month_start, until=month_end) >= ceiling:
        return month_end
    return None


def x_account_for_export(*, user: User) -> dict[str, object] | None:
    """The linked X account as the data export shows it: who and since when, never a token."""
    fields = ("x_user_id", "username", "status", "scope", "connected_at", "refreshed_at")
    row = XAccount.objects.filter(user=user).values(*fields).first()
    return dict(row) if row is not None else None


def publications_for_export(*, user: User) -> list[dict[str, object]]:
    publications = _with_tweets(Publication.objects.filter(user=user)).order_by("created_at", "id")
    return [
        {
            "thread_id": publication.thread_id,
            "title": publication.title,
            "status": publication.status,
            "scheduled_for": publication.scheduled_for,
            "x_username": publication.x_username,
            "created_at": publication.created_at,
            "finished_at": publication.finished_at,
            "error_message": publication.error_message,
            "tweets": [
                {"position": tweet.position, "text": tweet.text, "status": tweet.status, "tweet_id": tweet.tweet_id}
                for tweet in publication.tweets.all()
            ],
        }
        for publication in publications
    ]


@dataclass(frozen=True)
class PublishingDay:
    publications: int  # made that UTC day (cancelled ones too: they show demand)
    spend_usd: float  # X's estimated bill for the tweets posted and lookups made that day


def publishing_per_day(*, since: datetime, until: datetime) -> dict[date, PublishingDay]:
    """Per UTC day in [since, until): publications made and X's estimated bill, in three grouped queries."""
    made = (
        Publication.objects.filter(created_at__gte=since, created_at__lt=until)
        .annotate(day=TruncDate("created_at", tzinfo=UTC))
        .values("day")
        .annotate(n=Count("pk"), reads=Sum("reads"))
    )
    posted = (
        PublishedTweet.objects.filter(
            status__in=PublishedTweet.SENT_STATUSES, posted_at__gte=since, posted_at__lt=until
        )
        .annotate(day=TruncDate("posted_at", tzinfo=UTC))
        .values("day")
        .annotate(linked=Count("pk", filter=Q(has_url=True)), plain=Count("pk", filter=Q(has_url=False)))
    )
    counts: dict[date, int] = {}
    spend: dict[date, float] = {}
    for row in made:
        counts[row["day"]] = row["n"]
        spend[row["day"]] = spend.get(row["day"], 0.0) + (row["reads"] or 0) * settings.X_PRICE_READ_USD
    for row in posted:
        cost = row["plain"] * settings.X_PRICE_POST_USD + row["linked"] * settings.X_PRICE_POST_WITH_URL_USD
        spend[row["day"]] = spend.get(row["day"], 0.0) + cost
    return {day: PublishingDay(counts.get(day, 0), spend.get(day, 0.0)) for day in counts.keys() | spend.keys()}
