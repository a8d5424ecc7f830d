"""The LLM engine's deadlines, end to end: the first token's, and the whole call's (`OPENAI_TOTAL_TIMEOUT`, retries
included), which holds however the provider spends it: stalling, streaming slowly, or trickling a byte at a time."""

from __future__ import annotations

import threading
import time

import pytest

from generator.domain import ThreadOptions
from generator.errors import ProviderTimeout
from generator.llm import OpenAIEngine
from tests.fakes import openai_server
from tests.fakes.openai_server import SAMPLE_ARTICLE, SAMPLE_STYLE, SEPARATOR, FakeOpenAI, FakeReply

fake_openai = openai_server.fake_openai

TWEETS = [
    "Teams that ship often share one habit: small changes, checked before the next one.",
    "A slow feedback loop rarely shows on a dashboard.",
    "It shows up as engineers waiting and as bugs that customers find first.",
]


@pytest.fixture
def engine() -> OpenAIEngine:
    return OpenAIEngine(sleep=lambda seconds: None)  # retries at once: the clock under test is the provider's


def generate(engine: OpenAIEngine) -> list[str]:
    return list(engine.generate(article=SAMPLE_ARTICLE, options=ThreadOptions(), style=SAMPLE_STYLE))


def test_it_times_out_when_the_first_token_is_too_slow(
    fake_openai: FakeOpenAI, engine: OpenAIEngine, settings: object
) -> None:
    settings.OPENAI_FIRST_TOKEN_TIMEOUT = 0.2  # type: ignore[attr-defined]
    settings.OPENAI_MAX_RETRIES = 0  # type: ignore[attr-defined]
    fake_openai.script(FakeReply(tweets=TWEETS, first_token_delay=5))
    started = time.monotonic()
    with pytest.raises(ProviderTimeout) as failure:
        generate(engine)
    assert time.monotonic() - started < 2
    assert failure.value.status == 504


def test_it_times_out_when_the_provider_streams_nothing_but_empty_chunks(
    fake_openai: FakeOpenAI, engine: OpenAIEngine, settings: object
) -> None:
    settings.OPENAI_FIRST_TOKEN_TIMEOUT = 0.3  # type: ignore[attr-defined]
    settings.OPENAI_MAX_RETRIES = 0  # type: ignore[attr-defined]
    fake_openai.script(FakeReply(tweets=TWEETS, idle_chunks=100, chunk_delay=0.05))
    started = time.monotonic()
    with pytest.raises(ProviderTimeout):
        generate(engine)
    assert time.monotonic() - started < 2


def test_it_retries_a_slow_first_token_while_the_deadline_allows(
    fake_openai: FakeOpenAI, engine: OpenAIEngine, settings: object
) -> None:
    settings.OPENAI_FIRST_TOKEN_TIMEOUT = 0.2  # type: ignore[attr-defined]
    fake_openai.script(FakeReply(tweets=TWEETS, first_token_delay=5), FakeReply(tweets=TWEETS))
    assert generate(engine) == TWEETS
    assert len(fake_openai.completions) == 2


def test_it_aborts_a_stream_that_outlasts_the_whole_call(
    fake_openai: FakeOpenAI, engine: OpenAIEngine, settings: object
) -> None:
    settings.OPENAI_TOTAL_TIMEOUT = 0.6  # type: ignore[attr-defined]
    slow = [*TWEETS, *(f"Another point, number {n}." for n in range(20))]
    fake_openai.script(FakeReply(tweets=slow, chunk_size=20, chunk_delay=0.05))
    received: list[str] = []
    started = time.monotonic()
    with pytest.raises(ProviderTimeout) as failure:
        received.extend(engine.generate(article=SAMPLE_ARTICLE, options=ThreadOptions(), style=SAMPLE_STYLE))
    assert time.monotonic() - started < 1.5
    assert received == slow[: len(received)]
    assert 0 < len(received) < len(slow)
    assert failure.value.code == "provider_timeout"
    assert len(fake_openai.completions) == 1


def test_it_hangs_up_at_the_deadline_on_a_provider_that_stalls_mid_stream(
    fake_openai: FakeOpenAI, engine: OpenAIEngine, settings: object
) -> None:
    settings.OPENAI_TOTAL_TIMEOUT = 1.0  # type: ignore[attr-defined]
    settings.OPENAI_FIRST_TOKEN_TIMEOUT = 1.0  # type: ignore[attr-defined]
    never = threading.Event()
    # Ten chunks 0.08 s apart keep every read short, then the server goes quiet shortly before the deadline.
    fake_openai.script(FakeReply(tweets=TWEETS, chunk_size=10, chunk_delay=0.08, hold=(10, never)))
    received: list[str] = []
    started = time.monotonic()
    with pytest.raises(ProviderTimeout):
        received.extend(engine.generate(article=SAMPLE_ARTICLE, options=ThreadOptions(), style=SAMPLE_STYLE))
    assert time.monotonic() - started < 1.5
    assert received == TWEETS[:1]


def test_it_ends_a_reply_that_trickles_one_byte_a_second_at_the_whole_call_deadline(
    fake_openai: FakeOpenAI, engine: OpenAIEngine, settings: object
) -> None:
    """Every read returns within a second, so only a deadline on the reads' sum can end the call."""
    settings.OPENAI_TOTAL_TIMEOUT = 2.0  # type: ignore[attr-defined]
    settings.OPENAI_FIRST_TOKEN_TIMEOUT = 30.0  # type: ignore[attr-defined]
    fake_openai.script(FakeReply(tweets=TWEETS, trickle=1.0), FakeReply(tweets=TWEETS))
    started = time.monotonic()
    with pytest.raises(ProviderTimeout) as failure:
        generate(engine)
    assert 2.0 <= time.monotonic() - started < 2.5
    assert failure.value.code == "provider_timeout"
    assert len(fake_openai.completions) == 1  # no time was left for a retry


def test_a_reply_that_starts_trickling_after_its_first_tweet_ends_at_the_whole_call_deadline(
    fake_openai: FakeOpenAI, engine: OpenAIEngine, settings: object
) -> None:
    settings.OPENAI_TOTAL_TIMEOUT = 2.0  # type: ignore[attr-defined]
    settings.OPENAI_FIRST_TOKEN_TIMEOUT = 30.0  # type: ignore[attr-defined]
    first_tweet_chunks = len(TWEETS[0] + SEPARATOR) // 7 + 2
    fake_openai.script(FakeReply(tweets=TWEETS, trickle=1.0, trickle_after=first_tweet_chunks))
    received: list[str] = []
    started = time.monotonic()
    with pytest.raises(ProviderTimeout) as failure:
        received.extend(engine.generate(article=SAMPLE_ARTICLE, options=ThreadOptions(), style=SAMPLE_STYLE))
    assert 2.0 <= time.monotonic() - started < 2.5
    assert received == TWEETS[:1]
    assert failure.value.code == "provider_timeout"
