from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_migrate, post_save


def _seed_empty_styles(using: str, apps: Any = global_apps, **kwargs: Any) -> None:
    """A database with no styles at all gets the defaults again (after a flush, which Django follows with
    post_migrate). Styles an admin edited or switched off are never touched: only an empty table is seeded."""
    style_model = apps.get_model("generator", "Style")
    if not style_model.objects.using(using).exists():
        import_module("generator.migrations.0002_seed_styles").seed_styles(apps, None)


def _history_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Any saved or deleted thread — through the API, the editor, the admin or a command — moves its owner's
    history version on, in the same transaction, so no cached history page outlives the change."""
    # Every saved thread passes here: written out, the update costs less CPU than compiling its queryset.
    table = global_apps.get_model("accounts", "User")._meta.db_table
    bump = f"UPDATE {table} SET history_version = history_version + 1 WHERE id = %s"  # noqa: S608 - model's table
    with connection.cursor() as cursor:
        cursor.execute(bump, [instance.owner_id])


def _styles_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A saved or deleted style retires the cached list of active styles, now and again when the change commits
    (so a request that read the old rows meanwhile cannot keep them cached)."""
    from generator.selectors import STYLES_KEY

    cache.delete(STYLES_KEY)
    transaction.on_commit(lambda: cache.delete(STYLES_KEY))


class GeneratorConfig(AppConfig):
    name = "generator"
    verbose_name = "Generator"

    def ready(self) -> None:
        post_migrate.connect(_seed_empty_styles, sender=self)
        thread = self.get_model("Thread")
        post_save.connect(_history_changed, sender=thread, dispatch_uid="thread-history-saved")
        post_delete.connect(_history_changed, sender=thread, dispatch_uid="thread-history-deleted")
        style = self.get_model("Style")
        post_save.connect(_styles_changed, sender=style, dispatch_uid="styles-saved")
        post_delete.connect(_styles_changed, sender=style, dispatch_uid="styles-deleted")
