"""Talking to the live server over real sockets, as a script or a browser would: API tokens, generation
requests (JSON or streamed) and Server-Sent Events read line by line; and gunicorn itself, started from
gunicorn.conf.py, where the behaviour is about its processes and sockets."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.db import connection

from accounts.models import User
from accounts.services import api_token_create
from tests.generator.conftest import ARTICLE


def token_for(user: User) -> str:
    return api_token_create(user=user, name="live").raw


def connect(base_url: str, timeout: float = 30) -> http.client.HTTPConnection:
    parts = urlsplit(base_url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)


def post_generation(base_url: str, token: str, *, stream: bool, body: Any = None) -> http.client.HTTPResponse:
    """POST a generation; the caller reads (or abandons) the response."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if stream:
        headers["Accept"] = "text/event-stream"
    payload = body if isinstance(body, bytes) else json.dumps(body or {"text": ARTICLE}).encode()
    connection = connect(base_url)
    connection.request("POST", "/api/v1/generations", body=payload, headers=headers)
    return connection.getresponse()


def read_event(response: http.client.HTTPResponse) -> tuple[str, dict[str, Any]]:
    """The next Server-Sent Event on the response, parsed as a browser would."""
    event, data = "message", ""
    while True:
        line = response.readline().decode()
        if line in {"\n", ""}:
            if data:
                return event, json.loads(data)
            if line == "":
                raise EOFError("stream ended")
            continue
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data += line[5:].strip()


def wait_for(condition: Callable[[], bool], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Gunicorn:
    url: str
    log_path: Path

    def log(self) -> str:
        """Everything gunicorn and its workers wrote so far."""
        return self.log_path.read_text()


@contextmanager
def gunicorn(**settings: str) -> Iterator[Gunicorn]:
    """Gunicorn from gunicorn.conf.py in production mode on a free port, on the test database and Redis, with
    `settings` as extra environment variables; yields it once /health answers."""
    database = connection.settings_dict
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "resilience-live-gunicorn",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "THREADR_ENGINE": "local",
        "LOG_LEVEL": "warning",
        **settings,
    }
    port = free_port()
    with tempfile.TemporaryDirectory() as directory:
        log_path = Path(directory) / "gunicorn.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{port}", "threadr.wsgi"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        server = Gunicorn(f"http://127.0.0.1:{port}", log_path)
        try:
            assert wait_for(lambda: process.poll() is not None or _healthy(server.url), timeout=60)
            assert process.poll() is None, f"gunicorn exited:\n{server.log()}"
            yield server
        finally:
            process.terminate()
            process.wait(timeout=40)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        client = connect(url, timeout=2)
        client.request("GET", "/health")
        return client.getresponse().status == 200
    except OSError:
        return False
