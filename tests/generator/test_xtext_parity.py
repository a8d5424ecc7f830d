"""The browser's live counter (static/js/xtext.js in Chromium) gives the same numbers as the server's counter."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Page

from generator import xtext
from tests.generator.test_xtext import conformance_cases
from tests.web.conftest import PageProblems, open_page

pytestmark = pytest.mark.browser

MEASURE = """async (texts) => {
  const xtext = await import("/static/js/xtext.js");
  return texts.map((text) => {
    const { valid, weightedLength, validRangeEnd } = xtext.parse(text);
    return [weightedLength, valid, validRangeEnd];
  });
}"""

WORDS = st.sampled_from(["thread", "The", "X", "post", "a", "and", "2025", "it", "Second", "co", "de", "com"])
# The last three fold case differently in Python and JavaScript: the counters must not depend on case folding.
ACCENTED = st.sampled_from(
    ["café", "naïve", "Ünïcödé", "Cafe\u0301", "São", "żółw", "Ελλάδα", "Привет", "\u0130", "\u017f", "\u212a"]
)
CJK = st.sampled_from(["日本語", "中文", "한국어", "。", "、", "カタカナ"])
EMOJI = st.sampled_from(
    ["😀", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇫🇷", "🇩🇪", "1️⃣", "#⃣", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "❤️", "❤\ufe0e", "©️", "©", "™", "🧑🏿‍🚀", "\u200d"]
)
URLS = st.sampled_from(
    [
        "https://example.com/path?q=1",
        "http://t.co/abc123",
        "example.com",
        "www.example.co.uk/a_(b)",
        "foo.de",
        "foo.co",
        "sentence.Second",
        "http://☃.net/",
        "xn--bcher-kva.example",
        "https://example.com/Русские_слова",
        "mail@example.com",
        "http://foobar.پاکستان/",
    ]
)
SEPARATORS = st.sampled_from(
    [" ", " ", "\n", "\r\n", "\r", ".", ". ", "/", "-", "_", "@", "#", "(", ")", "“", "—", "…"]
)
ANY_CHAR = st.characters(max_codepoint=0x2FFFF, exclude_categories=("Cs", "Co", "Cn"))
PIECES = st.one_of(WORDS, ACCENTED, CJK, EMOJI, URLS, SEPARATORS, SEPARATORS, ANY_CHAR)
TEXTS = st.lists(PIECES, max_size=60).map("".join)


@pytest.fixture
def xtext_page(browser, live_server) -> Iterator[Page]:
    problems = PageProblems()
    page = open_page(browser, problems, width=800, height=600, base_url=live_server.url)
    page.goto("/static/js/xtext.js")
    yield page
    page.context.close()
    assert problems == []


def server_measure(texts: list[str]) -> list[list]:
    results = [xtext.parse(text) for text in texts]
    return [[result.weighted_length, result.valid, result.valid_range_end] for result in results]


def test_the_browser_passes_every_conformance_case(xtext_page):
    cases = conformance_cases()
    texts = [case.values[0] for case in cases]
    expected = [
        [case.values[1]["weightedLength"], case.values[1]["valid"], case.values[1]["validRangeEnd"]] for case in cases
    ]

    assert xtext_page.evaluate(MEASURE, texts) == expected


def test_the_browser_finds_the_same_urls_and_emoji_as_the_server(xtext_page):
    text = "Read example.com/a, then https://t.co/xyz 👨‍👩‍👧‍👦 and 🇫🇷 (sentence.Second) 😀 www.foo.de!"

    spans = xtext_page.evaluate(
        """async (text) => {
          const xtext = await import("/static/js/xtext.js");
          return { urls: xtext.findUrls(text), emoji: xtext.emojiSpans(text) };
        }""",
        text,
    )

    assert utf16_slices(text, spans["urls"]) == [text[start:end] for start, end in xtext.find_urls(text)]
    assert utf16_slices(text, spans["emoji"]) == [text[start:end] for start, end in xtext.emoji_spans(text)]


def utf16_slices(text: str, spans: list[list[int]]) -> list[str]:
    """The pieces of `text` that the browser's UTF-16 offsets point at."""
    units = text.encode("utf-16-le")
    return [units[2 * start : 2 * end].decode("utf-16-le") for start, end in spans]


@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(texts=st.lists(TEXTS, min_size=300, max_size=300))
def test_the_browser_and_the_server_agree_on_mixed_text(xtext_page, texts):
    assert xtext_page.evaluate(MEASURE, texts) == server_measure(texts)
