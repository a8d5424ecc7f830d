from django.apps import AppConfig


class CountersConfig(AppConfig):
    """The one app inside threadr.lib: it holds a table so that the throttles, at the bottom layer, can count in
    PostgreSQL without importing any app above them."""

    name = "threadr.lib.counters"
    label = "counters"
    verbose_name = "Throttle counters"
