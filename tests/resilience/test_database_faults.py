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


@pytest.mark.django_db(transaction=True)
def test_the_pool_never_hands_out_a_connection_whose_backend_was_terminated() -> None:
    """The pool checks a connection before handing it out (CONN_HEALTH_CHECKS): a dead one is thrown away and
    another given, so the query after the database dropped every idle connection succeeds."""
    assert terminate_app_backends() >= 1
    connection.close()  # this thread's live connection goes back to the pool, behind the dead ones

    started = time.monotonic()
    assert User.objects.count() == 0
    assert time.monotonic() - started < connection.settings_dict["OPTIONS"]["pool"]["timeout"]
