"""Publishing in Chromium: a premium user with X connected presses "Publish to X" on a thread, is told it is on
its way and finds it in the queue; a free user is pointed to the plans instead."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from publishing.models import Publication
from tests.fakes import x_server
from tests.publishing.conftest import KEY, connect, make_thread
from tests.web.conftest import PageProblems, open_page
from tests.web.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

fake_x = x_server.fake_x


@pytest.fixture(autouse=True)
def _keys(settings):
    settings.FIELD_ENCRYPTION_KEY = [KEY]


def test_a_premium_user_publishes_a_thread_and_finds_it_in_the_queue(browser, live_server, bob, fake_x, screenshot_dir):
    connect(bob, fake_x)
    thread = make_thread(bob, 3)
    problems = PageProblems()
    page = open_page(browser, problems, width=1280, height=800, base_url=live_server.url)
    login(page, live_server, bob)
    page.goto(f"/app/threads/{thread.pk}/")

    page.get_by_role("button", name="Publish to X").click()

    expect(page.locator("#publish-status")).to_contain_text("Publishing 3 tweets to X as a reply chain.")
    assert Publication.objects.get().thread_id == thread.pk
    page.screenshot(path=screenshot_dir / "publish-thread.png")
    page.get_by_role("link", name="Follow it in the queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publishing queue")
    expect(page.get_by_role("cell", name=thread.title)).to_be_visible()
    expect(page.get_by_role("cell", name="Publishing", exact=True)).to_be_visible()
    assert problems == []


def test_a_free_user_is_pointed_to_the_plans(browser, live_server, alice, fake_x):
    connect(alice, fake_x)
    thread = make_thread(alice, 2)
    problems = PageProblems()
    page = open_page(browser, problems, width=390, height=844, base_url=live_server.url)
    login(page, live_server, alice)
    page.goto(f"/app/threads/{thread.pk}/")

    page.get_by_role("button", name="Publish to X").click()

    expect(page.locator("#publish-status")).to_contain_text("Publishing to X is a premium feature.")
    expect(page.locator("#publish-status").get_by_role("link", name="See plans")).to_have_attribute("href", "/pricing")
    assert not Publication.objects.exists()
    assert [problem for problem in problems if "403" not in problem] == []
