"""Rendering chosen sentences by the style's structure (summary, story, how-to steps, tips, labelled beats, Q/A
pairs) as blocks of text, and packing those blocks into tweet bodies that fit the limit.

Every block is the article's own sentences, with at most a mark or label from `phrases` in front.
"""

from __future__ import annotations

import dataclasses
import operator
import re
from collections.abc import Callable, Iterator

from generator import splitter
from generator.local_engine.outline import Outline, Sentence
from generator.local_engine.phrases import HOWTO_MARK, TIP_MARK, Phrases, phrases_for

_STEP_PREFIX = re.compile(r"^(?:step\s+)?\d{1,2}\s*[.):-]\s*", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class Shape:
    structure: str  # the style's `local_structure`
    closing: str  # the tone's closing line, or ""


@dataclasses.dataclass(frozen=True)
class Block:
    text: str
    fresh: bool = False  # starts a new tweet
    joiner: str = "\n\n"
    parts: tuple[str, ...] = ()  # where the text may be cut when it fits nowhere whole: between tied runs


@dataclasses.dataclass(frozen=True)
class Entry:
    """A piece of a how-to or tips thread: a step or tip (`item`) or plain text around them."""

    text: str
    label: str = ""
    item: bool = True


Renderer = Callable[[tuple[Sentence, ...], Outline], list[Block]]


def render(sentences: tuple[Sentence, ...], outline: Outline, shape: Shape, limit: int) -> list[str]:
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
        *whole, current = _cut(block, limit)
        bodies.extend(whole)
        weight = splitter.weigh(current)
    if current:
        bodies.append(current)
    return bodies


def _cut(block: Block, limit: int) -> list[str]:
    """A block too long for one tweet, cut between its parts (sentences tied together stay together), as many
    to a tweet as fit; the splitter cuts a part that fits nowhere, or a block without parts."""
    if not block.parts:
        return splitter.fit_text(block.text, limit=limit)
    bodies: list[str] = []
    current = ""
    for part in block.parts:
        joined = f"{current} {part}" if current else part
        if splitter.weigh(joined) <= limit:
            current = joined
            continue
        if current:
            bodies.append(current)
        *whole, current = splitter.fit_text(part, limit=limit)
        bodies.extend(whole)
    return [*bodies, current] if current else bodies


def _paragraphs(sentences: tuple[Sentence, ...]) -> list[list[Sentence]]:
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


def _joined(group: list[Sentence]) -> str:
    return " ".join(sentence.text for sentence in group)


def _runs(group: list[Sentence]) -> tuple[str, ...]:
    """The group's text in runs of sentences tied together."""
    runs: list[list[Sentence]] = []
    for sentence in group:
        if runs and (sentence.ties.before or runs[-1][-1].ties.after):
            runs[-1].append(sentence)
        else:
            runs.append([sentence])
    return tuple(_joined(run) for run in runs)


def _block(group: list[Sentence], *, label: str = "", fresh: bool = False) -> Block:
    """A paragraph's sentences as one block (under `label` when given), cut only between tied runs."""
    first, *rest = _runs(group)
    head = f"{label}\n{first}" if label else first
    return Block(f"{head} {' '.join(rest)}" if rest else head, fresh=fresh, parts=(head, *rest))


def _render_summary(sentences: tuple[Sentence, ...], outline: Outline) -> list[Block]:
    return [_block(group) for group in _paragraphs(sentences)]


def _render_story(sentences: tuple[Sentence, ...], outline: Outline) -> list[Block]:
    """One beat per tweet: each paragraph starts a new tweet."""
    return [_block(group, fresh=True) for group in _paragraphs(sentences)]


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
                label=_heading(_STEP_PREFIX.sub("", outline.headings[section])),
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


def _render_beats(labels_of: Callable[[Phrases], tuple[str, str, str]]) -> Renderer:
    """Labelled beats, each opening a new tweet: the article's own sections under their headings when it has them
    (text before the first heading under the first label), else the paragraphs in three equal beats."""

    def render_beats(sentences: tuple[Sentence, ...], outline: Outline) -> list[Block]:
        labels = labels_of(phrases_for(outline.language))
        groups = _paragraphs(sentences)
        if len(outline.headings) >= 2:
            names = [_label(outline.headings[g[0].section]) if g[0].section >= 0 else labels[0] for g in groups]
        else:
            names = [labels[min(len(labels) - 1, n * len(labels) // len(groups))] for n in range(len(groups))]
        return [
            _block(group, label=name, fresh=True) if not n or name != names[n - 1] else _block(group)
            for n, (name, group) in enumerate(zip(names, groups, strict=True))
        ]

    return render_beats


def _label(heading: str) -> str:
    heading = _heading(heading).rstrip(":")
    return heading if heading.endswith("?") else f"{heading}:"


def _heading(heading: str) -> str:
    """A heading to put in front of sentences. One with a label of its own ("Step three: restore every week") has
    what follows its colon capitalised, so the tweet does not read as opening mid-sentence."""
    prefix, colon, rest = heading.partition(": ")
    return f"{prefix}: {rest[0].upper()}{rest[1:]}" if colon and rest else heading


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
    phrases = phrases_for(outline.language)
    questions = _generic_questions(phrases, sum(question is None for question, _ in answered))
    return [
        Block(
            f"{_marked(phrases.question_mark, question or next(questions))}\n"
            f"{_marked(phrases.answer_mark, ' '.join(answer))}",
            fresh=True,
        )
        for question, answer in answered
    ]


def _marked(mark: str, text: str) -> str:
    return f"{mark} {text}" if mark else text


def _generic_questions(phrases: Phrases, count: int) -> Iterator[str]:
    """The opening questions in order, "What else...?" for the middle ones, and "What's the takeaway?" last."""
    *opening, middle, last = phrases.qa_questions
    for number in range(count):
        if number == count - 1 and count > 1:
            yield last
        else:
            yield opening[number] if number < len(opening) else middle


RENDERERS: dict[str, Renderer] = {
    "summary": _render_summary,
    "howto": _render_howto,
    "tips": _render_tips,
    "story": _render_story,
    "news": _render_beats(operator.attrgetter("news_labels")),
    "case": _render_beats(operator.attrgetter("case_labels")),
    "hottake": _render_summary,  # the hook and the closing question make the take
    "qa": _render_qa,
}
