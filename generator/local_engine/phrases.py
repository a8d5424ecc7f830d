"""The only text the local engine adds that is not the article's: the hook's promises, the closing lines, the call
to action, the source link and the labels and marks the structures put in front of the article's sentences.

Kept together so tests and translators see every phrase in one place (`fixed_phrases`).
"""

from __future__ import annotations

from generator.domain import Tone

PROMISES: dict[str, str | dict[Tone, str]] = {
    "summary": {
        Tone.NEUTRAL: "Here are the key points 👇",
        Tone.CASUAL: "Here's the gist 👇",
        Tone.PROFESSIONAL: "The key takeaways 👇",
        Tone.WITTY: "The short version, minus the fluff 👇",
        Tone.INSPIRING: "Ideas worth keeping 👇",
    },
    "howto": "How to do it, step by step 👇",
    "tips": "{count} practical tips 👇",
    "story": "Here's the story 👇",
    "news": "What happened, and why it matters 👇",
    "case": "A case study: the problem, the approach, the results 👇",
    "hottake": "Here's why 👇",
    "qa": "Your questions, answered 👇",
}
HOT_TAKE_PREFIX = "Hot take:"
CLOSINGS = {
    Tone.NEUTRAL: "",
    Tone.CASUAL: "That's a wrap!",
    Tone.PROFESSIONAL: "Those are the key takeaways.",
    Tone.WITTY: "And that's the long story, short.",
    Tone.INSPIRING: "Now go put it to work.",
}
HOT_TAKE_CLOSING = "Agree or disagree?"
CTA = "If this was useful, follow for more and share the first tweet."
CTA_ALTERNATE = "Found this helpful? Follow for more, and share the first tweet so others see it too."
SOURCE_LINK = "Read the full article: {url}"
NEWS_LABELS = ("What happened:", "The details:", "Why it matters:")
CASE_LABELS = ("The situation:", "What they did:", "The results:")
QA_QUESTIONS = (
    "What's this about?",
    "What's the key point?",
    "Why does it matter?",
    "What else should you know?",
    "What's the takeaway?",
)
HOWTO_MARK, TIP_MARK, QUESTION_MARK, ANSWER_MARK = "{number}.", "→", "Q:", "A:"


def promise(structure: str, tone: Tone, count: int) -> str:
    """The hook's one-line promise for this structure (in the tone's wording where it has one)."""
    wording = PROMISES.get(structure, PROMISES["summary"])
    if isinstance(wording, dict):
        return wording[tone]
    return wording.format(count=count)


def fixed_phrases() -> list[str]:
    """Every piece of text the engine may add that is not the article's: for tests and translators."""
    phrases = [
        HOT_TAKE_PREFIX,
        HOT_TAKE_CLOSING,
        CTA,
        CTA_ALTERNATE,
        SOURCE_LINK,
        QUESTION_MARK,
        ANSWER_MARK,
        TIP_MARK,
        HOWTO_MARK,
        "…",
    ]
    for wording in PROMISES.values():
        phrases.extend(wording.values() if isinstance(wording, dict) else [wording])
    return [*phrases, *CLOSINGS.values(), *NEWS_LABELS, *CASE_LABELS, *QA_QUESTIONS]
