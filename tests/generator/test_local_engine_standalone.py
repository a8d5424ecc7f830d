"""Every tweet the local engine writes stands on its own: none opens leaning on a sentence left in another tweet
("And...", "This means...", "Er findet..."), none ends on a lead-in colon whose continuation was dropped, none
leaves a quote open, a person quoted by surname was introduced first, and code and table rows never become prose.

The story style gives each paragraph its own tweet, so a paragraph opening with a connective is a tweet opening
with one unless the engine keeps it with the sentence before it.
"""

from __future__ import annotations

import re

import pytest

from generator.blocks import article_from_text
from generator.domain import Article, Numbering, StyleSpec, ThreadOptions
from generator.local_engine import LocalEngine, read_article
from generator.local_engine.standalone import keep_standing

FILLER = (
    "The town council met on Monday evening to discuss the budget for the coming year in the old hall. "
    "Members spent most of the session on the cost of repairing the bridge over the river near the market. "
)


def make_thread(article: Article, structure: str = "story", language: str = "auto", **options: object) -> list[str]:
    thread_options = ThreadOptions(numbering=Numbering.NONE, language=language, **options)  # type: ignore[arg-type]
    style = StyleSpec(slug=structure, name=structure, local_structure=structure)
    return list(LocalEngine().generate(article=article, options=thread_options, style=style))


def tweet_opening(tweet: str) -> str:
    return re.sub(r"^[\W_]+", "", tweet)


# A paragraph that opens leaning on the one before, per language: (language, article, the leaning opener).
LEANING = [
    (
        "en",
        "The library stopped charging late fees in January after ten years of debate among its trustees. "
        "Visits rose by a fifth within three months, and most of the new visitors were children.\n\n"
        "And the books came back faster than they had when fines were charged, the staff found.",
        "And the books",
    ),
    (
        "en",
        "The library stopped charging late fees in January after ten years of debate among its trustees. "
        "Visits rose by a fifth within three months, and most of the new visitors were children.\n\n"
        "This means the library now spends less on chasing overdue books than it ever collected in fines.",
        "This means",
    ),
    (
        "de",
        "Der Bäcker Jonas Weber backt seit dreißig Jahren jeden Morgen in der kleinen Backstube am Marktplatz. "
        "Seine Kunden kommen aus der ganzen Stadt, viele schon seit ihrer Kindheit.\n\n"
        "Er findet, dass gutes Brot vor allem Zeit braucht und keine teuren Maschinen.",
        "Er findet",
    ),
    (
        "de",
        "Die Stadt baut in diesem Jahr vierzig Kilometer neue Radwege entlang der großen Straßen im Zentrum. "
        "Die Arbeiten beginnen im März und sollen bis zum Herbst abgeschlossen sein.\n\n"
        "Außerdem fördert die Stadt den Kauf von Lastenrädern mit bis zu tausend Euro pro Haushalt.",
        "Außerdem",
    ),
    (
        "fr",
        "Les jardins partagés se multiplient dans la ville depuis une dizaine d'années, sur des friches. "
        "On en compte aujourd'hui plus de cent, gérés par des associations de quartier.\n\n"
        "Car un jardin partagé demande beaucoup de temps et de patience à ceux qui le font vivre.",
        "Car un",
    ),
    (
        "es",
        "El mercado del barrio reabrió el sábado después de dos años de obras en el edificio antiguo. "
        "Los vecinos llenaron los pasillos desde primera hora de la mañana para ver los puestos.\n\n"
        "Pero los comerciantes temen que los nuevos alquileres sean demasiado altos para ellos.",
        "Pero los",
    ),
    (
        "pt",
        "O café do bairro completou cinquenta anos de portas abertas na mesma esquina da praça. "
        "A dona, neta do fundador, ainda serve o bolo de laranja da receita original da família.\n\n"
        "Mas o aluguel dobrou nos últimos dois anos e o futuro do café é incerto para todos.",
        "Mas o",
    ),
    (
        "it",
        "La biblioteca comunale resta aperta fino a mezzanotte ogni venerdì da questo autunno in poi. "
        "Gli studenti occupano tutti i tavoli della sala grande fin dalle prime ore della sera.\n\n"
        "Quindi il comune ha deciso di aggiungere altri trenta posti a sedere entro la primavera.",
        "Quindi il",
    ),
]


@pytest.mark.parametrize(("language", "text", "opener"), LEANING, ids=[case[2] for case in LEANING])
def test_it_keeps_a_leaning_opener_with_the_sentence_before_it(language: str, text: str, opener: str) -> None:
    thread = make_thread(Article(text=text), language=language)

    assert not any(tweet_opening(tweet).startswith(opener) for tweet in thread)
    holding = [tweet for tweet in thread if opener in tweet]
    assert all(f". {opener}" in tweet for tweet in holding)  # wherever it is, the sentence before it is too


def test_it_leaves_out_a_leaning_sentence_whose_sentence_before_it_is_not_in_the_thread() -> None:
    lead = "Riverside voted on Tuesday to rebuild its oldest light rail line for 1.2 billion dollars."
    aside = "The mayor's cat, a ginger tom named Biscuit, slept through the entire meeting on a chair."
    text = f"{lead}\n\n{FILLER}{aside}\n\nIt woke up only when the vote was announced."

    for structure in ("summary", "story", "news"):
        for max_tweets in (2, 3):
            thread = make_thread(Article(text=text), structure, max_tweets=max_tweets)
            assert not any(tweet_opening(tweet).startswith("It woke") for tweet in thread)
            assert all(aside in tweet for tweet in thread if "It woke" in tweet)


def test_it_never_ends_a_tweet_on_a_lead_in_whose_code_was_dropped() -> None:
    text = (
        "# Backing up a laptop\n\n"
        "A backup you never test is a backup you do not have, and most people never test theirs at all.\n\n"
        "To copy your home folder to the external disk, run this command:\n\n"
        "```\nrsync -a --delete ~/ /media/backup/home/\n```\n\n"
        "| disk | size |\n|---|---|\n| backup | 2 TB |\n\n"
        "Check once a month that you can open a few files from the copy, or the copy is worth nothing."
    )
    article = article_from_text(text)

    for structure in ("summary", "story", "tips", "howto"):
        thread = make_thread(article, structure)
        assert not any(tweet.rstrip().endswith(":") for tweet in thread)
        assert not any("rsync" in tweet or "2 TB" in tweet for tweet in thread)  # code and table rows are not prose
        assert any("Check once a month" in tweet for tweet in thread)


def test_it_keeps_a_lead_in_with_the_list_that_continues_it() -> None:
    text = (
        "Three habits keep a backup honest, and none of them takes more than a few minutes a week:\n\n"
        "- Copy to a disk that lives in another room.\n"
        "- Open a few files from the copy every month.\n"
        "- Keep one copy somewhere outside the house."
    )

    thread = make_thread(article_from_text(text), "summary")

    assert not any(tweet.rstrip().endswith(":") for tweet in thread)
    assert any("a few minutes a week:\n" in tweet or "a few minutes a week: " in tweet for tweet in thread)


def test_it_never_leaves_a_quote_open() -> None:
    text = (
        "The old bridge over the river closed on Friday after inspectors found cracks in two of its piers. "
        'A sign at the entrance read "Closed until further notice. Traffic is diverted through the market.\n\n'
        "The council expects repairs to take at least eight months and to cost about four million euros."
    )

    for structure in ("summary", "story"):
        thread = make_thread(Article(text=text), structure)
        assert all(tweet.count('"') % 2 == 0 for tweet in thread)
        assert any("eight months" in tweet for tweet in thread)


def test_it_names_a_person_in_full_before_quoting_them_by_surname() -> None:
    text = (
        "Ada Okafor has run the city's flood lab for twelve years and built its first river model herself. "
        f"{FILLER}\n\n"
        '"We have never seen the river rise this fast," Okafor said on Thursday.'
    )
    outline = read_article(Article(text=text), language="en")
    quote = next(s for s in outline.sentences if "Okafor said" in s.text)
    tied = [s.ties for s in outline.sentences]

    assert quote.ties.introducer == 0
    assert keep_standing([quote.index], tied) == []
    assert keep_standing([0, quote.index], tied) == [0, quote.index]


@pytest.mark.parametrize("structure", ["news", "case"])
def test_it_capitalises_what_follows_a_heading_s_own_label(structure: str) -> None:
    sections = [
        ("Step one: copy the files", "Copy the whole home folder to a disk that lives in another room."),
        ("Step two: test the copy", "Open a few files from the copy every month to be sure it can be read."),
        ("Step three: write it down", "Keep a one-page note of how to restore, next to the disk itself."),
    ]
    text = "\n\n".join(f"## {heading}\n\n{body}" for heading, body in sections)

    thread = make_thread(article_from_text(f"# Backups that work\n\n{text}"), structure, max_tweets=5)

    assert any("Step two: Test the copy" in tweet for tweet in thread)
    assert not any("Step two: test the copy" in tweet for tweet in thread)
