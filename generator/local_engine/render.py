"""Rendering chosen sentences by the style's structure (summary, story, how-to steps, tips, labelled beats, Q/A
pairs) as blocks of text, and packing those blocks into tweet bodies that fit the limit.

Every block is the article's own sentences, with at most a mark or label from `phrases` in front.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from generator import splitter
from generator.local_engine.answers import render_news, render_qa
from generator.local_engine.outline import Outline, Sentence
from generator.local_engine.phrases import phrases_for
from generator.local_engine.pieces import Block, block, label, paragraphs
from generator.local_engine.steps import Items, render_howto, render_tips


@dataclasses.dataclass(frozen=True)
class Shape:
    structure: str  # the style's `local_structure`
    closing: str  # the tone's closing line, or ""
    items: Items = dataclasses.field(default_factory=Items)  # a how-to's steps or a tips thread's tips


Renderer = Callable[[tuple[Sentence, ...], Outline, Shape], list[Block]]


def render(sentences: tuple[Sentence, ...], outline: Outline, shape: Shape, limit: int) -> list[str]:
    """The style's blocks, then the tone's closing line: in the last tweet when it fits there, else on its own."""
    blocks = RENDERERS.get(shape.structure, _render_summary)(sentences, outline, shape)
    if blocks and shape.closing:
        blocks.append(Block(shape.closing))
    return _pack(blocks, limit)


def _pack(blocks: list[Block], limit: int) -> list[str]:
    """Whole blocks share a tweet while they fit; a block that fits nowhere is split by the splitter. Blocks join at
    whitespace, where weights add up, so each block is measured once."""
    bodies: list[str] = []
    current, weight = "", 0
    for piece in blocks:
        if piece.fresh and current:
            bodies.append(current)
            current, weight = "", 0
        piece_weight = splitter.weigh(piece.text) if 2 * len(piece.text.split()) - 1 <= limit else limit + 1
        joined = weight + len(piece.joiner) + piece_weight if current else piece_weight
        if joined <= limit:
            current, weight = f"{current}{piece.joiner}{piece.text}" if current else piece.text, joined
            continue
        if current:
            bodies.append(current)
        *whole, current = _cut(piece, limit)
        bodies.extend(whole)
        weight = splitter.weigh(current)
    if current:
        bodies.append(current)
    return bodies


def _cut(piece: Block, limit: int) -> list[str]:
    """A block too long for one tweet, cut between its parts (sentences tied together stay together), as many
    to a tweet as fit; the splitter cuts a part that fits nowhere, or a block without parts."""
    if not piece.parts:
        return splitter.fit_text(piece.text, limit=limit)
    bodies: list[str] = []
    current = ""
    for part in piece.parts:
        joined = f"{current} {part}" if current else part
        if splitter.weigh(joined) <= limit:
            current = joined
            continue
        if current:
            bodies.append(current)
        *whole, current = splitter.fit_text(part, limit=limit)
        bodies.extend(whole)
    return [*bodies, current] if current else bodies


def _render_summary(sentences: tuple[Sentence, ...], outline: Outline, shape: Shape) -> list[Block]:
    return [block(group) for group in paragraphs(sentences)]


def _render_story(sentences: tuple[Sentence, ...], outline: Outline, shape: Shape) -> list[Block]:
    """One beat per tweet: each paragraph starts a new tweet."""
    return [block(group, fresh=True) for group in paragraphs(sentences)]


def _render_case(sentences: tuple[Sentence, ...], outline: Outline, shape: Shape) -> list[Block]:
    """Labelled beats, each opening a new tweet: the article's own sections under their headings when it has them
    (text before the first heading under the first label), else the paragraphs in three equal beats."""
    labels = phrases_for(outline.language).case_labels
    groups = paragraphs(sentences)
    if len(outline.headings) >= 2:
        names = [label(outline.headings[g[0].section]) if g[0].section >= 0 else labels[0] for g in groups]
    else:
        names = [labels[min(len(labels) - 1, n * len(labels) // len(groups))] for n in range(len(groups))]
    return [
        block(group, label=name, fresh=True) if not n or name != names[n - 1] else block(group)
        for n, (name, group) in enumerate(zip(names, groups, strict=True))
    ]


RENDERERS: dict[str, Renderer] = {
    "summary": _render_summary,
    "howto": lambda sentences, outline, shape: render_howto(sentences, outline, shape.items),
    "tips": lambda sentences, outline, shape: render_tips(sentences, outline, shape.items),
    "story": _render_story,
    "news": lambda sentences, outline, shape: render_news(sentences, outline),
    "case": _render_case,
    "hottake": _render_summary,  # the hook and the closing question make the take
    "qa": lambda sentences, outline, shape: render_qa(sentences, outline),
}
