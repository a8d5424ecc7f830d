"""How-to steps and tips: which parts of the article are its steps (or tips), and laying them out numbered (or
behind arrows), with the text around them left unmarked.

A how-to numbers only real steps: the items of a numbered list when the article has one, else sections whose
headings name steps ("Step 2: ...", an instruction), else list items or sentences that give an instruction ("Mix the
flour", "Mélangez la farine"). Code is never a step. An article with none of these gets no numbers at all.
Tips are what the article tells its reader to do (list items, sections or sentences), each made once; an
article that gives no advice gets its lists, its sections or its points.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict

from generator.local_engine import cues
from generator.local_engine.outline import Outline, Sentence
from generator.local_engine.phrases import HOWTO_MARK, TIP_MARK
from generator.local_engine.pieces import Block, block, capitalised_label, paragraphs

# "Step 2:", "Step two -", "Schritt 3.", "Étape 1 :", "Paso 4)", "2." in front of a heading or a step.
STEP_PREFIX = re.compile(
    r"^(?:(?:step|schritt|étape|etape|paso|passo|fase)\s+[^\s:.)\-\u2013]+|\d{1,2})\s*[.):\-\u2013]\s*", re.IGNORECASE
)
MIN_ITEMS = 2  # fewer than this and the article has no steps, only a sentence that gives an instruction
MIN_LIST_TIPS = 3

ORDERED, SECTIONS, ITEMS, SENTENCES, POINTS = "ordered", "sections", "items", "sentences", "points"


@dataclasses.dataclass(frozen=True)
class Items:
    """The article's steps or tips: `kind` says where they come from ("" for none); `first` maps every sentence of
    a step to the index of the step's first sentence."""

    kind: str = ""
    first: dict[int, int] = dataclasses.field(default_factory=dict)

    def leaders(self, sentences: tuple[Sentence, ...]) -> list[Sentence]:
        """One sentence per step, in the article's order: the step's first sentence, or the best of a section."""
        best: dict[int, Sentence] = {}
        for sentence in sentences:
            key = self.first.get(sentence.index)
            if key is None:
                continue
            if key not in best or (self.kind == SECTIONS and sentence.score > best[key].score):
                best[key] = sentence
        return [best[key] for key in sorted(best)]


def find_items(outline: Outline, structure: str) -> Items:
    """The steps of a how-to or the tips of a tips thread; no items for other structures."""
    if structure == "howto":
        return _steps(outline)
    if structure == "tips":
        return _tips(outline)
    return Items()


def _prose(outline: Outline) -> list[Sentence]:
    return [s for s in outline.sentences if cues.CODE not in s.roles]


def _by(sentences: list[Sentence], key: str) -> dict[int, list[Sentence]]:
    groups: dict[int, list[Sentence]] = defaultdict(list)
    for sentence in sentences:
        groups[getattr(sentence, key)].append(sentence)
    return groups


def _of(groups: dict[int, list[Sentence]]) -> dict[int, int]:
    return {s.index: members[0].index for members in groups.values() for s in members}


def _steps(outline: Outline) -> Items:
    prose = _prose(outline)
    ordered = _by([s for s in prose if cues.ORDERED in s.roles], "item")
    if len(ordered) >= MIN_ITEMS:
        return Items(ORDERED, _of(ordered))
    sections = _by([s for s in prose if s.section >= 0 and _names_a_step(outline, s.section)], "section")
    if len(sections) >= MIN_ITEMS:
        return Items(SECTIONS, _of(sections))
    items = _by([s for s in prose if s.item >= 0], "item")
    instructions = {key: members for key, members in items.items() if cues.STEP in members[0].roles}
    if len(instructions) >= MIN_ITEMS:
        return Items(ITEMS, _of(instructions))
    return _instructions(prose, {cues.STEP})


def _tips(outline: Outline) -> Items:
    """List items that give an instruction or advice; else sections whose headings do; else sentences that do;
    else any list, else any sections; else, for an article that gives no advice, its points."""
    prose = _prose(outline)
    actionable = {cues.STEP, cues.ADVICE}
    items = _by([s for s in prose if s.item >= 0], "item")
    useful = _advising_lists(items, actionable)
    sections = _by([s for s in prose if s.section >= 0], "section")
    named = {key: members for key, members in sections.items() if _names_a_step(outline, key)}
    if len(useful) >= MIN_LIST_TIPS:
        return Items(ITEMS, _of(useful))
    if len(named) >= MIN_ITEMS:
        return Items(SECTIONS, _of(named))
    found = _instructions(prose, actionable)
    if found.kind:
        return found
    if len(items) >= MIN_LIST_TIPS:
        return Items(ITEMS, _of(items))
    if len(sections) >= MIN_ITEMS:
        return Items(SECTIONS, _of(sections))
    return Items(POINTS, {s.index: s.index for s in prose})


def _advising_lists(items: dict[int, list[Sentence]], actionable: set[str]) -> dict[int, list[Sentence]]:
    """The items of every list at least half of whose items give an instruction or advice: a list of steps or
    tips, not of ingredients. A list is a run of items in one section with no paragraph between them."""
    lists: list[list[int]] = []
    previous: Sentence | None = None
    for key in sorted(items):
        first = items[key][0]
        if previous is None or first.section != previous.section or first.paragraph > previous.paragraph + 1:
            lists.append([])
        lists[-1].append(key)
        previous = items[key][-1]
    advising = [keys for keys in lists if 2 * sum(bool(actionable & items[key][0].roles) for key in keys) >= len(keys)]
    return {key: items[key] for keys in advising for key in keys}


def _instructions(prose: list[Sentence], roles: set[str]) -> Items:
    """Sentences with one of `roles`, each a step with the rest of its paragraph up to the next such sentence."""
    first: dict[int, int] = {}
    current, paragraph = -1, -1
    for sentence in prose:
        if roles & sentence.roles:
            current, paragraph = sentence.index, sentence.paragraph
        elif sentence.paragraph != paragraph:
            current = -1
        if current >= 0:
            first[sentence.index] = current
    return Items(SENTENCES, first) if len(set(first.values())) >= MIN_ITEMS else Items()


def _names_a_step(outline: Outline, section: int) -> bool:
    """A heading that numbers a step or gives an instruction ("Step 1: Wake up your starter", "Mix the dough")."""
    heading = outline.headings[section]
    if STEP_PREFIX.match(heading):
        return True
    table = cues.CUES.get(outline.language)
    first = heading.split(maxsplit=1)[0].lower() if heading.split() else ""
    return bool(table and first in table.steps)


def step_label(heading: str) -> str:
    """A heading as a step's name: without its own numbering, starting with a capital."""
    name = STEP_PREFIX.sub("", heading).strip() or heading
    return capitalised_label(name[0].upper() + name[1:])


def _entries(sentences: tuple[Sentence, ...], items: Items) -> list[tuple[int, list[Sentence]]]:
    """The chosen sentences in runs: each step's sentences under its key, the rest in paragraphs under -1."""
    entries: list[tuple[int, list[Sentence]]] = []
    loose: list[Sentence] = []
    for sentence in sentences:
        key = items.first.get(sentence.index, -1)
        if key < 0:
            loose.append(sentence)
            continue
        if loose:
            entries.extend((-1, group) for group in paragraphs(loose))
            loose = []
        if entries and entries[-1][0] == key:
            entries[-1][1].append(sentence)
        else:
            entries.append((key, [sentence]))
    entries.extend((-1, group) for group in paragraphs(loose))
    return entries


def render_howto(sentences: tuple[Sentence, ...], outline: Outline, items: Items) -> list[Block]:
    """Numbered steps, counted from 1 in the thread; a step with its own heading opens a new tweet, short list
    steps share one. Without steps, the sentences as they come."""
    blocks, number = [], 0
    for key, group in _entries(sentences, items):
        if key < 0:
            blocks.append(block(group))
            continue
        number += 1
        mark = HOWTO_MARK.format(number=number)
        if items.kind == SECTIONS:
            name = step_label(outline.headings[group[0].section])
            blocks.append(block(group, label=f"{mark} {name}", fresh=True))
        else:
            blocks.append(block(_unnumbered(group), mark=mark))
    return blocks


def render_tips(sentences: tuple[Sentence, ...], outline: Outline, items: Items) -> list[Block]:
    """Arrow lines, as many to a tweet as fit; a section's tip is named by its heading."""
    blocks = []
    for key, group in _entries(sentences, items):
        if key < 0:
            blocks.append(block(group))
        elif items.kind == SECTIONS:
            name = step_label(outline.headings[group[0].section]).rstrip(":")
            blocks.append(block(group, mark=f"{TIP_MARK} {name}:"))
        else:
            blocks.append(block(_unnumbered(group), mark=TIP_MARK))
    return blocks


def _unnumbered(group: list[Sentence]) -> list[Sentence]:
    """The step without a number of its own in front ("2. Mix..." would read "2. 2. Mix...")."""
    first = group[0]
    text = STEP_PREFIX.sub("", first.text)
    if text == first.text or not text:
        return group
    return [dataclasses.replace(first, text=text[0].upper() + text[1:]), *group[1:]]
