"""Absolute links for places with no request to ask: mail sent by a worker, OAuth callbacks, share images."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def absolute_url(path: str) -> str:
    """`path` ("/app/") on `SITE_URL`."""
    return f"{settings.SITE_URL}{path}"


def absolute_reverse(viewname: str, *args: object, **kwargs: object) -> str:
    """`reverse()` on `SITE_URL`."""
    return absolute_url(reverse(viewname, args=args or None, kwargs=kwargs or None))
