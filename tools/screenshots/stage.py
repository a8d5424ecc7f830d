"""The stage the screenshots are taken on: an isolated database with a demo author and her threads, the app under
gunicorn with production settings (DEBUG off, collected static, strict CSP), and the fake OpenAI server on
loopback, all torn down afterwards. Nothing here reaches past 127.0.0.1."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tools.screenshots import content

if TYPE_CHECKING:
    from tests.fakes.openai_server import FakeOpenAI

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0  # seconds for gunicorn to answer its first request


class StageError(RuntimeError):
    """The stage could not be set up (the database, the app server, the fake provider)."""


@dataclass(frozen=True)
class Stage:
    base_url: str
    session_cookie: dict[str, Any]  # the demo author's session, for browser contexts that should be signed in
    provider: FakeOpenAI
    editor_thread_id: int  # a finished thread to open in the editor
    share_path: str  # /t/<token>/ of the demo author's shared thread


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def app_env(*, database_url: str, site_url: str, provider_url: str) -> dict[str, str]:
    """Production settings for a plain-HTTP run on loopback, with the OpenAI engine pointed at the fake."""
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "threadr.settings",
            "DEBUG": "0",
            "SECRET_KEY": "screenshots-" + secrets.token_hex(16),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": site_url,
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "DATABASE_URL": database_url,
            "EMAIL_URL": "dummymail://",
            "STRIPE_SECRET_KEY": "",
            "SENTRY_DSN": "",  # nothing is reported off the machine
            "THREADR_ENGINE": "openai",
            "OPENAI_API_KEY": "sk-threadr-screenshots",
            "OPENAI_BASE_URL": provider_url,
            "OPENAI_MODEL": "fake-model",
            "LOG_LEVEL": "WARNING",
            "WEB_CONCURRENCY": "1",  # one process: the local-memory cache is then the app's only cache
            "GUNICORN_THREADS": "8",
        }
    )
    return env


@contextmanager
def running(*, database_url: str | None = None) -> Iterator[Stage]:
    """Set up everything, yield the stage, tear it all down (also when a state fails)."""
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="threadr-screenshots-")))
        port = free_port()
        site_url = f"http://127.0.0.1:{port}"
        from tests.fakes import openai_server

        provider = stack.enter_context(openai_server.running())
        env = app_env(
            database_url=database_url or f"sqlite:///{workdir / 'screenshots.sqlite3'}",
            site_url=site_url,
            provider_url=provider.base_url,
        )
        os.environ.update(env)
        os.environ.pop("REDIS_URL", None)
        seeded = _prepare_database()
        process = _start_gunicorn(env, port, log=workdir / "gunicorn.log")
        stack.callback(_stop, process)
        _wait_until_serving(site_url, process, log=workdir / "gunicorn.log")
        yield Stage(base_url=site_url, provider=provider, **seeded)


def _prepare_database() -> dict[str, Any]:
    """Migrate, collect static files, and seed the demo author with a history (in this process, through Django)."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    return _seed()


def _seed() -> dict[str, Any]:
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from generator import services
    from generator.models import Style, Thread

    if User.objects.filter(email__iexact=content.AUTHOR_EMAIL).exists():
        raise StageError(f"{content.AUTHOR_EMAIL} already exists in this database: use an empty one.")
    author = User.objects.create_user(
        content.AUTHOR_EMAIL,
        secrets.token_urlsafe(16),
        display_name=content.AUTHOR_NAME,
        x_handle=content.AUTHOR_HANDLE,
    )
    EmailAddress.objects.create(user=author, email=author.email, primary=True, verified=True)
    now = timezone.now()
    made: dict[str, Thread] = {}
    for demo in content.HISTORY:
        thread = Thread(
            owner=author,
            title=demo.title,
            source_url=demo.source_url,
            source_text=demo.source_text,
            engine="openai",
            style=Style.objects.filter(slug=demo.style).first(),
            options={"style": demo.style},
            is_favourite=demo.favourite,
            created_at=now - timedelta(hours=demo.hours_ago),
        )
        thread.set_tweets(content.numbered(demo.tweets))
        services.thread_save(thread=thread)
        if demo.shared:
            thread = services.thread_update(thread=thread, shared=True)
        made[demo.title] = thread
    client = Client()
    client.force_login(author)
    cookie = {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "domain": "127.0.0.1",
        "path": "/",
        "httpOnly": True,
    }
    return {
        "session_cookie": cookie,
        "editor_thread_id": made[content.EDITOR_THREAD].pk,
        "share_path": f"/t/{made[content.SHARED_THREAD].share_token}/",
    }


def _start_gunicorn(env: dict[str, str], port: int, *, log: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "gunicorn.conf.py",
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        "/dev/null",
        "threadr.wsgi:application",
    ]
    with log.open("wb") as output:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], *, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StageError(f"gunicorn exited during start-up:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2):  # noqa: S310 - loopback, http only
                return
        except urllib.error.HTTPError:
            return  # it answers: a 503 only names a dependency the pages do not need
        except OSError:
            time.sleep(0.2)
    raise StageError(f"gunicorn did not answer on {url} within {START_TIMEOUT:.0f} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
