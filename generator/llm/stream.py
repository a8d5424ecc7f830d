"""The output protocol (DESIGN §3.4; other tools rely on it): reading a streamed reply back as tweets.

The reply is plain text, the tweets in order, separated by lines that hold only `---`. A tweet is complete when
the next separator line, or the end of the stream, arrives, so it can be shown at once. One `Title: ...` line
before the first tweet names the thread: it is read as a `ThreadTitle`, never as a tweet. A preamble line ("Here is
your thread:"), "Tweet 1:" labels, Markdown bold and stray numbering are tolerated and stripped here; repairing the
tweets themselves (links, length) is `splitter.repair_tweets`'s job, as for the local engine's output.
"""

from __future__ import annotations

import re

from generator.domain import ThreadTitle

TITLE_MAX_LENGTH = 70

_SEPARATOR = re.compile(r"^\s*-{3,}\s*$")
_FENCE = re.compile(r"^\s*```\w*\s*$")
_LABEL = re.compile(
    r"^\s*(?:\*\*|__)?(?:tweet\s*\d{1,2}(?:\s*/\s*\d{1,2})?|\[\d{1,2}\])\s*[:.)\-\u2013\u2014]?\s*(?:\*\*|__)?\s*", re.I
)
_ORDINAL = re.compile(r"^\s*(\d{1,2})[.)]\s+")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_LEAD_IN = re.compile(
    r"^\W*(?:sure|okay|ok|certainly|absolutely|of course|here(?:'s|\u2019s| is| are)|below is)\b", re.I
)
_THREAD_WORD = re.compile(r"\b(?:thread|tweets?)\b", re.I)
_TITLE_LINE = re.compile(r"^\W*title\s*(?:\*\*|__)?\s*:\s*(.*)$", re.I)
# An unfinished line that may yet become a separator or a code fence, or a leading number that may yet become the
# stripped "3." of a numbered tweet: left out of drafts until the rest of it arrives.
_MAYBE_MARKUP = re.compile(r"^\s*(?:-+|`{1,3}\w*)\s*$")
_MAYBE_ORDINAL = re.compile(r"^\s*\d{1,2}[.)]?$")
_OPENERS = ("sure", "okay", "ok", "certainly", "absolutely", "of course", "here", "below is", "title", "tweet")
_BARE_TITLE = re.compile(r"^\W*(?:(?:your|the|an?|my)\s+)?(?:x\s+|twitter\s+)?thread\W*$", re.I)


class TweetStream:
    """Cuts streamed completion text into tweets as soon as each one is complete.

    `feed` takes text in whatever pieces the server sends (a separator may arrive split across pieces, lines may
    end in "\\r\\n") and returns the tweets completed by it; `close` returns the last one. A title line before the
    first tweet comes back as a `ThreadTitle` just before that tweet, however the line was split across pieces.
    Returned tweets are cleaned of what the protocol forbids but models still write: a preamble line before the
    first tweet, "Tweet 3:" labels, Markdown bold, and a leading "3." that matches the tweet's position (only while
    every tweet so far was numbered that way, so a list tweet's own "1." survives further on). Fractions and 🧵 are
    left to the splitter.
    """

    def __init__(self) -> None:
        self._partial = ""
        self._lines: list[str] = []
        self._count = 0
        self._numbered = True
        self._title_seen = False

    def feed(self, text: str) -> list[str | ThreadTitle]:
        *lines, self._partial = (self._partial + text).split("\n")
        return [item for line in lines for item in self._line(line)]

    def close(self, *, truncated: bool = False) -> list[str | ThreadTitle]:
        """The last tweet, unless the reply was cut off by the provider's length limit (then it is incomplete)."""
        partial, self._partial = self._partial, ""
        items = self._line(partial)
        if items:
            return items
        return [] if truncated else self._complete()

    def pending(self) -> str:
        """The tweet still being written, as far as it has arrived, cleaned as it will be once complete, so the
        finished tweet usually starts with it. Empty while what has arrived could still turn out to be the title
        or a preamble line rather than tweet text."""
        partial = self._partial.rstrip("\r")
        lines = [*self._lines, *([] if _MAYBE_MARKUP.match(partial) else [partial])]
        text = "\n".join(lines).strip()
        if not self._lines and _may_be_dropped(partial, first=self._count == 0):
            return ""
        if self._count == 0:
            text = _split_title(_strip_preamble(text))[1]
        text = _LABEL.sub("", text, count=1)
        text = _BOLD.sub(lambda match: match.group(1) or match.group(2), text)
        for marker in ("**", "__"):  # bold still open: its closing marker has not arrived
            if text.count(marker) % 2:
                text = "".join(text.rsplit(marker, 1))
        text = text.rstrip("*_")  # the first half of a marker
        if _MAYBE_ORDINAL.match(text):
            return ""
        ordinal = _ORDINAL.match(text)
        if self._numbered and ordinal and int(ordinal.group(1)) == self._count + 1:
            text = text[ordinal.end() :]
        return text.strip()

    def _line(self, line: str) -> list[str | ThreadTitle]:
        line = line.rstrip("\r")
        if _SEPARATOR.match(line):
            return self._complete()
        if not _FENCE.match(line):
            self._lines.append(line)
        return []

    def _complete(self) -> list[str | ThreadTitle]:
        text, self._lines = "\n".join(self._lines).strip(), []
        title = None
        if self._count == 0:
            title, text = _split_title(_strip_preamble(text))
            if title is not None:
                title, self._title_seen = (None if self._title_seen else title), True
        tweet = self._tweet(text)
        return [item for item in (title, tweet) if item is not None]

    def _tweet(self, text: str) -> str | None:
        if not text:
            return None
        self._count += 1
        text = _BOLD.sub(lambda match: match.group(1) or match.group(2), _LABEL.sub("", text, count=1))
        ordinal = _ORDINAL.match(text)
        self._numbered = self._numbered and ordinal is not None and int(ordinal.group(1)) == self._count
        return text[ordinal.end() :] if self._numbered and ordinal else text


def _may_be_dropped(line: str, *, first: bool) -> bool:
    """Whether an unfinished line that opens a tweet may turn out to be a "Tweet 3:" label or, opening the reply,
    its `Title:` line or a preamble ("Here is your thread:"), all dropped once the line is complete."""
    plain = line.strip().lstrip("*_#\"'[").lower()
    return any(word.startswith(plain) or plain.startswith(word) for word in _OPENERS if first or word == "tweet")


def _split_title(text: str) -> tuple[ThreadTitle | None, str]:
    """A leading `Title: ...` line as the thread's title (cut to TITLE_MAX_LENGTH at a word), and the rest."""
    first, _, rest = text.partition("\n")
    match = _TITLE_LINE.match(first.strip())
    if match is None:
        return None, text
    title = shorten_title(match.group(1).strip().strip("*_#\"'\u201c\u201d").strip())
    return (ThreadTitle(title) if title else None), _strip_preamble(rest.strip())


def shorten_title(title: str) -> str:
    """`title` on one line, at most TITLE_MAX_LENGTH characters, cut at a word boundary when too long."""
    title = " ".join(title.split())
    if len(title) <= TITLE_MAX_LENGTH:
        return title
    cut = title[: TITLE_MAX_LENGTH + 1].rsplit(" ", 1)[0] if " " in title[: TITLE_MAX_LENGTH + 1] else ""
    return (cut or title[:TITLE_MAX_LENGTH]).rstrip(" ,;:-\u2013\u2014")


def _strip_preamble(text: str) -> str:
    first, _, rest = text.partition("\n")
    plain = first.strip().strip("*_#").strip()
    lead_in = _LEAD_IN.match(plain) and (plain.endswith(":") or _THREAD_WORD.search(plain))
    if len(plain) <= 120 and (lead_in or _BARE_TITLE.match(plain)):
        return rest.strip()
    return text
