"""/health and /readiness tell a load balancer the truth about the database and the cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from tests.conftest import DEAD_REDIS

ROOT = Path(__file__).resolve().parents[2]


def request_in_subprocess(path: str, **env: str) -> tuple[int, dict]:
    """Serve one request in a fresh process whose settings point at the given dependencies."""
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        f"r = Client().get({path!r});"
        "print(json.dumps([r.status_code, json.loads(r.content)]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "threadr.settings",
            "LOG_LEVEL": "CRITICAL",
            "DB_POOL_TIMEOUT": "1",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    status, body = json.loads(result.stdout.strip().splitlines()[-1])
    return status, body


@pytest.mark.django_db
def test_it_reports_ok_when_database_and_cache_answer(client):
    response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


@pytest.mark.django_db
def test_it_reports_degraded_but_stays_up_when_redis_is_down(client):
    with override_settings(CACHES=DEAD_REDIS):
        response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "checks": {"database": "ok", "cache": "down"}}


@pytest.mark.django_db
def test_it_keeps_serving_pages_when_redis_is_down(client):
    with override_settings(CACHES=DEAD_REDIS):
        response = client.get("/pricing")

    assert response.status_code == 200
    assert b"30-day pass" in response.content


def test_it_answers_503_when_the_database_is_down():
    status, body = request_in_subprocess("/health", DATABASE_URL="postgres://postgres@127.0.0.1:1/threadr")

    assert status == 503
    assert body == {"status": "down", "checks": {"database": "down", "cache": "ok"}}


def test_readiness_is_503_when_the_database_is_down():
    status, body = request_in_subprocess("/readiness", DATABASE_URL="postgres://postgres@127.0.0.1:1/threadr")

    assert status == 503
    assert body["checks"]["database"] == "down"


@pytest.mark.django_db
def test_readiness_is_200_when_every_migration_is_applied(client):
    response = client.get("/readiness")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok"}}


def test_readiness_is_503_while_migrations_are_pending(tmp_path):
    status, body = request_in_subprocess("/readiness", DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}")

    assert status == 503
    assert body == {"status": "down", "checks": {"database": "ok", "migrations": "pending"}}


@pytest.mark.django_db
def test_health_leaks_no_versions_or_settings(client):
    response = client.get("/health")

    assert set(response.json()) == {"status", "checks"}
    assert "Server" not in response.headers
    assert response["Cache-Control"].startswith("max-age=0")
