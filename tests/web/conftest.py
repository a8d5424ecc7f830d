"""Pages in real Chromium (the `browser` and `live_server` fixtures live in tests/conftest.py), failing the test
on any console error, CSP violation or request that leaves the machine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


class PageProblems(list[str]):
    """Console errors and CSP violations seen by a page."""


def open_page(
    browser: Browser, problems: PageProblems, *, width: int, height: int, base_url: str, **context_options: Any
) -> Page:
    """A page in a fresh context (`context_options` such as a time zone or reduced motion go to the context)."""
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=base_url, **context_options)
    # Only loopback may be reached: anything else is a bug (a CDN, a tracker) and fails the test.
    context.route(
        lambda url: not url.startswith(base_url), lambda route: (problems.append(route.request.url), route.abort())
    )
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console error: {message.text} at {message.location.get('url')}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return page


@pytest.fixture
def screenshot_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
