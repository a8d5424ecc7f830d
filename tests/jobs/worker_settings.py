"""Settings of the tests' worker processes: Threadr's own, plus the tests' tasks, and no periodic deferring (the
tests defer periodic tasks themselves, when they choose, so no run arrives in the middle of another test)."""

from threadr.settings import *  # noqa: F403

PROCRASTINATE_ON_APP_READY = "tests.jobs.tasks.on_app_ready"
