from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate


def _seed_empty_styles(using: str, apps: Any = global_apps, **kwargs: Any) -> None:
    """A database with no styles at all gets the defaults again (after a flush, which Django follows with
    post_migrate). Styles an admin edited or switched off are never touched: only an empty table is seeded."""
    style_model = apps.get_model("generator", "Style")
    if not style_model.objects.using(using).exists():
        import_module("generator.migrations.0002_seed_styles").seed_styles(apps, None)
        from django.core.cache import cache

        from generator.selectors import STYLES_CACHE_KEY  # imported late: the app registry is not ready at import

        cache.delete(STYLES_CACHE_KEY)  # an empty list cached before the seeding would hide the styles


class GeneratorConfig(AppConfig):
    name = "generator"
    verbose_name = "Generator"

    def ready(self) -> None:
        post_migrate.connect(_seed_empty_styles, sender=self)
