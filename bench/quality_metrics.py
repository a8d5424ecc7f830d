"""The quality bench's measures (bench/quality.py) and its corpus (bench/corpus/): pure functions of a thread's
tweets and its article, by rules of their own rather than the engine's.

Weighted length is counted from X's published rules (config v3: 280 units; code points in U+0000-U+10FF,
U+2000-U+200D, U+2010-U+201F and U+2032-U+2037 weigh 1, the rest 2; an emoji sequence 2; a link 23; a bare domain
counted the longer way). Boilerplate and code lines come from the source files themselves: what a page's nav,
header, footer, aside, figcaption and form elements say, and those whose class or id names a byline, credit,
related, share, cookie, newsletter, comment, teaser, promo or meta block; its <pre> lines and table rows; a Markdown
text's fenced lines and pipe-table rows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "bench" / "corpus"
MAX_WEIGHT = 280

# --- Measures, tested in tests/ops/test_quality_bench.py.

_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_BARE_DOMAIN = re.compile(
    r"\b(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|dev|de|fr|es|pt|it|eu)\b(?:/\S*)?", re.IGNORECASE
)
_LIGHT = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
_EMOJI_JOINERS = {0x200D, 0xFE0F, 0xFE0E, *range(0x1F3FB, 0x1F400)}


def _is_emoji(char: str) -> bool:
    point = ord(char)
    return 0x1F000 <= point <= 0x1FAFF or 0x2600 <= point <= 0x27BF or 0x2B00 <= point <= 0x2BFF


def _plain_weight(text: str) -> int:
    weight, index, chars = 0, 0, list(text)
    while index < len(chars):
        if _is_emoji(chars[index]):  # a whole sequence (joiners, variation selectors, skin tones) weighs 2
            index += 1
            while index < len(chars) and (ord(chars[index]) in _EMOJI_JOINERS or ord(chars[index - 1]) == 0x200D):
                index += 1
            weight += 2
            continue
        point = ord(chars[index])
        weight += 1 if any(start <= point <= end for start, end in _LIGHT) else 2
        index += 1
    return weight


def weighted_length(text: str) -> int:
    """X's weighted length, counted from the published rules: links 23, bare domains the longer of 23 and their
    own weight (X links some and not others; counting the longer way never calls a refused tweet valid)."""
    text = unicodedata.normalize("NFC", text)
    weight = 0
    for piece in _URL.split(text):
        for match in _BARE_DOMAIN.finditer(piece):
            weight += max(23, _plain_weight(match.group()))
        weight += _plain_weight(_BARE_DOMAIN.sub("", piece))
    return weight + 23 * len(_URL.findall(text))


def is_valid(tweet: str) -> bool:
    return bool(tweet.strip()) and weighted_length(tweet) <= MAX_WEIGHT


# Words that make a tweet's opening lean on the tweet before it: connectives and pronouns, per language. Apostrophes
# cut a word ("That's" is "that", "C'est" is "c"). Words that are also determiners ("diese", "ces", "esta") are left
# out: "Diese Regel gilt..." stands on its own. English demonstratives count when a verb follows ("That is", "This
# means"), not before a noun ("This guide walks...").
DANGLING = {
    "en": "and but so or also however therefore thus then yet because which while meanwhile moreover furthermore "
    "besides instead hence it its they them their he she his her there",
    "de": "und aber doch also denn dann deshalb daher deswegen außerdem trotzdem jedoch sondern oder zudem dabei "
    "darum dort er sie ihm ihn dies",
    "fr": "et mais donc alors puis ensuite pourtant cependant toutefois car ainsi aussi il elle ils elles cela ça "
    "ceci c celui celle ceux",
    "es": "y pero así entonces además también luego pues o aunque ello esto eso él ella ellos ellas",
    "pt": "e mas então assim porém contudo também depois ou pois ele ela eles elas isso isto",
    "it": "e ma quindi allora poi però inoltre anche oppure o lui lei loro esso essa ciò",
}
_DANGLING = {language: frozenset(words.split()) for language, words in DANGLING.items()}
_DEMONSTRATIVE = re.compile(
    r"^(?:this|that|these|those)(?:['\u2019]s\b|\s+(?:is|was|are|were|means|meant|shows|showed|makes|made|has|had|"
    r"will|would|can|could|matters|explains|said)\b|\W*$)",
    re.IGNORECASE,
)
IMPERSONAL = ("il y a", "il faut")  # French openings with "il" that refer to nothing before them
_WORD = re.compile(r"[^\W\d_]+")
_LABEL = re.compile(r"^(?:[^\W_]+[ \t]){0,3}[^\W_]+[?]?:[ \t]+(?=\S)")  # "Q: ", "Why it matters: "
_LEADING_MARKS = re.compile(r"^(?:[^\w]|_|\d{1,3}[.)](?=\s))+")  # numbering, arrows, bullets, emoji; not "100 g"


def opening(body: str) -> str:
    """The body's first words, past numbering, arrows, emoji and a short label ("Q:", "Why it matters:")."""
    text = _LEADING_MARKS.sub("", body.strip())
    return _LEADING_MARKS.sub("", _LABEL.sub("", text, count=1))


def is_fragment(body: str, language: str) -> bool:
    """The tweet opens in lower case, or with a connective or pronoun of the thread's language."""
    text = opening(body)
    if not text or text.lower().startswith(("http", "www.", *IMPERSONAL)):
        return False
    first = _WORD.match(text)
    word = first.group().lower() if first else ""
    return text[0].islower() or word in _DANGLING.get(language, _DANGLING["en"]) or bool(_DEMONSTRATIVE.match(text))


def ends_with_colon(body: str) -> bool:
    return body.rstrip().endswith((":", "\uff1a"))


def unbalanced_quotes(body: str) -> bool:
    """Straight double quotes in odd number, guillemets that do not pair, or curly double quotes that do not
    (German opens with „ and closes with “, English opens with “ and closes with ”)."""
    curly = body.count("„") + body.count("“") + body.count("”")
    if body.count('"') % 2 or body.count("«") != body.count("»") or curly % 2:
        return True
    return "„" not in body and body.count("“") != body.count("”")


def content_words(text: str) -> set[str]:
    """Lower-cased words of four letters or more: a language-free stand-in for the words that carry meaning."""
    return {word for word in (match.lower() for match in _WORD.findall(text)) if len(word) >= 4}


def near_duplicate_pairs(bodies: Sequence[str], *, threshold: float = 0.5) -> list[tuple[int, int]]:
    """Pairs of tweets (0-based positions) whose content-word sets overlap by more than `threshold` of the smaller
    set (tweets of fewer than three such words, labels and closings, are left out)."""
    sets = [content_words(body) for body in bodies]
    pairs = []
    for first in range(len(sets)):
        for second in range(first + 1, len(sets)):
            smaller = min(len(sets[first]), len(sets[second]))
            if smaller >= 3 and len(sets[first] & sets[second]) / smaller > threshold:
                pairs.append((first, second))
    return pairs


def repeated_questions(bodies: Sequence[str]) -> int:
    """Questions a thread asks more than once: lines ending in a question mark (after any label such as "Q:")
    that open a tweet and open another one too. A Q&A thread should ask each question once."""
    openings = [opening(body.strip().split("\n", 1)[0]) for body in bodies if body.strip()]
    asked = [line.casefold() for line in openings if line.rstrip().endswith(("?", "\uff1f"))]
    return len(asked) - len(set(asked))


@dataclass(frozen=True)
class Coverage:
    quarters: frozenset[int]  # 0-3: the quarters of the article some tweet quotes five words in a row from
    last: float  # where the last quoted passage starts, as a share of the article's words (0 when none)


def _words(text: str) -> list[str]:
    return [word.lower() for word in re.findall(r"[^\W_]+", text)]


def coverage(bodies: Iterable[str], article_text: str, *, span: int = 5) -> Coverage:
    words = _words(article_text)
    first_at: dict[tuple[str, ...], int] = {}
    for index in range(len(words) - span + 1):
        first_at.setdefault(tuple(words[index : index + span]), index)
    positions = []
    for body in bodies:
        tweet = _words(body)
        keys = (tuple(tweet[start : start + span]) for start in range(len(tweet) - span + 1))
        positions += [first_at[key] for key in keys if key in first_at]
    if not positions:
        return Coverage(frozenset(), 0.0)
    quarters = frozenset(min(3, 4 * position // len(words)) for position in positions)
    return Coverage(quarters, max(positions) / len(words))


def _squeezed(text: str) -> str:
    return " ".join(_words(text))


def leaked_lines(bodies: Iterable[str], lines: Iterable[str]) -> int:
    """Tweets holding one of `lines` (boilerplate or code, compared word for word, ignoring case and marks)."""
    wanted = [squeezed for squeezed in (_squeezed(line) for line in lines) if len(squeezed.split()) >= 2]
    return sum(1 for body in bodies if any(line in _squeezed(body) for line in wanted))


# English-only words: one of them added by the engine (not in the article) marks an English phrase in a thread
# of another language. "Questions" is French as well ("Vos questions"), so it is not one of them.
ENGLISH_WORDS = (
    "the and of with what why how your you this that is are here here's thread key takeaways matters happened "
    "follow read full article steps answered wrap gist next"
)
ENGLISH = frozenset(ENGLISH_WORDS.split())


def english_phrases(bodies: Iterable[str], article_text: str, language: str) -> int:
    if language == "en":
        return 0
    known = set(_words(article_text))
    return sum(1 for body in bodies if any(word in ENGLISH and word not in known for word in _words(body)))


# --- The corpus.


@dataclass(frozen=True)
class Source:
    name: str
    language: str  # the file name's prefix
    raw: str
    is_page: bool
    boilerplate: tuple[str, ...] = ()
    code: tuple[str, ...] = ()


BOILERPLATE_TAGS = ("nav", "header", "footer", "aside", "figcaption", "form")
BOILERPLATE_CLASSES = re.compile(
    r"byline|credit|related|share|cookie|newsletter|comment|teaser|promo|meta|read-more|sidebar|\bads?\b"
)


def page_lines(html: str) -> tuple[list[str], list[str]]:
    """The boilerplate and the code (and table) lines of a page, from its own markup."""
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html)
    boilerplate, code = [], []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        classes = f"{element.get('class', '')} {element.get('id', '')}"
        if element.tag in BOILERPLATE_TAGS or BOILERPLATE_CLASSES.search(classes):
            boilerplate += [" ".join(piece.split()) for piece in element.itertext() if piece.strip()]
        elif element.tag == "pre":
            code += element.text_content().split("\n")
        elif element.tag == "tr":
            code.append(" ".join(cell.text_content() for cell in element))
    return list(dict.fromkeys(boilerplate)), code


def text_lines(text: str) -> list[str]:
    """The code and table lines of a pasted text: inside fences, and pipe-table rows."""
    code, fenced = [], False
    for line in text.split("\n"):
        if line.strip().startswith(("```", "~~~")):
            fenced = not fenced
        elif fenced or line.strip().startswith("|"):
            code.append(line)
    return code


_INPUT_NAME = re.compile(r"^[a-z]{2}-[\w-]+\.(?:html|txt|md)$")  # "de-fahrradstadt.txt"; not the README


def corpus() -> list[Source]:
    """Every input of bench/corpus/, by name: its language is the name's prefix."""
    sources = []
    for path in sorted(CORPUS.iterdir()):
        if not _INPUT_NAME.match(path.name):
            continue
        raw = path.read_text(encoding="utf-8")
        language = path.name.split("-", 1)[0]
        if path.suffix == ".html":
            boilerplate, code = page_lines(raw)
            sources.append(Source(path.name, language, raw, True, tuple(boilerplate), tuple(code)))
        else:
            sources.append(Source(path.name, language, raw, False, (), tuple(text_lines(raw))))
    return sources
