from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate


def _seed_empty_plans(using: str, apps: Any = global_apps, **kwargs: Any) -> None:
    """A database that has no plans at all gets the default two again.

    The data migration seeds them once; this covers a flush (which Django follows with post_migrate, as test
    runs do between transactional tests, without passing `apps`) and never touches plans an admin has edited.
    """
    plan_model = apps.get_model("billing", "Plan")
    if not plan_model.objects.using(using).exists():
        import_module("billing.migrations.0002_seed_plans").seed(apps, None)


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        post_migrate.connect(_seed_empty_plans, sender=self)
