"""A free user who runs out of threads is offered the plans in place, pays through (fake) Stripe Checkout, and
generates again as a premium user; one whose quota runs out in another tab is offered them when the API refuses."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Route, expect

from billing.models import Plan
from generator.models import Generation, Thread
from tests.fakes.stripe_server import FakeStripe, running_fake_stripe
from tests.generator.conftest import ARTICLE
from tests.web.conftest import PageProblems, open_page
from tests.web.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PRICES = {"price_pass30": {"unit_amount": 499, "currency": "usd", "type": "one_time"}}
CHECKOUT_PAGE = "<!doctype html><title>Checkout</title><h1>Pay Threadr</h1>"


@pytest.fixture
def fake_stripe(settings, transactional_db) -> Iterator[FakeStripe]:
    with running_fake_stripe(PRICES) as (fake, url):
        settings.STRIPE_SECRET_KEY = "sk_test_threadr"
        settings.STRIPE_WEBHOOK_SECRET = "whsec_threadr_web_tests"
        settings.STRIPE_API_BASE = url
        Plan.objects.filter(slug="pass-30").update(stripe_price_id="price_pass30")
        yield fake


def test_the_sixth_thread_of_the_day_offers_the_plans_and_paying_unlocks_generating(
    browser, live_server, alice, fake_stripe
):
    Generation.objects.bulk_create(
        Generation(user=alice, status=Generation.Status.SUCCEEDED, input_kind="text") for _ in range(5)
    )
    problems = PageProblems()
    page = open_page(browser, problems, width=1280, height=900, base_url=live_server.url)
    checkout_urls: list[str] = []

    def stripe_checkout(route: Route) -> None:
        checkout_urls.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body=CHECKOUT_PAGE)

    page.route("https://checkout.stripe.com/**", stripe_checkout)
    login(page, live_server, alice)
    page.goto("/app/")
    expect(page.locator("#usage-meter")).to_contain_text("0 of 5 left today")
    page.get_by_role("tab", name="Text").click()
    page.get_by_label("Article text").fill(ARTICLE)

    page.get_by_role("button", name="Upgrade to keep writing").click()

    dialog = page.get_by_role("dialog", name="You've used today's free threads")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("You've used all 5 free threads today")
    reset = re.compile(r"Your free threads come back .+ at .+ \(your time\)\.")
    expect(dialog.locator("#upgrade-reset")).to_have_text(reset)
    expect(dialog.locator(".upgrade-plan h3")).to_have_text(["30-day pass", "Pro"])
    expect(dialog.get_by_role("link", name="See Pro on the pricing page")).to_have_attribute("href", "/pricing")
    expect(page.get_by_label("Article text")).to_have_value(ARTICLE)

    pass_plan = Plan.objects.get(slug="pass-30")
    dialog.get_by_role("button", name=pass_plan.button_label).click()

    page.wait_for_url(re.compile(r"^https://checkout\.stripe\.com/c/pay/cs_test_"))
    session_id = checkout_urls[-1].rsplit("/", 1)[1]
    session = fake_stripe.pay_session(session_id)
    success = urlsplit(session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id))
    page.goto(f"{success.path}?{success.query}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you — you're premium")

    page.goto("/app/")
    expect(page.locator("#usage-meter")).to_contain_text("Premium")
    page.get_by_role("tab", name="Text").click()
    page.get_by_label("Article text").fill(ARTICLE)
    page.get_by_label("Article text").press("Control+Enter")
    expect(page.locator("#editor")).to_be_visible()
    assert Thread.objects.filter(owner=alice).count() == 1
    assert problems == []


def test_a_quota_spent_since_the_page_loaded_is_refused_with_the_plans_and_the_button_follows(
    browser, live_server, alice
):
    problems = PageProblems()
    page = open_page(browser, problems, width=390, height=844, base_url=live_server.url)
    login(page, live_server, alice)
    page.goto("/app/")
    page.get_by_role("tab", name="Text").click()
    page.get_by_label("Article text").fill(ARTICLE)
    # Spent meanwhile, in another tab.
    Generation.objects.bulk_create(
        Generation(user=alice, status=Generation.Status.SUCCEEDED, input_kind="text") for _ in range(5)
    )

    page.get_by_role("button", name="Generate thread").click()

    dialog = page.get_by_role("dialog", name="You've used today's free threads")
    expect(dialog).to_contain_text("You've used all 5 free threads today")
    dialog.get_by_role("button", name="Not now").click()
    expect(page.get_by_role("button", name="Upgrade to keep writing")).to_be_visible()
    expect(page.get_by_label("Article text")).to_have_value(ARTICLE)
    expect(page.locator("#usage-meter")).to_contain_text("0 of 5 left today")
    # Chromium logs every 4xx answer to the console; the quota's 402 is the one expected here, nothing else.
    assert [problem for problem in problems if "status of 402" not in problem] == []
