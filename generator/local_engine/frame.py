"""The thread's frame around the chosen sentences: the hook on top (the article's strongest claim and a promise,
and the source link unless it goes in a reply), the closing tweets (call to action, source link), and the hashtags.
"""

from __future__ import annotations

import re

from generator import splitter
from generator.domain import ThreadOptions
from generator.local_engine import cues
from generator.local_engine.outline import Outline, Sentence, headline
from generator.local_engine.phrases import TIP_MARK, phrases_for
from generator.local_engine.standalone import ALONE

# Styles whose items are the thread's backbone: the hook's claim never takes a step, a tip or a question away.
_ITEMISED = frozenset({"howto", "tips", "case", "qa"})
_NUMBER = re.compile(r"\d")
_LINK = re.compile(r"://|www\.", re.IGNORECASE)
CLAIM_WORDS = (6, 40)
NUMBER_PREFERENCE = 0.6  # a claim with a number wins unless the best claim scores this much higher
_BEATS = frozenset({cues.MATTERS, cues.NEXT})


def strongest_claim(outline: Outline, structure: str, room: int) -> Sentence | None:
    """The sentence the thread opens with: the most important one that stands alone (not a question, a list item
    or a sentence leaning on the one before, no link) and fits in `room`, preferring one that has a number. An
    article in headed sections states its case in its opening and its conclusion, so the claim comes from its
    first or last section; itemised styles take it from the text before the first heading, so that no step, tip
    or question goes missing from the thread."""
    sections = {s.section for s in outline.sentences}
    allowed = {-1} if structure in _ITEMISED else {min(sections, default=-1), max(sections, default=-1)}
    headed = len(outline.headings) >= 2
    standing = sorted(
        (
            s
            for s in outline.sentences
            if CLAIM_WORDS[0] <= s.words <= CLAIM_WORDS[1]
            and s.item < 0
            and (not headed or s.section in allowed)
            and not s.text.endswith("?")
            and s.ties == ALONE
            and not _LINK.search(s.text)
            and cues.CODE not in s.roles
        ),
        key=lambda s: (-s.score, s.index),
    )
    if structure == "news":  # the hook says what happened: why it matters and what's next have beats of their own
        standing = [s for s in standing if not _BEATS & s.roles] or standing
    fitting = (s for s in standing if splitter.weigh(s.text) <= room)  # weighed lazily, best first
    best = next(fitting, None)
    chosen = best
    if best is not None and not _NUMBER.search(best.text):
        for sentence in fitting:
            if sentence.score < NUMBER_PREFERENCE * best.score:
                break
            if _NUMBER.search(sentence.text):
                chosen = sentence
                break
    if structure == "hottake" and best is not None and chosen is not None and cues.ADVICE not in chosen.roles:
        # A take is a stance: a claim that says what one should do wins if it is nearly as strong.
        near = (s for s in standing if s.score >= NUMBER_PREFERENCE * best.score and cues.ADVICE in s.roles)
        return next((s for s in near if splitter.weigh(s.text) <= room), chosen)
    return chosen


def any_claim(outline: Outline) -> Sentence | None:
    """The most important sentence that stands alone and is no question, whatever its length; else the first."""
    standing = [
        s
        for s in outline.sentences
        if s.ties == ALONE and not s.text.endswith("?") and cues.CODE not in s.roles and not _LINK.search(s.text)
    ]
    return max(standing, key=lambda s: (s.score, -s.index), default=None) or next(iter(outline.sentences), None)


def hook(outline: Outline, structure: str, options: ThreadOptions, limit: int, *, count: int, claim: str = "") -> str:
    """The claim (else the title, else the lead sentence) and a one-line promise; the source link too unless it
    goes in a reply."""
    phrases = phrases_for(outline.language)
    title = claim or headline(outline)
    if structure == "hottake":
        title = f"{phrases.hot_take_prefix} {title}"
    link = f"\n\n{outline.url}" if outline.url and not options.link_in_reply else ""
    for candidate in (f"{title}\n\n{phrases.promise(structure, options.tone, count)}{link}", f"{title}{link}"):
        if splitter.weigh(candidate) <= limit:
            return candidate
    return splitter.fit_text(title, limit=limit - splitter.weigh(link) - 2)[0] + " …" + link


def item_count(content: list[str], structure: str) -> int:
    """What the hook's promise counts: the tips when there are tip lines, else the tweets."""
    mark = TIP_MARK if structure == "tips" else ""
    return sum(line.startswith(mark) for body in content for line in body.split("\n")) if mark else len(content)


def closing_tweets(outline: Outline, options: ThreadOptions) -> list[str]:
    """The call to action and the source link when it goes in a reply, as the last tweets."""
    phrases = phrases_for(outline.language)
    link = phrases.source_link.format(url=outline.url) if outline.url and options.link_in_reply else ""
    if options.cta:
        return [f"{phrases.cta}\n\n{link}" if link else phrases.cta]
    return [link] if link else []


def tags_weight(keywords: tuple[str, ...]) -> int:
    """How much of a tweet the hashtags take, with the blank line before them."""
    return splitter.weigh(f"\n\n{_tags(keywords)}") if keywords else 0


def _tags(keywords: tuple[str, ...]) -> str:
    return " ".join(f"#{keyword}" for keyword in keywords)


def with_hashtags(thread: list[str], keywords: tuple[str, ...], limit: int) -> list[str]:
    """One or two hashtags on the last tweet that has room (the hook as a last resort)."""
    tags = _tags(keywords)
    if not tags:
        return thread
    for position in (len(thread) - 1, 0):
        tagged = f"{thread[position]}\n\n{tags}"
        if splitter.weigh(tagged) <= limit:
            return [*thread[:position], tagged, *thread[position + 1 :]]
    return thread
