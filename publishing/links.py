"""Where a thread's source link sits when it is published. X charges about 13 times more for a post with a link
and shows linked posts to fewer people, so the publish dialog offers to carry the article's link in the last tweet
only: `link_moved_last` takes it out of the others and puts it at the end of the last one."""

from __future__ import annotations

import re

from generator import xtext

# What a line may keep around a link and still be only its lead-in ("Read more:", "🔗", "→"): no word of its own
# after the link leaves, or a phrase that ends in a colon.
_LEAD_IN = re.compile(r"\A(?:[^\w]*|.{0,40}[:\uff1a])\s*\Z", re.DOTALL)  # \uff1a: the full-width colon


def tweets_linking(tweets: list[str], url: str) -> list[int]:
    """The positions (from 1) of the tweets that carry `url`."""
    return [position for position, text in enumerate(tweets, start=1) if url and _holds(text, url)]


def _holds(text: str, url: str) -> bool:
    return any(text[start:end] == url for start, end in xtext.find_urls(text))


def can_move_last(tweets: list[str], url: str) -> bool:
    """Whether moving helps: a tweet before the last carries the link."""
    return any(position < len(tweets) for position in tweets_linking(tweets, url))


def link_moved_last(tweets: list[str], url: str) -> list[str]:
    """The tweets with `url` taken out of all but the last (with a line that only led into it, and a tweet left
    empty) and written at the end of the last tweet, or in a tweet of its own after it when it would not fit."""
    if not can_move_last(tweets, url):
        return list(tweets)
    kept = [text for text in (_without(text, url) for text in tweets[:-1]) if text]
    last = tweets[-1]
    if _holds(last, url):
        return [*kept, last]
    joined = f"{last.rstrip()}\n\n{url}"
    if xtext.is_valid(joined):
        return [*kept, joined]
    return [*kept, last, f"🔗 {url}"]


def _without(text: str, url: str) -> str:
    lines = []
    for line in text.split("\n"):
        if not _holds(line, url):
            lines.append(line)
            continue
        rest = _cut(line, url).strip()
        if not _LEAD_IN.match(rest):
            lines.append(re.sub(r"[ \t]{2,}", " ", rest))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _cut(line: str, url: str) -> str:
    for start, end in reversed(xtext.find_urls(line)):
        if line[start:end] == url:
            line = line[:start] + line[end:]
    return line
