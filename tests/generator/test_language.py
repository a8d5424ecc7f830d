"""The language a thread is written in: the person's choice, else the article's text, else the page's `lang`."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import language
from generator.domain import Article, ThreadOptions
from generator.language import Language, article_language, thread_language

ARTICLES = Path(__file__).parent / "articles" / "languages"

SHORT = {
    "en": "The council will vote on the new tram line next week.",
    "de": "Der Stadtrat stimmt nächste Woche über die neue Straßenbahnlinie ab.",
    "fr": "Le conseil municipal votera la semaine prochaine sur la nouvelle ligne de tramway.",
    "es": "El ayuntamiento votará la semana que viene la nueva línea de tranvía.",
    "pt": "A câmara municipal vai votar na próxima semana a nova linha de bonde.",
    "it": "Il consiglio comunale voterà la settimana prossima la nuova linea del tram.",
}


@pytest.mark.parametrize(("code", "text"), SHORT.items())
def test_it_detects_the_language_of_one_sentence(code: str, text: str) -> None:
    assert thread_language(chosen="auto", text=text).code == code


@pytest.mark.parametrize("code", ["de", "fr", "es", "pt", "it", "nl"])
def test_it_detects_the_language_of_a_whole_article(code: str) -> None:
    text = (ARTICLES / f"{code}.txt").read_text(encoding="utf-8")

    assert thread_language(chosen="auto", text=text).code == code


def test_it_names_the_detected_language_in_english() -> None:
    assert thread_language(chosen="auto", text=SHORT["de"]) == Language(code="de", name="German")


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ("German", Language(code="de", name="German")),
        ("Deutsch", Language(code="de", name="German")),
        ("pt-BR", Language(code="pt", name="Portuguese")),
        ("IT", Language(code="it", name="Italian")),
        ("Klingon", Language(code="", name="Klingon")),
    ],
)
def test_a_language_the_person_chose_wins_over_the_articles(chosen: str, expected: Language) -> None:
    assert thread_language(chosen=chosen, text=SHORT["fr"], declared="fr") == expected


def test_the_text_wins_over_a_page_that_declares_another_language() -> None:
    article = Article(text=(ARTICLES / "fr.txt").read_text(encoding="utf-8"), language="en")

    assert article_language(article=article, options=ThreadOptions()).code == "fr"


def test_the_page_decides_when_the_text_is_too_short_to_tell() -> None:
    assert thread_language(chosen="auto", text="Sauerteig 2025", declared="de-AT").code == "de"
    assert thread_language(chosen="auto", text="Sauerteig 2025") == language.UNKNOWN


def test_links_do_not_hide_the_language_of_the_words_around_them() -> None:
    links = " ".join(f"Notizen: https://archiv.example.com/{n} und www.archiv.org/{n}." for n in range(6))

    assert thread_language(chosen="auto", text=f"{SHORT['de']} {links}").code == "de"
