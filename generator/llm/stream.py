"""The output protocol (DESIGN §3.4; other tools rely on it): reading a streamed reply back as tweets.

The reply is plain text, the tweets in order, separated by lines that hold only `---`. A tweet is complete when
the next separator line, or the end of the stream, arrives, so it can be shown at once. A preamble line ("Here is
your thread:"), "Tweet 1:" labels, Markdown bold and stray numbering are tolerated and stripped here; repairing the
tweets themselves (links, length) is `splitter.repair_tweets`'s job, as for the local engine's output.
"""

from __future__ import annotations

import re

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
_BARE_TITLE = re.compile(r"^\W*(?:(?:your|the|an?|my)\s+)?(?:x\s+|twitter\s+)?thread\W*$", re.I)


class TweetStream:
    """Cuts streamed completion text into tweets as soon as each one is complete.

    `feed` takes text in whatever pieces the server sends (a separator may arrive split across pieces, lines may
    end in "\\r\\n") and returns the tweets completed by it; `close` returns the last one. Returned tweets are
    cleaned of what the protocol forbids but models still write: a preamble line before the first tweet, "Tweet 3:"
    labels, Markdown bold, and a leading "3." that matches the tweet's position (only while every tweet so far was
    numbered that way, so a list tweet's own "1." survives further on). Fractions and 🧵 are left to the splitter.
    """

    def __init__(self) -> None:
        self._partial = ""
        self._lines: list[str] = []
        self._count = 0
        self._numbered = True

    def feed(self, text: str) -> list[str]:
        *lines, self._partial = (self._partial + text).split("\n")
        return [tweet for line in lines if (tweet := self._line(line)) is not None]

    def close(self, *, truncated: bool = False) -> list[str]:
        """The last tweet, unless the reply was cut off by the provider's length limit (then it is incomplete)."""
        partial, self._partial = self._partial, ""
        tweet = self._line(partial)
        if tweet is not None:
            return [tweet]
        last = self._complete()
        return [last] if last is not None and not truncated else []

    def _line(self, line: str) -> str | None:
        line = line.rstrip("\r")
        if _SEPARATOR.match(line):
            return self._complete()
        if not _FENCE.match(line):
            self._lines.append(line)
        return None

    def _complete(self) -> str | None:
        text, self._lines = "\n".join(self._lines).strip(), []
        if self._count == 0:
            text = _strip_preamble(text)
        if not text:
            return None
        self._count += 1
        text = _BOLD.sub(lambda match: match.group(1) or match.group(2), _LABEL.sub("", text, count=1))
        ordinal = _ORDINAL.match(text)
        self._numbered = self._numbered and ordinal is not None and int(ordinal.group(1)) == self._count
        return text[ordinal.end() :] if self._numbered and ordinal else text


def _strip_preamble(text: str) -> str:
    first, _, rest = text.partition("\n")
    plain = first.strip().strip("*_#").strip()
    lead_in = _LEAD_IN.match(plain) and (plain.endswith(":") or _THREAD_WORD.search(plain))
    if len(plain) <= 120 and (lead_in or _BARE_TITLE.match(plain)):
        return rest.strip()
    return text
