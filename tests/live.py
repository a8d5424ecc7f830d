"""Talking to the live server over real sockets, as a script or a browser would: API tokens, generation
requests (JSON or streamed) and Server-Sent Events read line by line."""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

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
