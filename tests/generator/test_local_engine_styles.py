"""Each style of the local engine means what its name says, in every language it writes: a news breakdown labels
what happened, why it matters and what's next on sentences that say so; Q&A asks different questions, each
answered by the article; a how-to numbers real steps and never code; a hot take opens on a claim from the article,
not its title; tips are distinct things to do."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.blocks import article_from_text
from generator.domain import Article, Numbering, StyleSpec, ThreadOptions
from generator.local_engine import LocalEngine, guess_title, phrases_for, read_article

SAMPLES = sorted((Path(__file__).parent / "articles").glob("*.txt"))
LANGUAGES = Path(__file__).parent / "articles" / "languages"
STEP_LINE = re.compile(r"^(\d{1,2})\. (.+)$", re.MULTILINE)
WORDS = re.compile(r"[^\W_]+")

# One news story in each language: what happened, a detail, why it matters, what happens next.
TRAM = {
    "en": "The city council approved a new tram line on Tuesday after a three-hour debate. "
    "The line links the station with the hospital and the university. "
    "The vote matters because thousands of nurses and students spend an hour a day on crowded buses. "
    "Construction is planned to start in March 2027, and the first trams are expected in 2029.",
    "de": "Der Stadtrat hat am Dienstag nach langer Debatte eine neue Straßenbahnlinie beschlossen. "
    "Die Linie verbindet den Bahnhof mit dem Krankenhaus und der Universität. "
    "Der Beschluss ist wichtig, weil Tausende Pflegekräfte und Studierende täglich eine Stunde in vollen Bussen "
    "verbringen. Der Bau soll im März 2027 beginnen, die ersten Bahnen werden 2029 erwartet.",
    "fr": "Le conseil municipal a approuvé mardi une nouvelle ligne de tramway après un long débat. "
    "La ligne relie la gare à l'hôpital et à l'université. "
    "Ce vote est important parce que des milliers d'infirmières et d'étudiants passent chaque jour une heure "
    "dans des bus bondés. Les travaux sont prévus pour mars 2027 et les premières rames devraient circuler en 2029.",
    "es": "El ayuntamiento aprobó el martes una nueva línea de tranvía tras un largo debate. "
    "La línea une la estación con el hospital y la universidad. "
    "La decisión es importante porque miles de enfermeras y estudiantes pasan cada día una hora en autobuses "
    "llenos. Las obras están previstas para marzo de 2027 y los primeros tranvías llegarán en 2029.",
    "pt": "A câmara municipal aprovou na terça-feira uma nova linha de elétrico depois de um longo debate. "
    "A linha liga a estação ao hospital e à universidade. "
    "A decisão é importante porque milhares de enfermeiros e estudantes passam todos os dias uma hora em "
    "autocarros cheios. As obras estão previstas para março de 2027 e os primeiros elétricos devem circular em 2029.",
    "it": "Il consiglio comunale ha approvato una nuova linea del tram dopo un lungo dibattito. "
    "La linea collega la stazione all'ospedale e all'università. "
    "La decisione è importante perché migliaia di infermieri e studenti passano ogni giorno un'ora su autobus "
    "affollati. I lavori sono previsti per marzo 2027 e i primi tram dovrebbero circolare nel 2029.",
}
# In each story, a word only the sentence on why it matters has, and one only the sentence on what's next has.
MATTERS_WORD = {"en": "because", "de": "weil", "fr": "parce", "es": "porque", "pt": "porque", "it": "perché"}
NEXT_WORD = {"en": "planned", "de": "soll", "fr": "prévus", "es": "previstas", "pt": "previstas", "it": "previsti"}


def make_thread(article: Article, structure: str, **options: object) -> list[str]:
    style = StyleSpec(slug=structure, name=structure, local_structure=structure)
    thread_options = ThreadOptions(numbering=Numbering.NONE, **options)  # type: ignore[arg-type]
    return list(LocalEngine().generate(article=article, options=thread_options, style=style))


def sample(path: Path) -> Article:
    title, text = guess_title(path.read_text(encoding="utf-8"))
    return Article(text=text, title=title)


def in_language(code: str) -> Article:
    return sample(LANGUAGES / f"{code}.txt")


def article_sentences(article: Article, language: str = "en") -> set[str]:
    return {sentence.text for sentence in read_article(article, language=language).sentences}


def qa_pairs(tweets: list[str], language: str) -> list[tuple[str, str]]:
    phrases = phrases_for(language)
    pairs = []
    for tweet in tweets:
        question, _, answer = tweet.partition("\n")
        if question.startswith(phrases.question_mark):
            pairs.append((question.removeprefix(phrases.question_mark).strip(), answer))
    return pairs


def made_of_sentences(text: str, sentences: set[str]) -> bool:
    """Whether the text is one or more of the sentences, in full, one after another."""
    rest = text.strip()
    while rest:
        found = next((s for s in sorted(sentences, key=len, reverse=True) if rest.startswith(s)), None)
        if found is None:
            return False
        rest = rest[len(found) :].strip()
    return True


@pytest.mark.parametrize("code", sorted(TRAM))
def test_news_labels_each_beat_on_a_sentence_that_answers_it(code: str) -> None:
    labels = phrases_for(code).news_labels
    article = Article(title="Tram", text=TRAM[code])

    tweets = make_thread(article, "news", max_tweets=6)
    beats = {tweet.split("\n", 1)[0]: tweet.split("\n", 1)[1] for tweet in tweets[1:] if "\n" in tweet}

    assert MATTERS_WORD[code] in beats[labels[2]]
    assert NEXT_WORD[code] in beats[labels[3]]
    assert MATTERS_WORD[code] not in beats.get(labels[3], "")
    assert list(beats) == sorted(beats, key=labels.index), "what happened, then why it matters, then what's next"
    assert NEXT_WORD[code] not in tweets[0], "the hook says what happened"


def test_news_never_labels_a_sentence_that_says_nothing_ahead_as_what_s_next() -> None:
    article = Article(
        title="Library hours",
        text="The library opened its new reading room on Monday. It has forty desks and a quiet corner. "
        "Visitors praised the light and the long tables. The old room had no windows at all.",
    )

    thread = "\n".join(make_thread(article, "news", max_tweets=6))

    assert "What's next:" not in thread
    assert "Why it matters:" not in thread


@pytest.mark.parametrize("path", SAMPLES, ids=lambda path: path.stem)
def test_qa_asks_each_question_once_and_answers_it_from_the_article(path: Path) -> None:
    article = sample(path)
    sentences = article_sentences(article)

    pairs = qa_pairs(make_thread(article, "qa", max_tweets=10), "en")
    questions = [question for question, _ in pairs]

    assert len(pairs) >= 2
    assert len(set(questions)) == len(questions), f"a question asked twice: {questions}"
    for question, answer in pairs:
        assert question.endswith("?")
        assert answer.startswith("A: ")
        assert made_of_sentences(answer.removeprefix("A: "), sentences), f"{question} is answered by {answer!r}"


@pytest.mark.parametrize("code", ["de", "fr", "es", "pt", "it"])
def test_qa_asks_different_questions_in_every_language(code: str) -> None:
    article = in_language(code)
    phrases = phrases_for(code)

    pairs = qa_pairs(make_thread(article, "qa", max_tweets=8), code)
    questions = [question for question, _ in pairs]

    assert len(pairs) >= 2
    assert len(set(questions)) == len(questions)
    assert questions[0] == phrases.questions["about"]
    assert all(answer.startswith(f"{phrases.answer_mark} ") for _, answer in pairs)
    assert all(
        made_of_sentences(answer.removeprefix(phrases.answer_mark), article_sentences(article, code))
        for _, answer in pairs
    )


def test_qa_asks_what_happens_next_only_before_a_sentence_about_what_is_ahead() -> None:
    article = Article(title="Tram", text=TRAM["en"])

    pairs = dict(qa_pairs(make_thread(article, "qa", max_tweets=6), "en"))

    assert "planned" in pairs["What happens next?"]
    assert "because" in pairs["Why does it matter?"]


HOWTO_WITH_CODE = """# Back up a small database

Most teams have backups, and far fewer have ever restored one. This guide takes ten minutes a week.

```
pg_dump --format=custom --file=nightly.dump shop
pg_restore --list nightly.dump
```

mkdir -p /var/backups/db && chmod 700 /var/backups/db

1. Dump the database every night in the custom format.
2. Copy the dump to storage with another provider.
3. Restore the latest dump into a fresh database every week.
4. Write down the exact commands in a one-page runbook.

A backup you have restored beats one you have only made.
"""


def test_how_to_numbers_the_article_s_steps_in_order_and_never_a_line_of_code() -> None:
    article = article_from_text(HOWTO_WITH_CODE)

    thread = "\n".join(make_thread(article, "howto", max_tweets=8))
    steps = STEP_LINE.findall(thread)

    assert [int(number) for number, _ in steps] == [1, 2, 3, 4]
    assert [text for _, text in steps] == [
        "Dump the database every night in the custom format.",
        "Copy the dump to storage with another provider.",
        "Restore the latest dump into a fresh database every week.",
        "Write down the exact commands in a one-page runbook.",
    ]
    for line in ("pg_dump", "pg_restore", "mkdir", "chmod"):
        assert line not in thread


def test_how_to_numbers_steps_named_by_headings_once_without_their_own_numbering() -> None:
    sections = [
        ("Step one: copy the files", "Copy the whole home folder to a disk that lives in another room."),
        ("Step two: test the copy", "Open a few files from the copy every month to be sure it can be read."),
        ("Step three: write it down", "Keep a one-page note of how to restore, next to the disk itself."),
    ]
    text = "\n\n".join(f"## {heading}\n\n{body}" for heading, body in sections)

    thread = "\n".join(make_thread(article_from_text(f"# Backups that work\n\n{text}"), "howto", max_tweets=5))

    assert STEP_LINE.findall(thread) == [("1", "Copy the files"), ("2", "Test the copy"), ("3", "Write it down")]
    assert "Step two" not in thread


def test_how_to_numbers_the_instructions_not_the_ingredients() -> None:
    article = article_from_text(
        "# Pain au levain\n\nLe pain au levain demande surtout du temps et un peu d'organisation.\n\n"
        "## Les ingrédients\n\n- 500 grammes de farine\n- 350 grammes d'eau\n- 10 grammes de sel\n\n"
        "## Les étapes\n\n1. Mélangez la farine et l'eau, puis laissez reposer une demi-heure.\n"
        "2. Ajoutez le levain et le sel, et pétrissez quelques minutes.\n"
        "3. Façonnez une boule et placez-la au réfrigérateur pour la nuit.\n"
    )

    thread = "\n".join(make_thread(article, "howto", max_tweets=6))

    assert [text.split(",")[0] for _, text in STEP_LINE.findall(thread)] == [
        "Mélangez la farine et l'eau",
        "Ajoutez le levain et le sel",
        "Façonnez une boule et placez-la au réfrigérateur pour la nuit.",
    ]
    assert "1. 500 grammes" not in thread


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("de", "Mischen Sie das Mehl mit dem Wasser. Lassen Sie den Teig eine Stunde ruhen. Formen Sie einen Laib."),
        ("fr", "Mélangez la farine et l'eau. Laissez reposer la pâte une heure. Façonnez ensuite une boule."),
        ("es", "Mezcla la harina con el agua. Deja reposar la masa una hora. Haz una bola con la masa."),
        ("pt", "Misture a farinha com a água. Deixe a massa descansar uma hora. Faça uma bola com a massa."),
        ("it", "Mescolate la farina con l'acqua. Lasciate riposare l'impasto un'ora. Prendete l'impasto e formate."),
    ],
)
def test_how_to_finds_instructions_in_every_language(language: str, text: str) -> None:
    article = Article(title="Brot", text=text, language=language)

    thread = "\n".join(make_thread(article, "howto", max_tweets=6))

    assert len(STEP_LINE.findall(thread)) >= 2


def test_how_to_numbers_nothing_in_an_article_without_steps() -> None:
    article = sample(Path(__file__).parent / "articles" / "news_transit_vote.txt")

    thread = make_thread(article, "howto", max_tweets=8)

    assert not STEP_LINE.findall("\n".join(thread[1:]))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda path: path.stem)
def test_hot_take_opens_with_a_claim_from_the_article_not_its_title(path: Path) -> None:
    article = sample(path)

    first = make_thread(article, "hottake", max_tweets=6)[0]
    claim = first.removeprefix("Hot take: ").split("\n\n", 1)[0]

    assert first.startswith("Hot take: ")
    assert claim in article_sentences(article)
    assert article.title not in first


def test_hot_take_takes_an_article_sentence_even_when_none_makes_a_long_claim() -> None:
    article = Article(title="Short lines win", text="Short lines read fast. Long lines tire eyes. Keep lines short.")

    first = make_thread(article, "hottake", max_tweets=3)[0]

    assert first.split("\n\n")[0] in {f"Hot take: {s}" for s in article_sentences(article)}
    assert "Short lines win" not in first


def test_tips_are_distinct_things_to_do() -> None:
    article = sample(Path(__file__).parent / "articles" / "list_remote_meetings.txt")
    sentences = article_sentences(article)

    tips = [line[2:] for tweet in make_thread(article, "tips") for line in tweet.split("\n") if line.startswith("→ ")]
    words = [set(WORDS.findall(tip.lower())) for tip in tips]

    assert len(tips) >= 8
    for first in range(len(words)):
        for second in range(first + 1, len(words)):
            shared = len(words[first] & words[second]) / len(words[first] | words[second])
            assert shared <= 0.5, f"{tips[first]!r} and {tips[second]!r} make the same point"
    assert all(any(tip.startswith(s) for s in sentences) for tip in tips)


def test_tips_skip_a_list_that_gives_no_advice() -> None:
    article = article_from_text(
        "# Better bread at home\n\nGood bread needs few things, and time matters most of all.\n\n"
        "## What you need\n\n- 500 grams of flour\n- 350 grams of water\n- 10 grams of salt\n\n"
        "## What to do\n\n- Weigh everything, including the water.\n- Let the dough rest overnight in the fridge.\n"
        "- Bake it in a covered pot for the first twenty minutes.\n"
    )

    tips = [line for tweet in make_thread(article, "tips", max_tweets=6) for line in tweet.split("\n")]

    assert "→ Weigh everything, including the water." in tips
    assert not [line for line in tips if line.startswith("→ ") and "grams of" in line]


@pytest.mark.parametrize("structure", ["news", "qa", "howto", "hottake", "tips"])
def test_every_style_gives_the_same_thread_for_the_same_article(structure: str) -> None:
    article = sample(Path(__file__).parent / "articles" / "howto_sourdough.txt")

    assert make_thread(article, structure) == make_thread(article, structure)
