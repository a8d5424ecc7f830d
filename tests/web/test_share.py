"""Sharing in Chromium: the owner shares a thread from history, a logged-out visitor reads it like on X with the
author's name and handle and a link to the article but nothing private, link previews get their tags and a picture
at absolute SITE_URL addresses, and unsharing makes the link and the picture 404."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.services import user_profile_update, user_x_handle_confirm
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


SOURCE_URL = "https://blog.example/remote-writing?utm_source=x"


def make_thread(owner: User, *, shared: bool = False, source_url: str = SOURCE_URL) -> Thread:
    thread = Thread(
        owner=owner, title="How remote teams write", source_text=SOURCE_TEXT, source_url=source_url, engine="local"
    )
    thread.set_tweets(TWEETS)
    thread.save()
    return services.thread_update(thread=thread, shared=True) if shared else thread


def visitor(browser, live_server, problems: PageProblems, *, width: int = 1280, height: int = 800) -> Page:
    """A fresh browser context: no session, as someone who was sent the link."""
    return open_page(browser, problems, width=width, height=height, base_url=live_server.url)


def meta(page: Page, key: str) -> str | None:
    return page.locator(f'meta[property="{key}"], meta[name="{key}"]').get_attribute("content")


def test_it_shares_from_history_and_a_logged_out_visitor_reads_it_until_it_is_unshared(
    browser, live_server, alice, settings
):
    settings.SITE_URL = live_server.url
    thread = make_thread(alice)
    problems = PageProblems()
    owner = open_page(browser, problems, width=1280, height=800, base_url=live_server.url)
    owner.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(owner, live_server, alice)
    owner.goto("/app/threads/")

    owner.get_by_role("button", name="Actions for How remote teams write").click()
    owner.get_by_role("menuitemcheckbox", name="Share publicly").click()

    expect(owner.get_by_role("status")).to_contain_text("Anyone with the link can now read this thread.")
    assert wait_until(lambda: Thread.objects.get(pk=thread.pk).share_token)
    token = Thread.objects.get(pk=thread.pk).share_token
    assert len(token) >= 32
    shared_link = owner.get_by_role("link", name="Shared: open the public page")
    expect(shared_link).to_have_attribute("href", f"{live_server.url}/t/{token}/")
    expect(owner.get_by_role("button", name="Actions for How remote teams write")).to_be_focused()
    owner.get_by_role("status").get_by_role("button", name="Copy link").click()
    expect(owner.get_by_role("status")).to_contain_text("Link copied.")
    assert owner.evaluate("navigator.clipboard.readText()") == f"{live_server.url}/t/{token}/"
    owner.evaluate("navigator.clipboard.writeText('')")
    owner.get_by_role("button", name="Actions for How remote teams write").click()
    owner.get_by_role("menuitem", name="Copy public link").click()
    assert wait_until(lambda: owner.evaluate("navigator.clipboard.readText()") == f"{live_server.url}/t/{token}/")

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
    image = reader.request.get(meta(reader, "og:image"))
    assert image.status == 200
    assert image.headers["content-type"] == "image/png"
    assert problems == []

    owner.get_by_role("button", name="Actions for How remote teams write").click()
    owner.get_by_role("menuitemcheckbox", name="Share publicly").click()
    expect(owner.get_by_role("link", name="Shared: open the public page")).to_have_count(0)
    assert wait_until(lambda: Thread.objects.get(pk=thread.pk).share_token is None)
    gone = PageProblems()
    after = visitor(browser, live_server, gone)
    response = after.goto(f"/t/{token}/")
    assert response is not None
    assert response.status == 404
    assert after.request.get(meta(reader, "og:image")).status == 404
    assert [problem for problem in gone if "404" not in problem] == []
    assert problems == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_it_shows_the_authors_name_handle_and_the_source_article(browser, live_server, alice, viewport):
    user_profile_update(user=alice, display_name="Alice Martin", x_handle="@alice_writes")
    thread = make_thread(alice, shared=True)
    problems = PageProblems()
    width, height = VIEWPORTS[viewport]
    page = visitor(browser, live_server, problems, width=width, height=height)

    page.goto(f"/t/{thread.share_token}/")

    byline = page.locator(".shared-byline")
    expect(byline).to_contain_text("Alice Martin")
    expect(byline.get_by_role("link", name="@alice_writes")).to_have_attribute("href", "https://x.com/alice_writes")
    expect(page.get_by_role("img", name="Verified X account")).to_have_count(0)
    expect(page.locator(".x-tweet .x-handle").first).to_have_text("@alice_writes")
    source = page.get_by_role("link", name="Read the original article on blog.example")
    expect(source).to_have_attribute("href", SOURCE_URL)
    expect(source).to_be_visible()
    assert "alice@example.com" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert problems == []


def test_it_marks_a_handle_confirmed_by_a_connected_x_account(browser, live_server, alice):
    user_x_handle_confirm(user=alice, handle="AliceOnX")
    thread = make_thread(alice, shared=True)
    problems = PageProblems()
    page = visitor(browser, live_server, problems)

    page.goto(f"/t/{thread.share_token}/")

    expect(page.locator(".shared-byline").get_by_role("img", name="Verified X account")).to_be_visible()
    expect(page.locator(".shared-byline").get_by_role("link", name="@AliceOnX")).to_be_visible()
    assert meta(page, "twitter:creator") == "@AliceOnX"
    assert problems == []


def test_a_thread_from_pasted_text_has_no_source_link_and_an_owner_without_a_handle_shows_none(
    browser, live_server, alice
):
    thread = make_thread(alice, shared=True, source_url="")
    problems = PageProblems()
    page = visitor(browser, live_server, problems)

    page.goto(f"/t/{thread.share_token}/")

    expect(page.get_by_role("link", name="Read the original article")).to_have_count(0)
    expect(page.locator(".x-handle")).to_have_count(0)
    expect(page.locator(".shared-author-handle")).to_have_count(0)
    assert "@alice" not in page.content()
    assert page.locator('meta[name="twitter:creator"]').count() == 0
    assert problems == []


def test_it_gives_link_previews_a_title_the_first_tweet_and_a_picture_on_site_url(
    browser, live_server, alice, settings
):
    settings.SITE_URL = "https://threadr.example"
    thread = make_thread(alice, shared=True)
    problems = PageProblems()
    page = visitor(browser, live_server, problems)

    page.goto(f"/t/{thread.share_token}/")

    page_url = f"https://threadr.example/t/{thread.share_token}/"
    assert meta(page, "og:title") == "How remote teams write"
    assert meta(page, "og:description") == TWEETS[0]
    assert meta(page, "og:type") == "article"
    assert meta(page, "og:url") == page_url
    assert page.locator('link[rel="canonical"]').get_attribute("href") == page_url
    image = meta(page, "og:image")
    assert image is not None
    assert image.startswith(f"{page_url}image-")
    assert image.endswith(".png")
    assert meta(page, "og:image:width") == "1200"
    assert meta(page, "og:image:height") == "630"
    assert meta(page, "og:image:alt") == "How remote teams write — a thread by Alice"
    assert meta(page, "twitter:card") == "summary_large_image"
    assert meta(page, "twitter:image") == image
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

    assert page.request.get("/t/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/image-0123456789abcdef.png").status == 404
    response = page.goto("/t/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/")

    assert response is not None
    assert response.status == 404
    assert "How remote teams write" not in page.content()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_it_reads_well_on_a_phone_and_a_desktop(browser, live_server, alice, viewport, screenshot_dir):
    user_profile_update(user=alice, display_name="Alice Martin", x_handle="")
    user_x_handle_confirm(user=alice, handle="alice_writes")
    thread = make_thread(alice, shared=True)
    problems = PageProblems()
    width, height = VIEWPORTS[viewport]
    page = visitor(browser, live_server, problems, width=width, height=height)

    page.goto(f"/t/{thread.share_token}/")

    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=screenshot_dir / f"share-{viewport}.png", full_page=True)
    assert problems == []
