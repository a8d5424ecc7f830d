"""The thread's frame around the chosen sentences: the hook on top (headline and promise, and the source link
unless it goes in a reply), the closing tweets (call to action, source link), and the hashtags.
"""

from __future__ import annotations

from generator import splitter
from generator.domain import ThreadOptions
from generator.local_engine.outline import Outline, headline
from generator.local_engine.phrases import TIP_MARK, phrases_for


def hook(outline: Outline, structure: str, options: ThreadOptions, limit: int, *, count: int) -> str:
    """The title (or the lead sentence) and a one-line promise; the source link too unless it goes in a reply."""
    phrases = phrases_for(outline.language)
    title = headline(outline)
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


def with_hashtags(thread: list[str], keywords: tuple[str, ...], limit: int) -> list[str]:
    """One or two hashtags on the last tweet that has room (the hook as a last resort)."""
    tags = " ".join(f"#{keyword}" for keyword in keywords)
    if not tags:
        return thread
    for position in (len(thread) - 1, 0):
        tagged = f"{thread[position]}\n\n{tags}"
        if splitter.weigh(tagged) <= limit:
            return [*thread[:position], tagged, *thread[position + 1 :]]
    return thread
