from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from publishing.selectors import publishing_available


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "contact_email": settings.CONTACT_EMAIL,
        "free_daily_limit": settings.FREE_DAILY_LIMIT,
        "free_monthly_limit": settings.FREE_MONTHLY_LIMIT,
        "publishing_available": publishing_available(),
    }
