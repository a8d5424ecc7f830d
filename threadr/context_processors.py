from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from publishing.selectors import publishes_directly, publishing_available


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "contact_email": settings.CONTACT_EMAIL,
        "free_daily_limit": settings.FREE_DAILY_LIMIT,
        "free_monthly_limit": settings.FREE_MONTHLY_LIMIT,
        "publishing_available": publishing_available(),
        # Asked only by the pages that show the editor, once per request.
        "publish_directly": SimpleLazyObject(lambda: _publishes_directly(request)),
    }


def _publishes_directly(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and publishes_directly(user=user))
