"""Plain values the generator's parts pass between them: no ORM, no vendor SDK.

An engine turns an `Article` into tweet bodies for a `StyleSpec` and `ThreadOptions`; the splitter repairs and
numbers them; services save them. Keeping these as frozen dataclasses lets the command line, the API and the
tests share one vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

MAX_TWEETS = 25

# What the local engine can do to one tweet: a shorter complete sentence, a plainer one, the claim asked as a
# question the thread answers, or another sentence from the same section. The AI engine also takes free text.
REWRITE_INSTRUCTIONS = ("shorter", "plainer", "question", "another")


class Numbering(StrEnum):
    FRACTION = "1/n"
    SLASH = "1/"
    PAREN = "(1/n)"
    THREAD_EMOJI = "🧵"
    NONE = "none"


@dataclass(frozen=True)
class NumberingFormat:
    """The mark a numbering style appends to a tweet's body: `{position}` and `{count}` stand for the tweet's
    place in the thread and the thread's length. `label` names the style where a person picks one."""

    mark: str
    label: str
    first_only: bool = False  # only the first tweet carries the mark


# The one definition of the numbering styles. The browser's editor numbers with the same table:
# static/js/numbering-formats.js is generated from it by `python -m generator.xtext_data`.
NUMBERING_FORMATS: dict[Numbering, NumberingFormat] = {
    Numbering.FRACTION: NumberingFormat(" {position}/{count}", "1/5 at the end"),
    Numbering.SLASH: NumberingFormat(" {position}/", "1/ at the end"),
    Numbering.PAREN: NumberingFormat(" ({position}/{count})", "(1/5) at the end"),
    Numbering.THREAD_EMOJI: NumberingFormat(" 🧵", "🧵 on the first tweet", first_only=True),
    Numbering.NONE: NumberingFormat("", "No numbering"),
}


class Tone(StrEnum):
    NEUTRAL = "neutral"
    CASUAL = "casual"
    PROFESSIONAL = "professional"
    WITTY = "witty"
    INSPIRING = "inspiring"


@dataclass(frozen=True)
class ThreadOptions:
    style: str = "summary"
    tone: Tone = Tone.NEUTRAL
    max_tweets: int | None = None  # 1..MAX_TWEETS; None lets the engine choose from the article's length
    numbering: Numbering = Numbering.FRACTION
    hashtags: bool = False
    cta: bool = False  # a closing call-to-action tweet
    link_in_reply: bool = False  # the source link goes in the last tweet instead of the first
    language: str = "auto"  # "auto" keeps the source's language; otherwise a language name or code


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    ITEM = "item"  # one list item
    QUOTE = "quote"
    CODE = "code"
    TABLE = "table"


# Blocks that hold sentences; code and tables are kept as blocks but are never prose.
PROSE_KINDS = frozenset({BlockKind.PARAGRAPH, BlockKind.ITEM, BlockKind.QUOTE})


@dataclass(frozen=True)
class Block:
    """One piece of an article's structure. `level` is the heading's level (1-6) for a heading, the item's
    number for an item of a numbered list (0 in a bulleted one), and 0 otherwise. A code block's text keeps its
    lines and indentation; a table's text is one line per row, cells separated by " | "."""

    kind: BlockKind
    text: str
    level: int = 0


@dataclass(frozen=True)
class Article:
    """`text` is the prose view current readers use: headings as Markdown "#" lines, list items as "- " or "1. "
    lines, one blank line between blocks, no code and no tables. `blocks` is the full structure when the article
    was read from a page or pasted text (empty when built from a text alone); `links` are the URLs its links
    pointed to, known as the source's links even though the text shows only their words."""

    text: str
    title: str = ""
    url: str = ""  # where it was fetched from, empty for pasted text
    canonical_url: str = ""
    author: str = ""
    language: str = ""  # detected language code when known
    blocks: tuple[Block, ...] = ()
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class StyleSpec:
    """What an engine needs to know about a style (the `Style` model's values, detached from the ORM)."""

    slug: str
    name: str
    description: str = ""
    llm_guidance: str = ""
    local_structure: str = ""
    premium_only: bool = False


@dataclass(frozen=True)
class ThreadTitle:
    """A title an engine proposes for the thread it writes (the AI engine's `Title:` line). It is never a tweet;
    `generate` yields it at most once, before the first body."""

    text: str


@dataclass(frozen=True)
class Draft:
    """The tweet an engine is still writing, as far as it has got (the AI engine's text while the model types it).
    Only `stream` yields drafts; the finished body that follows replaces the last one."""

    text: str


class Engine(Protocol):
    """Turns an article into tweet bodies, perhaps with a `ThreadTitle` before the first. Bodies are repaired to fit
    `generator.splitter.body_limit(options)` and carry no numbering: the caller numbers the finished thread with
    `generator.splitter.number_tweets`."""

    name: str
    # The rewrite instructions the engine honours, or None when it takes any free text (the AI engine).
    instructions: tuple[str, ...] | None

    def generate(self, *, article: Article, options: ThreadOptions, style: StyleSpec) -> Iterator[str | ThreadTitle]:
        """Yield bodies in order, each as soon as it is complete (the streaming contract)."""
        ...

    def stream(
        self, *, article: Article, options: ThreadOptions, style: StyleSpec
    ) -> Iterator[str | ThreadTitle | Draft]:
        """`generate`, with a `Draft` of the unfinished tweet between the bodies whenever it has grown (an engine
        that writes each tweet at once yields none)."""
        ...

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
        """Rewrite the body at `position` (0-based) in the context of the others; returns its replacement
        (usually one body; more when the rewrite had to be split)."""
        ...
