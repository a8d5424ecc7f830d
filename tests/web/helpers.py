"""Small helpers the browser tests share: signing a user in without the login form, waiting on the server."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from accounts.models import User


def login(page: Page, live_server: LiveServer, user: User) -> None:
    """Give the page's browser context the session cookie of a logged-in `user` (made by Django's test client)."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    host = urlsplit(live_server.url).hostname or "localhost"
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "domain": host, "path": "/", "httpOnly": True}]
    )


def wait_until(condition: Callable[[], object], timeout: float = 10.0) -> bool:
    """Poll a server-side condition (the browser's work reaches the database asynchronously)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())
