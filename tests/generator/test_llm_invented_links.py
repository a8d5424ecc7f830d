"""Repair removes every `scheme://...` string the model wrote that the article does not contain, also those X
would not turn into a link (a reader could still copy them), and keeps the ones the article does contain."""

from __future__ import annotations

import pytest

from generator.domain import Article, ThreadOptions
from generator.llm import OpenAIEngine
from tests.fakes import openai_server
from tests.fakes.openai_server import SAMPLE_STYLE, FakeOpenAI, FakeReply

fake_openai = openai_server.fake_openai

ARTICLE = Article(
    text=(
        "The mirror keeps every release since 2009. Old builds are still served at ftp://mirror.example.org/pub "
        "for anyone who needs them, and the bucket s3://releases-archive/2009 holds the checksums."
    ),
    title="Keeping old releases around",
)


def generate() -> list[object]:
    return list(OpenAIEngine().generate(article=ARTICLE, options=ThreadOptions(), style=SAMPLE_STYLE))


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("Grab the old builds at ftp://x.y/z today.", "Grab the old builds at today."),
        ("The secret is foo://bar, they say.", "The secret is, they say."),
        ("Mirror (sftp://mirror.example.org/pub) too.", "Mirror too."),
    ],
)
def test_it_removes_a_scheme_string_the_article_does_not_contain(
    fake_openai: FakeOpenAI, written: str, kept: str
) -> None:
    fake_openai.script(FakeReply(tweets=["The mirror keeps every release since 2009.", written]))

    assert generate() == ["The mirror keeps every release since 2009.", kept]


def test_it_keeps_a_scheme_string_the_article_contains(fake_openai: FakeOpenAI) -> None:
    tweets = [
        "Every release since 2009 is still there: ftp://mirror.example.org/pub.",
        "Checksums live in s3://releases-archive/2009",
    ]
    fake_openai.script(FakeReply(tweets=tweets))

    assert generate() == tweets
