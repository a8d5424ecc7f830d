"""The five numbering formats number and un-number a thread the same way on the server (generator/splitter.py)
and in the browser (static/js/numbering.js and the editor built on it, in Chromium), from one table."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from generator import xtext_data
from generator.domain import MAX_TWEETS, NUMBERING_FORMATS, Numbering
from generator.splitter import mark_tweets, numbering_mark, unnumber_tweets
from tests.web.conftest import PageProblems, open_page
from tests.web.helpers import login
from tests.web.test_editor import make_thread, open_editor

pytestmark = pytest.mark.browser

SAMPLES = [
    "Remote teams decide in documents now, not meetings.",
    "Ends like a mark 2/3",
    "Ends like another (1/12)",
    "A thread 🧵",
    "Café, naïve, 日本語 and 👨‍👩‍👧‍👦 in one tweet.",
    "Read https://example.com/a/b?c=1 first.",
    "Ends with a slash 1/",
    "",
    "Line one\nline two",
]
COUNTS = [1, 2, 3, 12, 13, MAX_TWEETS]

BROWSER = """async ({ threads, numbering }) => {
  const numbering_ = await import("/static/js/numbering.js");
  return threads.map(({ bodies, tweets }) => ({
    numbered: numbering_.numbered(bodies, numbering),
    bodies: numbering_.bodiesOf(tweets, numbering),
    marks: bodies.map((_, index) => numbering_.numberMark(numbering, index + 1, bodies.length)),
  }));
}"""


def thread_of(count: int) -> list[str]:
    return [SAMPLES[index % len(SAMPLES)] for index in range(count)]


def edited(tweets: list[str]) -> list[str]:
    """The numbered tweets as a person might leave them: some marks cut off or typed over, some kept."""
    return [tweet if index % 3 else tweet[:-1] for index, tweet in enumerate(tweets)]


@pytest.fixture
def numbering_page(browser, live_server) -> Iterator[Page]:
    problems = PageProblems()
    page = open_page(browser, problems, width=800, height=600, base_url=live_server.url)
    page.goto("/static/js/numbering.js")
    yield page
    page.context.close()
    assert problems == []


def test_the_browser_numbering_formats_are_generated_from_the_server_table():
    assert xtext_data.JS_NUMBERING.read_text(encoding="utf-8") == xtext_data.render_numbering_js()


@pytest.mark.parametrize("numbering", list(Numbering), ids=[numbering.name for numbering in Numbering])
def test_the_browser_numbers_and_unnumbers_threads_as_the_server_does(numbering_page, numbering):
    threads = []
    for count in COUNTS:
        bodies = thread_of(count)
        numbered = mark_tweets(bodies, numbering)
        threads += [{"bodies": bodies, "tweets": numbered}, {"bodies": bodies, "tweets": edited(numbered)}]

    results = numbering_page.evaluate(BROWSER, {"threads": threads, "numbering": numbering.value})

    for thread, result in zip(threads, results, strict=True):
        count = len(thread["bodies"])
        assert result["numbered"] == mark_tweets(thread["bodies"], numbering)
        assert result["bodies"] == unnumber_tweets(thread["tweets"], numbering)
        assert result["marks"] == [numbering_mark(numbering, position, count) for position in range(1, count + 1)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("numbering", list(Numbering), ids=[numbering.name for numbering in Numbering])
def test_the_editor_shows_a_saved_thread_numbered_as_the_server_numbered_it(browser, live_server, alice, numbering):
    bodies = thread_of(13)
    bodies[bodies.index("")] = "Not empty: an empty tweet is not saved."
    thread = make_thread(alice, bodies=bodies, numbering=numbering.value)
    problems = PageProblems()
    page = open_editor(browser, live_server, problems, alice, thread)

    assert [area.input_value() for area in page.locator(".tweet-card textarea").all()] == bodies
    marks = [numbering_mark(numbering, position, len(bodies)).strip() for position in range(1, len(bodies) + 1)]
    expect(page.locator(".tweet-card .tweet-mark")).to_have_text(marks)
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#editor-preview .x-text")).to_have_text(thread.tweets)
    assert problems == []


@pytest.mark.django_db(transaction=True)
def test_it_offers_every_numbering_format_by_the_label_the_table_gives_it(browser, live_server, alice):
    problems = PageProblems()
    page = open_page(browser, problems, width=1280, height=900, base_url=live_server.url)
    login(page, live_server, alice)
    page.goto("/app/")

    options = page.locator("#opt-numbering option")
    expect(options).to_have_text([spec.label for spec in NUMBERING_FORMATS.values()])
    assert [option.get_attribute("value") for option in options.all()] == [numbering.value for numbering in Numbering]
    assert problems == []
