"""`LocalEngine` and the whole thread it builds: how many tweets, the hook, the chosen sentences rendered in the
style's structure, the closing tweets and the hashtags, each body within the limit.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator import splitter
from generator.domain import MAX_TWEETS, REWRITE_INSTRUCTIONS, Article, StyleSpec, ThreadOptions
from generator.errors import InputInvalid
from generator.local_engine.frame import (
    any_claim,
    closing_tweets,
    hook,
    item_count,
    strongest_claim,
    tags_weight,
    with_hashtags,
)
from generator.local_engine.outline import headline, read_article
from generator.local_engine.phrases import engine_language, phrases_for
from generator.local_engine.render import Shape
from generator.local_engine.rewrite import rewrite_body
from generator.local_engine.steps import find_items
from generator.local_engine.summarise import summarise

WORDS_PER_TWEET = 120
AUTO_MIN_TWEETS, AUTO_MAX_TWEETS = 3, 15
# Structures that take a tweet per beat, step or question need more than three to show their shape: with the
# length left to the engine, they get at least this many (a short article still gives only what it has).
STRUCTURE_MIN_TWEETS = {"news": 5, "qa": 5, "howto": 6, "tips": 5}
HOOK_FRAME = 80  # room the hook keeps for its promise and the source link beside the claim


class LocalEngine:
    """Deterministic, extractive, offline. Implements `generator.domain.Engine`."""

    name = "local"
    instructions: tuple[str, ...] | None = REWRITE_INSTRUCTIONS

    def generate(self, *, article: Article, options: ThreadOptions, style: StyleSpec) -> Iterator[str]:
        yield from build_bodies(article=article, options=options, style=style)

    def stream(self, *, article: Article, options: ThreadOptions, style: StyleSpec) -> Iterator[str]:
        """No drafts: the engine composes each tweet whole, in well under the time a draft would be worth showing."""
        return self.generate(article=article, options=options, style=style)

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
    outline = read_article(article, language=engine_language(article=article, options=options))
    if not headline(outline):
        raise InputInvalid("There is no text to make a thread from.", code="empty_article")
    structure = style.local_structure or "summary"
    automatic = max(auto_tweet_count(outline.words), STRUCTURE_MIN_TWEETS.get(structure, 0))
    total = min(options.max_tweets or automatic, MAX_TWEETS)
    closing = closing_tweets(outline, options)
    capacity = total - 1 - len(closing)
    while capacity < 1 and closing:
        closing.pop()
        capacity += 1
    claim = strongest_claim(outline, structure, room=limit - HOOK_FRAME)
    if structure == "hottake" and claim is None:
        claim = any_claim(outline)  # a take is the article's own words, never its title
    sentences = tuple(sentence for sentence in outline.sentences if sentence != claim)
    if not claim and not outline.title and sentences:
        sentences = sentences[1:]  # the lead sentence is the hook
    phrases = phrases_for(outline.language)
    closing_line = phrases.hot_take_closing if structure == "hottake" else phrases.closings[options.tone]
    shape = Shape(structure, closing_line, find_items(outline, structure))
    avoid = claim.terms if claim else ()
    shown = frozenset({claim.index}) if claim else frozenset()
    # The hook is a whole sentence now, so the hashtags' room is kept in the content's tweets instead.
    room = limit - tags_weight(outline.keywords) if options.hashtags else limit
    content = summarise(sentences, outline, shape, capacity, room, avoid=avoid, shown=shown) if capacity > 0 else []
    count = item_count(content, structure)
    first = hook(outline, structure, options, limit, count=count, claim=claim.text if claim else "")
    thread = [first, *content, *closing]
    if options.hashtags:
        thread = with_hashtags(thread, outline.keywords, limit)
    return thread
