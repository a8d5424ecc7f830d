"""The account pages in Chromium, each in the site's style and CSP-clean: signing in (remembered), signing up and
confirming the address, resetting and changing the password, the email page, and the settings page's plan card
and API tokens."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import ApiToken, User
from billing.models import Customer
from tests.conftest import PASSWORD
from tests.web.conftest import PageProblems, open_page
from tests.web.helpers import login, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 800)}
NEW_PASSWORD = "a brand new passphrase for alice"


def new_page(browser, live_server, problems: PageProblems, *, width: int = 1280, height: int = 800) -> Page:
    return open_page(browser, problems, width=width, height=height, base_url=live_server.url)


def styled_like_the_site(page: Page) -> bool:
    """The page uses the site's layout and its account stylesheet (a card, a round primary button)."""
    radius = page.evaluate("getComputedStyle(document.querySelector('main .button')).borderRadius")
    return page.locator(".site-header").count() == 1 and radius == "999px"


def link_in(mail, path: str) -> str:
    found = re.search(rf"https?://\S+{path}\S*", mail.body)
    assert found is not None, mail.body
    return urlsplit(found.group()).path


def test_it_signs_in_and_remembers_the_session_when_asked(browser, live_server, alice):
    problems = PageProblems()
    page = new_page(browser, live_server, problems)
    page.goto("/accounts/login/")
    assert styled_like_the_site(page)

    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Remember me").check()
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("link", name="Account", exact=True)).to_have_count(1)
    session = next(cookie for cookie in page.context.cookies() if cookie["name"] == "sessionid")
    assert session["expires"] > (timezone.now() + timedelta(days=7)).timestamp()
    assert problems == []


def test_it_explains_a_wrong_password_without_saying_whether_the_account_exists(browser, live_server, alice):
    problems = PageProblems()
    page = new_page(browser, live_server, problems)
    page.goto("/accounts/login/")

    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text("not correct")
    expect(page.get_by_label("Email")).to_have_value("alice@example.com")
    assert problems == []


def test_it_signs_up_and_confirms_the_address_from_the_email(browser, live_server, mailoutbox):
    problems = PageProblems()
    page = new_page(browser, live_server, problems, width=390, height=844)
    page.goto("/accounts/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your free account")
    assert styled_like_the_site(page)

    page.get_by_label("Email").fill("carol@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    expect(page.get_by_label("Password (again)")).to_have_count(0)
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    page.goto(link_in(mailoutbox[-1], "/accounts/confirm-email/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/app/")
    expect(page.locator(".messages")).to_contain_text("Signed in as carol@example.com.")
    assert User.objects.get(email="carol@example.com").emailaddress_set.get().verified
    assert problems == []


def test_it_resets_a_forgotten_password_from_the_emailed_link(browser, live_server, alice, mailoutbox):
    problems = PageProblems()
    page = new_page(browser, live_server, problems)
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.wait_for_url("**/accounts/password/reset/")
    assert styled_like_the_site(page)

    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    page.goto(link_in(mailoutbox[-1], "/accounts/password/reset/key/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the new password").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your password is changed")
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert problems == []


def test_it_changes_the_password_and_shows_the_email_page(browser, live_server, alice):
    problems = PageProblems()
    page = new_page(browser, live_server, problems)
    login(page, live_server, alice)
    page.goto("/accounts/settings/")

    page.get_by_role("link", name="Change password").click()
    page.wait_for_url("**/accounts/password/change/")
    assert styled_like_the_site(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".messages")).to_contain_text("Your password is changed.")
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)

    page.goto("/accounts/email/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Email address")
    expect(page.get_by_label("Current email")).to_have_value("alice@example.com")
    page.get_by_label("New email address").fill("alice.new@example.com")
    page.get_by_role("button", name="Change email").click()
    expect(page.get_by_label("Changing to")).to_have_value("alice.new@example.com")
    expect(page.get_by_role("button", name="Send the link again")).to_be_visible()
    assert problems == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_settings_page_shows_the_plan_and_manages_api_tokens(browser, live_server, alice, viewport, screenshot_dir):
    problems = PageProblems()
    width, height = VIEWPORTS[viewport]
    page = new_page(browser, live_server, problems, width=width, height=height)
    login(page, live_server, alice)
    page.goto("/accounts/settings/")

    plan = page.get_by_role("region", name="Plan and usage")
    expect(plan.locator(".plan-name")).to_have_text("Free")
    expect(page.get_by_label("Today: 0 of 5 threads used")).to_be_visible()
    expect(plan.get_by_role("button", name="Manage billing")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=screenshot_dir / f"account-{viewport}.png", full_page=True)

    page.get_by_label("Token name").fill("Newsletter script")
    page.get_by_role("button", name="Create token").click()
    raw = page.get_by_label("New API token").input_value()
    token = ApiToken.objects.get(user=alice, revoked_at=None)
    assert raw.startswith(token.prefix)
    expect(page.get_by_role("row", name=re.compile("Newsletter script"))).to_be_visible()

    page.get_by_role("button", name="Revoke Newsletter script").click()
    expect(page.locator(".messages")).to_contain_text("was revoked")
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()
    assert wait_until(lambda: ApiToken.objects.get(pk=token.pk).revoked_at is not None)
    assert problems == []


def test_a_premium_customer_sees_the_end_date_and_can_manage_billing(browser, live_server, bob):
    Customer.objects.create(user=bob, stripe_customer_id="cus_bob")
    problems = PageProblems()
    page = new_page(browser, live_server, problems)
    login(page, live_server, bob)

    page.goto("/accounts/settings/")

    plan = page.get_by_role("region", name="Plan and usage")
    expect(plan.locator(".plan-name")).to_have_text("Premium")
    expect(plan).to_contain_text(f"Premium until {bob.premium_until:%-d %B %Y, %H:%M} UTC")
    expect(plan.get_by_role("button", name="Manage billing")).to_be_visible()
    assert problems == []


def test_the_delete_page_asks_for_the_password_and_keeps_the_account_on_a_wrong_one(browser, live_server, alice):
    problems = PageProblems()
    page = new_page(browser, live_server, problems)
    login(page, live_server, alice)
    page.goto("/accounts/settings/")

    page.get_by_role("link", name="Delete my account…").click()
    password = page.get_by_label("Enter your password to confirm")
    password.fill("wrong")
    page.get_by_role("button", name="Show password").click()  # check what was typed before deleting for good
    expect(password).to_have_attribute("type", "text")
    page.get_by_role("button", name="Delete my account").click()

    expect(page.get_by_role("alert")).to_have_text("That password is not right. Nothing was deleted.")
    assert User.objects.filter(pk=alice.pk).exists()
    assert [problem for problem in problems if "400" not in problem] == []
