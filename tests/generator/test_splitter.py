"""The splitter cuts text into tweets at the coarsest boundary that fits, repairs engine output, and numbers it."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generator import xtext
from generator.domain import MAX_TWEETS, Numbering, ThreadOptions
from generator.splitter import (
    body_limit,
    fit_text,
    number_tweets,
    numbering_reserve,
    repair_tweets,
    unnumber_tweets,
)

LIMIT = xtext.MAX_WEIGHTED_LENGTH
FAMILY = "👨\u200d👩\u200d👧\u200d👦"
FLAG = "🇯🇵"
THUMB = "👍🏽"
KEYCAP = "1\ufe0f\u20e3"


def squeeze(text: str) -> str:
    """The text without whitespace: what a split may never lose, add or reorder."""
    return "".join(unicodedata.normalize("NFC", text).split())


def assert_fits(bodies: list[str], limit: int = LIMIT) -> None:
    assert bodies
    for body in bodies:
        assert body == body.strip()
        assert 0 < xtext.weighted_length(body) <= limit, body


def test_it_keeps_a_text_that_fits_as_one_body() -> None:
    assert fit_text("  A short   note.\n\n\n\nWith a second paragraph.  ", limit=LIMIT) == [
        "A short note.\n\nWith a second paragraph."
    ]


def test_it_keeps_paragraphs_whole_when_each_fits_a_tweet() -> None:
    first = "The first paragraph has a point to make, and it makes it in a sentence or two. " * 2
    second = "The second paragraph answers it with a few sentences of its own. It is also short. " * 2
    bodies = fit_text(f"{first}\n\n{second}", limit=LIMIT)

    assert bodies == [first.strip(), second.strip()]


def test_it_breaks_a_long_paragraph_between_sentences() -> None:
    sentences = [f"Sentence number {n} says one complete thing about the topic at hand." for n in range(12)]
    bodies = fit_text(" ".join(sentences), limit=LIMIT)

    assert_fits(bodies)
    assert len(bodies) > 1
    for body in bodies:
        assert body.endswith(".")
        assert body.startswith("Sentence number")


def test_it_breaks_a_long_sentence_at_clause_boundaries_before_words() -> None:
    clauses = [f"clause {n} keeps adding detail about the same long thought" for n in range(10)]
    sentence = "; ".join(clauses) + "."
    bodies = fit_text(sentence, limit=120)

    assert_fits(bodies, 120)
    assert all(body.endswith((";", ".")) for body in bodies)
    assert squeeze(" ".join(bodies)) == squeeze(sentence)


def test_it_splits_a_2000_character_sentence_without_punctuation_between_words() -> None:
    words = [f"word{n % 97}x" for n in range(300)]
    sentence = " ".join(words)
    assert len(sentence) > 2000
    bodies = fit_text(sentence, limit=LIMIT)

    assert_fits(bodies)
    assert " ".join(bodies).split() == words


def test_it_never_splits_a_url_even_one_of_400_characters() -> None:
    long_url = "https://example.com/" + "/".join(f"segment{n:03d}" for n in range(38))
    assert len(long_url) > 400
    urls = [long_url, "https://docs.example.org/guide/install?step=2&lang=en", "example.net/path/to/page"]
    text = " ".join(f"Read {url} for the details, then come back and compare notes with the team." for url in urls * 4)
    bodies = fit_text(text, limit=100)

    assert_fits(bodies, 100)
    found = [body[start:end] for body in bodies for start, end in xtext.find_urls(body)]
    assert found == urls * 4


def test_it_counts_a_400_character_url_as_23() -> None:
    long_url = "https://example.com/" + "a" * 400
    [body] = fit_text(f"See {long_url} now.", limit=LIMIT)

    assert xtext.weighted_length(body) == len("See ") + xtext.URL_WEIGHT + len(" now.")


def test_it_never_splits_an_emoji_sequence_in_a_run_without_spaces() -> None:
    run = (FAMILY + FLAG + THUMB + KEYCAP + "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f") * 40
    bodies = fit_text(run, limit=LIMIT)

    assert_fits(bodies)
    assert "".join(bodies) == run
    for body in bodies:
        spans = xtext.emoji_spans(body)
        assert "".join(body[start:end] for start, end in spans) == body


def test_it_weighs_cjk_as_two_and_cuts_at_full_stops() -> None:
    sentence = "東京の駅にはたくさんの出口があるので、行き先の出口番号を先に確認すると迷わずに済みます。"
    text = sentence * 8
    bodies = fit_text(text, limit=LIMIT)

    assert_fits(bodies)
    assert all(xtext.weighted_length(body) == 2 * len(body) for body in bodies)
    assert all(body.endswith("。") for body in bodies)
    assert "".join(bodies) == text


def test_it_splits_unpunctuated_cjk_at_grapheme_boundaries() -> None:
    text = "日本語の文章" * 60
    bodies = fit_text(text, limit=LIMIT)

    assert_fits(bodies)
    assert "".join(bodies) == text
    assert xtext.weighted_length(bodies[0]) == LIMIT


def test_it_hard_splits_a_word_longer_than_a_tweet_as_a_last_resort() -> None:
    word = "a" + "\u0301" + "b" * 400  # a combining accent composes under NFC, and the rest is one word
    bodies = fit_text(word, limit=LIMIT)

    assert_fits(bodies)
    assert "".join(bodies) == unicodedata.normalize("NFC", word)


@pytest.mark.parametrize(
    ("numbering", "reserve"),
    [
        (Numbering.FRACTION, len(" 25/25")),
        (Numbering.SLASH, len(" 25/")),
        (Numbering.PAREN, len(" (25/25)")),
        (Numbering.THREAD_EMOJI, 3),
        (Numbering.NONE, 0),
    ],
)
def test_it_reserves_room_for_the_widest_numbering_of_a_full_thread(numbering: Numbering, reserve: int) -> None:
    assert numbering_reserve(numbering) == reserve
    assert body_limit(ThreadOptions(numbering=numbering)) == LIMIT - reserve


@pytest.mark.parametrize("numbering", list(Numbering))
def test_it_numbers_a_25_tweet_thread_of_full_bodies_within_280(numbering: Numbering) -> None:
    limit = body_limit(ThreadOptions(numbering=numbering))
    bodies = [FAMILY * (limit // 2) if n % 2 else "x" * limit for n in range(MAX_TWEETS)]
    tweets = number_tweets(bodies, numbering)

    assert len(tweets) == MAX_TWEETS
    assert all(xtext.weighted_length(tweet) <= LIMIT for tweet in tweets)
    assert all(tweet.startswith(body) for tweet, body in zip(tweets, bodies, strict=True))


@pytest.mark.parametrize(
    ("numbering", "expected"),
    [
        (Numbering.FRACTION, ["Hook. 1/3", "Point. 2/3", "End. 3/3"]),
        (Numbering.SLASH, ["Hook. 1/", "Point. 2/", "End. 3/"]),
        (Numbering.PAREN, ["Hook. (1/3)", "Point. (2/3)", "End. (3/3)"]),
        (Numbering.THREAD_EMOJI, ["Hook. 🧵", "Point.", "End."]),
        (Numbering.NONE, ["Hook.", "Point.", "End."]),
    ],
)
def test_it_applies_each_numbering_style(numbering: Numbering, expected: list[str]) -> None:
    assert number_tweets(["Hook.", "Point.", "End."], numbering) == expected


def test_it_refuses_to_number_a_tweet_that_would_not_fit() -> None:
    with pytest.raises(ValueError, match="after numbering"):
        number_tweets(["x" * LIMIT], Numbering.FRACTION)
    with pytest.raises(ValueError, match="at most 25"):
        number_tweets(["x"] * (MAX_TWEETS + 1), Numbering.NONE)


def test_it_strips_the_numbering_and_thread_markers_a_model_adds() -> None:
    bodies = ["🧵 1/4 Big news today.", "(2/4) Details follow", "3/ More details 🧵", "The end. 4/4", "[5/5] Bonus."]

    assert repair_tweets(bodies, source_text="", limit=LIMIT) == [
        "Big news today.",
        "Details follow",
        "More details",
        "The end.",
        "Bonus.",
    ]


def test_it_keeps_fractions_that_are_content() -> None:
    bodies = ["24/7 support matters.", "We rated it 9/4"]

    assert repair_tweets(bodies, source_text="", limit=LIMIT) == bodies


def test_it_strips_ordinals_only_when_they_number_the_tweets_themselves() -> None:
    by_position = ["1. Hook here.", "2. A point.", "3. Another."]
    steps = ["How to brew coffee.", "1. Grind the beans.", "2. Pour the water."]

    assert repair_tweets(by_position, source_text="", limit=LIMIT) == ["Hook here.", "A point.", "Another."]
    assert repair_tweets(steps, source_text="", limit=LIMIT) == steps


def test_it_removes_links_the_source_does_not_contain() -> None:
    source = "The study is at https://research.example.org/loops and the data at www.data.example.org/x.csv."
    bodies = [
        "Read the study: https://research.example.org/loops/",
        "Data: http://data.example.org/x.csv (mirror: https://invented.example.com/x)",
        "Sign up at https://spam.example.net now!",
    ]

    assert repair_tweets(bodies, source_text=source, limit=LIMIT) == [
        "Read the study: https://research.example.org/loops/",
        "Data: http://data.example.org/x.csv (mirror:)",
        "Sign up at now!",
    ]


def test_it_drops_empty_bodies_keeps_line_breaks_and_resplits_long_ones() -> None:
    long_body = "This point runs long, as models sometimes do. " * 12
    bodies = ["", "  \n ", "First line\nsecond   line", "1/", "🧵", long_body, "\ufeffClean\ufffe"]
    repaired = repair_tweets(bodies, source_text="", limit=200)

    assert repaired[0] == "First line\nsecond line"
    assert repaired[-1] == "Clean"
    assert_fits(repaired, 200)
    assert squeeze(" ".join(repaired[1:-1])) == squeeze(long_body)


MIXED = st.lists(
    st.sampled_from(
        [
            "plain",
            "words",
            "café",
            "naïve",
            "日本語の文",
            "東京。",
            FAMILY,
            FLAG,
            THUMB,
            KEYCAP,
            "https://example.com/path?q=1",
            "example.org",
            "end.",
            "Mr.",
            "clause,",
            "—",
            "\n",
            "\n\n",
            "x" * 60,
        ]
    ),
    min_size=1,
    max_size=160,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=MIXED, limit=st.integers(min_value=30, max_value=LIMIT))
def test_it_fits_any_mixed_text_without_losing_or_reordering_anything(parts: list[str], limit: int) -> None:
    text = " ".join(parts)
    assume(text.strip())
    bodies = fit_text(text, limit=limit)

    assert_fits(bodies, limit)
    assert squeeze("".join(bodies)) == squeeze(text)
    source_urls = {text[start:end] for start, end in xtext.find_urls(text)}
    assert {body[start:end] for body in bodies for start, end in xtext.find_urls(body)} <= source_urls


@pytest.mark.parametrize("numbering", list(Numbering))
def test_unnumbering_gives_back_the_bodies_a_numbering_added_to(numbering):
    bodies = ["First thought.", "Second thought 24/7.", "Third (and last) thought."]

    assert unnumber_tweets(number_tweets(bodies, numbering), numbering) == bodies


def test_unnumbering_leaves_a_tweet_whose_mark_was_edited_away():
    assert unnumber_tweets(["Edited, no mark.", "Kept 2/2"], Numbering.FRACTION) == ["Edited, no mark.", "Kept"]
