"""Reads for accounts."""

from __future__ import annotations

from typing import Any

from django.apps import apps

from accounts.models import User
from billing.selectors import purchases_for_export


def user_export(*, user: User) -> dict[str, Any]:
    """Everything Threadr keeps about a person, as JSON-ready data (the "export my data" download)."""
    Thread = apps.get_model("generator", "Thread")
    Generation = apps.get_model("generator", "Generation")
    data: dict[str, Any] = {
        "profile": {
            "email": user.email,
            "display_name": user.display_name,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "premium_until": user.premium_until,
        },
        "api_tokens": list(
            user.api_tokens.values("name", "prefix", "created_at", "last_used_at", "revoked_at")  # type: ignore[attr-defined]
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
    }
    data["purchases"] = purchases_for_export(user=user)
    return data
