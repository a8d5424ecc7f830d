"""Running the suite on several cores (pytest-xdist, `-n 2`): each worker process gets a Redis db of its own.

pytest-django already gives each worker its own test database (`test_threadr_gw0`, `test_threadr_gw1`, ...). Redis
needs the same: every test flushes its cache db (tests/conftest.py), so two workers on one db would wipe each other's
throttles and cached pages mid-test. Worker `gwN` uses the db REDIS_URL names plus N (`/14` gives 14 and 15).

This is a plugin (`-p tests.parallel` in pyproject.toml), not conftest.py code, because Django reads REDIS_URL when
pytest-django sets it up, before any conftest.py is imported. Its hook runs after pytest-env's (both run first; pytest
calls the plugin registered later, pytest-env, before this one), so it sees pytest-env's default for REDIS_URL. The
changed variable reaches every process a test starts (job workers, `manage.py` commands) through the environment.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import pytest

# Redis's default `databases`: 0 to 15.
REDIS_DATABASES = 16


def worker_redis_url(url: str, worker: str) -> str:
    """`url` with its db number moved up by the worker's index (`gw1`: one up)."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    db = base + int(worker.removeprefix("gw"))
    if db >= REDIS_DATABASES:
        raise pytest.UsageError(
            f"xdist worker {worker} would use Redis db {db} (REDIS_URL {url} plus the worker's index), but Redis has "
            f"dbs 0 to {REDIS_DATABASES - 1}: point REDIS_URL at a lower db, or run fewer workers (-n)."
        )
    return urlunsplit(parts._replace(path=f"/{db}"))


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("REDIS_URL")
    if worker and url:
        os.environ["REDIS_URL"] = worker_redis_url(url, worker)


def pytest_configure(config: pytest.Config) -> None:
    """Fail at once, rather than with flaky tests, if Django was set up before the db was moved."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    from django.conf import settings

    location = settings.CACHES["default"].get("LOCATION")
    if location and location != os.environ.get("REDIS_URL"):
        raise pytest.UsageError(f"xdist worker {worker}: the cache is at {location}, not at its own Redis db.")
