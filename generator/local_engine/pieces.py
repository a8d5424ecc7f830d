"""The pieces every style lays a thread out with: blocks of text (a paragraph, a step, a labelled beat, a Q/A pair)
that `render` packs into tweets, and the runs of sentences that must stay together in one of them.
"""

from __future__ import annotations

import dataclasses

from generator.local_engine.outline import Sentence


@dataclasses.dataclass(frozen=True)
class Block:
    text: str
    fresh: bool = False  # starts a new tweet
    joiner: str = "\n\n"
    parts: tuple[str, ...] = ()  # where the text may be cut when it fits nowhere whole: between tied runs


def paragraphs(sentences: tuple[Sentence, ...] | list[Sentence]) -> list[list[Sentence]]:
    """Runs of sentences from one paragraph or list item; a sentence tied to the one before it (it leans on it, or
    that one leads in to it) joins its run even across paragraphs, so the two share a tweet."""
    groups: list[list[Sentence]] = []
    for sentence in sentences:
        previous = groups[-1][-1] if groups else None
        tied = previous and previous.index + 1 == sentence.index and (sentence.ties.before or previous.ties.after)
        if previous and (tied or (previous.paragraph, previous.item) == (sentence.paragraph, sentence.item)):
            groups[-1].append(sentence)
        else:
            groups.append([sentence])
    return groups


def joined(group: list[Sentence]) -> str:
    return " ".join(sentence.text for sentence in group)


def runs(group: list[Sentence]) -> list[list[Sentence]]:
    """The group in runs of sentences tied together."""
    found: list[list[Sentence]] = []
    for sentence in group:
        if found and (sentence.ties.before or found[-1][-1].ties.after):
            found[-1].append(sentence)
        else:
            found.append([sentence])
    return found


def block(group: list[Sentence], *, label: str = "", fresh: bool = False, mark: str = "") -> Block:
    """A paragraph's sentences as one block (under `label`, or after `mark`, when given), cut only between tied
    runs."""
    first, *rest = (joined(run) for run in runs(group))
    head = f"{mark} {first}" if mark else first
    head = f"{label}\n{head}" if label else head
    return Block(f"{head} {' '.join(rest)}" if rest else head, fresh=fresh, parts=(head, *rest))


def label(heading: str) -> str:
    """A heading as a label in front of sentences: with a colon, unless it asks a question."""
    heading = capitalised_label(heading).rstrip(":")
    return heading if heading.endswith("?") else f"{heading}:"


def capitalised_label(heading: str) -> str:
    """A heading to put in front of sentences. One with a label of its own ("Step three: restore every week") has
    what follows its colon capitalised, so the tweet does not read as opening mid-sentence."""
    prefix, colon, rest = heading.partition(": ")
    return f"{prefix}: {rest[0].upper()}{rest[1:]}" if colon and rest else heading


def marked(mark: str, text: str) -> str:
    return f"{mark} {text}" if mark else text
