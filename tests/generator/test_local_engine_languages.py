"""The local engine writes its own phrases (promises, labels, closing lines, call to action, source link) in the
article's language, or in the language the person chose, and neutral marks for a language it does not write."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.domain import Article, StyleSpec, ThreadOptions, Tone
from generator.local_engine import LocalEngine, fixed_phrases, guess_title, phrases_for, rewrite_body

ARTICLES = Path(__file__).parent / "articles" / "languages"
URL = "https://news.example.org/baeckereien"
LANGUAGES = ["de", "fr", "es", "pt", "it"]
STRUCTURES = ["summary", "news", "case", "qa", "hottake", "tips", "howto", "story"]
WORDS = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def load(code: str) -> Article:
    title, text = guess_title((ARTICLES / f"{code}.txt").read_text(encoding="utf-8"))
    return Article(text=text, title=title, url=URL)


def thread(article: Article, structure: str, **options: object) -> list[str]:
    style = StyleSpec(slug=structure, name=structure, local_structure=structure)
    return list(LocalEngine().generate(article=article, options=ThreadOptions(**options), style=style))  # type: ignore[arg-type]


def english_phrases(article: Article, language: str) -> list[str]:
    """The English engine phrases with a word in them that neither the article nor the language's own phrases
    use: "Die Details:" shares no such word, "Q:" is "Q :" in French too."""
    theirs = " ".join([article.title, article.text, *fixed_phrases(language)]).lower()
    return [
        phrase
        for phrase in fixed_phrases("en")
        if any(word.lower() not in theirs for word in WORDS.findall(phrase.replace("{url}", "").replace("{count}", "")))
    ]


def literal(phrase: str) -> str:
    """The longest part of a phrase that is not a placeholder ("practical tips 👇" of "{count} practical tips 👇")."""
    return max(re.split(r"\{\w+\}", phrase), key=len).strip()


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("structure", STRUCTURES)
def test_it_writes_its_phrases_in_the_articles_language(code: str, structure: str) -> None:
    article = load(code)
    text = "\n".join(
        [
            *thread(article, structure, cta=True, link_in_reply=True, tone=Tone.CASUAL, max_tweets=6),
            *thread(article, structure, tone=Tone.PROFESSIONAL, max_tweets=6),
        ]
    )
    own = phrases_for(code)

    assert own.cta in text
    assert own.source_link.format(url=URL) in text
    assert own.closings[Tone.CASUAL] in text or own.hot_take_closing in text
    for phrase in english_phrases(article, code):
        assert literal(phrase) not in text, f"English {phrase!r} in a {code} thread"


@pytest.mark.parametrize("code", LANGUAGES)
def test_its_labels_and_questions_are_in_the_articles_language(code: str) -> None:
    article = load(code)
    own = phrases_for(code)

    news = "\n".join(thread(article, "news", max_tweets=8))
    qa = "\n".join(thread(article, "qa", max_tweets=8))

    assert own.news_labels[0] in news
    assert f"{own.question_mark} {own.questions['about']}\n{own.answer_mark} " in qa


def test_a_language_the_person_chose_wins_over_the_articles() -> None:
    tweets = thread(load("fr"), "summary", language="Deutsch", cta=True, max_tweets=5)

    assert phrases_for("de").summary[Tone.NEUTRAL] in tweets[0]
    assert tweets[-1] == phrases_for("de").cta


def test_it_uses_neutral_marks_for_a_language_it_does_not_write() -> None:
    article = load("nl")

    tweets = thread(article, "summary", cta=True, link_in_reply=True, hashtags=True, max_tweets=5)

    assert tweets[0].endswith("🧵")
    assert tweets[-1] == f"{phrases_for('nl').cta}\n\n🔗 {URL}"
    assert not [phrase for phrase in english_phrases(article, "nl") if literal(phrase) in "\n".join(tweets)]
    assert "#" not in "\n".join(tweets), "without stopwords for Dutch, any hashtag could be a filler word"


def test_its_hashtags_keep_the_articles_accents() -> None:
    article = Article(text="Die Größe zählt. " * 3 + "Größe und Qualität zählen beim Brot.", title="Größe zählt")

    tweets = thread(article, "summary", hashtags=True, max_tweets=3)

    assert "#Größe" in tweets[-1]


def test_rewriting_the_call_to_action_keeps_its_language() -> None:
    article = load("es")
    options = ThreadOptions(cta=True, max_tweets=5)
    style = StyleSpec(slug="summary", name="Summary", local_structure="summary")
    bodies = thread(article, "summary", cta=True, max_tweets=5)

    [rewritten] = rewrite_body(article=article, bodies=bodies, position=len(bodies) - 1, options=options, style=style)

    assert rewritten == phrases_for("es").cta_alternate
