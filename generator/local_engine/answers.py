"""Styles that answer questions: a news breakdown (what happened, why it matters, what's next) and Q/A pairs. Each
label or question goes only on sentences that answer it (`cues`), so "Why it matters" never heads a date and
"What happens next?" is followed by something ahead; no question is asked twice.
"""

from __future__ import annotations

from generator.local_engine import cues
from generator.local_engine.outline import Outline, Sentence
from generator.local_engine.phrases import phrases_for
from generator.local_engine.pieces import Block, block, joined, label, marked, paragraphs, runs
from generator.local_engine.steps import step_label

HAPPENED, DETAILS, MATTERS, NEXT = range(4)  # the news beats, in the order a thread tells them


def _beat(run: list[Sentence], outline: Outline) -> int:
    """The beat a run of sentences answers: by its own words, else by its section's heading ("Why it matters")."""
    found = set().union(*(sentence.roles for sentence in run))
    section = run[0].section
    if section >= 0 and not {cues.NEXT, cues.MATTERS} & found:
        heading = outline.headings[section]
        found |= cues.roles(heading, heading.lower().split(), outline.language)
    return NEXT if cues.NEXT in found else MATTERS if cues.MATTERS in found else HAPPENED


def render_news(sentences: tuple[Sentence, ...], outline: Outline) -> list[Block]:
    """What happened first (the article's opening, or its sections under their own headings), then why it matters
    and what happens next, each on the sentences that say so. A run of sentences quoting someone goes no earlier
    than the sentence introducing them."""
    labels = phrases_for(outline.language).news_labels
    pieces = [run for group in paragraphs(sentences) for run in runs(group)]
    beats = [_beat(run, outline) for run in pieces]
    where = {sentence.index: n for n, run in enumerate(pieces) for sentence in run}
    for n, run in enumerate(pieces):
        introducers = (where.get(sentence.ties.introducer) for sentence in run)
        beats[n] = max([beats[n], *(beats[other] for other in introducers if other is not None)])
    headed = len(outline.headings) >= 2
    first_section = min((sentence.section for sentence in outline.sentences), default=-1)
    named: list[tuple[str, list[Sentence]]] = []
    for beat in (HAPPENED, MATTERS, NEXT):
        for n, run in enumerate(pieces):
            if beats[n] != beat:
                continue
            name = labels[beat]
            if beat == HAPPENED:  # the opening tells what happened; the rest are details, by section if headed
                section = run[0].section
                name = label(outline.headings[section]) if headed and section >= 0 else labels[DETAILS]
                first = not named and (not headed or section == first_section)
                if first or (named and named[-1][0] == labels[HAPPENED] and named[-1][1][-1].section == section):
                    name = labels[HAPPENED]
            if named and named[-1][0] == name and named[-1][1][-1].paragraph == run[0].paragraph:
                named[-1][1].extend(run)  # the rest of the same paragraph, under the same label
            else:
                named.append((name, list(run)))
    return [
        block(group, label=name, fresh=True) if not n or name != named[n - 1][0] else block(group)
        for n, (name, group) in enumerate(named)
    ]


def render_qa(sentences: tuple[Sentence, ...], outline: Outline) -> list[Block]:
    """The article's own questions (question headings or sentences) with the sentences that follow as answers;
    other paragraphs get the question they answer (what it's about, why it matters, what happens next, what to
    do, the numbers, who says what, a section's topic, the takeaway), each asked once. A paragraph left without a
    question of its own adds to the answer before it."""
    pairs: list[tuple[str | None, list[Sentence]]] = []
    last_section = -1
    for group in paragraphs(sentences):
        for sentence in group:
            heading = outline.headings[sentence.section] if sentence.section >= 0 else ""
            if sentence.section != last_section and heading.endswith("?"):
                pairs.append((heading, []))
            last_section = sentence.section
            # A sentence on why it matters or what's next answers a question of its own, even mid-paragraph.
            answers_own = not sentence.ties.before and bool(_OWN_QUESTION & sentence.roles)
            if sentence.text.endswith("?"):
                pairs.append((sentence.text, []))
            elif not pairs or (pairs[-1][1] and (sentence is group[0] or answers_own) and not heading.endswith("?")):
                pairs.append((None, [sentence]))
            else:
                pairs[-1][1].append(sentence)
    answered = [(question, answer) for question, answer in pairs if answer]
    phrases = phrases_for(outline.language)
    asked = {question for question, _ in answered if question}
    written: list[tuple[str, list[Sentence]]] = []
    for number, (question, answer) in enumerate(answered):
        last = number == len(answered) - 1 and number > 0
        question = question or _question(answer, outline, asked, first=not written, last=last)
        if question:
            asked.add(question)
            written.append((question, list(answer)))
        elif written:
            written[-1][1].extend(answer)
    return [_pair(marked(phrases.question_mark, question), phrases.answer_mark, answer) for question, answer in written]


def _pair(question: str, answer_mark: str, answer: list[Sentence]) -> Block:
    """A question and its answer in a new tweet; an answer too long for it is cut between its sentences, never
    between the question and the answer's first sentence."""
    first, *rest = (joined(run) for run in runs(answer))
    head = f"{question}\n{marked(answer_mark, first)}"
    return Block(f"{head} {' '.join(rest)}" if rest else head, fresh=True, parts=(head, *rest))


_OWN_QUESTION = frozenset({cues.MATTERS, cues.NEXT})
# Which question an answer with these roles answers, in order of preference.
_ROLE_QUESTIONS = ((cues.NEXT, "next"), (cues.MATTERS, "matters"), (cues.ADVICE, "advice"), (cues.STEP, "advice"),
                   (cues.QUOTE, "voices"), (cues.NUMBER, "numbers"))  # fmt: skip


def _question(answer: list[Sentence], outline: Outline, asked: set[str], *, first: bool, last: bool) -> str:
    """The first question not asked yet that the answer answers, "" when none is left."""
    phrases = phrases_for(outline.language)
    questions = phrases.questions
    roles = set().union(*(sentence.roles for sentence in answer))
    candidates = [questions["about"]] if first else []
    candidates += [questions[key] for role, key in _ROLE_QUESTIONS if role in roles]
    section = answer[0].section
    if section >= 0:
        candidates.append(phrases.rewrite_question.format(topic=step_label(outline.headings[section]).rstrip(":")))
    if last:
        candidates.append(questions["takeaway"])
    candidates.append(questions["else"])
    return next((question for question in candidates if question not in asked), "")
