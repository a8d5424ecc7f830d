"""The generator page in Chromium: a new user's first thread streamed in and edited, links imported, errors
explained in place, cancelling, and the page's weight, accessibility and looks on a phone and a desktop."""

from __future__ import annotations

import gzip
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Page, expect

from generator.models import Generation, Thread
from tests.conftest import PASSWORD
from tests.fakes import openai_server, pages
from tests.fakes.openai_server import FakeReply
from tests.generator.conftest import ARTICLE
from tests.web.conftest import PageProblems, open_page
from tests.web.helpers import login, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

fake_openai = openai_server.fake_openai
page_server = pages.page_server

TWEETS = [
    "Remote teams decide in documents now, not meetings.",
    "Lead with the conclusion: readers skim.",
    "Write for a reader with no context.",
    "Keep documents alive; stale pages mislead.",
]
LONG_FIRST_HALF = "Writing things down is how remote teams remember what they decided and why they decided it. " * 2
LONG_SECOND_HALF = "A short note today saves a long meeting next month, and it helps the colleague who joins later."
VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 800)}


@pytest.fixture
def web(page_server, settings, monkeypatch):
    """Links to blog.example reach the local page server."""
    settings.FETCH_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.1/32"]
    pages.map_hosts(monkeypatch, {"blog.example": "127.0.0.1"})
    return page_server


def new_page(browser, live_server, problems: PageProblems, *, width: int = 1280, height: int = 800) -> Page:
    return open_page(browser, problems, width=width, height=height, base_url=live_server.url)


def paste_text(page: Page, text: str) -> None:
    page.get_by_role("tab", name="Text").click()
    page.get_by_label("Article text").fill(text)


def sign_up_and_verify(page: Page, mailoutbox, email: str) -> None:
    page.goto("/accounts/signup/")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mailoutbox[-1].body)
    assert link is not None, mailoutbox[-1].body
    page.goto(urlsplit(link.group()).path)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def test_a_new_user_signs_up_watches_a_thread_stream_in_edits_it_and_finds_the_edit_after_a_reload(
    browser, live_server, fake_openai, mailoutbox
):
    release = threading.Event()
    first_part = len(TWEETS[0] + openai_server.SEPARATOR) // 7 + 1
    fake_openai.script(FakeReply(tweets=TWEETS, hold=(first_part, release)))
    problems = PageProblems()
    page = new_page(browser, live_server, problems)
    sign_up_and_verify(page, mailoutbox, "newcomer@example.com")

    page.goto("/app/")
    expect(page.locator("#usage-meter")).to_contain_text("5 of 5 left today")
    paste_text(page, ARTICLE)
    page.get_by_role("button", name="Generate thread").click()

    # The first tweet is on screen while the provider still holds back the rest (the process's first AI call loads
    # the SDK: seconds on a busy machine).
    expect(page.locator(".stream-tweet").first).to_have_text(TWEETS[0], timeout=15_000)
    expect(page.locator("#progress")).to_contain_text("Writing your thread")
    assert page.locator(".stream-tweet").count() == 1
    assert page.locator("#editor").is_hidden()
    release.set()

    editor = page.locator("#editor")
    expect(editor).to_be_visible()
    expect(page.locator(".tweet-card")).to_have_count(4)
    thread = Thread.objects.get(owner__email="newcomer@example.com")
    assert page.url.endswith(f"/app/threads/{thread.pk}/")
    expect(page.locator("#usage-meter")).to_contain_text("4 of 5 left today")

    second = page.locator(".tweet-card").nth(1)
    second.locator("textarea").fill(LONG_FIRST_HALF + LONG_SECOND_HALF)
    expect(second.locator(".over-limit")).to_be_visible()
    expect(second.locator(".over-limit")).to_contain_text("over X's limit of 280")
    expect(second.locator(".counter")).to_have_class(re.compile("is-error"))

    second.locator("textarea").evaluate("(area, at) => area.setSelectionRange(at, at)", len(LONG_FIRST_HALF))
    second.get_by_role("button", name=re.compile("^More actions")).click()
    second.get_by_role("menuitem", name="Split at cursor").click()

    expect(page.locator(".tweet-card")).to_have_count(5)
    expect(page.locator(".over-limit:visible")).to_have_count(0)
    expect(page.locator("#save-state")).to_have_attribute("data-state", "saved")
    assert wait_until(lambda: len(Thread.objects.get(pk=thread.pk).tweets) == 5)
    saved = Thread.objects.get(pk=thread.pk).tweets
    assert saved[1] == LONG_FIRST_HALF.strip() + " 2/5"
    assert saved[2] == LONG_SECOND_HALF + " 3/5"
    assert saved[4] == TWEETS[3] + " 5/5"

    page.reload()

    expect(page.locator(".tweet-card textarea").nth(2)).to_have_value(LONG_SECOND_HALF)
    expect(page.locator(".tweet-card").nth(2).locator(".tweet-mark")).to_have_text("3/5")
    assert problems == []


def test_it_makes_a_thread_from_a_link_with_the_keyboard_alone(browser, live_server, alice, web):
    problems = PageProblems()
    page = new_page(browser, live_server, problems)
    login(page, live_server, alice)
    page.goto("/app/")
    page.get_by_role("tab", name="Link").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Text")).to_be_focused()
    expect(page.get_by_label("Article text")).to_be_visible()
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_role("tab", name="Link")).to_have_attribute("aria-selected", "true")

    page.get_by_label("Article link").fill(f"http://blog.example:{web.port}/posts/ci-build-times")
    page.get_by_label("Article link").press("Control+Enter")

    expect(page.locator("#editor")).to_be_visible()
    thread = Thread.objects.get(owner=alice)
    assert thread.source_url.endswith("/posts/ci-build-times")
    expect(page.locator(".tweet-card")).to_have_count(len(thread.tweets))
    expect(page.locator("#thread-title")).to_have_value(thread.title)
    assert problems == []


@pytest.mark.parametrize(
    ("bad_link", "reason"),
    [
        ("http://blog.example:{port}/missing", "We couldn't find that page (404). Check the link."),
        (
            "http://192.168.1.10/posts/ci-build-times",
            "That link points to a private or local network address, which Threadr can't open.",
        ),
        ("ftp://blog.example/posts/ci-build-times", "Only http:// and https:// links can be imported."),
    ],
    ids=["not-found", "private-address", "not-http"],
)
def test_a_bad_link_marks_the_link_field_with_the_reason_and_nothing_typed_is_lost(
    browser, live_server, alice, web, bad_link, reason
):
    bad_link = bad_link.format(port=web.port)
    problems = PageProblems()
    page = new_page(browser, live_server, problems)
    login(page, live_server, alice)
    page.goto("/app/")
    paste_text(page, "A draft I started pasting earlier.")
    page.get_by_role("tab", name="Link").click()
    link_field = page.get_by_label("Article link")
    link_field.fill(bad_link)

    page.get_by_role("button", name="Generate thread").click()

    problem = page.locator("[data-error-for=source-url]")
    expect(problem).to_be_visible()
    expect(problem).to_contain_text(reason)
    expect(link_field).to_have_attribute("aria-invalid", "true")
    expect(link_field).to_have_accessible_description(re.compile("^" + re.escape(reason)))
    expect(link_field).to_be_focused()
    expect(link_field).to_have_value(bad_link)
    expect(page.locator("#generate-error")).to_be_hidden()
    problem.get_by_role("button", name="Paste the text instead").click()
    expect(page.get_by_role("tab", name="Text")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_label("Article text")).to_be_focused()
    expect(page.get_by_label("Article text")).to_have_value("A draft I started pasting earlier.")
    expect(page.locator("#usage-meter")).to_contain_text("5 of 5 left today")
    assert not Thread.objects.filter(owner=alice).exists()
    assert problems == []


def test_a_new_link_typed_in_clears_the_link_fields_error(browser, live_server, alice, web):
    problems = PageProblems()
    page = new_page(browser, live_server, problems)
    login(page, live_server, alice)
    page.goto("/app/")
    link_field = page.get_by_label("Article link")
    link_field.fill(f"http://blog.example:{web.port}/missing")
    page.get_by_role("button", name="Generate thread").click()
    expect(link_field).to_have_attribute("aria-invalid", "true")

    link_field.fill(f"http://blog.example:{web.port}/posts/ci-build-times")

    expect(page.locator("[data-error-for=source-url]")).to_be_hidden()
    expect(link_field).not_to_have_attribute("aria-invalid", "true")
    expect(link_field).to_have_accessible_description("We fetch the page and keep only the article.")
    assert problems == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_pasted_text_under_the_minimum_is_flagged_on_the_text_field_without_a_request(
    browser, live_server, alice, viewport
):
    problems = PageProblems()
    width, height = VIEWPORTS[viewport]
    page = new_page(browser, live_server, problems, width=width, height=height)
    login(page, live_server, alice)
    page.goto("/app/")
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url))
    paste_text(page, "  Remote teams write things down.  ")

    page.get_by_role("button", name="Generate thread").click()

    text_field = page.get_by_label("Article text")
    reason = "The text is 31 characters; paste at least 200 so there is enough to make a thread."
    expect(page.locator("[data-error-for=source-text]")).to_have_text(reason)
    expect(text_field).to_have_attribute("aria-invalid", "true")
    expect(text_field).to_have_accessible_description(re.compile("^" + re.escape(reason)))
    expect(text_field).to_be_focused()
    expect(page.locator("#usage-meter")).to_contain_text("5 of 5 left today")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert not [url for url in sent if "/api/v1/generations" in url]
    assert not Generation.objects.filter(user=alice).exists()
    assert problems == []


def test_axe_finds_no_serious_problem_on_a_field_marked_invalid(browser, live_server, alice):
    # axe's script is injected into the page, which the CSP forbids: this context alone bypasses it.
    context = browser.new_context(bypass_csp=True, base_url=live_server.url)
    page = context.new_page()
    login(page, live_server, alice)
    page.goto("/app/")
    page.get_by_label("Article link").fill("ftp://blog.example/post")
    page.get_by_role("button", name="Generate thread").click()
    expect(page.get_by_label("Article link")).to_have_attribute("aria-invalid", "true")

    results = Axe().run(page)

    context.close()
    serious = [
        (violation["id"], [node["target"] for node in violation["nodes"]])
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
    assert serious == []


def test_cancelling_stops_waiting_and_the_thread_still_arrives_in_history(browser, live_server, alice, fake_openai):
    release = threading.Event()
    first_part = len(TWEETS[0] + openai_server.SEPARATOR) // 7 + 1
    fake_openai.script(FakeReply(tweets=TWEETS, hold=(first_part, release)))
    problems = PageProblems()
    page = new_page(browser, live_server, problems)
    login(page, live_server, alice)
    page.goto("/app/")
    paste_text(page, ARTICLE)
    page.get_by_role("button", name="Generate thread").click()
    expect(page.locator(".stream-tweet")).to_have_count(1)

    page.get_by_role("button", name="Cancel").click()
    release.set()

    expect(page.locator("#progress")).to_contain_text("Stopped waiting — your thread will be in History")
    expect(page.get_by_role("button", name="Generate thread")).to_be_enabled()
    expect(page.get_by_label("Article text")).to_have_value(ARTICLE)
    assert wait_until(lambda: Thread.objects.filter(owner=alice).exists())
    assert problems == []


def test_the_app_pages_own_scripts_and_styles_weigh_under_60_kb_gzipped(browser, live_server, alice):
    problems = PageProblems()
    page = new_page(browser, live_server, problems)
    login(page, live_server, alice)
    loaded: list[str] = []
    page.on("requestfinished", lambda request: loaded.append(urlsplit(request.url).path))

    page.goto("/app/")
    page.wait_for_load_state("networkidle")

    assets = sorted({path for path in loaded if path.startswith("/static/") and path.endswith((".js", ".css"))})
    assert any("/js/app." in path for path in assets)
    assert any("/js/editor." in path for path in assets)
    root = Path(settings.STATIC_ROOT)
    total = sum(len(gzip.compress((root / path.removeprefix("/static/")).read_bytes(), 9)) for path in assets)
    assert total < 60 * 1024, (total, assets)
    blocking = page.evaluate("[...document.scripts].filter(s => s.src && s.type !== 'module' && !s.defer).length")
    assert blocking == 0
    assert problems == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_generator_and_the_editor_fit_a_phone_and_a_desktop(browser, live_server, alice, viewport, screenshot_dir):
    thread = make_thread(alice)
    problems = PageProblems()
    width, height = VIEWPORTS[viewport]
    page = new_page(browser, live_server, problems, width=width, height=height)
    login(page, live_server, alice)

    page.goto("/app/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=screenshot_dir / f"app-{viewport}.png", full_page=True)
    page.goto(f"/app/threads/{thread.pk}/")
    expect(page.locator(".tweet-card")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=screenshot_dir / f"editor-{viewport}.png", full_page=True)
    assert problems == []


def test_axe_finds_no_serious_problem_on_the_generator_or_the_editor(browser, live_server, alice):
    thread = make_thread(alice)
    # axe's script is injected into the page, which the CSP forbids: this context alone bypasses it.
    context = browser.new_context(bypass_csp=True, base_url=live_server.url)
    page = context.new_page()
    login(page, live_server, alice)
    axe = Axe()
    found = {}
    for path in ("/app/", f"/app/threads/{thread.pk}/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        results = axe.run(page)
        found[path] = [
            (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]])
            for violation in results.response["violations"]
            if violation["impact"] in {"serious", "critical"}
        ]
    context.close()
    assert found == {"/app/": [], f"/app/threads/{thread.pk}/": []}


def make_thread(owner, tweets: list[str] | None = None, numbering: str = "1/n") -> Thread:
    tweets = tweets or [
        "Remote teams decide in documents now, not meetings. 1/3",
        "Lead with the conclusion: readers skim. 2/3",
        "Keep documents alive; stale pages mislead. 3/3",
    ]
    thread = Thread(owner=owner, title="Remote writing", options={"numbering": numbering}, engine="local")
    thread.set_tweets(tweets)
    thread.save()
    return thread
