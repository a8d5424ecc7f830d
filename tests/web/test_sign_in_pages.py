"""Threadr's own sign-in pages: sentence-case headings over one column, a new password typed once with a show/hide
toggle and its rules said only when one is broken, and a check-your-email page that can send the link again."""

from __future__ import annotations

import re
from datetime import timedelta
from itertools import pairwise

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.web.conftest import PageProblems, open_page
from tests.web.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 800)}
PASSWORD = "a long and unusual passphrase"
PROPER_NOUNS = {"Threadr"}
ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/confirm-email/",
    "/accounts/confirm-email/not-a-key/",
    "/accounts/password/reset/key/1-not-a-key/",
]
SIGNED_IN_PAGES = ["/accounts/password/change/", "/accounts/email/", "/accounts/logout/"]


def sentence_case(heading: str) -> bool:
    words = re.findall(r"[\w']+", heading)
    return words[0][0].isupper() and all(word.islower() or word in PROPER_NOUNS for word in words[1:])


def one_column(page: Page) -> bool:
    """Every field and the row of actions start at the same left edge, one under the other."""
    boxes = page.evaluate(
        """() => [...document.querySelectorAll("main .form-field, main .form-actions")]
            .filter(node => node.offsetParent !== null)
            .map(node => { const box = node.getBoundingClientRect(); return [box.left, box.top, box.bottom]; })"""
    )
    lefts = {round(left) for left, _, _ in boxes}
    stacked = all(below[1] >= above[2] for above, below in pairwise(boxes))
    return len(lefts) <= 1 and stacked


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_sign_in_page_has_a_sentence_case_heading_over_one_column(browser, live_server, alice, viewport):
    problems = PageProblems()
    width, height = VIEWPORTS[viewport]
    page = open_page(browser, problems, width=width, height=height, base_url=live_server.url)
    headings = {}

    for path in ANONYMOUS_PAGES:
        page.goto(path)
        headings[path] = page.get_by_role("heading", level=1).inner_text()
        assert one_column(page), path
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    login(page, live_server, alice)
    for path in SIGNED_IN_PAGES:
        page.goto(path)
        headings[path] = page.get_by_role("heading", level=1).inner_text()
        assert one_column(page), path

    assert [path for path, heading in headings.items() if not sentence_case(heading)] == [], headings
    assert headings["/accounts/confirm-email/"] == "Check your email"
    assert problems == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_sign_up_asks_for_the_password_once_and_names_only_a_broken_rule(
    browser, live_server, viewport, screenshot_dir
):
    problems = PageProblems()
    width, height = VIEWPORTS[viewport]
    page = open_page(browser, problems, width=width, height=height, base_url=live_server.url)
    page.goto("/accounts/signup/")
    password = page.get_by_label("Password", exact=True)

    expect(page.locator("main input[type=password]")).to_have_count(1)
    expect(page.get_by_text("Password (again)")).to_have_count(0)
    expect(page.get_by_text("at least 8 characters")).to_have_count(0)
    expect(page.get_by_text("commonly used password")).to_have_count(0)

    password.fill("2short")
    page.get_by_role("button", name="Show password").click()
    expect(password).to_have_attribute("type", "text")
    page.get_by_role("button", name="Hide password").click()
    expect(password).to_have_attribute("type", "password")
    page.get_by_label("Email").fill("carol@threadr.test")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_text("This password is too short. It must contain at least 8 characters.")).to_be_visible()
    expect(page.get_by_text("commonly used password")).to_have_count(0)
    expect(page.get_by_label("Password", exact=True)).to_have_attribute("aria-invalid", "true")
    page.screenshot(path=screenshot_dir / f"sign-up-broken-rule-{viewport}.png", full_page=True)
    assert problems == []


def test_the_password_is_sent_as_a_password_even_while_shown(browser, live_server):
    problems = PageProblems()
    page = open_page(browser, problems, width=1280, height=800, base_url=live_server.url)
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("carol@threadr.test")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Show password").click()
    # Listening after the page's own submit handler: what the box is when the form leaves.
    page.locator("#id_password1").evaluate(
        "box => box.form.addEventListener('submit', () => sessionStorage.setItem('sent-as', box.type))"
    )

    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert page.evaluate("sessionStorage.getItem('sent-as')") == "password"
    assert problems == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_check_your_email_page_sends_the_link_again_when_the_limit_allows(
    browser, live_server, mailoutbox, viewport, screenshot_dir
):
    problems = PageProblems()
    width, height = VIEWPORTS[viewport]
    page = open_page(browser, problems, width=width, height=height, base_url=live_server.url)
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("carol@threadr.test")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    page.screenshot(path=screenshot_dir / f"check-your-email-{viewport}.png", full_page=True)

    page.get_by_role("button", name="Resend the link").click()
    expect(page.locator(".messages")).to_contain_text("We sent you a link a moment ago.")
    assert len(mailoutbox) == 1

    with time_machine.travel(timezone.now() + timedelta(minutes=3, seconds=5), tick=True):
        page.get_by_role("button", name="Resend the link").click()
        expect(page.locator(".messages")).to_have_text("We sent a link to carol@threadr.test.")

    assert [message.to for message in mailoutbox] == [["carol@threadr.test"]] * 2
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert problems == []
