"""The editor as one writing canvas, in Chromium on a desktop and a phone: tweets typed into directly, split and
joined from the keyboard, moved with Alt+arrows or the "⋯" menu, the text past X's limit highlighted in place and
split at the limit in one click, the title edited in place, one save state, undo and redo over all of it, and the
"Post on X" checklist. At rest a tweet shows its text, its counter and at most two controls."""

from __future__ import annotations

import gzip
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Page, expect

from generator import xtext
from generator.models import Thread
from tests.web.conftest import PageProblems, open_page
from tests.web.helpers import login, wait_until
from tests.web.test_editor import BODIES, make_thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": (1280, 800), "phone": (390, 844)}
SENTENCE = "Remote teams that write things down decide faster, because nobody waits for a meeting to learn more. "
LONG = (SENTENCE * 4).strip()  # four sentences: over 280 from the third on
VISIBLE_CONTROLS = """card => [...card.querySelectorAll('button, a[href], input, select')]
    .filter(control => control.checkVisibility({ visibilityProperty: true, opacityProperty: true }))
    .map(control => control.getAttribute('aria-label') || control.textContent.trim())"""


def open_canvas(browser, live_server, problems, user, thread, viewport="desktop", scheme="light") -> Page:
    width, height = VIEWPORTS[viewport]
    page = open_page(browser, problems, width=width, height=height, base_url=live_server.url)
    page.emulate_media(color_scheme=scheme)
    login(page, live_server, user)
    page.goto(f"/app/threads/{thread.pk}/")
    expect(page.locator(".tweet-card")).to_have_count(len(thread.tweets))
    return page


def texts(page: Page) -> list[str]:
    return [area.input_value() for area in page.locator(".tweet-card textarea").all()]


def area(page: Page, index: int):
    return page.locator(".tweet-card textarea").nth(index)


def caret_at(page: Page, index: int, at: int) -> None:
    area(page, index).focus()
    area(page, index).evaluate("(area, at) => area.setSelectionRange(at, at)", at)


def saved(page: Page) -> None:
    expect(page.locator("#save-state")).to_have_attribute("data-state", "saved")
    expect(page.locator("#save-state [data-role=save-text]")).to_have_text("Saved")


def stored(thread: Thread) -> list[str]:
    return Thread.objects.get(pk=thread.pk).tweets


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_at_rest_each_tweet_shows_at_most_two_controls_and_its_actions_on_hover_or_focus(
    browser, live_server, alice, viewport
):
    bodies = [f"Point {n}: remote teams decide in documents." for n in range(1, 7)] + [LONG]
    thread = make_thread(alice, bodies)
    problems = PageProblems()
    page = open_canvas(browser, live_server, problems, alice, thread, viewport)
    page.mouse.move(0, 0)

    at_rest = [card.evaluate(VISIBLE_CONTROLS) for card in page.locator(".tweet-card").all()]

    assert at_rest[:6] == [[f"More actions for tweet {n}"] for n in range(1, 7)]
    assert at_rest[6] == ["Split at 280", "More actions for tweet 7"]
    assert sum(len(controls) for controls in at_rest) == 8  # it was 63
    expect(page.locator(".tweet-card").first.locator(".counter-left")).to_be_visible()

    area(page, 1).focus()  # a tap on a phone
    focused = page.locator(".tweet-card").nth(1).evaluate(VISIBLE_CONTROLS)
    assert focused == [
        "Rewrite…",
        "Copy",
        "Open tweet 2 in X",
        "Move up",
        "Move down",
        "Delete",
        "More actions for tweet 2",
    ]
    assert page.locator(".tweet-card").first.evaluate(VISIBLE_CONTROLS) == ["More actions for tweet 1"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert problems == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_ctrl_enter_splits_at_the_cursor_and_backspace_at_the_start_joins_it_back(
    browser, live_server, alice, viewport
):
    thread = make_thread(alice)
    problems = PageProblems()
    page = open_canvas(browser, live_server, problems, alice, thread, viewport)
    a, b, c, d = BODIES
    cut = b.index("readers")

    caret_at(page, 1, cut)
    page.keyboard.press("Control+Enter")

    assert texts(page) == [a, b[:cut].strip(), b[cut:], c, d]
    expect(area(page, 2)).to_be_focused()
    assert area(page, 2).evaluate("area => area.selectionStart") == 0
    expect(page.locator(".tweet-mark").nth(2)).to_have_text("3/5")
    saved(page)
    assert wait_until(lambda: stored(thread)[2] == f"{b[cut:]} 3/5")

    page.keyboard.press("Backspace")

    assert texts(page) == BODIES
    expect(area(page, 1)).to_be_focused()
    assert area(page, 1).evaluate("area => area.selectionStart") == cut
    saved(page)
    assert wait_until(lambda: stored(thread) == [f"{body} {n}/4" for n, body in enumerate(BODIES, start=1)])

    caret_at(page, 3, len(d))  # three Enters in a row: two empty lines make a new tweet
    for _ in range(3):
        page.keyboard.press("Enter")
    page.keyboard.type("A last word.")
    assert texts(page) == [*BODIES, "A last word."]
    saved(page)
    assert problems == []


def test_a_join_over_the_limit_is_refused_and_says_why(browser, live_server, alice):
    long_second = SENTENCE * 2
    thread = make_thread(alice, [BODIES[0] + " " + SENTENCE, long_second, BODIES[2]])
    problems = PageProblems()
    page = open_canvas(browser, live_server, problems, alice, thread)
    before = texts(page)

    caret_at(page, 1, 0)
    page.keyboard.press("Backspace")

    assert texts(page) == before
    note = page.locator(".tweet-card").nth(1).locator(".tweet-note")
    expect(note).to_be_visible()
    expect(note).to_have_attribute("aria-live", "polite")
    joined = xtext.weighted_length(f"{before[0].strip()} {before[1].strip()} 1/2")
    expect(note).to_have_text(
        f"Tweets 1 and 2 together would be {joined} characters, over X's limit of 280: not merged."
    )
    assert area(page, 1).evaluate("area => area.getAttribute('aria-describedby')").endswith(note.get_attribute("id"))
    page.keyboard.type("Now ")
    expect(note).to_be_hidden()
    assert problems == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_tweets_move_with_alt_arrows_and_from_the_menu_by_keyboard(browser, live_server, alice, viewport):
    thread = make_thread(alice)
    problems = PageProblems()
    page = open_canvas(browser, live_server, problems, alice, thread, viewport)
    a, b, c, d = BODIES

    area(page, 0).press("Alt+ArrowDown")
    assert texts(page) == [b, a, c, d]
    expect(area(page, 1)).to_be_focused()

    menu_button = page.get_by_role("button", name="More actions for tweet 3")
    menu_button.focus()
    page.keyboard.press("Enter")
    menu = page.get_by_role("menu", name="Tweet 3 actions")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("menuitem", name="Split at cursor")).to_be_focused()
    page.keyboard.press("End")
    expect(menu.get_by_role("menuitem", name="Delete")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(menu_button).to_be_focused()

    page.keyboard.press("ArrowDown")  # opens the menu too
    for _ in range(4):  # split, merge, add below, move up: on to "Move down"
        page.keyboard.press("ArrowDown")
    expect(page.get_by_role("menuitem", name="Move down")).to_be_focused()
    page.keyboard.press("Enter")

    assert texts(page) == [b, a, d, c]
    expect(page.locator("[role=menu]:visible")).to_have_count(0)
    expect(page.get_by_role("button", name="More actions for tweet 4")).to_be_focused()
    saved(page)
    assert wait_until(lambda: stored(thread) == [f"{b} 1/4", f"{a} 2/4", f"{d} 3/4", f"{c} 4/4"])
    assert problems == []


def overflow_start(body: str, mark: str) -> int:
    """The first character of `body` that has to go for `body + mark` to fit X's limit."""
    return next(at for at in range(len(body)) if xtext.weighted_length(body[: at + 1] + mark) > 280)


@pytest.mark.parametrize(("viewport", "scheme"), [("desktop", "light"), ("phone", "dark")])
def test_text_past_the_limit_is_highlighted_in_place_and_split_at_280_cuts_at_a_sentence(
    browser, live_server, alice, viewport, scheme
):
    thread = make_thread(alice)
    problems = PageProblems()
    page = open_canvas(browser, live_server, problems, alice, thread, viewport, scheme)

    area(page, 1).fill(LONG)

    card = page.locator(".tweet-card").nth(1)
    highlight = card.locator(".tweet-backdrop mark")
    expect(highlight).to_have_text(LONG[overflow_start(LONG, " 2/4") :])
    colour = highlight.evaluate("mark => getComputedStyle(mark).backgroundColor")
    assert colour not in {"rgba(0, 0, 0, 0)", "transparent"}
    # The mark lies under the typed text: inside the textarea, ending where its last line ends.
    box, mark_box = area(page, 1).bounding_box(), highlight.bounding_box()
    assert box
    assert mark_box
    assert box["y"] < mark_box["y"]
    assert mark_box["y"] + mark_box["height"] <= box["y"] + box["height"]
    expect(card.locator(".over-limit")).to_contain_text("over X's limit of 280")

    card.get_by_role("button", name="Split at 280").click()

    first, second = texts(page)[1:3]
    assert first == (SENTENCE * 2).strip()  # the third sentence would pass the limit
    assert second == (SENTENCE * 2).strip()
    expect(page.locator(".tweet-backdrop mark")).to_have_count(0)
    expect(page.locator(".tweet-card.is-over")).to_have_count(0)
    saved(page)
    assert all(xtext.weighted_length(text) <= 280 for text in stored(thread))
    assert len(stored(thread)) == 5
    assert problems == []


def test_split_at_280_never_cuts_a_link_or_an_emoji(browser, live_server, alice):
    link = "https://example.com/posts/how-remote-teams-write-things-down"
    words = "word " * 52  # 260 characters: the link, weighing 23, passes the limit
    thread = make_thread(alice, [f"{words}{link} and a few words after it.", "🙂" * 150], numbering="none")
    problems = PageProblems()
    page = open_canvas(browser, live_server, problems, alice, thread)

    expect(page.locator(".tweet-backdrop mark").first).to_have_text(f"{link} and a few words after it.")
    page.get_by_role("button", name="Split at 280").first.click()
    expect(page.locator(".tweet-card")).to_have_count(3)
    page.get_by_role("button", name="Split at 280").click()

    expect(page.locator(".tweet-card")).to_have_count(4)
    first, second, third, fourth = texts(page)
    assert (first, second) == (words.strip(), f"{link} and a few words after it.")
    assert third + fourth == "🙂" * 150
    assert xtext.weighted_length(third) == 280  # as many emoji as fit, each whole
    saved(page)
    assert problems == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_title_is_edited_in_place_and_the_save_state_keeps_one_place(browser, live_server, alice, viewport):
    thread = make_thread(alice)
    problems = PageProblems()
    page = open_canvas(browser, live_server, problems, alice, thread, viewport)
    state = page.locator("#save-state")
    title = page.get_by_role("textbox", name="Title")

    expect(title).to_have_value("Remote writing")
    assert page.get_by_text("Remote writing").count() == 0  # shown once: in the field, nowhere else on the page
    assert title.bounding_box()["y"] < page.locator(".tweet-card").first.bounding_box()["y"]
    saved(page)
    where = state.bounding_box()

    failures: list[str] = []

    def fail_once(route):
        if route.request.method == "PATCH" and not failures:
            failures.append(route.request.url)
            route.fulfill(status=503, json={"error": {"code": "unavailable", "message": "Try again in a moment."}})
        else:
            route.continue_()

    page.route(f"**/api/v1/threads/{thread.pk}", fail_once)
    title.fill("How remote teams write")
    expect(state).to_contain_text("Not saved — Try again in a moment.")
    retry = state.get_by_role("button", name="Retry")
    expect(retry).to_be_visible()
    assert state.bounding_box()["y"] == where["y"]
    retry.click()
    saved(page)
    assert state.bounding_box()["y"] == where["y"]
    assert Thread.objects.get(pk=thread.pk).title == "How remote teams write"
    assert [problem for problem in problems if "status of 503" not in problem] == []


def test_undo_and_redo_walk_back_a_split_a_move_and_a_join(browser, live_server, alice):
    thread = make_thread(alice)
    problems = PageProblems()
    page = open_canvas(browser, live_server, problems, alice, thread)
    a, b, c, d = BODIES
    cut = a.index("not meetings")
    undo, redo = page.get_by_role("button", name="Undo"), page.get_by_role("button", name="Redo")

    caret_at(page, 0, cut)
    page.keyboard.press("Control+Enter")
    split = [a[:cut].strip(), a[cut:], b, c, d]
    assert texts(page) == split
    page.keyboard.press("Alt+ArrowDown")
    moved = [a[:cut].strip(), b, a[cut:], c, d]
    assert texts(page) == moved
    caret_at(page, 3, 0)
    page.keyboard.press("Backspace")
    joined = [a[:cut].strip(), b, f"{a[cut:]} {c}", d]
    assert texts(page) == joined

    for expected in (moved, split, BODIES):
        undo.click()
        assert texts(page) == expected
    expect(undo).to_be_disabled()
    for expected in (split, moved, joined):
        redo.click()
        assert texts(page) == expected
    expect(redo).to_be_disabled()
    saved(page)
    assert wait_until(lambda: stored(thread) == [f"{text} {n}/4" for n, text in enumerate(joined, start=1)])
    assert problems == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_post_on_x_opens_tweet_1_then_gives_each_reply_and_remembers_what_is_done(
    browser, live_server, alice, viewport
):
    thread = make_thread(alice)
    problems = PageProblems()
    page = open_canvas(browser, live_server, problems, alice, thread, viewport)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)

    page.get_by_role("button", name="Post on X").click()
    guide = page.get_by_role("dialog", name="Post on X")
    expect(guide).to_be_visible()
    opener = guide.get_by_role("link", name="Open tweet 1 in X")
    expect(opener).to_have_attribute("href", f"https://x.com/intent/post?text={quote(BODIES[0] + ' 1/4', safe='')}")
    expect(opener).to_have_attribute("target", "_blank")
    expect(guide.locator("#post-progress")).to_have_text("0 of 4 posted")
    expect(guide.locator(".post-step.is-next")).to_contain_text("Tweet 1 posted")

    guide.get_by_label("Tweet 1 posted").check()
    guide.get_by_role("button", name="Copy reply 2").click()
    expect(guide.locator("#post-status")).to_have_text("Reply 2 copied")
    assert page.evaluate("navigator.clipboard.readText()") == f"{BODIES[1]} 2/4"
    guide.get_by_label("Reply 2 posted").check()
    expect(guide.locator("#post-progress")).to_have_text("2 of 4 posted")
    expect(guide.locator(".post-step.is-next")).to_contain_text("Reply 3 posted")
    guide.get_by_role("button", name="Close").click()
    expect(guide).to_be_hidden()

    page.reload()
    page.get_by_role("button", name="Post on X").click()
    expect(guide.get_by_label("Tweet 1 posted")).to_be_checked()
    expect(guide.get_by_label("Reply 2 posted")).to_be_checked()
    expect(guide.get_by_label("Reply 3 posted")).not_to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    guide.get_by_role("button", name="Close").click()

    area(page, 1).fill("A reply rewritten after it was posted.")  # what X has is no longer this tweet
    page.get_by_role("button", name="Post on X").click()
    expect(guide.get_by_label("Tweet 1 posted")).to_be_checked()
    expect(guide.get_by_label("Reply 2 posted")).not_to_be_checked()
    guide.get_by_role("button", name="Start over").click()
    expect(guide.locator("#post-progress")).to_have_text("0 of 4 posted")
    assert problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_problem_in_the_canvas_with_its_menu_and_guide_open(browser, live_server, alice, scheme):
    thread = make_thread(alice, [BODIES[0], LONG, *BODIES[2:]])
    context = browser.new_context(bypass_csp=True, base_url=live_server.url, color_scheme=scheme)
    page = context.new_page()
    login(page, live_server, alice)
    page.goto(f"/app/threads/{thread.pk}/")
    axe = Axe()

    def serious(**options) -> list[tuple[str, str]]:
        results = axe.run(page, **options)
        return [
            (v["id"], str(v["nodes"][0]["target"]))
            for v in results.response["violations"]
            if v["impact"] in {"serious", "critical"}
        ]

    area(page, 1).focus()  # its actions shown, its overflow highlighted
    page.get_by_role("button", name="More actions for tweet 2").click()
    expect(page.get_by_role("menu", name="Tweet 2 actions")).to_be_visible()
    with_menu = serious()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Post on X").click()
    with_guide = serious(context="#post-guide")
    context.close()
    assert with_menu == []
    assert with_guide == []


def test_the_thread_pages_scripts_and_styles_weigh_under_60_kb_gzipped(browser, live_server, alice):
    thread = make_thread(alice)
    problems = PageProblems()
    page = open_page(browser, problems, width=1280, height=800, base_url=live_server.url)
    login(page, live_server, alice)
    loaded: list[str] = []
    page.on("requestfinished", lambda request: loaded.append(urlsplit(request.url).path))

    page.goto(f"/app/threads/{thread.pk}/")
    page.wait_for_load_state("networkidle")

    assets = sorted({path for path in loaded if path.startswith("/static/") and path.endswith((".js", ".css"))})
    assert any("/css/editor." in path for path in assets)
    assert any("/js/editor/post-guide." in path for path in assets)
    root = Path(settings.STATIC_ROOT)
    total = sum(len(gzip.compress((root / path.removeprefix("/static/")).read_bytes(), 9)) for path in assets)
    assert total < 60 * 1024, (total, assets)
    assert problems == []
