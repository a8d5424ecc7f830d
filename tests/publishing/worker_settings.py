"""Settings of the publishing tests' workers: the jobs tests' own, with the publishing sweep as the one periodic task
(every PUBLISH_SWEEP_SECONDS, from the environment the test gives the worker)."""

from tests.jobs.worker_settings import *  # noqa: F403

PROCRASTINATE_ON_APP_READY = "tests.publishing.worker_app.on_app_ready"
