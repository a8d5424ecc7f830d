"""Staff pages: the dashboard, the admin's rate-limited login, and /metrics for the monitoring system."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from threadr.lib import jobs, throttle
from threadr.lib.client_ip import client_ip
from threadr.lib.metrics import exposition, token_accepted
from threadr.staff import charts
from threadr.staff.collectors import BusinessCollector
from threadr.staff.figures import Figures, figures_for

View = Callable[..., HttpResponse]


def staff_only(view: View) -> View:
    """Signed-out visitors are sent to sign in; signed-in non-staff see a 404, as if the page did not exist."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return guarded


def dashboard_charts(figures: Figures) -> list[charts.Chart]:
    days = figures.days
    return [
        charts.daily_bars(
            slug="generations",
            title="Generations per day by engine",
            description="Successful generations each UTC day of the last 30, stacked by engine.",
            days=days,
            series=list(figures.generations_by_engine.items()) or [("none", [0] * len(days))],
        ),
        charts.ranked_bars(
            slug="failures",
            title="Failure rate by error code",
            description=f"Each error code's share of all {figures.attempts} generation attempts in the last 30 days.",
            items=figures.failure_rates(),
            head=("Error code", "Share of attempts"),
            fmt=charts.percent,
        ),
        charts.daily_bars(
            slug="signups",
            title="New sign-ups per day",
            description="Accounts created each UTC day of the last 30.",
            days=days,
            series=[("Sign-ups", figures.signups)],
        ),
        charts.daily_bars(
            slug="conversions",
            title="Premium conversions per day",
            description="Users whose first payment (a pass or a subscription) fell on each day.",
            days=days,
            series=[("Conversions", figures.conversions)],
        ),
        charts.daily_bars(
            slug="revenue",
            title="Revenue per day",
            description="Checkout payments in US dollars each day, net of their refunds.",
            days=days,
            series=[("Revenue", figures.revenue_cents)],
            fmt=charts.dollars,
            minimum=1000,
        ),
        charts.daily_lines(
            slug="latency",
            title="Generation time, p50 and p95",
            description="Median and 95th percentile time of successful generations each day (gaps: none that day).",
            days=days,
            series=[("p50", figures.p50_ms), ("p95", figures.p95_ms)],
            fmt=charts.seconds,
            minimum=2000,
        ),
        charts.daily_bars(
            slug="publications",
            title="Publications to X per day",
            description="Threads people published or scheduled on X each UTC day of the last 30.",
            days=days,
            series=[("Publications", figures.publications)],
        ),
        charts.daily_bars(
            slug="x-spend",
            title="Estimated X spend per day",
            description="X's pay-per-use bill for the tweets posted and lookups made each day, at the configured "
            "prices (a post with a link costs more).",
            days=days,
            series=[("X spend", figures.x_spend_cents)],
            fmt=charts.dollars,
            minimum=100,
        ),
    ]


@never_cache
@require_safe
@staff_only
def dashboard(request: HttpRequest) -> HttpResponse:
    figures = figures_for(now=timezone.now())
    headline = [
        ("Active users (7 days)", charts.plain(figures.active_users_7d), "Users who started a generation"),
        ("MRR", charts.dollars(figures.mrr_cents), "Monthly price of active subscriptions"),
        ("Passes sold this month", charts.plain(figures.passes_sold_this_month), "Paid since the 1st (UTC)"),
    ]
    context = {"headline": headline, "charts": dashboard_charts(figures), "first_day": figures.days[0]}
    return render(request, "staff/dashboard.html", context)


@never_cache
def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's own login, with sign-in attempts limited per client IP (ADMIN_LOGIN_RATE a minute, counted in
    PostgreSQL while Redis is down). Its form also counts wrong passwords with every other sign-in."""
    if request.method == "POST":
        decision = throttle.hit(
            "admin-login", client_ip(request), limit=settings.ADMIN_LOGIN_RATE, window=60, when_down="database"
        )
        if not decision.allowed:
            response = render(request, "staff/throttled.html", {"retry_after": decision.retry_after}, status=429)
            response["Retry-After"] = str(decision.retry_after)
            return response
    return admin.site.login(request)


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format for a scraper holding METRICS_TOKEN; a 404 for anyone else, and when unset."""
    if not token_accepted(request):
        raise Http404("No such page.")
    body, content_type = exposition([BusinessCollector(), *jobs.collectors()])
    return HttpResponse(body, content_type=content_type)
