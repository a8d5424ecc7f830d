"""An account at its storage cap, in Chromium: the generator and the editor say so in words and point the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from generator.models import Thread
from tests.generator.conftest import ARTICLE
from tests.web.conftest import PageProblems, open_page
from tests.web.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def make_thread(owner, title: str = "Remote writing") -> Thread:
    thread = Thread(owner=owner, title=title, engine="local", source_text=ARTICLE)
    thread.set_tweets(["Lead with the conclusion. 1/2", "Keep documents alive. 2/2"])
    thread.save()
    return thread


def test_the_generator_explains_a_full_account_and_links_to_history(browser, live_server, alice, settings):
    settings.MAX_THREADS_PER_USER = 2
    make_thread(alice)
    make_thread(alice, title="Another")
    problems = PageProblems()
    page = open_page(browser, problems, width=1280, height=800, base_url=live_server.url)
    login(page, live_server, alice)
    page.goto("/app/")
    page.get_by_role("tab", name="Text").click()
    page.get_by_label("Article text").fill(ARTICLE)

    page.get_by_role("button", name="Generate thread").click()

    error = page.locator("#generate-error")
    expect(error).to_contain_text(
        "Your threads are at the 2 threads a free account keeps. Delete threads you no longer need, or upgrade"
    )
    error.get_by_role("link", name="Open History to delete threads").click()
    expect(page).to_have_url(f"{live_server.url}/app/threads/")
    assert Thread.objects.filter(owner=alice).count() == 2
    assert len(problems) == 1  # the refused request, nothing else
    assert "status of 403" in problems[0]


def test_the_editor_says_why_an_edit_past_the_text_cap_was_not_saved(browser, live_server, alice, settings):
    thread = make_thread(alice)
    settings.MAX_STORED_TEXT_PER_USER = Thread.objects.get(pk=thread.pk).stored_chars + 5
    problems = PageProblems()
    page = open_page(browser, problems, width=1280, height=900, base_url=live_server.url)
    login(page, live_server, alice)
    page.goto(f"/app/threads/{thread.pk}/")

    page.locator(".tweet-card textarea").first.fill("Lead with the conclusion, and then say why it matters.")

    expect(page.locator("#save-state")).to_contain_text(
        "Not saved — This would take your threads past the "
        f"{settings.MAX_STORED_TEXT_PER_USER:,} characters of text a free account keeps."
    )
    assert Thread.objects.get(pk=thread.pk).tweets[0] == "Lead with the conclusion. 1/2"
    assert problems
    assert all("status of 403" in problem for problem in problems)
