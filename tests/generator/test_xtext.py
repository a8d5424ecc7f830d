"""The server counts a tweet's length exactly as X does: every case of X's conformance data, plus the links and
emoji a thread splitter must never cut."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator import xtext, xtext_data, xtext_tables

# X's conformance data (Apache-2.0, see NOTICE beside it).
CONFORMANCE = Path(__file__).resolve().parents[1] / "fixtures" / "twitter-text" / "validate.yml"
SECTIONS = ("WeightedTweetsWithDiscountedEmojiCounterTest", "UnicodeDirectionalMarkerCounterTest")


def conformance_cases() -> list[pytest.param]:
    tests = yaml.safe_load(CONFORMANCE.read_text(encoding="utf-8"))["tests"]
    return [pytest.param(case["text"], case["expected"], id=case["description"]) for s in SECTIONS for case in tests[s]]


@pytest.mark.parametrize(("text", "expected"), conformance_cases())
def test_it_weighs_every_conformance_case_as_x_does(text, expected):
    result = xtext.parse(text)

    assert {
        "weightedLength": result.weighted_length,
        "valid": result.valid,
        "permillage": result.permillage,
        "validRangeStart": result.valid_range_start,
        "validRangeEnd": result.valid_range_end,
        "displayRangeStart": result.display_range_start,
        "displayRangeEnd": result.display_range_end,
    } == expected
    assert xtext.weighted_length(text) == expected["weightedLength"]
    assert xtext.is_valid(text) is expected["valid"]


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        pytest.param("example.com", ["example.com"], id="a bare domain"),
        pytest.param("www.example.com", ["www.example.com"], id="a bare subdomain"),
        pytest.param("t.co", ["t.co"], id="a short .co domain"),
        pytest.param("foo.co.jp", ["foo.co.jp"], id="a country-code domain with a subdomain"),
        pytest.param("see example.com/path?q=1&lang=en.", ["example.com/path?q=1&lang=en"], id="a path and query"),
        pytest.param("End of a sentence.Second one starts", [], id="two sentences without a space"),
        pytest.param("Read it.It is short", [], id="a bare country-code domain"),
        pytest.param("Read it.It/now", ["it.It/now"], id="a country-code domain with a path"),
        pytest.param("Go to https://example.com/a_(b), now", ["https://example.com/a_(b)"], id="balanced parens"),
        pytest.param("ftp://example.org", [], id="only http and https are schemes"),
        pytest.param("mail@example.com", [], id="an email address"),
        pytest.param("http://☃.net/", ["http://☃.net/"], id="a unicode domain with a scheme"),
        pytest.param("☃.net", [], id="a unicode domain without a scheme"),
        pytest.param("v1.2.3 and 3.14", [], id="numbers"),
    ],
)
def test_it_finds_urls_as_x_does(text, urls):
    assert [text[start:end] for start, end in xtext.find_urls(text)] == urls


def test_it_counts_every_url_as_23_whatever_its_length():
    assert xtext.weighted_length("https://example.com/" + "a" * 200) == xtext.URL_WEIGHT
    assert xtext.weighted_length("Read example.com") == 5 + xtext.URL_WEIGHT


@pytest.mark.parametrize(
    ("emoji", "description"),
    [
        ("👍🏽", "skin tone"),
        ("👨‍👩‍👧‍👦", "ZWJ family"),
        ("🏳️‍🌈", "ZWJ with presentation selector"),
        ("1️⃣", "keycap"),
        ("#⃣", "keycap without selector"),
        ("🇫🇷", "country flag"),
        ("🏴󠁧󠁢󠁳󠁣󠁴󠁿", "subdivision flag"),
        ("❤️", "text-default emoji with selector"),
        ("©️", "copyright with selector"),
    ],
)
def test_it_treats_each_emoji_sequence_as_one_unit_of_weight_two(emoji, description):
    text = f"a{emoji}b"

    assert xtext.emoji_spans(text) == [(1, 1 + len(emoji))], description
    assert xtext.weighted_length(text) == 4


def test_it_keeps_two_flags_in_a_row_apart():
    assert xtext.emoji_spans("🇫🇷🇩🇪") == [(0, 2), (2, 4)]


def test_it_counts_a_copyright_sign_without_selector_as_text():
    assert xtext.emoji_spans("© 2025") == []
    assert xtext.weighted_length("© 2025") == 6


def test_it_normalises_before_counting():
    decomposed = "Cafe\u0301"

    assert xtext.weighted_length(decomposed) == xtext.weighted_length("Café") == 4


def test_it_counts_cjk_and_symbols_double_and_general_punctuation_single():
    assert xtext.weighted_length("日本語") == 6
    assert xtext.weighted_length("→") == 2
    assert xtext.weighted_length("“quoted” — yes") == 14
    assert xtext.weighted_length("…") == 2


def test_it_counts_a_windows_line_break_as_one_character():
    assert xtext.weighted_length("one\r\ntwo") == xtext.weighted_length("one\ntwo") == 7


def test_it_accepts_exactly_280_and_refuses_281():
    assert xtext.is_valid("x" * xtext.MAX_WEIGHTED_LENGTH)
    assert not xtext.is_valid("x" * (xtext.MAX_WEIGHTED_LENGTH + 1))


@pytest.mark.parametrize("text", ["", "   ", "\n\t\u3000"], ids=["empty", "spaces", "mixed whitespace"])
def test_it_refuses_a_tweet_with_nothing_to_read(text):
    assert not xtext.is_valid(text)


@pytest.mark.parametrize("char", ["\ufffe", "\ufeff", "\uffff"])
def test_it_refuses_characters_x_rejects(char):
    assert not xtext.is_valid(f"hello{char}")


def test_the_browser_tables_are_generated_from_the_server_tables():
    tables = {
        "gtlds": xtext_tables.GTLDS,
        "cctlds": xtext_tables.CCTLDS,
        "pictographic": [tuple(pair) for pair in xtext_tables.EXTENDED_PICTOGRAPHIC],
    }

    assert xtext_data.JS_TABLES.read_text(encoding="utf-8") == xtext_data.render_js(**tables)
    assert xtext_data.PY_TABLES.read_text(encoding="utf-8") == xtext_data.render_python(**tables)
