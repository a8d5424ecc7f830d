"""Reads over the whole account."""

from __future__ import annotations

from typing import Any

from accounts.models import ApiToken, User
from billing.selectors import purchases_for_export
from generator.models import Generation, Rewrite, Thread
from publishing.selectors import publications_for_export, x_account_for_export

# Threads read from the database at a time while the export is written. A thread keeps up to about 300,000
# characters (a 50,000-character source and edited tweets), so a batch stays within a few megabytes.
THREADS_PER_FETCH = 20


def user_export(*, user: User) -> dict[str, Any]:
    """Everything Threadr keeps about a person, as JSON-ready data (the "export my data" download). Threads and
    generations are iterators over the database (a server-side cursor on PostgreSQL), read as the export is
    written: however much someone keeps, only a batch of it is in memory at once."""
    return {
        "profile": {
            "email": user.email,
            "display_name": user.display_name,
            "x_handle": user.x_handle,
            "x_handle_verified": user.x_handle_verified,
            "time_zone": user.time_zone,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "premium_until": user.premium_until,
        },
        "api_tokens": list(
            ApiToken.objects.filter(user=user).values("name", "prefix", "created_at", "last_used_at", "revoked_at")
        ),
        "threads": (
            Thread.objects.filter(owner=user)
            .values(
                "id",
                "title",
                "source_url",
                "source_text",
                "options",
                "engine",
                "tweets",
                "is_favourite",
                "is_archived",
                "created_at",
                "updated_at",
            )
            .iterator(chunk_size=THREADS_PER_FETCH)
        ),
        "generations": (
            Generation.objects.filter(user=user)
            .values("status", "engine", "input_kind", "error_code", "created_at", "finished_at", "duration_ms")
            .iterator(chunk_size=1000)
        ),
        "rewrites": (
            Rewrite.objects.filter(user=user)
            .values("thread_id", "status", "error_code", "created_at", "finished_at")
            .iterator(chunk_size=1000)
        ),
        "purchases": purchases_for_export(user=user),
        "x_account": x_account_for_export(user=user),
        "publications": publications_for_export(user=user),
    }
