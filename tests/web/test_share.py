"""Sharing in Chromium: the owner shares a thread from history, a logged-out visitor reads it like on X with
nothing private on the page, link previews get their tags, and unsharing makes the link a 404."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from generator import services
from generator.models import Thread
from tests.conftest import make_user
from tests.web.conftest import PageProblems, open_page
from tests.web.helpers import login, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 800)}
TWEETS = [
    "Most remote teams fail at writing, not at meetings. Here is what the good ones do differently. 1/3",
    "They lead with the decision, then the reasons. Readers skim; give them the point first. 2/3",
    "They keep documents alive: a stale page misleads more than no page at all. 3/3",
]
SOURCE_TEXT = "PRIVATE DRAFT: the full article the owner pasted, never shown to visitors."


def make_thread(owner: User, *, shared: bool = False) -> Thread:
    thread = Thread(owner=owner, title="How remote teams write", source_text=SOURCE_TEXT, engine="local")
    thread.set_tweets(TWEETS)
    thread.save()
    return services.thread_update(thread=thread, shared=True) if shared else thread


def visitor(browser, live_server, problems: PageProblems, *, width: int = 1280, height: int = 800) -> Page:
    """A fresh browser context: no session, as someone who was sent the link."""
    return open_page(browser, problems, width=width, height=height, base_url=live_server.url)


def meta(page: Page, key: str) -> str | None:
    return page.locator(f'meta[property="{key}"], meta[name="{key}"]').get_attribute("content")


def test_it_shares_from_history_and_a_logged_out_visitor_reads_it_until_it_is_unshared(browser, live_server, alice):
    thread = make_thread(alice)
    problems = PageProblems()
    owner = open_page(browser, problems, width=1280, height=800, base_url=live_server.url)
    owner.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(owner, live_server, alice)
    owner.goto("/app/threads/")

    share = owner.get_by_role("button", name="Share publicly")
    share.click()

    expect(share).to_have_attribute("aria-pressed", "true")
    link = owner.get_by_label("Public link")
    expect(owner.get_by_role("button", name="Copy link")).to_be_focused()
    assert wait_until(lambda: Thread.objects.get(pk=thread.pk).share_token)
    token = Thread.objects.get(pk=thread.pk).share_token
    assert len(token) >= 32
    expect(link).to_have_value(f"{live_server.url}/t/{token}/")
    owner.get_by_role("button", name="Copy link").click()
    expect(owner.get_by_role("status")).to_contain_text("Link copied.")
    assert owner.evaluate("navigator.clipboard.readText()") == f"{live_server.url}/t/{token}/"

    reader = visitor(browser, live_server, problems)
    response = reader.goto(f"/t/{token}/")
    assert response is not None
    assert response.status == 200
    expect(reader.get_by_role("heading", level=1)).to_have_text("How remote teams write")
    expect(reader.locator(".x-tweet")).to_have_count(3)
    expect(reader.locator(".x-tweet .x-name").first).to_have_text("Alice")
    expect(reader.get_by_role("link", name="Made with Threadr")).to_have_attribute("href", "/")
    html = reader.content()
    assert "alice@example.com" not in html
    assert SOURCE_TEXT not in html
    assert problems == []

    share.click()
    expect(share).to_have_attribute("aria-pressed", "false")
    assert wait_until(lambda: Thread.objects.get(pk=thread.pk).share_token is None)
    gone = PageProblems()
    after = visitor(browser, live_server, gone)
    response = after.goto(f"/t/{token}/")
    assert response is not None
    assert response.status == 404
    assert [problem for problem in gone if "404" not in problem] == []
    assert problems == []


def test_it_gives_link_previews_a_title_and_the_first_tweet(browser, live_server, alice):
    thread = make_thread(alice, shared=True)
    problems = PageProblems()
    page = visitor(browser, live_server, problems)

    page.goto(f"/t/{thread.share_token}/")

    assert meta(page, "og:title") == "How remote teams write"
    assert meta(page, "og:description") == TWEETS[0]
    assert meta(page, "og:type") == "article"
    assert meta(page, "og:url") == f"{live_server.url}/t/{thread.share_token}/"
    assert meta(page, "twitter:card") == "summary"
    assert meta(page, "description") == TWEETS[0]
    assert page.title() == "How remote teams write — a thread by Alice · Threadr"
    assert problems == []


def test_it_calls_an_owner_without_a_display_name_a_threadr_user(browser, live_server, db):
    thread = make_thread(make_user("no.name@example.com"), shared=True)
    problems = PageProblems()
    page = visitor(browser, live_server, problems)

    page.goto(f"/t/{thread.share_token}/")

    expect(page.locator(".x-tweet .x-name").first).to_have_text("A Threadr user")
    assert "no.name" not in page.content()
    assert problems == []


def test_it_copies_the_whole_thread_for_a_visitor(browser, live_server, alice):
    thread = make_thread(alice, shared=True)
    problems = PageProblems()
    page = visitor(browser, live_server, problems)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"/t/{thread.share_token}/")

    page.get_by_role("button", name="Copy the thread").click()

    expect(page.get_by_role("status")).to_have_text("The thread is copied.")
    assert page.evaluate("navigator.clipboard.readText()") == "\n\n".join(TWEETS)
    assert problems == []


def test_it_answers_404_to_a_guessed_token(browser, live_server, alice):
    make_thread(alice, shared=True)
    problems = PageProblems()
    page = visitor(browser, live_server, problems)

    response = page.goto("/t/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/")

    assert response is not None
    assert response.status == 404
    assert "How remote teams write" not in page.content()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_it_reads_well_on_a_phone_and_a_desktop(browser, live_server, alice, viewport, screenshot_dir):
    thread = make_thread(alice, shared=True)
    problems = PageProblems()
    width, height = VIEWPORTS[viewport]
    page = visitor(browser, live_server, problems, width=width, height=height)

    page.goto(f"/t/{thread.share_token}/")

    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=screenshot_dir / f"share-{viewport}.png", full_page=True)
    assert problems == []
