"""The shared cast and the ground rules every test runs under.

- PostgreSQL and Redis are real (pytest-env points DATABASE_URL and REDIS_URL at them; Redis uses its own db 14,
  and 15 for the second worker under pytest-xdist: tests/parallel.py).
- The cache is flushed around every test, so no test sees another's throttles or cached pages.
- Sockets to anything but loopback fail (pytest-socket, configured in pyproject.toml).
"""

from __future__ import annotations

import copy
import fcntl
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Browser, expect, sync_playwright
from pytest_django import DjangoDbBlocker
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from tests.jobs.workers import Workers, clear_queue, running_workers

PASSWORD = "correct horse battery staple"


def configured_redis_at(location: str) -> dict[str, Any]:
    """The configured Redis cache (timeouts, circuit breaker and all), pointed at `location`."""
    default = copy.deepcopy(settings.CACHES["default"])
    default["LOCATION"] = location
    return {"default": default}


# The configured Redis cache, pointed at a port where nothing listens: Redis is down.
DEAD_REDIS = configured_redis_at("redis://127.0.0.1:1/0")


class _BacklogServer(ThreadedWSGIServer):
    """The live server's socket accepts a burst of simultaneous connections (racing-request tests send 40)."""

    request_queue_size = 256


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def one_throttle_window() -> Iterator[None]:
    """Run the test from the start of a throttle window (they are fixed: 60, 300 and 3600 s all start on the hour),
    so attempts it counts together are never split across two windows by a slow machine."""
    with time_machine.travel("2026-11-25 12:00:01+00:00", tick=True):
        yield


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """The live server, serving /static/ through whitenoise and hashed names exactly as production does."""
    server = LiveServer("localhost", start=False)
    server.thread.static_handler = lambda application: application
    server.thread.server_class = _BacklogServer
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # `expect` waits up to 10 s for a page to get where a test says (Playwright's default is 5 s): under pytest-xdist
    # two browsers and two live servers share the two cores, and a page that gets there later is slow, not wrong.
    expect.set_options(timeout=10_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session", autouse=True)
def _collected_static() -> None:
    """Hashed, compressed static files exist as they do in production (whitenoise manifest storage).

    Collected again only when a file under static/ is newer than the manifest. Under pytest-xdist each worker comes
    here: a lock on STATIC_ROOT lets one collect while the others wait, then find the manifest fresh.
    """
    root = Path(settings.STATIC_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    manifest = root / "staticfiles.json"
    sources = [path for folder in settings.STATICFILES_DIRS for path in Path(folder).rglob("*") if path.is_file()]
    directory = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(directory, fcntl.LOCK_EX)  # released when closed
        if not manifest.exists() or any(path.stat().st_mtime > manifest.stat().st_mtime for path in sources):
            call_command("collectstatic", interactive=False, verbosity=0)
    finally:
        os.close(directory)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    for each in caches.all():
        each.clear()
    yield
    for each in caches.all():
        each.clear()


@pytest.fixture(autouse=True)
def _empty_queue(request: pytest.FixtureRequest, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """No test finds jobs another test left. A transactional test's flush empties every table but Procrastinate's (its
    models are unmanaged), so a job such a test committed (a browser test that publishes, say) would still be due in
    whichever test pytest-xdist runs next on this database: it goes here. Other tests' jobs go with their rollback."""
    yield
    if "_django_db_helper" not in request.fixturenames or connection.in_atomic_block:
        return  # no database, or a test transaction about to be rolled back
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT FROM procrastinate_jobs)")
            (left,) = cursor.fetchone()
        if left:
            clear_queue()


def make_user(email: str, *, verified: bool = True, **fields: object) -> User:
    """A user as sign-up leaves them: with allauth's email record, verified or not."""
    user = User.objects.create_user(email, PASSWORD, **fields)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
    return user


@pytest.fixture
def alice(db: None) -> User:
    """A free user with a verified email."""
    return make_user("alice@example.com", display_name="Alice")


@pytest.fixture
def bob(db: None) -> User:
    """A premium user: a pass that runs for another ten days."""
    return make_user("bob@example.com", display_name="Bob", premium_until=timezone.now() + timedelta(days=10))


@pytest.fixture
def mallory(db: None) -> User:
    """An attacker with an ordinary free account."""
    return make_user("mallory@example.com", display_name="Mallory")


@pytest.fixture
def job_workers(transactional_db: None, tmp_path: Path) -> Iterator[Workers]:
    """Real `manage.py procrastinate worker` processes on the test database (tests/jobs/workers.py): `start(n)`,
    then `drain()` to wait until every due job has run. Needs a transactional test; the queue starts and ends empty."""
    with running_workers(log=tmp_path / "jobs.log") as workers:
        yield workers
