"""The built-in engine: a readable thread from any text, with no network and no key.

It never invents content: every tweet is made of the article's own sentences plus a few fixed phrases (the hook's
promise, labels such as "Q:", the closing line). When the article is longer than the thread may be, it keeps the
most informative sentences in their original order, an extractive summary scored by content-word frequency,
position and length. The style's `local_structure` decides the shape (numbered steps, arrow tips, Q/A pairs,
labelled news beats...). The same article and options always give the same thread.
"""

from __future__ import annotations

import dataclasses
import heapq
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator

from generator import splitter
from generator.domain import MAX_TWEETS, Article, StyleSpec, ThreadOptions, Tone
from generator.errors import InputInvalid

WORDS_PER_TWEET = 120
AUTO_MIN_TWEETS, AUTO_MAX_TWEETS = 3, 15
HEADING_MAX_WORDS = 12

_COMMON_WORDS = """a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has have having he
her here hers herself him himself his how however i if in into is it its itself just let like made make many may me
might more most much must my myself no nor not now of off on once only or other our ours ourselves out over own same
she should so some such than that the their theirs them themselves then there these they this those through to too
under until up upon us very was we were what when where which while who whom why will with within without would you
your yours yourself yourselves one two get got use used using said says say new way ways thing things lot really even
still every well back first last next day days time times year years week weeks people part kind"""
STOPWORDS = frozenset(_COMMON_WORDS.split())

PROMISES: dict[str, str | dict[Tone, str]] = {
    "summary": {
        Tone.NEUTRAL: "Here are the key points 👇",
        Tone.CASUAL: "Here's the gist 👇",
        Tone.PROFESSIONAL: "The key takeaways 👇",
        Tone.WITTY: "The short version, minus the fluff 👇",
        Tone.INSPIRING: "Ideas worth keeping 👇",
    },
    "howto": "How to do it, step by step 👇",
    "tips": "{count} practical tips 👇",
    "story": "Here's the story 👇",
    "news": "What happened, and why it matters 👇",
    "case": "A case study: the problem, the approach, the results 👇",
    "hottake": "Here's why 👇",
    "qa": "Your questions, answered 👇",
}
HOT_TAKE_PREFIX = "Hot take:"
CLOSINGS = {
    Tone.NEUTRAL: "",
    Tone.CASUAL: "That's a wrap!",
    Tone.PROFESSIONAL: "Those are the key takeaways.",
    Tone.WITTY: "And that's the long story, short.",
    Tone.INSPIRING: "Now go put it to work.",
}
HOT_TAKE_CLOSING = "Agree or disagree?"
CTA = "If this was useful, follow for more and share the first tweet."
CTA_ALTERNATE = "Found this helpful? Follow for more, and share the first tweet so others see it too."
SOURCE_LINK = "Read the full article: {url}"
NEWS_LABELS = ("What happened:", "The details:", "Why it matters:")
CASE_LABELS = ("The situation:", "What they did:", "The results:")
QA_QUESTIONS = (
    "What's this about?",
    "What's the key point?",
    "Why does it matter?",
    "What else should you know?",
    "What's the takeaway?",
)
HOWTO_MARK, TIP_MARK, QUESTION_MARK, ANSWER_MARK = "{number}.", "→", "Q:", "A:"
SHORTER_WORDS = ("short", "brief", "concise", "trim", "tight", "cut")
LONGER_WORDS = ("long", "expand", "more detail", "elaborate")

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_HEADING_MARK = re.compile(r"^#{1,6}\s+")
_LIST_MARK = re.compile(r"^(?:[-*•·]|\d{1,2}[.)])\s+")
# A link-like word, matched from the word's start only: otherwise a word with no link in it is searched again from
# each of its letters, which makes a long article's words cost the square of their length.
_LINK_LIKE = re.compile(r"(?<!\S)\S*(?:://|www\.|\.(?:com|org|net|io|html?)\b)\S*", re.IGNORECASE)
_STEP_PREFIX = re.compile(r"^(?:step\s+)?\d{1,2}\s*[.):-]\s*", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class Sentence:
    index: int
    text: str
    paragraph: int
    section: int  # index of the heading above it, -1 before the first heading
    item: int  # which bulleted or numbered list item it belongs to, -1 outside lists
    score: float
    words: int


@dataclasses.dataclass(frozen=True)
class Outline:
    """An article read once: its title, headings and scored sentences in order."""

    title: str
    url: str
    headings: tuple[str, ...]
    sentences: tuple[Sentence, ...]
    keywords: tuple[str, ...]
    words: int
    items: int  # list items in the article


@dataclasses.dataclass(frozen=True)
class Shape:
    structure: str  # the style's `local_structure`
    closing: str  # the tone's closing line, or ""


@dataclasses.dataclass(frozen=True)
class Block:
    text: str
    fresh: bool = False  # starts a new tweet
    joiner: str = "\n\n"


def guess_title(text: str) -> tuple[str, str]:
    """Split pasted text into (title, body) when its first line reads as a title; otherwise ("", text)."""
    return _split_title(splitter.normalize(text))


def _split_title(text: str) -> tuple[str, str]:
    """`guess_title` for text already normalized, which a long article need not pay for twice."""
    first, _, rest = text.partition("\n\n")
    if not rest or "\n" in first:
        return "", text
    title = _HEADING_MARK.sub("", first)
    if _HEADING_MARK.match(first) or _looks_like_heading(title):
        return title, rest
    return "", text


def _looks_like_heading(line: str) -> bool:
    return (
        0 < len(line) <= 120
        and len(line.split()) <= HEADING_MAX_WORDS
        and line[-1] not in ".!,;:…"
        and not _LIST_MARK.match(line)
    )


class LocalEngine:
    """Deterministic, extractive, offline. Implements `generator.domain.Engine`."""

    name = "local"

    def generate(self, *, article: Article, options: ThreadOptions, style: StyleSpec) -> Iterator[str]:
        yield from build_bodies(article=article, options=options, style=style)

    def regenerate(
        self,
        *,
        article: Article,
        bodies: list[str],
        position: int,
        options: ThreadOptions,
        style: StyleSpec,
        instruction: str | None = None,
    ) -> list[str]:
        return rewrite_body(
            article=article, bodies=bodies, position=position, options=options, style=style, instruction=instruction
        )


def auto_tweet_count(words: int) -> int:
    """About one tweet per 120 words of article, between 3 and 15."""
    return max(AUTO_MIN_TWEETS, min(AUTO_MAX_TWEETS, round(words / WORDS_PER_TWEET)))


def build_bodies(*, article: Article, options: ThreadOptions, style: StyleSpec) -> list[str]:
    """The whole thread's bodies, hook first, each within `splitter.body_limit(options)`."""
    limit = splitter.body_limit(options)
    outline = read_article(article)
    if not _headline(outline):
        raise InputInvalid("There is no text to make a thread from.", code="empty_article")
    structure = style.local_structure or "summary"
    total = min(options.max_tweets or auto_tweet_count(outline.words), MAX_TWEETS)
    closing = _closing_tweets(outline, options)
    capacity = total - 1 - len(closing)
    while capacity < 1 and closing:
        closing.pop()
        capacity += 1
    sentences = outline.sentences
    if not outline.title and sentences:
        sentences = sentences[1:]  # the lead sentence is the hook
    closing_line = HOT_TAKE_CLOSING if structure == "hottake" else CLOSINGS[options.tone]
    content = _summarise(sentences, outline, Shape(structure, closing_line), capacity, limit) if capacity > 0 else []
    hook = _hook(outline, structure, options, limit, count=_item_count(content, structure))
    thread = [hook, *content, *closing]
    if options.hashtags:
        thread = _with_hashtags(thread, outline.keywords, limit)
    return thread


def read_article(article: Article) -> Outline:
    """Parse headings, list items and sentences, and score each sentence."""
    text = splitter.normalize(article.text)
    title = splitter.normalize(article.title)
    guessed, rest = _split_title(text)
    if not title:
        title, text = guessed, rest
    elif guessed and guessed.casefold() == title.casefold():
        text = rest
    headings: list[str] = []
    raw: list[tuple[str, int, int, int]] = []
    items = 0
    paragraphs = [paragraph for paragraph in text.split("\n\n") if paragraph.strip()]
    for number, paragraph in enumerate(paragraphs):
        if "\n" not in paragraph and (
            _HEADING_MARK.match(paragraph) or (_looks_like_heading(paragraph) and number + 1 < len(paragraphs))
        ):
            headings.append(_HEADING_MARK.sub("", paragraph))
            continue
        section = len(headings) - 1
        for line, is_item in _lines(paragraph):
            parts = [part.strip() for part in splitter.split_sentences(line)]
            raw.extend((part, number, section, items if is_item else -1) for part in parts if part)
            items += is_item
    words = [_WORD.findall(part) for part, *_ in raw]
    content = [_content_words(found) for found in words]
    frequencies = _frequencies(content)
    sentences = tuple(
        Sentence(
            index=index,
            text=part,
            paragraph=paragraph,
            section=section,
            item=item,
            score=_score(
                len(words[index]), content[index], index, len(raw), frequencies, first_in_paragraph=_first(raw, index)
            ),
            words=len(part.split()),
        )
        for index, (part, paragraph, section, item) in enumerate(raw)
    )
    return Outline(
        title=title,
        url=article.canonical_url or article.url,
        headings=tuple(headings),
        sentences=sentences,
        keywords=_keywords(text, frequencies),
        words=len(text.split()),
        items=items,
    )


def _lines(paragraph: str) -> Iterator[tuple[str, bool]]:
    """List items one by one; any other lines of the paragraph as one flowing text."""
    prose: list[str] = []
    for line in paragraph.split("\n"):
        if _LIST_MARK.match(line):
            if prose:
                yield " ".join(prose), False
                prose = []
            yield _LIST_MARK.sub("", line), True
        else:
            prose.append(line)
    if prose:
        yield " ".join(prose), False


def _first(raw: list[tuple[str, int, int, int]], index: int) -> bool:
    """Whether the sentence opens its paragraph or list item."""
    return index == 0 or raw[index - 1][1] != raw[index][1] or raw[index - 1][3] != raw[index][3]


def _content_words(words: list[str]) -> set[str]:
    lowered = (word.lower() for word in words)
    return {word for word in lowered if len(word) > 2 and word not in STOPWORDS and not word.isdigit()}


def _frequencies(content: list[set[str]]) -> dict[str, float]:
    """Each content word's share of the most common one, counting the sentences it appears in."""
    counts = Counter(word for words in content for word in words)
    top = max(counts.values(), default=1)
    return {word: count / top for word, count in counts.items()}


def _score(
    words: int, content: set[str], index: int, total: int, frequencies: dict[str, float], *, first_in_paragraph: bool
) -> float:
    """Informative sentences use the article's frequent content words; leads and paragraph openers carry the
    argument; very short fragments and run-ons are rarely the point."""
    score = sum(frequencies.get(word, 0.0) for word in content) / math.sqrt(max(words, 1))
    score *= 1.0 + 0.3 * (1.0 - index / max(total, 1))
    if index == 0:
        score *= 1.5
    elif first_in_paragraph:
        score *= 1.2
    if words < 5:
        score *= 0.5
    elif words > 45:
        score *= 0.8
    return score


def _keywords(text: str, frequencies: dict[str, float]) -> tuple[str, ...]:
    """The two most frequent content words as they are usually written, for hashtags."""
    prose = _LINK_LIKE.sub(" ", text)
    counts = Counter(_WORD.findall(prose))  # counted first, so each distinct word is checked once
    spellings = {word: count for word, count in counts.items() if word.isalpha() and word.isascii()}
    written = {word.lower() for word in spellings}
    top = heapq.nsmallest(
        2,
        (word for word in frequencies if len(word) >= 4 and word in written),
        key=lambda word: (-frequencies[word], word),
    )
    keywords = []
    for word in top:
        forms = sorted((form for form in spellings if form.lower() == word), key=lambda form: (-spellings[form], form))
        form = forms[0] if forms else word
        keywords.append(form if not form.islower() else form.capitalize())
    return tuple(keywords)


def _summarise(sentences: tuple[Sentence, ...], outline: Outline, shape: Shape, capacity: int, limit: int) -> list[str]:
    """Render all sentences if they fit in `capacity` tweets; otherwise the best `k` in article order, with `k`
    the largest a binary search finds that fits. Styles built from sections keep each section's best sentence
    ahead of any second sentence, so a how-to loses detail before it loses a step."""
    if sum(2 * sentence.words for sentence in sentences) <= capacity * limit:
        bodies = _render(sentences, outline, shape, limit)
        if len(bodies) <= capacity:
            return bodies
    ranked = sorted(sentences, key=_ranking(sentences, shape.structure))
    budget, high = capacity * limit, 0
    while high < len(ranked) and budget > 0:
        budget -= len(ranked[high].text) + 1
        high += 1
    low, best = 1, []
    while low <= high:
        middle = (low + high) // 2
        kept = tuple(sorted(ranked[:middle], key=lambda sentence: sentence.index))
        candidate = _render(kept, outline, shape, limit)
        if len(candidate) <= capacity:
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    return best or _render(tuple(ranked[:1]), outline, shape, limit)[:capacity]


def _ranking(sentences: tuple[Sentence, ...], structure: str) -> Callable[[Sentence], tuple[int, float, int]]:
    """Best first; for sectioned styles, each section's best sentence and each list item's opening sentence (the
    tip or step itself) come before everything else."""
    leaders: set[int] = set()
    if structure in SECTIONED:
        best: dict[tuple[int, int], Sentence] = {}
        for sentence in sentences:
            unit = (sentence.section, sentence.item)
            if unit not in best or (sentence.item < 0 and sentence.score > best[unit].score):
                best[unit] = sentence
        leaders = {sentence.index for sentence in best.values()}
    return lambda sentence: (sentence.index not in leaders, -sentence.score, sentence.index)


def _render(sentences: tuple[Sentence, ...], outline: Outline, shape: Shape, limit: int) -> list[str]:
    """The style's blocks, then the tone's closing line: in the last tweet when it fits there, else on its own."""
    blocks = RENDERERS.get(shape.structure, _render_summary)(sentences, outline)
    if blocks and shape.closing:
        blocks.append(Block(shape.closing))
    return _pack(blocks, limit)


def _pack(blocks: list[Block], limit: int) -> list[str]:
    """Whole blocks share a tweet while they fit; a block that fits nowhere is split by the splitter. Blocks join at
    whitespace, where weights add up, so each block is measured once."""
    bodies: list[str] = []
    current, weight = "", 0
    for block in blocks:
        if block.fresh and current:
            bodies.append(current)
            current, weight = "", 0
        block_weight = splitter.weigh(block.text) if 2 * len(block.text.split()) - 1 <= limit else limit + 1
        joined = weight + len(block.joiner) + block_weight if current else block_weight
        if joined <= limit:
            current, weight = f"{current}{block.joiner}{block.text}" if current else block.text, joined
            continue
        if current:
            bodies.append(current)
        *whole, current = splitter.fit_text(block.text, limit=limit)
        bodies.extend(whole)
        weight = splitter.weigh(current)
    if current:
        bodies.append(current)
    return bodies


def _paragraphs(sentences: tuple[Sentence, ...]) -> list[list[Sentence]]:
    groups: list[list[Sentence]] = []
    for sentence in sentences:
        previous = groups[-1][-1] if groups else None
        if previous and (previous.paragraph, previous.item) == (sentence.paragraph, sentence.item):
            groups[-1].append(sentence)
        else:
            groups.append([sentence])
    return groups


def _joined(group: list[Sentence]) -> str:
    return " ".join(sentence.text for sentence in group)


def _render_summary(sentences: tuple[Sentence, ...], outline: Outline) -> list[Block]:
    return [Block(_joined(group)) for group in _paragraphs(sentences)]


def _render_story(sentences: tuple[Sentence, ...], outline: Outline) -> list[Block]:
    """One beat per tweet: each paragraph starts a new tweet."""
    return [Block(_joined(group), fresh=True) for group in _paragraphs(sentences)]


@dataclasses.dataclass(frozen=True)
class Entry:
    """A piece of a how-to or tips thread: a step or tip (`item`) or plain text around them."""

    text: str
    label: str = ""
    item: bool = True


def _entries(sentences: tuple[Sentence, ...], outline: Outline) -> list[Entry]:
    """Steps or tips: the article's list items when it has a list, else its sections under their headings, else
    one per sentence. Text outside the items stays, unmarked, where the article has it."""
    if outline.items >= 3:
        return [Entry(_joined(group), item=group[0].item >= 0) for group in _paragraphs(sentences)]
    sections = sorted({sentence.section for sentence in sentences if sentence.section >= 0})
    if len(outline.headings) >= 2:
        intro = [Entry(_joined(group), item=False) for group in _paragraphs(sentences) if group[0].section < 0]
        return intro + [
            Entry(
                " ".join(s.text for s in sentences if s.section == section),
                label=_STEP_PREFIX.sub("", outline.headings[section]),
            )
            for section in sections
        ]
    return [Entry(_STEP_PREFIX.sub("", s.text)) for s in sentences]


def _render_howto(sentences: tuple[Sentence, ...], outline: Outline) -> list[Block]:
    """Numbered steps; a step with its own heading opens a new tweet, short list steps share one."""
    blocks, number = [], 0
    for entry in _entries(sentences, outline):
        if not entry.item:
            blocks.append(Block(entry.text))
            continue
        number += 1
        mark = HOWTO_MARK.format(number=number)
        text = f"{mark} {entry.label}\n{entry.text}" if entry.label else f"{mark} {entry.text}"
        blocks.append(Block(text, fresh=bool(entry.label)))
    return blocks


def _render_tips(sentences: tuple[Sentence, ...], outline: Outline) -> list[Block]:
    """Arrow lines, as many to a tweet as fit."""
    return [
        Block(f"{TIP_MARK} {entry.label}: {entry.text}" if entry.label else f"{TIP_MARK} {entry.text}")
        if entry.item
        else Block(entry.text)
        for entry in _entries(sentences, outline)
    ]


Renderer = Callable[[tuple[Sentence, ...], Outline], list[Block]]


def _render_beats(labels: tuple[str, str, str]) -> Renderer:
    """Labelled beats, each opening a new tweet: the article's own sections under their headings when it has them
    (text before the first heading under the first label), else the paragraphs in three equal beats."""

    def render(sentences: tuple[Sentence, ...], outline: Outline) -> list[Block]:
        groups = _paragraphs(sentences)
        if len(outline.headings) >= 2:
            names = [_label(outline.headings[g[0].section]) if g[0].section >= 0 else labels[0] for g in groups]
        else:
            names = [labels[min(len(labels) - 1, n * len(labels) // len(groups))] for n in range(len(groups))]
        return [
            Block(f"{name}\n{_joined(group)}", fresh=True) if not n or name != names[n - 1] else Block(_joined(group))
            for n, (name, group) in enumerate(zip(names, groups, strict=True))
        ]

    return render


def _label(heading: str) -> str:
    heading = heading.rstrip(":")
    return heading if heading.endswith("?") else f"{heading}:"


def _render_qa(sentences: tuple[Sentence, ...], outline: Outline) -> list[Block]:
    """Questions from the article (question headings or sentences) with the sentences that follow as answers;
    where the article asks none, a plain question per paragraph."""
    pairs: list[tuple[str | None, list[str]]] = []
    last_section = -1
    for group in _paragraphs(sentences):
        for sentence in group:
            heading = outline.headings[sentence.section] if sentence.section >= 0 else ""
            if sentence.section != last_section and heading.endswith("?"):
                pairs.append((heading, []))
            last_section = sentence.section
            if sentence.text.endswith("?"):
                pairs.append((sentence.text, []))
            elif not pairs or (pairs[-1][1] and sentence is group[0] and not heading.endswith("?")):
                pairs.append((None, [sentence.text]))
            else:
                pairs[-1][1].append(sentence.text)
    answered = [(question, answer) for question, answer in pairs if answer]
    questions = _generic_questions(sum(question is None for question, _ in answered))
    return [
        Block(f"{QUESTION_MARK} {question or next(questions)}\n{ANSWER_MARK} {' '.join(answer)}", fresh=True)
        for question, answer in answered
    ]


def _generic_questions(count: int) -> Iterator[str]:
    """The opening questions in order, "What else...?" for the middle ones, and "What's the takeaway?" last."""
    *opening, middle, last = QA_QUESTIONS
    for number in range(count):
        if number == count - 1 and count > 1:
            yield last
        else:
            yield opening[number] if number < len(opening) else middle


SECTIONED = frozenset({"howto", "tips", "case", "qa"})
RENDERERS: dict[str, Renderer] = {
    "summary": _render_summary,
    "howto": _render_howto,
    "tips": _render_tips,
    "story": _render_story,
    "news": _render_beats(NEWS_LABELS),
    "case": _render_beats(CASE_LABELS),
    "hottake": _render_summary,  # the hook and the closing question make the take
    "qa": _render_qa,
}


def _item_count(content: list[str], structure: str) -> int:
    mark = TIP_MARK if structure == "tips" else ""
    return sum(line.startswith(mark) for body in content for line in body.split("\n")) if mark else len(content)


def _promise(structure: str, tone: Tone, count: int) -> str:
    promise = PROMISES.get(structure, PROMISES["summary"])
    if isinstance(promise, dict):
        return promise[tone]
    return promise.format(count=count)


def _hook(outline: Outline, structure: str, options: ThreadOptions, limit: int, *, count: int) -> str:
    """The title (or the lead sentence) and a one-line promise; the source link too unless it goes in a reply."""
    headline = _headline(outline)
    if structure == "hottake":
        headline = f"{HOT_TAKE_PREFIX} {headline}"
    link = f"\n\n{outline.url}" if outline.url and not options.link_in_reply else ""
    for candidate in (f"{headline}\n\n{_promise(structure, options.tone, count)}{link}", f"{headline}{link}"):
        if splitter.weigh(candidate) <= limit:
            return candidate
    return splitter.fit_text(headline, limit=limit - splitter.weigh(link) - 2)[0] + " …" + link


def _headline(outline: Outline) -> str:
    """The title, else the lead sentence, else the first heading."""
    lead = outline.sentences[0].text if outline.sentences else ""
    return outline.title or lead or next(iter(outline.headings), "")


def _closing_tweets(outline: Outline, options: ThreadOptions) -> list[str]:
    """The call to action and the source link when it goes in a reply, as the last tweets."""
    link = SOURCE_LINK.format(url=outline.url) if outline.url and options.link_in_reply else ""
    if options.cta:
        return [f"{CTA}\n\n{link}" if link else CTA]
    return [link] if link else []


def _with_hashtags(thread: list[str], keywords: tuple[str, ...], limit: int) -> list[str]:
    """One or two hashtags on the last tweet that has room (the hook as a last resort)."""
    tags = " ".join(f"#{keyword}" for keyword in keywords)
    if not tags:
        return thread
    for position in (len(thread) - 1, 0):
        tagged = f"{thread[position]}\n\n{tags}"
        if splitter.weigh(tagged) <= limit:
            return [*thread[:position], tagged, *thread[position + 1 :]]
    return thread


def fixed_phrases() -> list[str]:
    """Every piece of text the engine may add that is not the article's: for tests and translators."""
    phrases = [
        HOT_TAKE_PREFIX,
        HOT_TAKE_CLOSING,
        CTA,
        CTA_ALTERNATE,
        SOURCE_LINK,
        QUESTION_MARK,
        ANSWER_MARK,
        TIP_MARK,
        HOWTO_MARK,
        "…",
    ]
    for promise in PROMISES.values():
        phrases.extend(promise.values() if isinstance(promise, dict) else [promise])
    return [*phrases, *CLOSINGS.values(), *NEWS_LABELS, *CASE_LABELS, *QA_QUESTIONS]


def rewrite_body(
    *,
    article: Article,
    bodies: list[str],
    position: int,
    options: ThreadOptions,
    style: StyleSpec,
    instruction: str | None = None,
) -> list[str]:
    """A deterministic rewrite of one body from the article's sentences.

    "shorter" keeps the body's most informative sentence (or the first clauses of a lone one); "longer" adds the
    unused sentences that follow it; otherwise the next-best unused sentences between its neighbours replace it,
    or, when there are none, its own sentences are laid out one per line. The hook gets the other headline (title
    or lead) and the call to action its alternate wording.
    """
    limit = splitter.body_limit(options)
    outline = read_article(article)
    body = bodies[position]
    wish = (instruction or "").lower()
    if position == 0:
        return [_alternate_hook(outline, style.local_structure or "summary", options, limit, body)]
    if body.startswith(CTA):
        alternate = body.replace(CTA, CTA_ALTERNATE, 1)
        return [alternate] if splitter.weigh(alternate) <= limit else [body]
    own = [s for s in outline.sentences if s.text in body]
    if not own:
        return splitter.fit_text(body, limit=limit)
    if any(word in wish for word in SHORTER_WORDS):
        return [_shorter(own, limit)]
    others = {
        s.index for other in bodies[:position] + bodies[position + 1 :] for s in outline.sentences if s.text in other
    }
    unused = [s for s in outline.sentences if s.index not in others and s not in own]
    if any(word in wish for word in LONGER_WORDS):
        following = [s for s in unused if s.index > own[-1].index]
        return [_fill(own, following, limit)]
    before = max((s.index for s in outline.sentences if s.index in others and s.index < own[0].index), default=-1)
    after = min((s.index for s in outline.sentences if s.index in others and s.index > own[-1].index), default=10**9)
    between = sorted((s for s in unused if before < s.index < after), key=lambda s: (-s.score, s.index))
    if between:
        return [_fill([], between, limit)]
    return splitter.fit_text("\n".join(s.text for s in own), limit=limit)


def _alternate_hook(outline: Outline, structure: str, options: ThreadOptions, limit: int, current: str) -> str:
    """Swap the headline between the title and the lead sentence, and the promise to the next tone's wording."""
    tones = list(Tone)
    tone = tones[(tones.index(options.tone) + 1) % len(tones)]
    lead = outline.sentences[0].text if outline.sentences else outline.title
    uses_title = bool(outline.title) and outline.title in current
    swapped = dataclasses.replace(outline, title=lead if uses_title else outline.title)
    hook = _hook(swapped, structure, ThreadOptions(tone=tone, link_in_reply=options.link_in_reply), limit, count=0)
    return hook if hook != current else _hook(swapped, "summary", options, limit, count=0)


def _shorter(own: list[Sentence], limit: int) -> str:
    """The body's best sentence; a lone sentence keeps its opening clauses, about three fifths of it, or its
    opening words and an ellipsis when it has no clauses."""
    if len(own) > 1:
        return max(own, key=lambda s: (s.score, -s.index)).text
    text = own[0].text
    target = max(40, splitter.weigh(text) * 3 // 5)
    clauses = splitter.split_clauses(text)
    kept = clauses[:1]
    for clause in clauses[1:]:
        if splitter.weigh("".join([*kept, clause]).strip()) > target:
            break
        kept.append(clause)
    if len(kept) < len(clauses):
        return "".join(kept).strip()
    words = splitter.fit_text(text, limit=target)
    return f"{words[0]} …" if len(words) > 1 else text


def _fill(kept: list[Sentence], candidates: list[Sentence], limit: int) -> str:
    """Add candidates (best first) while the body fits, then restore article order."""
    chosen = list(kept)
    for sentence in candidates:
        trial = sorted([*chosen, sentence], key=lambda s: s.index)
        if splitter.weigh(" ".join(s.text for s in trial)) <= limit:
            chosen = trial
    if not chosen:
        return splitter.fit_text(candidates[0].text, limit=limit)[0]
    return " ".join(s.text for s in sorted(chosen, key=lambda s: s.index))
