"""Reads over the whole account."""

from __future__ import annotations

from typing import Any

from accounts.models import ApiToken, User
from billing.selectors import purchases_for_export
from generator.models import Generation, Thread


def user_export(*, user: User) -> dict[str, Any]:
    """Everything Threadr keeps about a person, as JSON-ready data (the "export my data" download)."""
    return {
        "profile": {
            "email": user.email,
            "display_name": user.display_name,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "premium_until": user.premium_until,
        },
        "api_tokens": list(
            ApiToken.objects.filter(user=user).values("name", "prefix", "created_at", "last_used_at", "revoked_at")
        ),
        "threads": list(
            Thread.objects.filter(owner=user).values(
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
        ),
        "generations": list(
            Generation.objects.filter(user=user).values(
                "status", "engine", "input_kind", "error_code", "created_at", "finished_at", "duration_ms"
            )
        ),
        "purchases": purchases_for_export(user=user),
    }
