"""Production settings refuse to start without secrets, and pass Django's deployment checklist."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x7#kq2-production-like-secret-for-the-deploy-check-9f3a1c0e6b5d4a",
    "ALLOWED_HOSTS": "threadr.example.com",
    "SECURE_SSL_REDIRECT": "1",
    "SESSION_COOKIE_SECURE": "1",
    "CSRF_COOKIE_SECURE": "1",
}


def manage(*args: str, env: dict[str, str], drop: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    drop = (*drop, "DJANGO_ALLOW_ASYNC_UNSAFE")  # a test-only switch the deploy check rightly rejects
    environment = {key: value for key, value in {**os.environ, **env}.items() if key not in drop}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_warns_when_production_security_is_switched_off():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION_ENV, "SESSION_COOKIE_SECURE": "0"}
    )

    assert result.returncode != 0
    assert "SESSION_COOKIE_SECURE" in result.stderr


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = manage("check", env=PRODUCTION_ENV, drop=("SECRET_KEY",))

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Threadr cannot start: SECRET_KEY is not set (required when DEBUG is off)."
    ]


def test_it_refuses_to_start_without_allowed_hosts_when_debug_is_off():
    result = manage("check", env=PRODUCTION_ENV, drop=("ALLOWED_HOSTS",))

    assert result.returncode == 1
    assert "ALLOWED_HOSTS is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_starts_on_embedded_defaults_in_debug_mode(tmp_path):
    env = {"DEBUG": "1", "DATABASE_URL": "", "REDIS_URL": ""}
    result = manage("check", env=env, drop=("SECRET_KEY", "ALLOWED_HOSTS"))

    assert result.returncode == 0, result.stderr


def test_site_url_defaults_to_https_on_the_first_allowed_host():
    result = manage("shell", "-c", "from django.conf import settings; print(settings.SITE_URL)", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "https://threadr.example.com"


def test_a_site_url_without_a_scheme_stops_start_up_with_one_line():
    result = manage("check", env={**PRODUCTION_ENV, "SITE_URL": "threadr.example.com"})

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Threadr cannot start: SITE_URL must start with http:// or https://, e.g. https://threadr.example.com."
    ]
