"""What a worker loads at start-up instead of during its first requests (called from `threadr.wsgi`).

It reaches into the apps, so it lives above them, beside the settings and the URLconf, not in `threadr.lib`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from django.utils.module_loading import import_string

import generator.extract  # noqa: F401 - loaded for its cost: the article extractor and trafilatura
from generator import language, llm


def warm_up() -> None:
    """Import and build what the first generation, page and history request would, so no user waits for it, and
    so the long-lived objects they create are among those gunicorn freezes out of the garbage collector's reach
    once start-up is over."""
    llm.warm_up()
    language.warm_up()  # the language detector's model takes seconds to load
    for alias in settings.CACHES:
        getattr(caches[alias], "client", None)  # django-redis builds its client, and loads redis, on first use
    import_string(settings.MESSAGE_STORAGE)
    import_string(settings.SESSION_SERIALIZER)
