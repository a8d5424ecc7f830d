"""One row per throttle key and window: what Redis counts, kept in PostgreSQL while Redis is down."""

from __future__ import annotations

from django.db import models


class WindowCount(models.Model):
    key = models.CharField(max_length=200, help_text="What is counted and whose: scope and identity.")
    window_start = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True, help_text="The window's end: the row is deleted after it.")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="counters_one_row_per_window")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M:%S}: {self.count}"
