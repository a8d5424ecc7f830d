"""The thread editor in Chromium: rearranging, undoing, rewriting, copying, exporting, previewing and saving a
thread, and a counter that agrees with the server's."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from accounts.services import user_profile_update
from generator import xtext
from generator.domain import Numbering
from generator.models import Thread
from generator.splitter import mark_tweets
from tests.generator.conftest import ARTICLE
from tests.generator.test_xtext import conformance_cases
from tests.web.conftest import PageProblems, open_page
from tests.web.helpers import login, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODIES = [
    "Remote teams decide in documents now, not meetings.",
    "Lead with the conclusion: readers skim.",
    "Write for a reader with no context.",
    "Keep documents alive; stale pages mislead.",
]


def make_thread(owner, bodies: list[str] = BODIES, numbering: str = "1/n") -> Thread:
    thread = Thread(
        owner=owner, title="Remote writing", options={"numbering": numbering}, engine="local", source_text=ARTICLE
    )
    thread.set_tweets(mark_tweets(bodies, Numbering(numbering)))
    thread.save()
    return thread


def open_editor(browser, live_server, problems: PageProblems, user, thread: Thread) -> Page:
    page = open_page(browser, problems, width=1280, height=900, base_url=live_server.url)
    login(page, live_server, user)
    page.goto(f"/app/threads/{thread.pk}/")
    expect(page.locator(".tweet-card")).to_have_count(len(thread.tweets))
    return page


def texts(page: Page) -> list[str]:
    return [area.input_value() for area in page.locator(".tweet-card textarea").all()]


def card(page: Page, index: int):
    return page.locator(".tweet-card").nth(index)


def action(page: Page, index: int, name: str):
    """One of a tweet's actions, shown while the pointer is over the tweet."""
    card(page, index).hover()
    return card(page, index).get_by_role("button", name=name, exact=True)


def menu_item(page: Page, index: int, name: str):
    """An item of a tweet's "⋯" menu, opened."""
    card(page, index).get_by_role("button", name=re.compile("^More actions")).click()
    return card(page, index).get_by_role("menuitem", name=name)


def saved(page: Page) -> None:
    expect(page.locator("#save-state")).to_have_attribute("data-state", "saved")


def test_moving_merging_and_deleting_renumber_the_thread_and_undo_and_redo_walk_it_back(browser, live_server, alice):
    thread = make_thread(alice)
    problems = PageProblems()
    page = open_editor(browser, live_server, problems, alice, thread)
    a, b, c, d = BODIES

    action(page, 0, "Move down").click()
    assert texts(page) == [b, a, c, d]
    card(page, 2).locator("textarea").press("Alt+ArrowUp")
    assert texts(page) == [b, c, a, d]
    expect(card(page, 1).locator("textarea")).to_be_focused()
    page.set_viewport_size({"width": 1280, "height": 1600})  # a drag cannot scroll: both ends on screen
    card(page, 3).locator(".drag-handle").drag_to(card(page, 0))
    assert texts(page) == [d, b, c, a]
    menu_item(page, 1, "Merge with next").click()
    assert texts(page) == [d, f"{b} {c}", a]
    action(page, 2, "Delete").click()
    assert texts(page) == [d, f"{b} {c}"]
    expect(card(page, 1).locator(".tweet-mark")).to_have_text("2/2")
    saved(page)
    assert wait_until(lambda: Thread.objects.get(pk=thread.pk).tweets == [f"{d} 1/2", f"{b} {c} 2/2"])

    page.locator("#editor-heading").click()
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+z")
    assert texts(page) == [d, b, c, a]
    page.get_by_role("button", name="Redo").click()
    assert texts(page) == [d, f"{b} {c}", a]
    page.keyboard.press("Control+Shift+z")
    assert texts(page) == [d, f"{b} {c}"]
    page.get_by_role("button", name="Undo").click()

    saved(page)
    assert wait_until(lambda: Thread.objects.get(pk=thread.pk).tweets == [f"{d} 1/3", f"{b} {c} 2/3", f"{a} 3/3"])
    assert problems == []


def test_an_inserted_tweet_is_saved_once_it_has_words(browser, live_server, alice):
    thread = make_thread(alice)
    problems = PageProblems()
    page = open_editor(browser, live_server, problems, alice, thread)

    menu_item(page, 0, "Add tweet below").click()

    expect(card(page, 1).locator("textarea")).to_be_focused()
    expect(page.locator("#save-state")).to_contain_text("empty tweet")
    page.keyboard.type("Here is why it matters.")
    saved(page)
    assert wait_until(lambda: Thread.objects.get(pk=thread.pk).tweets[1] == "Here is why it matters. 2/5")
    assert problems == []


# Two sentences of ARTICLE: "shorter" keeps one of them.
LONG = (
    "The first habit of good remote writers is to lead with the conclusion. Readers skim, so the answer belongs in "
    "the first sentence, with the reasoning after it."
)


def test_the_local_engine_offers_four_rewrites_and_shorter_shortens_the_tweet(browser, live_server, alice):
    bodies = [BODIES[0], LONG, *BODIES[2:]]
    thread = make_thread(alice, bodies)
    problems = PageProblems()
    page = open_editor(browser, live_server, problems, alice, thread)

    action(page, 1, "Rewrite…").click()
    choices = card(page, 1).get_by_role("group", name="How should it change?").get_by_role("button")
    expect(choices).to_have_text(["Shorter", "Plainer", "As a question", "Another sentence", "Cancel"])
    expect(card(page, 1).get_by_role("textbox")).to_have_count(1)  # the tweet itself: no free-text box
    card(page, 1).get_by_role("button", name="Shorter").click()

    expect(page.locator("#editor-announcer")).to_contain_text("rewritten")
    assert wait_until(lambda: Thread.objects.get(pk=thread.pk).regenerations == 1)
    stored = Thread.objects.get(pk=thread.pk).tweets
    count = len(stored)
    assert texts(page) == [text.removesuffix(f" {k}/{count}") for k, text in enumerate(stored, start=1)]
    assert xtext.weighted_length(texts(page)[1]) < xtext.weighted_length(LONG)
    assert texts(page)[1] in LONG
    page.get_by_role("button", name="Undo").click()
    assert texts(page) == bodies
    assert problems == []


def test_it_offers_rewriting_until_the_thread_has_used_the_rewrites_the_server_allows(
    browser, live_server, alice, settings
):
    settings.MAX_REGENERATIONS_PER_THREAD = 2
    thread = make_thread(alice)
    problems = PageProblems()
    page = open_editor(browser, live_server, problems, alice, thread)
    expect(action(page, 0, "Rewrite…")).to_be_enabled()

    Thread.objects.filter(pk=thread.pk).update(regenerations=2)
    page.reload()

    expect(action(page, 0, "Rewrite…")).to_be_disabled()
    expect(menu_item(page, 0, "Rewrite…")).to_be_disabled()
    assert problems == []


def test_copying_puts_the_numbered_or_the_plain_thread_on_the_clipboard(browser, live_server, alice):
    thread = make_thread(alice)
    problems = PageProblems()
    page = open_editor(browser, live_server, problems, alice, thread)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    clipboard = "navigator.clipboard.readText()"

    page.get_by_role("button", name="Copy all").click()
    expect(page.locator("#editor-toast")).to_have_text("All 4 tweets copied")
    assert page.evaluate(clipboard) == "\n\n".join(f"{body} {k}/4" for k, body in enumerate(BODIES, start=1))

    page.get_by_label("Copy as").select_option("plain")
    page.get_by_role("button", name="Copy all").click()
    expect(page.locator("#editor-toast")).to_have_text("All 4 tweets copied")
    assert page.evaluate(clipboard) == "\n\n".join(BODIES)

    action(page, 2, "Copy").click()
    expect(page.locator("#editor-toast")).to_have_text("Tweet 3 copied")
    assert page.evaluate(clipboard) == f"{BODIES[2]} 3/4"

    card(page, 2).hover()
    intent = card(page, 2).get_by_role("link", name="Open tweet 3 in X")
    expect(intent).to_have_attribute("href", f"https://x.com/intent/post?text={quote(BODIES[2] + ' 3/4', safe='')}")
    expect(intent).to_have_attribute("target", "_blank")
    assert problems == []


def test_the_thread_downloads_as_text_markdown_and_json(browser, live_server, alice):
    thread = make_thread(alice)
    problems = PageProblems()
    page = open_editor(browser, live_server, problems, alice, thread)
    card(page, 0).locator("textarea").fill("Edited just before exporting.")

    files = {}
    for kind in ("txt", "md", "json"):
        with page.expect_download() as download:
            page.get_by_role("link", name=f".{kind} file").click()
        files[kind] = (download.value.suggested_filename, download.value.path().read_text())

    assert files["txt"][0] == f"remote-writing-{thread.pk}.txt"
    assert files["txt"][1].startswith("Edited just before exporting. 1/4\n\nLead with the conclusion")
    assert files["md"][1].startswith("# Remote writing\n")
    assert "## Tweet 4" in files["md"][1]
    assert json.loads(files["json"][1])["tweets"][0]["text"] == "Edited just before exporting. 1/4"
    assert problems == []


def test_the_preview_shows_the_thread_as_it_will_look_on_x(browser, live_server, alice):
    user_profile_update(user=alice, display_name="Alice", x_handle="alice")  # the handle is set, never guessed
    thread = make_thread(alice)
    problems = PageProblems()
    page = open_editor(browser, live_server, problems, alice, thread)

    page.get_by_role("button", name="Preview").click()

    preview = page.get_by_role("list", name="Preview as on X")
    expect(preview.locator(".x-tweet")).to_have_count(4)
    expect(preview.locator(".x-name").first).to_have_text("Alice")
    expect(preview.locator(".x-handle").first).to_have_text("@alice")
    expect(preview.locator(".x-text").last).to_have_text(f"{BODIES[3]} 4/4")
    expect(page.locator("#tweet-list")).to_be_hidden()
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#tweet-list")).to_be_visible()
    assert problems == []


def test_a_failed_save_says_so_retries_on_request_and_leaving_warns(browser, live_server, alice):
    thread = make_thread(alice)
    problems = PageProblems()
    page = open_editor(browser, live_server, problems, alice, thread)
    failures = []

    def fail_once(route):
        if route.request.method == "PATCH" and not failures:
            failures.append(route.request.url)
            route.fulfill(status=503, json={"error": {"code": "unavailable", "message": "Try again in a moment."}})
        else:
            route.continue_()

    page.route(f"**/api/v1/threads/{thread.pk}", fail_once)
    card(page, 0).locator("textarea").click()
    page.keyboard.type(" Typed.")

    expect(page.locator("#save-state")).to_contain_text("Not saved — Try again in a moment.")
    with page.expect_event("dialog") as leaving:
        page.close(run_before_unload=True)
    assert leaving.value.type == "beforeunload"
    leaving.value.dismiss()

    page = open_editor(browser, live_server, problems, alice, thread)
    failures.clear()
    page.route(f"**/api/v1/threads/{thread.pk}", fail_once)
    card(page, 0).locator("textarea").fill("A change the server did not take the first time.")
    expect(page.locator("#save-state")).to_contain_text("Not saved")
    page.get_by_role("button", name="Retry").click()
    saved(page)
    assert Thread.objects.get(pk=thread.pk).tweets[0] == "A change the server did not take the first time. 1/4"
    assert problems
    assert all("status of 503" in problem for problem in problems)


def test_the_editor_counts_every_conformance_case_as_the_server_does(browser, live_server, alice):
    samples = [case.values[0] for case in conformance_cases() if case.values[0].strip()]
    thread = make_thread(alice, bodies=samples, numbering="none")
    problems = PageProblems()
    page = open_editor(browser, live_server, problems, alice, thread)

    shown = page.locator(".counter-left").all_inner_texts()

    assert [int(left) for left in shown] == [xtext.MAX_WEIGHTED_LENGTH - xtext.weighted_length(s) for s in samples]
    over = page.locator(".tweet-card.is-over").count()
    assert over == sum(xtext.weighted_length(s) > xtext.MAX_WEIGHTED_LENGTH for s in samples)
    assert problems == []


def test_every_editor_action_works_from_the_keyboard(browser, live_server, alice):
    thread = make_thread(alice)
    problems = PageProblems()
    page = open_editor(browser, live_server, problems, alice, thread)
    first = card(page, 0)
    first.locator("textarea").focus()

    page.keyboard.press("Tab")
    expect(first.get_by_role("button", name="Rewrite…")).to_be_focused()
    for _ in range(3):  # Copy, Open in X, Move down (Move up is disabled on the first tweet)
        page.keyboard.press("Tab")
    expect(first.get_by_role("button", name="Move down")).to_be_focused()
    page.keyboard.press("Enter")

    assert texts(page)[:2] == [BODIES[1], BODIES[0]]
    expect(card(page, 1).get_by_role("button", name="Move down")).to_be_focused()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    assert re.fullmatch(r"Tweet 2 of 4", card(page, 1).locator(".tweet-label").inner_text())

    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(card(page, 1).get_by_role("button", name="More actions for tweet 2")).to_be_focused()
    page.keyboard.press("Enter")
    for name in ["Split at cursor", "Merge with next", "Add tweet below", "Move up", "Move down", "Rewrite…"]:
        expect(card(page, 1).get_by_role("menuitem", name=name)).to_be_focused()
        page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")  # Move down, from the menu

    assert texts(page)[1:3] == [BODIES[2], BODIES[0]]
    expect(card(page, 2).get_by_role("button", name="More actions for tweet 3")).to_be_focused()
    assert problems == []
