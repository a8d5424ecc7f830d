"""Golden cases for sentence splitting in each language the local engine writes: abbreviations, dates and titles
never start a sentence, and a quotation that spans sentences stays whole."""

from __future__ import annotations

import pytest

from generator.sentences import split_sentences

GOLDEN = [
    (
        "en",
        "The vote is on Feb. 9 in Denver. Dr. Lee will speak first, e.g. about fares. Then the board decides.",
        ["The vote is on Feb. 9 in Denver.", "Dr. Lee will speak first, e.g. about fares.", "Then the board decides."],
    ),
    (
        "en",
        'She said: "It works. We tried it twice." Nobody argued.',
        ['She said: "It works. We tried it twice."', "Nobody argued."],
    ),
    (
        "en",
        "Mr. Smith met Dr. Jones in the U.S. last year. They talked.",
        ["Mr. Smith met Dr. Jones in the U.S. last year.", "They talked."],
    ),
    (
        "en",
        "Use a fork, e.g. the small one, and wait 3.5 minutes. Then eat.",
        ["Use a fork, e.g. the small one, and wait 3.5 minutes.", "Then eat."],
    ),
    (
        "en",
        "Read https://example.com/a.b?x=1. Then visit example.org. Done!",
        ["Read https://example.com/a.b?x=1.", "Then visit example.org.", "Done!"],
    ),
    ("en", "J. R. R. Tolkien wrote it. Was it good? Yes.", ["J. R. R. Tolkien wrote it.", "Was it good?", "Yes."]),
    (
        "de",
        "Am 9. Dezember 2020 stimmte der Rat ab. Dr. Müller sagte, das sei z. B. teurer. Dann ging es weiter.",
        ["Am 9. Dezember 2020 stimmte der Rat ab.", "Dr. Müller sagte, das sei z. B. teurer.", "Dann ging es weiter."],
    ),
    (
        "de",
        "Er sagte: „Das geht. Wir haben es versucht.“ Dann ging er. Am 3. Okt. 1990 war es so weit.",
        ["Er sagte: „Das geht. Wir haben es versucht.“", "Dann ging er.", "Am 3. Okt. 1990 war es so weit."],
    ),
    (
        "fr",
        "Le 9 déc. 2020, M. Dupont est arrivé. Il a dit : « Ça marche. On a essayé. » Puis il est parti.",
        ["Le 9 déc. 2020, M. Dupont est arrivé.", "Il a dit : « Ça marche. On a essayé. »", "Puis il est parti."],
    ),
    (
        "es",
        "El Sr. García llegó el 9 de dic. de 2020. Dijo: «Funciona. Lo probamos.» Luego se fue.",
        ["El Sr. García llegó el 9 de dic. de 2020.", "Dijo: «Funciona. Lo probamos.»", "Luego se fue."],
    ),
    (
        "pt",
        "O Sr. Silva chegou em 9 de dez. de 2020. Ele disse: “Funciona. Nós tentamos.” Depois saiu.",
        ["O Sr. Silva chegou em 9 de dez. de 2020.", "Ele disse: “Funciona. Nós tentamos.”", "Depois saiu."],
    ),
    (
        "it",
        "Il Sig. Rossi è arrivato il 9 dic. 2020. Ha detto: «Funziona. L'abbiamo provato.» Poi è andato via.",
        ["Il Sig. Rossi è arrivato il 9 dic. 2020.", "Ha detto: «Funziona. L'abbiamo provato.»", "Poi è andato via."],
    ),
    (
        "ja",
        "東京に行きました。楽しかった\uff01また行きたい\uff1f",
        ["東京に行きました。", "楽しかった\uff01", "また行きたい\uff1f"],
    ),
]


@pytest.mark.parametrize(("language", "text", "expected"), GOLDEN)
def test_it_splits_sentences_where_a_reader_would(language: str, text: str, expected: list[str]) -> None:
    parts = split_sentences(text, language=language)

    assert [part.strip() for part in parts] == expected
    assert "".join(parts) == text


def test_it_gives_back_every_character_even_across_line_breaks() -> None:
    text = "First line ends here.\n\nA new paragraph starts. It goes on.\nAnd on."

    assert "".join(split_sentences(text, language="en")) == text
