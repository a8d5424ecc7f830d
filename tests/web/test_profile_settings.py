"""The profile on shared threads, set on the settings page in Chromium: a display name and an X handle saved and
then shown to visitors of a shared thread, a handle X would refuse explained under its field, and a handle from a
connected X account shown but not editable."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.services import user_x_handle_confirm
from generator import services
from generator.models import Thread
from tests.web.conftest import PageProblems, open_page
from tests.web.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 800)}


def settings_page(browser, live_server, user: User, problems: PageProblems, *, viewport: str = "desktop") -> Page:
    width, height = VIEWPORTS[viewport]
    page = open_page(browser, problems, width=width, height=height, base_url=live_server.url)
    login(page, live_server, user)
    page.goto("/accounts/settings/")
    return page


def shared_thread(owner: User) -> Thread:
    thread = Thread(owner=owner, title="How remote teams write", engine="local")
    thread.set_tweets(["Remote teams decide in documents. 1/2", "Lead with the decision. 2/2"])
    thread.save()
    return services.thread_update(thread=thread, shared=True)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_name_and_handle_set_here_appear_on_a_shared_thread(browser, live_server, alice, viewport):
    thread = shared_thread(alice)
    problems = PageProblems()
    page = settings_page(browser, live_server, alice, problems, viewport=viewport)
    profile = page.get_by_role("region", name="Profile on shared threads")

    profile.get_by_label("Display name").fill("Alice Martin")
    profile.get_by_label("X handle").fill("@alice_writes")
    profile.get_by_role("button", name="Save profile").click()

    expect(page.get_by_role("status")).to_contain_text("Your profile is saved.")
    expect(profile.get_by_label("X handle")).to_have_value("alice_writes")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.goto(f"/t/{thread.share_token}/")
    expect(page.locator(".shared-byline")).to_contain_text("Alice Martin")
    expect(page.locator(".shared-byline")).to_contain_text("@alice_writes")
    assert problems == []


def test_a_handle_x_would_refuse_is_explained_under_its_field(browser, live_server, alice):
    problems = PageProblems()
    page = settings_page(browser, live_server, alice, problems)
    handle = page.get_by_label("X handle")

    handle.fill("alice.martin")
    page.get_by_role("button", name="Save profile").click()

    expect(handle).to_have_attribute("aria-invalid", "true")
    expect(handle).to_have_accessible_description(
        "An X handle has only letters, digits and underscores (_). Up to 15 letters, digits or underscores; "
        "the @ is optional."
    )
    expect(handle).to_have_value("alice.martin")
    alice.refresh_from_db()
    assert alice.x_handle == ""
    results = Axe().run(page)
    serious = [v["id"] for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]
    assert serious == []
    # The page's own problems: the 400 answer is expected, nothing else is.
    assert [problem for problem in problems if "400" not in problem] == []


def test_a_handle_from_a_connected_x_account_is_shown_but_not_editable(browser, live_server, alice):
    user_x_handle_confirm(user=alice, handle="AliceOnX")
    problems = PageProblems()
    page = settings_page(browser, live_server, alice, problems)
    profile = page.get_by_role("region", name="Profile on shared threads")

    expect(profile.get_by_label("X handle")).to_have_count(0)
    expect(profile).to_contain_text("@AliceOnX")
    expect(profile.get_by_role("img", name="Verified X account")).to_be_visible()
    profile.get_by_label("Display name").fill("Alice M.")
    profile.get_by_role("button", name="Save profile").click()

    expect(page.get_by_role("status")).to_contain_text("Your profile is saved.")
    alice.refresh_from_db()
    assert (alice.display_name, alice.x_handle, alice.x_handle_verified) == ("Alice M.", "AliceOnX", True)
    assert problems == []
