"""Reads for the generator: quota usage and the one owner-checking door to threads."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.cache import cache
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from generator.models import Generation, Style, Thread


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
    sql, params = usage_counts_query(user=user, now=now)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        monthly_used, daily_used = cursor.fetchone()
    return usage_from_counts(user=user, now=now, monthly_used=monthly_used, daily_used=daily_used)


def usage_counts_query(*, user: User, now: datetime) -> tuple[str, list[Any]]:
    """The query `usage_for` runs, (monthly used, daily used), for composing into a larger statement.

    Every generation starts by counting, under its user's row lock: written out, this costs a fraction of the CPU
    the equivalent aggregate queryset spends being compiled."""
    day_start, _, month_start, month_end = quota_windows(now)
    day_counts_from = max(day_start, user.quota_reset_at) if user.quota_reset_at else day_start
    live = now - timedelta(seconds=settings.GENERATION_STALE_AFTER)
    adapt = connection.ops.adapt_datetimefield_value
    window = [adapt(day_counts_from), user.pk, adapt(month_start), adapt(month_end)]
    counted = [Generation.Status.SUCCEEDED, Generation.Status.RESERVED, adapt(live)]
    return USAGE_SQL, [*window, *counted]


def usage_from_counts(*, user: User, now: datetime, monthly_used: int, daily_used: int) -> Usage:
    _, day_end, _, month_end = quota_windows(now)
    premium = user.is_premium(now)
    return Usage(
        plan="premium" if premium else "free",
        daily_used=daily_used,
        daily_limit=settings.PREMIUM_DAILY_CEILING if premium else settings.FREE_DAILY_LIMIT,
        monthly_used=monthly_used,
        monthly_limit=None if premium else settings.FREE_MONTHLY_LIMIT,
        premium_until=user.premium_until,
        daily_resets_at=day_end,
        monthly_resets_at=month_end,
    )


# This month's counted generations of one user, and those since the day's count starts.
USAGE_SQL = f"""
    SELECT COUNT(*), COUNT(CASE WHEN created_at >= %s THEN 1 END)
    FROM {Generation._meta.db_table}
    WHERE user_id = %s AND created_at >= %s AND created_at < %s
      AND (status = %s OR (status = %s AND created_at > %s))
"""  # noqa: S608 - the table name comes from the model, values are parameters


def thread_get_for_user(*, user: User, pk: int | str) -> Thread:
    """The only way views and the API load a thread by id: someone else's thread is a 404, like a missing one."""
    try:
        return Thread.objects.select_related("style").get(pk=int(pk), owner=user)
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
    """The user's threads, filtered and searched. Full-text search on PostgreSQL, plain contains elsewhere."""
    # A list never shows the article itself: leave its text (up to 50,000 characters a thread) in the database.
    threads = Thread.objects.filter(owner=user).select_related("style").defer("source_text", "body_text")
    if favourite is not None:
        threads = threads.filter(is_favourite=favourite)
    if archived is not None:
        threads = threads.filter(is_archived=archived)
    query = query.replace("\x00", "").strip()
    if query:
        if connection.vendor == "postgresql":
            vector = SearchVector("title", weight="A", config="simple") + SearchVector(
                "body_text", weight="B", config="simple"
            )
            search = SearchQuery(query, search_type="websearch", config="simple")
            threads = threads.annotate(rank=SearchRank(vector, search)).filter(
                Q(rank__gt=0) | Q(title__icontains=query) | Q(body_text__icontains=query)
            )
        else:
            threads = threads.filter(Q(title__icontains=query) | Q(body_text__icontains=query))
    return threads.order_by(*SORTS.get(sort, SORTS["newest"]))


def styles_for_user(*, user: User) -> list[tuple[Style, bool]]:
    """Active styles with whether this user may use them (premium-only styles need premium)."""
    premium = user.is_premium()
    return [(style, premium or not style.premium_only) for style in styles_active()]


STYLES_KEY = "styles:active"
STYLES_CACHE_SECONDS = 3600


def styles_active() -> list[Style]:
    """The active styles in picker order. Every generation looks its style up and only admins change styles, so
    the list is cached until a style is saved or deleted (generator/apps.py) or for an hour at most."""
    styles: list[Style] | None = cache.get(STYLES_KEY)
    if styles is None:
        styles = list(Style.objects.filter(is_active=True))
        cache.set(STYLES_KEY, styles, STYLES_CACHE_SECONDS)
    return styles


def style_active(*, slug: str) -> Style | None:
    return next((style for style in styles_active() if style.slug == slug), None)
