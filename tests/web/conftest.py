"""Real Chromium (Debian's build) driven by Playwright, failing the test on any console error or CSP violation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """The live server, serving /static/ through whitenoise and hashed names exactly as production does."""
    server = LiveServer("localhost", start=False)
    server.thread.static_handler = lambda application: application
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class PageProblems(list[str]):
    """Console errors and CSP violations seen by a page."""


def open_page(browser: Browser, problems: PageProblems, *, width: int, height: int, base_url: str) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=base_url)
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
