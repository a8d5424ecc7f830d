"""PostgreSQL drops the app's connections, or disappears: the next request after a drop succeeds, and while the
database is gone the API answers 503 in its error shape, never a traceback or an HTML page."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection

from accounts.models import User
from generator.models import Thread
from tests.live import connect, post_generation, token_for
from tests.resilience.conftest import ARTICLE
from threadr.lib.postgresql.base import _quiet, _sweeping_check

ROOT = Path(__file__).resolve().parents[2]


def terminate_app_backends() -> int:
    """From a separate admin connection, kill every backend of the test database except this test's own, and wait
    until each has exited (termination is asynchronous: "between requests" means after it is done)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (own_pid,) = cursor.fetchone()
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    params.pop("server_side_binding", None)
    params["dbname"] = "postgres"
    database = connection.settings_dict["NAME"]
    with psycopg.connect(**params, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = %s AND pid NOT IN (%s, %s)",
            (database, own_pid, admin.info.backend_pid),
        ).fetchall()
    return len(rows)


def get(base_url: str, path: str, token: str) -> tuple[int, Any]:
    client = connect(base_url)
    client.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = client.getresponse()
    return response.status, json.loads(response.read())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("no_throttles")
def test_the_next_request_after_killed_connections_succeeds(live_server: Any, alice: User) -> None:
    token = token_for(alice)
    for _ in range(3):  # warm the pool: the live server's threads hold pooled connections now
        assert get(live_server.url, "/api/v1/usage", token)[0] == 200

    assert terminate_app_backends() >= 1

    assert get(live_server.url, "/api/v1/usage", token)[0] == 200
    response = post_generation(live_server.url, token, stream=False)
    assert response.status == 201, response.read()
    assert get(live_server.url, "/api/v1/threads", token)[1]["count"] == 1
    assert get(live_server.url, "/health", token)[1]["checks"] == {"database": "ok", "cache": "ok"}
    assert Thread.objects.filter(owner=alice).count() == 1


def request_without_database(method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, str, str]:
    """Serve one request in a fresh process whose database is a closed port; returns status, type and body."""
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        f"r = Client().generic({method!r}, {path!r}, json.dumps({body!r}), content_type='application/json',"
        " headers={'Authorization': 'Bearer thr_not-a-real-token'});"
        "print(json.dumps([r.status_code, r['Content-Type'], r.content.decode()]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "threadr.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/threadr",
        "DB_CONNECT_TIMEOUT": "1",
        "DB_POOL_TIMEOUT": "1",
        "LOG_LEVEL": "CRITICAL",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    status, content_type, content = json.loads(result.stdout.strip().splitlines()[-1])
    return status, content_type, content


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/threads", None),
        ("GET", "/api/v1/usage", None),
        ("POST", "/api/v1/generations", {"text": ARTICLE}),
    ],
)
def test_the_api_answers_503_in_its_error_shape_while_the_database_is_down(
    method: str, path: str, body: dict[str, Any] | None
) -> None:
    status, content_type, content = request_without_database(method, path, body)

    assert status == 503, content
    assert content_type == "application/json"
    error = json.loads(content)["error"]
    assert error["code"] == "service_unavailable"
    assert "database" in error["message"]
    assert "Traceback" not in content


def test_the_pool_check_asks_the_server_only_when_the_connection_has_heard_from_it() -> None:
    """A pooled connection costs no round trip when nothing arrived on it since its last use; once its backend is
    terminated, the check notices and fails, so the pool hands out another connection."""
    params = connection.get_connection_params()
    for name in ("cursor_factory", "context", "prepare_threshold", "server_side_binding"):
        params.pop(name, None)
    sweeps = []

    class Pool:
        def check(self) -> None:
            sweeps.append(True)

    check = _sweeping_check(Pool())  # type: ignore[arg-type]
    with psycopg.connect(**params, autocommit=True) as pooled, psycopg.connect(**params, autocommit=True) as admin:
        pid = pooled.info.backend_pid
        pooled.execute("SELECT 1")

        def last_statement_at() -> Any:
            return admin.execute("SELECT state_change FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone()

        before = last_statement_at()
        check(pooled)
        assert last_statement_at() == before  # no empty query was sent

        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        deadline = time.monotonic() + 5
        while _quiet(pooled) and time.monotonic() < deadline:
            time.sleep(0.01)
        with pytest.raises(psycopg.OperationalError):
            check(pooled)
        assert sweeps == [True]  # and the rest of the pool was checked at once
