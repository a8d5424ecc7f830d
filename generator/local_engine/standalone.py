"""Which sentences can stand in a tweet on their own, and what the others lean on, so that every tweet reads
without the article beside it.

A sentence is tied to its neighbours when:

- it opens with a connective or a pronoun of its language ("And", "That's", "Er findet", "Car", "Außerdem") or in
  lower case: it needs the sentence before it, in the same tweet;
- it ends on a lead-in colon and its continuation is prose (the rest of its paragraph, or the list that follows):
  it needs the sentence after it, in the same tweet. When the continuation is not prose (code, a table, nothing)
  the sentence never stands: the thread would end it on a colon;
- its quote marks are unbalanced and the next sentence of its paragraph closes them: it needs that sentence too;
  when none does, it never stands.

And a sentence that names a person by surname next to a speech verb ("Okafor said") needs, somewhere earlier in the
thread, the sentence where the article first gives the full name ("Ada Okafor"): one rule, no coreference.

`keep_standing` takes away every chosen sentence whose ties are not met, so the engine keeps tied sentences
together or chooses others; `flawed` checks a finished tweet by the same rules.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence

# First words that lean on the sentence before: connectives and personal or demonstrative pronouns. Apostrophes cut
# a word ("That's" is "that", "C'est" is "c", "L'ha" is "l"). Words that are mostly determiners ("diese", "ces",
# "esta") are left out: "Diese Regel gilt..." stands on its own.
LEANING_WORDS = {
    "en": "and but so or nor also however therefore thus then yet because which while meanwhile moreover "
    "furthermore besides instead hence still otherwise likewise it its they them their he she him his her there",
    "de": "und aber doch also denn dann deshalb daher deswegen außerdem trotzdem jedoch sondern oder zudem dabei "
    "darum dort damit dafür dagegen danach davon sonst ebenfalls allerdings er sie ihm ihn ihr dies",
    "fr": "et mais donc alors puis ensuite pourtant cependant toutefois car ainsi aussi or sinon d'ailleurs il elle "
    "ils elles cela ça ceci c celui celle ceux celles",
    "es": "y e pero así entonces además también luego pues o u aunque ello esto eso él ella ellos ellas sino",
    "pt": "e mas então assim porém contudo também depois ou pois além ele ela eles elas isso isto aquilo",
    "it": "e ed ma quindi allora poi però inoltre anche oppure o lui lei loro esso essa essi esse ciò dunque infatti",
}
_LEANING = {language: frozenset(words.split()) for language, words in LEANING_WORDS.items()}
# Demonstratives lean when a verb follows ("That is", "This means", "Das zeigt"), not before a noun ("This guide").
_DEMONSTRATIVE = re.compile(
    r"^(?:(?:this|that|these|those)(?:['\u2019]s\b|\s+(?:is|was|are|were|means|meant|shows|showed|makes|made|has|"
    r"had|have|will|would|can|could|may|might|should|matters|explains|said|says|helps|leaves|led|gives|does|did)\b)"
    r"|das\s+(?:ist|war|sind|waren|zeigt|heißt|bedeutet|hat|kann|wird|liegt)\b|\W*$)",
    re.IGNORECASE,
)
IMPERSONAL = ("il y a", "il faut", "es gibt")  # openings with a pronoun that refers to nothing before them
_WORD = re.compile(r"[^\W\d_]+")
_OPENING_MARKS = re.compile(r"^(?:[^\w]|_|\d{1,3}[.)](?=\s))+")  # numbering, arrows, bullets, opening quotes
_LABEL = re.compile(r"^(?:[^\W_]+[ \t]){0,3}[^\W_]+[?]?:[ \t]+(?=\S)")  # "Q: ", "Why it matters: "

# Verbs that report speech, per language; a capitalised word next to one is taken for the speaker's name.
SPEECH_VERBS = (
    "said says told added argued explained wrote noted asked warned recalled insisted "
    "sagte sagt erklärte erklärt meinte meint betonte betont sagten "
    "dit déclare déclaré explique expliqué affirme affirmé ajoute ajouté "
    "dijo dice afirmó explicó añadió señaló "
    "disse diz afirmou explicou acrescentou "
    "detto dice spiega spiegato afferma aggiunge"
)
_SPEECH = frozenset(SPEECH_VERBS.split())
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?:-[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+)?"
_NAME = re.compile(rf"^{_NAME_WORD}$")
_QUOTING_MARKS = r"[,.;:!?\"'()«»“”„]*"
# A full name: a capitalised word, then another that may carry punctuation ("Ada Okafor,"); the second is the
# surname a later "Okafor said" refers to. The lookahead lets "Ada Lovelace Okafor" give both pairs.
_FULL_NAME = re.compile(rf"(?<!\S){_NAME_WORD}\s+(?={_QUOTING_MARKS}({_NAME_WORD}){_QUOTING_MARKS}(?!\S))")


@dataclasses.dataclass(frozen=True)
class Ties:
    """What one sentence needs in order to read on its own in a tweet."""

    before: bool = False  # the sentence before it, in the same tweet
    after: bool = False  # the sentence after it, in the same tweet
    introducer: int = -1  # the earlier sentence that gives the full name of the person it quotes by surname
    stands: bool = True  # False: a lead-in with no prose after it, or a quote left open


ALONE = Ties()  # a sentence tied to nothing


def opening(text: str) -> str:
    """The text's first words, past numbering, arrows, emoji, opening quotes and a short label ("Q:")."""
    text = _OPENING_MARKS.sub("", text.strip())
    return _OPENING_MARKS.sub("", _LABEL.sub("", text, count=1))


def leans(text: str, language: str) -> bool:
    """The text opens in lower case or with a connective or pronoun that points to what came before."""
    text = _OPENING_MARKS.sub("", text.strip())
    if not text or text.lower().startswith(("http", "www.", *IMPERSONAL)):
        return False
    first = _WORD.match(text)
    word = first.group().lower() if first else ""
    return text[0].islower() or word in _LEANING.get(language, _LEANING["en"]) or bool(_DEMONSTRATIVE.match(text))


def leads_in(text: str) -> bool:
    return text.rstrip().endswith((":", "\uff1a"))


def quotes_balanced(text: str) -> bool:
    """Straight double quotes in pairs, guillemets paired, curly double quotes paired (German „ closes with “)."""
    curly = text.count("„") + text.count("“") + text.count("”")
    if text.count('"') % 2 or text.count("«") != text.count("»") or curly % 2:
        return False
    return "„" in text or text.count("“") == text.count("”")


def flawed(body: str, language: str) -> bool:
    """A finished tweet that does not stand alone: it leans on a tweet before it, ends on a lead-in colon or
    leaves a quote open."""
    return leans(opening(body), language) or leads_in(body) or not quotes_balanced(body)


def ties(
    texts: Sequence[str],
    paragraphs: Sequence[int],
    items: Sequence[int],
    language: str,
    *,
    lowered: Sequence[Sequence[str]],
) -> list[Ties]:
    """Each sentence's ties, from the article's sentences in order with their paragraph and list item, and each
    sentence's words in lower case."""
    found = []
    introductions: dict[str, int] = {}  # surname -> the first sentence giving it after a first name, -1 for none
    for index, text in enumerate(texts):
        following = index + 1 < len(texts)
        same_paragraph = following and paragraphs[index + 1] == paragraphs[index] and items[index + 1] == items[index]
        list_follows = following and items[index + 1] >= 0 and items[index + 1] != items[index]
        balanced = quotes_balanced(text)
        closes = not balanced and same_paragraph and quotes_balanced(f"{text} {texts[index + 1]}")
        after = (leads_in(text) and (same_paragraph or list_follows)) or closes
        stands = (not leads_in(text) or after) and (balanced or closes)
        introducer = -1
        if not _SPEECH.isdisjoint(lowered[index]):  # most sentences quote nobody
            words = text.split()
            surname = _quoted_surname(words)
            if surname and not _full_name_in(words, surname):
                if surname not in introductions:
                    introductions[surname] = _introduction(surname, texts)
                introducer = introductions[surname] if introductions[surname] < index else -1
        found.append(Ties(before=leans(text, language), after=after, introducer=introducer, stands=stands))
    return found


def _introduction(surname: str, texts: Sequence[str]) -> int:
    """The first sentence giving `surname` after a first name ("Ada Okafor"), else -1."""
    return next(
        (index for index, text in enumerate(texts) if surname in text and surname in _FULL_NAME.findall(text)), -1
    )


def _quoted_surname(words: Sequence[str]) -> str:
    """The capitalised word right before or after a speech verb ("Okafor said", "said Okafor"), else ""."""
    bare = [word.strip(",.;:!?\"'()«»“”„") for word in words]
    for position, word in enumerate(bare):
        if word.lower() not in _SPEECH:
            continue
        for near in (position - 1, position + 1):
            if 0 <= near < len(bare) and _NAME.match(bare[near]):
                return bare[near]
    return ""


def _full_name_in(words: Sequence[str], surname: str) -> bool:
    bare = [word.strip(",.;:!?\"'()«»“”„") for word in words]
    return any(bare[n] == surname and _NAME.match(bare[n - 1]) for n in range(1, len(bare)))


def unit(index: int, tied: Sequence[Ties]) -> range:
    """The run of sentences that must share a tweet with sentence `index`."""
    start = index
    while start > 0 and (tied[start].before or tied[start - 1].after):
        start -= 1
    end = index
    while end + 1 < len(tied) and (tied[end].after or tied[end + 1].before):
        end += 1
    return range(start, end + 1)


def keep_standing(kept: Iterable[int], tied: Sequence[Ties], *, shown: frozenset[int] = frozenset()) -> list[int]:
    """`kept` (sentence indices, in order) less every sentence whose ties are not met, until all that remain are
    met. `shown` are sentences already in the thread elsewhere (the hook), which can introduce a person."""
    remaining = sorted(kept)
    while True:
        present = set(remaining)
        standing = [index for index in remaining if _met(index, tied, present, shown)]
        if len(standing) == len(remaining):
            return standing
        remaining = standing


def _met(index: int, tied: Sequence[Ties], present: set[int], shown: frozenset[int]) -> bool:
    own = tied[index]
    introduced = own.introducer < 0 or own.introducer in present or own.introducer in shown
    return (
        own.stands
        and (not own.before or index - 1 in present)
        and (not own.after or index + 1 in present)
        and introduced
    )
