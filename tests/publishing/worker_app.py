"""The publishing tests' worker app: every declared task, and of the periodic ones only the publishing sweep, so no
other upkeep runs in the middle of a test."""

from __future__ import annotations

from django.conf import settings
from procrastinate import App

from publishing.tasks import sweep_cron
from threadr.lib.jobs import queue


def on_app_ready(app: App) -> None:
    queue.register(app, with_periodic=False)
    sweep = "publishing.sweep"
    app.periodic(cron=sweep_cron(settings.PUBLISH_SWEEP_SECONDS), periodic_id=sweep)(app.tasks[sweep])
