"""The dashboard's numbers, read straight from the ledger and billing tables (exact on any number of hosts).

Days are UTC days, like the quota's. Revenue comes from checkout purchases in US dollars (the currency every plan
is priced in), each net of its refunds and counted on the day it was paid: a refund is not stored with a date of
its own, so it lowers the day of the sale it takes back.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import Count, F, Min, Sum
from django.db.models.functions import TruncDate

from accounts.models import User
from billing.models import Plan, Purchase, Subscription
from generator.models import Generation
from publishing.selectors import publishing_per_day

DAYS = 30


@dataclass(frozen=True)
class Figures:
    days: list[date]
    generations_by_engine: dict[str, list[int]]
    attempts: int
    failures_by_code: list[tuple[str, int]]  # most frequent first
    signups: list[int]
    conversions: list[int]
    revenue_cents: list[int]
    p50_ms: list[int | None]
    p95_ms: list[int | None]
    active_users_7d: int
    mrr_cents: int
    passes_sold_this_month: int
    publications: list[int]
    x_spend_cents: list[int]

    def failure_rates(self) -> list[tuple[str, float]]:
        """Each error code's share of all attempts in the period."""
        return [(code, count / self.attempts) for code, count in self.failures_by_code] if self.attempts else []


def percentile(sorted_values: list[int], share: float) -> int | None:
    """Nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    if not sorted_values:
        return None
    return sorted_values[max(0, math.ceil(share * len(sorted_values)) - 1)]


def _per_day(days: list[date], counts: dict[date, int]) -> list[int]:
    return [int(counts.get(day, 0)) for day in days]


def figures_for(*, now: datetime) -> Figures:
    today = now.astimezone(UTC).date()
    days = [today - timedelta(days=DAYS - 1 - offset) for offset in range(DAYS)]
    start = datetime.combine(days[0], datetime.min.time(), tzinfo=UTC)
    generations = Generation.objects.filter(created_at__gte=start, created_at__lte=now)

    by_engine: dict[str, dict[date, int]] = defaultdict(dict)
    succeeded = generations.filter(status=Generation.Status.SUCCEEDED)
    for row in succeeded.annotate(day=TruncDate("created_at")).values("day", "engine").annotate(n=Count("pk")):
        by_engine[row["engine"] or "unknown"][row["day"]] = row["n"]

    failures = (
        generations.filter(status=Generation.Status.FAILED)
        .values("error_code")
        .annotate(n=Count("pk"))
        .order_by("-n", "error_code")
    )
    durations: dict[date, list[int]] = defaultdict(list)
    for created, duration in succeeded.values_list("created_at", "duration_ms"):
        if duration is not None:
            durations[created.astimezone(UTC).date()].append(duration)
    for values in durations.values():
        values.sort()

    signups = User.objects.filter(date_joined__gte=start, date_joined__lte=now).annotate(day=TruncDate("date_joined"))
    first_payments = (
        Purchase.objects.exclude(paid_at=None).values("user").annotate(first=Min("paid_at")).filter(first__gte=start)
    )
    revenue = (
        Purchase.objects.filter(paid_at__gte=start, paid_at__lte=now, currency="usd")
        .annotate(day=TruncDate("paid_at"))
        .values("day")
        .annotate(net=Sum(F("amount_cents") - F("amount_refunded_cents")))
    )
    month_start = datetime.combine(today.replace(day=1), datetime.min.time(), tzinfo=UTC)
    mrr = Subscription.objects.filter(status="active", plan__kind=Plan.Kind.SUBSCRIPTION).aggregate(
        total=Sum("plan__price_cents")
    )["total"]

    publishing = publishing_per_day(since=start, until=now + timedelta(microseconds=1))

    return Figures(
        days=days,
        generations_by_engine={engine: _per_day(days, counts) for engine, counts in sorted(by_engine.items())},
        attempts=generations.count(),
        failures_by_code=[(row["error_code"] or "unknown", row["n"]) for row in failures],
        signups=_per_day(days, {row["day"]: row["n"] for row in signups.values("day").annotate(n=Count("pk"))}),
        conversions=_per_day(days, Counter(row["first"].astimezone(UTC).date() for row in first_payments)),
        revenue_cents=_per_day(days, {row["day"]: row["net"] for row in revenue}),
        p50_ms=[percentile(durations.get(day, []), 0.50) for day in days],
        p95_ms=[percentile(durations.get(day, []), 0.95) for day in days],
        active_users_7d=Generation.objects.filter(created_at__gt=now - timedelta(days=7), created_at__lte=now)
        .values("user")
        .distinct()
        .count(),
        mrr_cents=int(mrr or 0),
        passes_sold_this_month=Purchase.objects.filter(
            plan__kind=Plan.Kind.PASS, paid_at__gte=month_start, paid_at__lte=now
        ).count(),
        publications=[publishing[day].publications if day in publishing else 0 for day in days],
        x_spend_cents=[round(publishing[day].spend_usd * 100) if day in publishing else 0 for day in days],
    )
