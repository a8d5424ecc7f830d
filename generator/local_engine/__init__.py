"""The built-in engine: a readable thread from any text, with no network and no key.

It never invents content: every tweet is made of the article's own sentences plus a few fixed phrases (the hook's
promise, labels such as "Q:", the closing line), written in the thread's language: the person's choice, else the
article's (`generator.language`), with neutral marks (🧵) for a language it has no phrases for. The hook is the
article's strongest claim (preferably one with a number) and a promise. When the article is longer than the thread
may be, it keeps the sentences that matter most in their original order: central (LexRank), salient (numbers, names,
superlatives, the first lines under a heading), near the opening or the conclusion, drawn from every section and
quarter, and never two that make the same point. The style's `local_structure` decides the shape
(numbered steps, arrow tips, Q/A pairs, labelled news beats...). The same article and options always give the same
thread.

The parts, in the order a thread is made:

- `outline`: reading the article (title, headings, paragraphs, sentences and their scores, keywords);
- `rank`: how much each sentence matters, and an order to take them in that covers the article without repeats;
- `standalone`: what each sentence needs beside it to stand in a tweet (the sentence before a leaning opener, the
  continuation of a lead-in colon, the sentence closing a quote, the introduction of a person quoted by surname);
- `summarise`: choosing the sentences that fit, so that every tweet stands on its own;
- `render`: laying them out in the style's structure and packing them into tweets;
- `frame`: the hook, the closing tweets and the hashtags around them;
- `phrases`: every fixed phrase the engine adds, per language, and `stopwords` the words too common to count;
- `rewrite`: a new version of one tweet of a finished thread;
- `engine`: `LocalEngine` and `build_bodies`, which put the parts together.
"""

from generator.local_engine.engine import LocalEngine, auto_tweet_count, build_bodies
from generator.local_engine.outline import Outline, Sentence, guess_title, read_article
from generator.local_engine.phrases import fixed_phrases, phrases_for
from generator.local_engine.rewrite import rewrite_body

__all__ = [
    "LocalEngine",
    "Outline",
    "Sentence",
    "auto_tweet_count",
    "build_bodies",
    "fixed_phrases",
    "guess_title",
    "phrases_for",
    "read_article",
    "rewrite_body",
]
