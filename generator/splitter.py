"""Fitting text into tweets, repairing engine output, and numbering the finished thread.

Both engines end here, so a thread obeys the same rules whoever wrote it: every tweet fits X's weighted length once
numbered, and no cut falls inside a URL, a word or an emoji sequence. Text is cut at the coarsest boundary that
fits: paragraph, line, sentence, clause, word, and only as a last resort a grapheme boundary inside a very long
"word" (unspaced CJK text, a run of symbols).

Numbering is reserved, not measured afterwards: `body_limit` leaves room for the widest mark a thread of up to
`MAX_TWEETS` can carry (" 25/25", " (25/25)", " 25/", " 🧵"), on every tweet. For 🧵 only the first tweet carries
the mark, but reserving its three characters everywhere keeps one limit per thread and lets bodies move between
positions (a split, a deletion, a regenerated tweet) without being measured again.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator

import regex

from generator import xtext
from generator.domain import MAX_TWEETS, NUMBERING_FORMATS, Numbering, ThreadOptions
from generator.sentences import split_sentences

_CLAUSE_END = re.compile(r"[;:,]\s+|\s+[\u2014\u2013]\s+|[\u2014\u2013](?=\w)|[\uff1b\uff1a\uff0c\u3001]\s*")
_LINE_END = re.compile(r"\n")
_PARAGRAPH_END = re.compile(r"\n\s*\n\s*")
_WORD_END = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n{3,}")
_INVALID_CHARACTERS = re.compile("[\ufffe\ufeff\uffff]")
# Anything written as `scheme://...`, whether or not X would make it a link (ftp://, s3://, made-up schemes).
_SCHEME_STRING = re.compile(r"(?<![\w+.-])[a-z][a-z0-9+.-]*://[^\s<>\"'`]*", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?)]}'\"\u201d\u2019"

# Thread markers an engine may add on its own; numbering is ours to apply. A fraction counts as a marker only
# where numbering sits (first or last, bare) and when it could be one: "24/7 support" or "rated 9/4" are content.
_FRACTION = r"[(\[]?(?P<k>\d{1,2})\s*/\s*(?P<n>\d{0,2})[)\]]?"
_LEADING_MARKER = re.compile(rf"^\s*(?:🧵\s*)?(?:{_FRACTION}[.:)]?(?=\s|$)\s*)?(?:🧵\s*)?")
_TRAILING_MARKER = re.compile(rf"(?:\s*🧵)?(?:(?:\s+|^){_FRACTION})?(?:\s*🧵)?\s*$")
_LEADING_ORDINAL = re.compile(r"^\s*(\d{1,2})[.)]\s+")


@functools.lru_cache(maxsize=8192)
def weigh(text: str) -> int:
    """`xtext.weighted_length`, remembered: building a thread measures the same sentences and pieces many times."""
    return xtext.weighted_length(text)


def numbering_reserve(numbering: Numbering, count: int = MAX_TWEETS) -> int:
    """Weighted characters a tweet must leave free for the widest mark of a thread of `count` tweets."""
    return max(weigh(numbering_mark(numbering, position, count)) for position in (1, count))


def body_limit(options: ThreadOptions) -> int:
    """The weighted length a tweet's body may use so that any numbering of a full-size thread still fits."""
    return xtext.MAX_WEIGHTED_LENGTH - numbering_reserve(options.numbering)


def number_tweets(bodies: list[str], numbering: Numbering) -> list[str]:
    """Apply the thread's numbering. Bodies must fit `body_limit` and a thread has at most `MAX_TWEETS` tweets;
    anything else is a caller's bug, so it raises rather than post a tweet X would refuse."""
    if len(bodies) > MAX_TWEETS:
        raise ValueError(f"A thread has at most {MAX_TWEETS} tweets, got {len(bodies)}.")
    tweets = mark_tweets(bodies, numbering)
    for tweet in tweets:
        if weigh(tweet) > xtext.MAX_WEIGHTED_LENGTH:
            raise ValueError(f"Tweet over {xtext.MAX_WEIGHTED_LENGTH} weighted characters after numbering: {tweet!r}")
    return tweets


def mark_tweets(bodies: list[str], numbering: Numbering) -> list[str]:
    """Append each tweet's mark without judging lengths: for threads a person edited, where the editor already
    shows any tweet that is over the limit."""
    return [body + numbering_mark(numbering, position, len(bodies)) for position, body in enumerate(bodies, start=1)]


def unnumber_tweets(tweets: list[str], numbering: Numbering) -> list[str]:
    """The bodies of tweets numbered in this style: each tweet's own mark taken off its end (a mark someone edited
    away is simply not there to take)."""
    bodies = []
    for position, tweet in enumerate(tweets, start=1):
        mark = numbering_mark(numbering, position, len(tweets))
        bodies.append(tweet[: -len(mark)] if mark and tweet.endswith(mark) else tweet)
    return bodies


def numbering_mark(numbering: Numbering, position: int, count: int) -> str:
    """The mark tweet `position` (from 1) of `count` carries; static/js/numbering.js reads the table the same way."""
    spec = NUMBERING_FORMATS[numbering]
    if spec.first_only and position != 1:
        return ""
    return spec.mark.replace("{position}", str(position)).replace("{count}", str(count))


def normalize(text: str) -> str:
    """NFC, no characters X refuses, single spaces inside lines, at most one blank line between paragraphs."""
    text = _INVALID_CHARACTERS.sub("", unicodedata.normalize("NFC", text)).replace("\r\n", "\n").replace("\r", "\n")
    # str.split() collapses and trims whitespace as a pattern would, several times faster over a long article.
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def fit_text(text: str, *, limit: int) -> list[str]:
    """Split text into bodies of at most `limit` weighted characters, cutting at the coarsest boundary that fits."""
    pieces = list(_pieces(normalize(text), limit, 0))
    bodies = _pack(pieces, limit)
    if all(weigh(body) <= limit for body in bodies):
        return bodies
    return _pack(pieces, limit, measure=True)


def _pack(pieces: list[tuple[str, int]], limit: int, *, measure: bool = False) -> list[str]:
    """Greedy packing. Weights add up across whitespace (no URL, emoji or composed character spans it), so a body's
    weight is its pieces' weights plus one per separating space or line break. The exact pass (`measure`) is the
    fallback for the rare cut that is not at whitespace, where joining pieces could form a URL."""
    bodies: list[str] = []
    current, weight = "", 0
    for piece, piece_weight in pieces:
        separator = len(current) - len(current.rstrip())
        joined = weight + separator + piece_weight if current.strip() else piece_weight
        if measure and current.strip():
            joined = weigh((current + piece).strip())
        if current.strip() and joined > limit:
            bodies.append(current.strip())
            current, weight = piece.lstrip(), piece_weight
        else:
            current, weight = current + piece, joined
    if current.strip():
        bodies.append(current.strip())
    return bodies


def split_clauses(text: str) -> list[str]:
    """Clauses of one sentence (after ; : , and dashes), each with its trailing whitespace."""
    inside = _interiors(xtext.find_urls(text))
    cuts = [match.end() for match in _CLAUSE_END.finditer(text) if match.start() not in inside]
    return _split_at(text, cuts)


def _split_by(pattern: re.Pattern[str]) -> Callable[[str], list[str]]:
    return lambda text: _split_at(text, [match.end() for match in pattern.finditer(text)])


def _split_graphemes(text: str) -> list[str]:
    """Last resort for a word longer than a tweet: grapheme clusters, URLs and emoji sequences as whole units."""
    inside = _interiors(xtext.find_urls(text) + xtext.emoji_spans(text))
    cuts = [match.end() for match in regex.finditer(r"\X", text) if match.end() - 1 not in inside]
    return _split_at(text, cuts)


def _split_at(text: str, cuts: Iterable[int]) -> list[str]:
    parts, start = [], 0
    for cut in cuts:
        if start < cut < len(text):
            parts.append(text[start:cut])
            start = cut
    parts.append(text[start:])
    return parts


def _interiors(spans: list[tuple[int, int]]) -> set[int]:
    """Offsets after which a cut would fall inside one of the spans (every offset of a span but its last)."""
    return {index for start, end in spans for index in range(start, end - 1)}


# From coarsest to finest; each keeps the separators, so the parts always join back into the text.
_LEVELS: tuple[Callable[[str], list[str]], ...] = (
    _split_by(_PARAGRAPH_END),
    _split_by(_LINE_END),
    split_sentences,
    split_clauses,
    _split_by(_WORD_END),
    _split_graphemes,
)


def _pieces(text: str, limit: int, level: int) -> Iterator[tuple[str, int]]:
    """Parts of `text` that fit `limit`, each with its weight, at the coarsest level possible."""
    weight = _weight_if_it_may_fit(text.strip(), limit)
    if level == len(_LEVELS) or (weight is not None and weight <= limit):
        yield text, weight if weight is not None else weigh(text.strip())
        return
    for part in _LEVELS[level](text):
        yield from _pieces(part, limit, level + 1)


def _weight_if_it_may_fit(text: str, limit: int) -> int | None:
    """The exact weight, or None when the text cannot fit: n words weigh at least 2n - 1 (a word weighs at least
    one, and so does each space between them), which spares measuring long texts character by character."""
    if 2 * len(text.split()) - 1 > limit:
        return None
    return weigh(text)


def repair_tweets(bodies: Iterable[str], *, source_text: str, limit: int) -> list[str]:
    """Make engine output safe to number and post.

    Removes thread markers the engine added ("1/7", "(2/5)", "3/", 🧵; a leading "3." only when every body carries
    its own position that way, since a how-to's steps are numbered on purpose), links whose URL the source does
    not contain, any other `scheme://...` string the source does not contain, characters X refuses and stray
    whitespace (line breaks stay); drops empty bodies and re-splits over-long ones.
    """
    cleaned = [_strip_markers(normalize(body)) for body in bodies]
    if _numbered_by_position(cleaned):
        cleaned = [_LEADING_ORDINAL.sub("", body, count=1) for body in cleaned]
    known = _source_links(source_text)
    written = _source_scheme_strings(source_text)
    repaired = []
    for body in cleaned:
        body = normalize(_drop_unknown_links(body, known, written))
        if not body:
            continue
        repaired.extend([body] if weigh(body) <= limit else fit_text(body, limit=limit))
    return repaired


def _strip_markers(body: str) -> str:
    body = _LEADING_MARKER.sub(_marker_or_content, body, count=1)
    return _TRAILING_MARKER.sub(_marker_or_content, body, count=1).strip()


def _marker_or_content(match: re.Match[str]) -> str:
    """Drop a thread marker; give back a fraction that cannot be a tweet's position in its thread."""
    k, n = match.group("k"), match.group("n")
    if k is None or (int(k) >= 1 and (not n or int(k) <= int(n))):
        return ""
    return match.group().replace("🧵", "")


def _numbered_by_position(bodies: list[str]) -> bool:
    numbers = [_LEADING_ORDINAL.match(body) for body in bodies if body]
    return len(numbers) > 1 and all(
        match is not None and int(match.group(1)) == position for position, match in enumerate(numbers, start=1)
    )


@functools.lru_cache(maxsize=64)
def _source_links(source_text: str) -> frozenset[str]:
    """The links an article contains. Remembered: an engine repairs a thread tweet by tweet against the same
    article, and finding every link in 50,000 characters takes milliseconds."""
    return frozenset(_url_key(source_text[start:end]) for start, end in xtext.find_urls(source_text))


@functools.lru_cache(maxsize=64)
def _source_scheme_strings(source_text: str) -> frozenset[str]:
    return frozenset(_scheme_string(match).lower() for match in _SCHEME_STRING.finditer(source_text))


def _scheme_string(match: re.Match[str]) -> str:
    return match.group().rstrip(_TRAILING_PUNCTUATION)


def _drop_unknown_links(body: str, known: frozenset[str], written: frozenset[str]) -> str:
    for start, end in reversed(xtext.find_urls(body)):
        if _url_key(body[start:end]) not in known:
            body = body[:start] + body[end:]
    # X links only some of what a model may invent; a reader would copy the rest by hand.
    for match in reversed(list(_SCHEME_STRING.finditer(body))):
        found = _scheme_string(match)
        web = found.lower().startswith(("http://", "https://"))
        if found.lower() not in written and not (web and _url_key(found) in known):
            body = body[: match.start()] + body[match.start() + len(found) :]
    body = re.sub(r"\(\s*\)|\[\s*\]|<\s*>", "", body)
    return re.sub(r"[^\S\n]+([.,;:!?)])", r"\1", body)


def _url_key(url: str) -> str:
    """Compare URLs as a reader would: scheme, "www." and a trailing slash do not make a different link."""
    key = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip(), flags=re.IGNORECASE)
    key = re.sub(r"^www\.", "", key, flags=re.IGNORECASE)
    host, _, rest = key.partition("/")
    return f"{host.lower()}/{rest}".rstrip("/")
