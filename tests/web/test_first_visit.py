"""A person who signs in lands in the app, and the first time finds a welcome and a sample article that turns into a
thread; a signed-in visitor to the landing page is offered the app, not a sign-up."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from generator.models import Thread
from tests.conftest import PASSWORD
from tests.web.conftest import PageProblems, open_page
from tests.web.helpers import login, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 800)}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_signing_in_lands_in_the_app_with_a_sample_to_try(browser, live_server, alice, viewport, screenshot_dir):
    problems = PageProblems()
    width, height = VIEWPORTS[viewport]
    page = open_page(browser, problems, width=width, height=height, base_url=live_server.url)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url("**/app/")
    welcome = page.get_by_role("region", name="Welcome to Threadr")
    expect(welcome).to_be_visible()
    page.screenshot(path=screenshot_dir / f"first-visit-{viewport}.png")
    welcome.get_by_role("button", name="Try a sample").click()

    text = page.get_by_label("Article text")
    expect(text).to_be_visible()
    expect(text).to_be_focused()
    assert text.input_value().startswith("# Write the ending first\n\nMost drafts fail at the end")
    expect(page.get_by_role("tab", name="Text")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#text-length")).to_contain_text(f"{len(text.input_value()):,}")
    page.get_by_role("button", name="Generate thread").click()
    assert wait_until(lambda: Thread.objects.filter(owner=alice, title="Write the ending first").exists(), 20)

    page.goto("/app/")
    expect(page.get_by_role("heading", name="Write a thread")).to_be_visible()
    expect(page.get_by_role("region", name="Welcome to Threadr")).to_have_count(0)
    assert problems == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_signed_in_visitor_to_the_landing_page_is_offered_the_app(browser, live_server, alice, viewport):
    problems = PageProblems()
    width, height = VIEWPORTS[viewport]
    page = open_page(browser, problems, width=width, height=height, base_url=live_server.url)
    login(page, live_server, alice)
    page.goto("/")

    expect(page.get_by_text("Start free")).to_have_count(0)
    expect(page.get_by_role("link", name="Create your free account")).to_have_count(0)
    page.get_by_role("link", name="Open the app").first.click()

    page.wait_for_url("**/app/")
    assert problems == []
