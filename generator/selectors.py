"""Reads for the generator: quota usage and the one owner-checking door to threads."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from generator.models import Generation, Rewrite, Style, Thread


@dataclass(frozen=True)
class Usage:
    plan: str  # "free" or "premium"
    daily_used: int
    daily_limit: int
    monthly_used: int
    monthly_limit: int | None  # None: no monthly limit (premium)
    premium_until: datetime | None
    daily_resets_at: datetime
    monthly_resets_at: datetime

    @property
    def daily_left(self) -> int:
        left = self.daily_limit - self.daily_used
        if self.monthly_limit is not None:
            left = min(left, self.monthly_limit - self.monthly_used)
        return max(0, left)

    @property
    def next_reset(self) -> datetime:
        """When one more thread is allowed: the month's end once the month's allowance is spent, else the day's."""
        if self.monthly_limit is not None and self.monthly_used >= self.monthly_limit:
            return self.monthly_resets_at
        return self.daily_resets_at

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "daily_left": self.daily_left}


def quota_windows(now: datetime) -> tuple[datetime, datetime, datetime, datetime]:
    """Start and end of the current UTC day and UTC month."""
    day_start = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    month_start = day_start.replace(day=1)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    return day_start, day_start + timedelta(days=1), month_start, next_month


def usage_for(*, user: User, now: datetime | None = None) -> Usage:
    """Used and remaining quota in the current UTC day and UTC month, in one query.

    Counted: succeeded generations, and reservations younger than GENERATION_STALE_AFTER (a request that died
    mid-generation stops holding quota once the provider deadline has passed). An admin's "reset today's quota"
    (`quota_reset_at`) starts the day afresh at that moment; the month keeps counting everything."""
    now = now or timezone.now()
    day_start, day_end, month_start, month_end = quota_windows(now)
    day_counts_from = max(day_start, user.quota_reset_at) if user.quota_reset_at else day_start
    live = now - timedelta(seconds=settings.GENERATION_STALE_AFTER)
    counted = Generation.objects.filter(
        Q(status=Generation.Status.SUCCEEDED) | Q(status=Generation.Status.RESERVED, created_at__gt=live),
        user=user,
        created_at__gte=month_start,
        created_at__lt=month_end,
    )
    counts = counted.aggregate(
        monthly_used=Count("pk"), daily_used=Count("pk", filter=Q(created_at__gte=day_counts_from))
    )
    premium = user.is_premium(now)
    return Usage(
        plan="premium" if premium else "free",
        daily_used=counts["daily_used"],
        daily_limit=settings.PREMIUM_DAILY_CEILING if premium else settings.FREE_DAILY_LIMIT,
        monthly_used=counts["monthly_used"],
        monthly_limit=None if premium else settings.FREE_MONTHLY_LIMIT,
        premium_until=user.premium_until,
        daily_resets_at=day_end,
        monthly_resets_at=month_end,
    )


@dataclass(frozen=True)
class RewriteAllowance:
    used: int
    limit: int
    resets_at: datetime


def rewrite_allowance_for(*, user: User, now: datetime | None = None) -> RewriteAllowance:
    """Tweet rewrites counted in the current UTC day: every one reserved or done, none that failed."""
    now = now or timezone.now()
    day_start, day_end, _, _ = quota_windows(now)
    used = Rewrite.objects.filter(user=user, created_at__gte=day_start, created_at__lt=day_end).exclude(
        status=Rewrite.Status.FAILED
    )
    premium = user.is_premium(now)
    limit = settings.PREMIUM_DAILY_REWRITE_CEILING if premium else settings.FREE_DAILY_REWRITES
    return RewriteAllowance(used=used.count(), limit=limit, resets_at=day_end)


@dataclass(frozen=True)
class Storage:
    """What a user's threads keep, against what their plan lets them keep."""

    plan: str  # "free" or "premium"
    threads: int
    thread_limit: int
    chars: int  # characters of text: titles, sources and tweets
    char_limit: int


def storage_for(*, user: User) -> Storage:
    """The user's threads and their text, counted in one query, with the caps of the user's plan."""
    kept = Thread.objects.filter(owner=user).aggregate(threads=Count("pk"), chars=Sum("stored_chars"))
    premium = user.is_premium()
    return Storage(
        plan="premium" if premium else "free",
        threads=kept["threads"],
        thread_limit=settings.PREMIUM_MAX_THREADS_PER_USER if premium else settings.MAX_THREADS_PER_USER,
        chars=kept["chars"] or 0,
        char_limit=settings.PREMIUM_MAX_STORED_TEXT_PER_USER if premium else settings.MAX_STORED_TEXT_PER_USER,
    )


def thread_get_for_user(*, user: User, pk: int | str) -> Thread:
    """The only way views and the API load a thread by id: someone else's thread is a 404, like a missing one."""
    try:
        return Thread.objects.select_related("style", "owner").get(pk=int(pk), owner=user)
    except (Thread.DoesNotExist, ValueError, TypeError):
        raise Http404("No such thread.") from None


def thread_get_shared(*, token: str) -> Thread:
    try:
        return Thread.objects.select_related("style", "owner").get(share_token=token)
    except Thread.DoesNotExist:
        raise Http404("No such shared thread.") from None


SORTS = {"newest": ("-created_at", "-id"), "oldest": ("created_at", "id"), "title": ("title", "-created_at")}


def thread_list_for_user(
    *,
    user: User,
    query: str = "",
    favourite: bool | None = None,
    archived: bool | None = False,
    sort: str = "newest",
) -> QuerySet[Thread]:
    """The user's threads, filtered, searched (every word of `query`, in the title or the tweets) and sorted."""
    # A list never shows the article itself: leave its text (up to 50,000 characters a thread) in the database.
    threads = Thread.objects.filter(owner=user).select_related("style").defer("source_text", "body_text")
    if favourite is not None:
        threads = threads.filter(is_favourite=favourite)
    if archived is not None:
        threads = threads.filter(is_archived=archived)
    # Every word must appear in the title or the tweets, in any case: the same search on every database.
    for word in query.replace("\x00", "").split():
        threads = threads.filter(Q(title__icontains=word) | Q(body_text__icontains=word))
    return threads.order_by(*SORTS.get(sort, SORTS["newest"]))


def styles_for_user(*, user: User) -> list[tuple[Style, bool]]:
    """Active styles with whether this user may use them (premium-only styles need premium)."""
    premium = user.is_premium()
    return [(style, premium or not style.premium_only) for style in styles_active()]


STYLES_CACHE_KEY = "styles:active"
# The style services forget the cached list when an admin changes a style; the lifetime only bounds how long a
# change made around them (a data migration, the shell) takes to show.
STYLES_CACHE_SECONDS = 300


def styles_active() -> list[Style]:
    """The active styles in picker order, from the cache when it has them: every generation reads them, and they
    change only when an admin edits one (`style_save`, `style_delete`, `style_delete_many`)."""
    styles: list[Style] | None = cache.get(STYLES_CACHE_KEY)
    if styles is None:
        styles = list(Style.objects.filter(is_active=True))
        cache.set(STYLES_CACHE_KEY, styles, STYLES_CACHE_SECONDS)
    return styles


def style_active(*, slug: str) -> Style | None:
    return next((style for style in styles_active() if style.slug == slug), None)
