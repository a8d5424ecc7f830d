"""The generator page as a writing tool, in Chromium at a desktop's and a phone's size: on Generate the form folds
into one line and the thread is written on the stage, the tweet in progress growing with its count, in view and
clear of the sticky header; styles are chips and the options a remembered disclosure; a locked style and a spent
quota offer the plans in place, with the reset time in the person's own time zone."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from itertools import pairwise

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

from generator.models import Generation
from tests.fakes import openai_server, pages
from tests.fakes.openai_server import FakeReply
from tests.generator.conftest import ARTICLE
from tests.web.conftest import PageProblems, open_page
from tests.web.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

fake_openai = openai_server.fake_openai
page_server = pages.page_server

VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 800)}
TWEETS = [
    "Remote teams decide in documents now, not in meetings, and the habit shows in everything they ship.",
    "Lead with the conclusion: readers skim, so the answer belongs in the first sentence of the page.",
    "Write for a reader with no context: link the last decision, name the owner, say what happens next.",
    "Keep documents alive. Decisions change, and a stale page misleads the next person who reads it.",
    "Review the documents every month; teams that do repeat fewer of the mistakes they already made.",
    "None of this needs special software, only a team that values writing as much as talking.",
]
CHUNK = 3  # characters per streamed piece


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """What a scripted reply waits for before its held piece; set at the end whatever happens, so no generation is
    left waiting when the database is cleared."""
    event = threading.Event()
    yield event
    event.set()


def chunk_index(tweets_before: int, characters_into_next: int) -> int:
    """The index of the reply's streamed piece that holds this many characters of the next tweet."""
    done = sum(len(tweet) + len(openai_server.SEPARATOR) for tweet in TWEETS[:tweets_before])
    return (done + characters_into_next) // CHUNK


def new_page(browser, live_server, problems: PageProblems, viewport: str, **options) -> Page:
    width, height = VIEWPORTS[viewport]
    return open_page(browser, problems, width=width, height=height, base_url=live_server.url, **options)


def paste_text(page: Page, text: str = ARTICLE) -> None:
    page.get_by_role("tab", name="Text").click()
    page.get_by_label("Article text").fill(text)


def record_drafts(page: Page) -> None:
    """Keep every text the tweet in progress shows, with its label, in `window.seenDrafts`."""
    page.evaluate(
        """() => {
            window.seenDrafts = [];
            const note = () => {
                const text = document.getElementById("draft-text").textContent;
                const label = document.getElementById("draft-label").textContent;
                const last = window.seenDrafts.at(-1);
                const same = last && last.text === text && last.label === label;
                if (text && !same) window.seenDrafts.push({ label, text });
            };
            new MutationObserver(note).observe(document.getElementById("stream-draft"), {
                subtree: true, childList: true, characterData: true,
            });
        }"""
    )


def wait_in_view(page: Page, selector: str) -> None:
    """Wait (smooth scrolling takes a moment) until `selector` is entirely on screen and below the sticky header."""
    page.wait_for_function(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            const header = document.querySelector(".site-header").getBoundingClientRect();
            return box.height > 0 && box.top >= header.bottom && box.bottom <= window.innerHeight;
        }""",
        arg=selector,
        timeout=5000,
    )


def on_screen(page: Page, locator: Locator) -> bool:
    box = locator.bounding_box()
    viewport = page.viewport_size
    assert box is not None
    assert viewport is not None
    return (
        box["y"] >= 0
        and box["y"] + box["height"] <= viewport["height"]
        and box["x"] + box["width"] <= viewport["width"]
    )


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_form_folds_and_the_first_tweet_is_written_in_view_below_the_header(
    browser, live_server, alice, fake_openai, release, viewport, screenshot_dir
):
    fake_openai.script(FakeReply(tweets=TWEETS, chunk_size=CHUNK, chunk_delay=0.02, hold=(chunk_index(1, 40), release)))
    problems = PageProblems()
    page = new_page(browser, live_server, problems, viewport)
    login(page, live_server, alice)
    page.goto("/app/")
    paste_text(page)
    record_drafts(page)

    page.get_by_role("button", name="Generate thread").click()

    summary = page.locator("#composer-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Text · 809 characters · Summary · Neutral · Auto length")
    expect(page.get_by_label("Article text")).to_be_hidden()
    expect(page.get_by_role("button", name="Cancel")).to_be_focused()
    expect(page.get_by_role("button", name="Edit")).to_be_hidden()
    expect(page.locator("#stream-list li")).to_have_count(1, timeout=15_000)
    expect(page.locator("#stream-list li").first).to_have_text(TWEETS[0])
    expect(page.locator("#draft-label")).to_have_text("Tweet 2")
    expect(page.locator("#draft-text")).not_to_be_empty()
    wait_in_view(page, "#stream-list li:first-child")
    wait_in_view(page, "#stream-draft")
    page.screenshot(path=screenshot_dir / f"generate-streaming-{viewport}.png")

    seen = page.evaluate("window.seenDrafts")
    first = [draft["text"] for draft in seen if draft["label"] == "Tweet 1"]
    assert len(first) >= 2, seen
    assert all(TWEETS[0].startswith(text) for text in first), first
    assert all(later.startswith(earlier) for earlier, later in pairwise(first))
    # Read together: the draft may still be growing towards the held piece.
    writing, count = page.evaluate("['draft-text', 'draft-count'].map((id) => document.getElementById(id).textContent)")
    assert TWEETS[1].startswith(writing)
    assert count == str(280 - len(writing))

    release.set()
    expect(page.locator("#editor")).to_be_visible()
    expect(page.locator("#stream-draft")).to_be_hidden()
    wait_in_view(page, "#editor-heading")
    page.get_by_role("button", name="Edit").click()
    expect(page.get_by_label("Article text")).to_have_value(ARTICLE)
    assert problems == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_newest_tweet_stays_in_view_as_the_thread_grows(
    browser, live_server, alice, fake_openai, release, viewport
):
    fake_openai.script(FakeReply(tweets=TWEETS, chunk_size=CHUNK * 4, hold=(chunk_index(5, 30) // 4, release)))
    problems = PageProblems()
    page = new_page(browser, live_server, problems, viewport)
    login(page, live_server, alice)
    page.goto("/app/")
    paste_text(page)

    page.get_by_label("Article text").press("Control+Enter")

    expect(page.locator("#stream-list li")).to_have_count(5, timeout=15_000)
    expect(page.locator("#draft-label")).to_have_text("Tweet 6")
    wait_in_view(page, "#stream-draft")
    release.set()
    expect(page.locator("#editor")).to_be_visible()
    assert problems == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_link_shows_a_skeleton_while_the_article_is_fetched(
    browser, live_server, alice, page_server, settings, monkeypatch, viewport
):
    settings.FETCH_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.1/32"]
    pages.map_hosts(monkeypatch, {"blog.example": "127.0.0.1"})
    release = threading.Event()

    def held_page(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        release.wait(10)
        body = pages.sample("blog_post.html")
        handler.send_response(200)
        handler.send_header("Content-Type", pages.HTML)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    page_server.answers["/posts/held"] = pages.Answer(stream=held_page)
    problems = PageProblems()
    page = new_page(browser, live_server, problems, viewport)
    login(page, live_server, alice)
    page.goto("/app/")
    page.get_by_label("Article link").fill(f"http://blog.example:{page_server.port}/posts/held")

    page.get_by_role("button", name="Generate thread").click()

    expect(page.locator("#stream-fetching .skeleton")).to_be_visible()
    expect(page.locator("#progress")).to_have_text("Fetching article…")
    expect(page.locator("#composer-summary")).to_contain_text(f"Link · blog.example:{page_server.port}/posts/held")
    wait_in_view(page, "#stream-fetching")
    release.set()
    expect(page.locator("#editor")).to_be_visible(timeout=15_000)
    expect(page.locator("#stream-fetching")).to_be_hidden()
    assert problems == []


def test_reduced_motion_stills_the_stage(browser, live_server, alice, fake_openai, release):
    fake_openai.script(FakeReply(tweets=TWEETS, chunk_size=CHUNK, chunk_delay=0.02, hold=(chunk_index(1, 40), release)))
    problems = PageProblems()
    page = new_page(browser, live_server, problems, "desktop", reduced_motion="reduce")
    login(page, live_server, alice)
    page.goto("/app/")
    paste_text(page)
    page.get_by_role("button", name="Generate thread").click()
    expect(page.locator("#stream-list li")).to_have_count(1)
    expect(page.locator("#draft-text")).not_to_be_empty()

    caret = page.evaluate("getComputedStyle(document.getElementById('draft-text'), '::after').animationName")
    arrival = page.evaluate("getComputedStyle(document.querySelector('#stream-list li')).animationName")

    assert (caret, arrival) == ("none", "none")
    release.set()
    expect(page.locator("#editor")).to_be_visible()
    assert problems == []


def test_the_stage_moves_when_motion_is_welcome(browser, live_server, alice, fake_openai, release):
    fake_openai.script(FakeReply(tweets=TWEETS, chunk_size=CHUNK, chunk_delay=0.02, hold=(chunk_index(1, 40), release)))
    problems = PageProblems()
    page = new_page(browser, live_server, problems, "desktop", reduced_motion="no-preference")
    login(page, live_server, alice)
    page.goto("/app/")
    paste_text(page)
    page.get_by_role("button", name="Generate thread").click()
    expect(page.locator("#draft-text")).not_to_be_empty()

    caret = page.evaluate("getComputedStyle(document.getElementById('draft-text'), '::after').animationName")

    assert caret == "blink"
    release.set()
    expect(page.locator("#editor")).to_be_visible()
    assert problems == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_styles_are_chips_the_keyboard_can_pick(browser, live_server, alice, viewport):
    problems = PageProblems()
    page = new_page(browser, live_server, problems, viewport)
    login(page, live_server, alice)
    page.goto("/app/")

    summary = page.get_by_role("radio", name="Summary")
    expect(summary).to_be_checked()
    summary.focus()
    page.keyboard.press("ArrowRight")

    how_to = page.get_by_role("radio", name="How-to guide")
    expect(how_to).to_be_checked()
    expect(how_to).to_be_focused()
    expect(page.locator("#style-hint")).to_have_text("Step-by-step instructions a reader can follow.")
    chip = page.locator(".chip", has=how_to)
    assert page.evaluate("getComputedStyle(document.activeElement.parentElement).outlineStyle") == "solid"
    assert on_screen(page, chip)
    assert problems == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_locked_style_opens_the_plans_in_place_and_the_pasted_text_stays(browser, live_server, alice, viewport):
    problems = PageProblems()
    page = new_page(browser, live_server, problems, viewport)
    login(page, live_server, alice)
    page.goto("/app/")
    paste_text(page)

    story = page.get_by_role("link", name=re.compile("^Story"))
    story.scroll_into_view_if_needed()
    story.click()

    dialog = page.get_by_role("dialog", name="Story is a premium style")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("What you pasted stays here.")
    expect(dialog.locator(".upgrade-plan h3")).to_have_text(["30-day pass", "Pro"])
    assert page.url.endswith("/app/")
    assert on_screen(page, dialog)
    dialog.get_by_role("button", name="Not now").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_label("Article text")).to_have_value(ARTICLE)
    expect(page.get_by_role("radio", name="Summary")).to_be_checked()
    assert problems == []


def test_a_premium_user_picks_a_premium_style_chip(browser, live_server, bob):
    problems = PageProblems()
    page = new_page(browser, live_server, problems, "desktop")
    login(page, live_server, bob)
    page.goto("/app/")

    page.get_by_role("radio", name=re.compile("^Story")).check()

    expect(page.get_by_role("radio", name=re.compile("^Story"))).to_be_checked()
    assert page.get_by_role("link", name=re.compile("^Story")).count() == 0
    assert problems == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_options_disclosure_remembers_whether_it_was_open(browser, live_server, alice, viewport):
    problems = PageProblems()
    page = new_page(browser, live_server, problems, viewport)
    login(page, live_server, alice)
    page.goto("/app/")
    tone = page.get_by_label("Tone")
    current = page.locator("#options-current")
    expect(tone).to_be_hidden()
    expect(current).to_be_visible()
    expect(current).to_have_text("Neutral · Auto length · 1/5 at the end")

    page.locator("#options summary").click()
    expect(tone).to_be_visible()
    expect(current).to_be_hidden()
    page.get_by_label("Length").select_option("5")
    page.get_by_label("Add hashtags").check()
    page.reload()

    expect(page.get_by_label("Tone")).to_be_visible()
    page.locator("#options summary").click()
    expect(page.get_by_label("Tone")).to_be_hidden()
    page.reload()
    expect(page.get_by_label("Tone")).to_be_hidden()
    page.locator("#options summary").click()
    page.get_by_label("Length").select_option("5")
    page.get_by_label("Add hashtags").check()
    page.locator("#options summary").click()
    expect(current).to_have_text("Neutral · 5 tweets · 1/5 at the end · Hashtags")
    assert problems == []


@pytest.mark.parametrize("options_open", [False, True], ids=["options-closed", "options-open"])
def test_on_a_phone_generate_is_on_screen_without_scrolling_past_the_options(
    browser, live_server, alice, options_open, screenshot_dir
):
    problems = PageProblems()
    page = new_page(browser, live_server, problems, "phone")
    login(page, live_server, alice)
    page.goto("/app/")
    if options_open:
        page.locator("#options summary").click()
    paste_text(page)
    page.evaluate("window.scrollTo(0, 0)")

    generate = page.get_by_role("button", name="Generate thread")
    assert on_screen(page, generate)
    box = generate.bounding_box()
    assert box is not None
    hit = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y)?.id", [box["x"] + 10, box["y"] + box["height"] / 2]
    )
    assert hit == "generate"
    page.screenshot(path=screenshot_dir / f"generate-phone-{'options' if options_open else 'compact'}.png")
    assert problems == []


def spend_quota(user, count: int = 5) -> None:
    Generation.objects.bulk_create(
        Generation(user=user, status=Generation.Status.SUCCEEDED, input_kind="text") for _ in range(count)
    )


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_at_0_left_generate_offers_the_upgrade_with_the_local_reset_time(
    browser, live_server, alice, viewport, screenshot_dir
):
    spend_quota(alice)
    problems = PageProblems()
    # Midnight UTC, when the free threads come back, is 09:00 in Tokyo.
    page = new_page(browser, live_server, problems, viewport, timezone_id="Asia/Tokyo", locale="en-GB")
    login(page, live_server, alice)
    page.goto("/app/")
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url))

    upgrade = page.get_by_role("button", name="Upgrade to keep writing")
    expect(upgrade).to_be_visible()
    expect(page.locator("#quota-reset")).to_have_text(
        re.compile(r"^Free threads come back (today|tomorrow) at 09:00\.$")
    )
    expect(upgrade).to_have_accessible_description(re.compile("Free threads come back .* at 09:00"))
    paste_text(page)
    upgrade.click()

    dialog = page.get_by_role("dialog", name="You've used today's free threads")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#upgrade-reset")).to_have_text(
        re.compile(r"come back (today|tomorrow) at 09:00 \(your time\)")
    )
    assert on_screen(page, dialog)
    assert on_screen(page, dialog.get_by_role("button", name="Not now"))
    page.screenshot(path=screenshot_dir / f"upgrade-dialog-{viewport}.png")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    dialog.get_by_role("button", name="Not now").click()
    expect(page.get_by_label("Article text")).to_have_value(ARTICLE)
    assert not [url for url in sent if "/api/v1/generations" in url]
    assert problems == []


def test_the_last_free_thread_turns_generate_into_upgrade(browser, live_server, alice, settings):
    settings.THREADR_ENGINE = "local"
    spend_quota(alice, 4)
    problems = PageProblems()
    page = new_page(browser, live_server, problems, "desktop")
    login(page, live_server, alice)
    page.goto("/app/")
    paste_text(page)

    page.get_by_role("button", name="Generate thread").click()

    expect(page.locator("#editor")).to_be_visible()
    expect(page.locator("#usage-meter")).to_contain_text("0 of 5 left today")
    page.get_by_role("button", name="Edit").click()
    expect(page.get_by_role("button", name="Upgrade to keep writing")).to_be_visible()
    expect(page.locator("#quota-reset")).to_have_text(re.compile(r"^Free threads come back .+ at \d\d:\d\d"))
    assert problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_problem_in_the_generators_new_states(
    browser, live_server, alice, fake_openai, release, scheme
):
    fake_openai.script(FakeReply(tweets=TWEETS, chunk_size=CHUNK, chunk_delay=0.02, hold=(chunk_index(1, 40), release)))
    # axe's script is injected into the page, which the CSP forbids: this context alone bypasses it.
    context = browser.new_context(bypass_csp=True, base_url=live_server.url, color_scheme=scheme)
    page = context.new_page()
    login(page, live_server, alice)
    axe = Axe()
    found: dict[str, list[tuple[str, str]]] = {}

    def check(state: str) -> None:
        results = axe.run(page)
        found[state] = [
            (violation["id"], violation["impact"])
            for violation in results.response["violations"]
            if violation["impact"] in {"serious", "critical"}
        ]

    page.goto("/app/")
    page.locator("#options summary").click()
    check("options open")
    paste_text(page)
    page.get_by_role("button", name="Generate thread").click()
    expect(page.locator("#draft-text")).not_to_be_empty()
    check("streaming")
    release.set()
    expect(page.locator("#editor")).to_be_visible(timeout=15_000)  # the rest of the stream, the save, two fetches
    spend_quota(alice)
    page.goto("/app/")
    check("out of quota")
    page.get_by_role("button", name="Upgrade to keep writing").click()
    check("upgrade dialog")
    context.close()
    assert found == {"options open": [], "streaming": [], "out of quota": [], "upgrade dialog": []}
