"""The AI engine is told, by name, the language to write in: the person's choice, else the article's own."""

from __future__ import annotations

from pathlib import Path

from generator.domain import Article, ThreadOptions
from generator.llm import OpenAIEngine
from tests.fakes import openai_server
from tests.fakes.openai_server import SAMPLE_STYLE, FakeOpenAI, FakeReply

fake_openai = openai_server.fake_openai

ARTICLES = Path(__file__).parent / "articles" / "languages"
TWEETS = ["Kleine Bäckereien haben wieder Zulauf.", "Die Kundschaft zahlt gern etwas mehr."]


def brief(fake_openai: FakeOpenAI, article: Article, **options: str) -> str:
    fake_openai.script(FakeReply(tweets=TWEETS))
    list(OpenAIEngine().generate(article=article, options=ThreadOptions(**options), style=SAMPLE_STYLE))
    [request] = fake_openai.completions
    return request.message("user")


def test_it_tells_the_model_the_articles_language_by_name(fake_openai: FakeOpenAI) -> None:
    article = Article(text=(ARTICLES / "de.txt").read_text(encoding="utf-8"), language="en")

    assert "- Language: write in German, the article's own language." in brief(fake_openai, article)


def test_it_tells_the_model_the_language_the_person_chose(fake_openai: FakeOpenAI) -> None:
    article = Article(text=(ARTICLES / "de.txt").read_text(encoding="utf-8"))

    assert "- Language: write in Italian." in brief(fake_openai, article, language="it")


def test_it_asks_for_the_articles_own_language_when_it_cannot_tell(fake_openai: FakeOpenAI) -> None:
    assert "- Language: write in the article's own language." in brief(fake_openai, Article(text="Sauerteig 2025"))


def test_it_tells_the_model_when_rewriting_one_tweet_too(fake_openai: FakeOpenAI) -> None:
    article = Article(text=(ARTICLES / "pt.txt").read_text(encoding="utf-8"))
    fake_openai.script(FakeReply(tweets=["As padarias voltam aos bairros."]))

    OpenAIEngine().regenerate(
        article=article, bodies=TWEETS, position=1, options=ThreadOptions(), style=SAMPLE_STYLE, instruction=None
    )

    [request] = fake_openai.completions
    assert "- Language: write in Portuguese, the article's own language." in request.message("user")
