"""What a worker loads at start-up instead of during its first requests (called from `threadr.wsgi`)."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.core.cache import caches
from django.utils.module_loading import import_string


def warm_up() -> None:
    """Import and build what the first generation, page and history request would: about half a second of work
    that no user should wait for, and tens of thousands of long-lived objects that the garbage collector should
    not walk again on every full collection once gunicorn has frozen them."""
    import_module("generator.extract")
    import_module("generator.llm").warm_up()
    for alias in settings.CACHES:
        getattr(caches[alias], "client", None)  # django-redis builds its client, and loads redis, on first use
    import_string(settings.MESSAGE_STORAGE)
    import_string(settings.SESSION_SERIALIZER)
