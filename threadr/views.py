"""Public pages and the operational endpoints."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from billing.selectors import plans_on_sale
from threadr.lib import health
from threadr.lib.headers import public_page

SAMPLE_THREAD = [
    "Most advice about writing online is backwards. You don't need more ideas; you need to finish the ones "
    "you have. Here's what 3 years of weekly essays taught me 🧵",
    "1. Publish on a schedule, not when it feels ready. Deadlines beat inspiration, and readers trust rhythm.",
    "2. Write the headline last. The draft tells you what it's about; the headline only has to agree.",
    "3. Cut the first paragraph. It's almost always you clearing your throat.",
    "If this was useful, the full essay has ten more lessons. Link below 👇",
]


@public_page
@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/landing.html", {"sample_thread": SAMPLE_THREAD, "plans": plans_on_sale()})


@public_page
@require_safe
def pricing(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/pricing.html", {"plans": plans_on_sale()})


@public_page
@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")


@public_page
@require_safe
def terms(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/terms.html")


@never_cache
@require_safe
def health_view(request: HttpRequest) -> JsonResponse:
    """Liveness: 200 while the database answers (a dead cache only degrades us), 503 when it does not."""
    checks = {
        "database": "ok" if health.database_ok() else "down",
        "cache": "ok" if health.cache_ok() else "down",
    }
    if checks["database"] == "down":
        overall, status = "down", 503
    elif checks["cache"] == "down":
        overall, status = "degraded", 200
    else:
        overall, status = "ok", 200
    return JsonResponse({"status": overall, "checks": checks}, status=status)


@never_cache
@require_safe
def readiness_view(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 only when the database answers and every migration is applied."""
    database = health.database_ok()
    migrations = database and health.migrations_applied()
    checks = {
        "database": "ok" if database else "down",
        "migrations": "ok" if migrations else ("pending" if database else "unknown"),
    }
    ready = database and migrations
    return JsonResponse({"status": "ok" if ready else "down", "checks": checks}, status=200 if ready else 503)
