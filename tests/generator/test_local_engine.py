"""The local engine turns real-length articles into threads a person would post, with no network and no key.

Golden checks run on the sample articles in tests/generator/articles/ (a how-to, an essay, a news piece, a list
post, and travel notes mixing URLs, emoji and Japanese) in every style.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import splitter, xtext
from generator.domain import Article, Numbering, StyleSpec, ThreadOptions, Tone
from generator.engines import build_thread, engine_name, get_engine
from generator.errors import InputInvalid, RewriteUnavailable
from generator.local_engine import LocalEngine, fixed_phrases, guess_title, phrases_for, read_article
from generator.splitter import number_tweets

ARTICLES = sorted((Path(__file__).parent / "articles").glob("*.txt"))
STRUCTURES = ["summary", "howto", "tips", "story", "news", "case", "hottake", "qa"]
URL = "https://blog.example.com/posts/the-article"
NUMBER_MARK = re.compile(r"\d{1,2}/\d{0,2}|\(\d{1,2}/\d{1,2}\)|\d{1,3}\.?|🧵")


def style(structure: str) -> StyleSpec:
    return StyleSpec(slug=structure, name=structure.title(), local_structure=structure)


def load(path: Path, url: str = "") -> Article:
    title, text = guess_title(path.read_text(encoding="utf-8"))
    return Article(text=text, title=title, url=url)


def make_thread(article: Article, structure: str = "summary", **options: object) -> list[str]:
    thread_options = ThreadOptions(**options)  # type: ignore[arg-type]
    bodies = list(LocalEngine().generate(article=article, options=thread_options, style=style(structure)))
    return number_tweets(bodies, thread_options.numbering)


def source_tokens(article: Article) -> set[str]:
    tokens = set(f"{article.title}\n{article.text}".split()) | {article.url}
    for phrase in fixed_phrases():
        tokens |= set(phrase.split())
    return tokens | {token.rstrip(":") for token in tokens}


def assert_made_of_the_article(tweet: str, article: Article, allowed: set[str]) -> None:
    """Every token is the article's own, one of the engine's fixed phrases, a number or a hashtag from the article;
    unspaced Japanese may be cut between characters but never changed."""
    text = f"{article.title}\n{article.text}"
    for token in tweet.split():
        if token in allowed or token.rstrip(":") in allowed or NUMBER_MARK.fullmatch(token):
            continue
        if token.startswith("#") and token[1:].lower() in text.lower():
            continue
        assert not token.isascii(), f"{token!r} is not from the article, in {tweet!r}"
        assert token in text, f"{token!r} is not from the article, in {tweet!r}"


def assert_urls_whole(tweets: list[str], article: Article) -> None:
    source = f"{article.text} {article.url}"
    known = {source[start:end] for start, end in xtext.find_urls(source)}
    for tweet in tweets:
        for start, end in xtext.find_urls(tweet):
            assert tweet[start:end] in known, f"broken or invented link in {tweet!r}"


def assert_emoji_whole(tweets: list[str], article: Article) -> None:
    source = f"{article.title}\n{article.text}"
    known = {source[start:end] for start, end in xtext.emoji_spans(source)}
    known |= {phrase[start:end] for phrase in fixed_phrases() for start, end in xtext.emoji_spans(phrase)}
    for tweet in tweets:
        assert {tweet[start:end] for start, end in xtext.emoji_spans(tweet)} <= known


def kept_sentence_order(tweets: list[str], article: Article) -> list[int]:
    """Indices of the article's sentences (six words or more) as they appear through the thread, hook excluded."""
    sentences = [s for s in read_article(article, language="en").sentences if len(s.text.split()) >= 6]
    found = []
    for number, tweet in enumerate(tweets[1:]):
        found.extend((number, tweet.index(s.text), s.index) for s in sentences if s.text in tweet)
    return [index for *_, index in sorted(found)]


@pytest.mark.parametrize("structure", STRUCTURES)
@pytest.mark.parametrize("path", ARTICLES, ids=lambda path: path.stem)
def test_it_makes_a_postable_thread_from_every_sample_in_every_style(path: Path, structure: str) -> None:
    article = load(path, url=URL)
    tweets = make_thread(article, structure, hashtags=True, cta=True)
    allowed = source_tokens(article)

    assert 3 <= len(tweets) <= 15
    assert all(xtext.is_valid(tweet) and xtext.weighted_length(tweet) <= 280 for tweet in tweets)
    for tweet in tweets:
        assert_made_of_the_article(tweet, article, allowed)
    assert_urls_whole(tweets, article)
    assert_emoji_whole(tweets, article)
    order = kept_sentence_order(tweets, article)
    assert order, "the thread carries the article's own sentences"
    if structure != "news":  # a news breakdown tells why it matters and what's next after what happened
        assert order == sorted(order), "kept sentences appear in the article's order"


@pytest.mark.parametrize("path", ARTICLES, ids=lambda path: path.stem)
def test_it_opens_with_a_hook_made_of_one_of_the_article_s_claims_and_a_promise(path: Path) -> None:
    article = load(path)
    [hook, *rest] = make_thread(article)
    [hot_hook, *_] = make_thread(article, "hottake")
    claim, promise = hook.split("\n\n")[:2]
    sentences = {s.text for s in read_article(article, language="en").sentences}

    assert claim in sentences
    assert promise.startswith("Here are the key points 👇")
    assert claim not in " ".join(rest)
    assert hot_hook.startswith(f"Hot take: {claim}\n\nHere's why 👇")


def test_it_uses_the_lead_sentence_as_the_hook_when_there_is_no_title() -> None:
    text = (
        "Most bugs are found by the people who did not write the code. Reviews catch some of them early. "
        "Tests catch the ones that come back. Users catch the rest, which is the most expensive way."
    )
    tweets = make_thread(Article(text=text))

    assert tweets[0].startswith("Most bugs are found by the people who did not write the code.")
    assert "Most bugs" not in " ".join(tweets[1:])


def test_it_keeps_the_most_informative_sentences_in_order_when_the_article_is_too_long() -> None:
    article = load(Path(__file__).parent / "articles" / "essay_slow_software.txt")
    sentences = read_article(article, language="en").sentences
    tweets = make_thread(article, max_tweets=5)
    order = kept_sentence_order(tweets, article)

    assert len(tweets) == 5
    assert order == sorted(order)
    assert max(order) > len(sentences) * 2 // 3, "the summary reaches the end of the article, not just its opening"


def test_it_keeps_every_sentence_of_a_short_article() -> None:
    text = (
        "Small teams ship faster when they agree on one thing at a time.\n\n"
        "The trick is to write that one thing down where everyone can see it. Then check it every morning."
    )
    tweets = make_thread(Article(title="Focus", text=text))

    joined = " ".join(tweets)
    assert all(sentence in joined for sentence in ["one thing at a time.", "where everyone can see it.", "morning."])


def test_it_gives_the_same_thread_for_the_same_input() -> None:
    article = load(ARTICLES[0], url=URL)
    first = make_thread(article, "tips", hashtags=True, cta=True, max_tweets=7)
    splitter.weigh.cache_clear()

    assert make_thread(article, "tips", hashtags=True, cta=True, max_tweets=7) == first


@pytest.mark.parametrize("max_tweets", [1, 2, 3, 4, 7, 25])
def test_it_never_exceeds_max_tweets_even_with_a_cta_and_a_link_reply(max_tweets: int) -> None:
    article = load(ARTICLES[0], url=URL)
    tweets = make_thread(article, "howto", max_tweets=max_tweets, cta=True, link_in_reply=True)

    assert 1 <= len(tweets) <= max_tweets
    assert tweets[0].startswith("A change that adds 200 milliseconds to every request passes every check we have.")


def test_it_chooses_the_length_from_the_article_when_max_tweets_is_auto() -> None:
    long_article = load(Path(__file__).parent / "articles" / "essay_slow_software.txt")  # about 1,100 words
    short_article = Article(title="Note", text="A short note with one idea. " * 5)

    assert len(make_thread(long_article)) == 9
    assert len(make_thread(short_article)) <= 3


def test_it_puts_the_source_link_in_the_first_tweet_unless_it_goes_in_a_reply() -> None:
    article = load(ARTICLES[1], url=URL)
    inline = make_thread(article)
    in_reply = make_thread(article, link_in_reply=True)

    assert URL in inline[0]
    assert URL not in " ".join(inline[1:])
    assert URL not in in_reply[0]
    assert in_reply[-1].startswith(f"Read the full article: {URL}")


def test_it_closes_with_a_call_to_action_carrying_the_link_when_asked() -> None:
    article = load(ARTICLES[2], url=URL)
    tweets = make_thread(article, cta=True, link_in_reply=True, numbering=Numbering.NONE)

    assert tweets[-1] == f"{phrases_for('en').cta}\n\nRead the full article: {URL}"


def test_it_adds_hashtags_from_the_article_s_top_keywords() -> None:
    article = load(Path(__file__).parent / "articles" / "howto_sourdough.txt")
    tweets = make_thread(article, hashtags=True, numbering=Numbering.NONE)

    tags = re.findall(r"#\w+", tweets[-1])
    assert 1 <= len(tags) <= 2
    assert "#Dough" in tags


def test_it_takes_no_hashtag_from_words_found_only_inside_links() -> None:
    links = " ".join(f"Kettle notes: https://archive.example.com/{n} and www.archive.org/{n}." for n in range(6))
    article = Article(text=f"Kettles boil water quickly. {links}")
    tweets = make_thread(article, hashtags=True, numbering=Numbering.NONE)

    assert re.findall(r"#\w+", tweets[-1]) == ["#Kettle", "#Notes"]


def test_it_words_the_closing_line_by_tone() -> None:
    article = load(ARTICLES[3])
    closings = {tone: make_thread(article, tone=tone, numbering=Numbering.NONE)[-1] for tone in Tone}

    assert closings[Tone.CASUAL].endswith("That's a wrap!")
    assert closings[Tone.INSPIRING].endswith("Now go put it to work.")
    assert len(set(closings.values())) == len(Tone)


def test_it_shapes_each_style_visibly_differently() -> None:
    how_to = load(Path(__file__).parent / "articles" / "howto_sourdough.txt")
    news = load(Path(__file__).parent / "articles" / "news_transit_vote.txt")
    threads = {structure: "\n".join(make_thread(how_to, structure)) for structure in STRUCTURES}

    assert len(set(threads.values())) == len(STRUCTURES)
    assert "\n1. Wake up your starter\n" in threads["howto"]
    assert "\n→ Wake up your starter: " in threads["tips"]
    assert "\nQ: What's this about?\nA: " in threads["qa"]
    assert threads["hottake"].startswith("Hot take:")
    assert threads["case"].count(":\n") >= 2
    news_thread = "\n".join(make_thread(news, "news"))
    assert "What happened:\n" in news_thread
    assert "Why it matters:\n" in news_thread


def test_it_fits_a_japanese_article_without_spaces() -> None:
    paragraph = "東京では、ほとんどの駅に英語の案内がありますが、小さな店では日本語だけのことも多いです。" * 3
    article = Article(title="東京の旅", text="\n\n".join([paragraph] * 6))
    tweets = make_thread(article, max_tweets=6)

    assert 2 <= len(tweets) <= 6
    assert all(xtext.weighted_length(tweet) <= 280 for tweet in tweets)
    assert all(tweet.replace(" 1/6", "").split(" ")[0] for tweet in tweets)


def test_it_rewrites_one_body_from_other_sentences_of_the_article() -> None:
    article = load(Path(__file__).parent / "articles" / "essay_slow_software.txt")
    options = ThreadOptions(max_tweets=6)
    engine = LocalEngine()
    bodies = list(engine.generate(article=article, options=options, style=style("summary")))

    rewritten = engine.regenerate(article=article, bodies=bodies, position=2, options=options, style=style("summary"))
    again = engine.regenerate(article=article, bodies=bodies, position=2, options=options, style=style("summary"))

    assert rewritten == again
    assert rewritten != [bodies[2]]
    limit = splitter.body_limit(options)
    assert all(xtext.weighted_length(body) <= limit for body in rewritten)
    sentences = [s.text for s in read_article(article, language="en").sentences]
    assert all(any(sentence in body for sentence in sentences) for body in rewritten)


def test_it_rewrites_a_body_shorter_when_asked() -> None:
    article = load(Path(__file__).parent / "articles" / "news_transit_vote.txt")
    options = ThreadOptions(max_tweets=6)
    engine = LocalEngine()
    bodies = list(engine.generate(article=article, options=options, style=style("summary")))
    position = max(range(1, len(bodies)), key=lambda n: xtext.weighted_length(bodies[n]))

    [shorter] = engine.regenerate(
        article=article,
        bodies=bodies,
        position=position,
        options=options,
        style=style("summary"),
        instruction="shorter",
    )

    assert xtext.weighted_length(shorter) < xtext.weighted_length(bodies[position])


def test_it_rewrites_the_hook_and_the_call_to_action_with_other_wording() -> None:
    article = load(ARTICLES[0], url=URL)
    options = ThreadOptions(cta=True)
    engine = LocalEngine()
    bodies = list(engine.generate(article=article, options=options, style=style("summary")))

    [hook] = engine.regenerate(article=article, bodies=bodies, position=0, options=options, style=style("summary"))
    [cta] = engine.regenerate(
        article=article, bodies=bodies, position=len(bodies) - 1, options=options, style=style("summary")
    )

    assert hook != bodies[0]
    assert URL in hook
    assert cta != bodies[-1]
    assert cta.startswith("Found this helpful?")


def test_it_picks_the_local_engine_without_a_key_and_openai_with_one(settings: object) -> None:
    settings.THREADR_ENGINE = "auto"  # type: ignore[attr-defined]
    settings.OPENAI_API_KEY = ""  # type: ignore[attr-defined]
    assert isinstance(get_engine(), LocalEngine)

    settings.OPENAI_API_KEY = "sk-threadr-test"  # type: ignore[attr-defined]
    assert engine_name() == "openai"
    assert get_engine().name == "openai"
    assert isinstance(get_engine("local"), LocalEngine)
    with pytest.raises(ValueError, match="Unknown engine"):
        get_engine("gpt")


def test_it_builds_a_numbered_thread_for_callers_that_do_not_stream() -> None:
    article = load(ARTICLES[0])
    tweets = build_thread(
        engine=LocalEngine(), article=article, options=ThreadOptions(max_tweets=4), style=style("summary")
    )

    assert len(tweets) == 4
    assert [tweet.rsplit(" ", 1)[-1] for tweet in tweets] == ["1/4", "2/4", "3/4", "4/4"]


def test_it_keeps_every_tip_of_a_list_article_when_they_fit() -> None:
    article = load(Path(__file__).parent / "articles" / "list_remote_meetings.txt")
    thread = "\n".join(make_thread(article, "tips"))

    assert thread.count("\n→ ") == 12
    assert "12 practical tips 👇" in thread
    for tip in ("→ Write the purpose in the invitation.", "→ Cancel recurring meetings that have lost their purpose."):
        assert tip in thread


def test_it_labels_news_beats_with_the_article_s_own_headings() -> None:
    article = load(Path(__file__).parent / "articles" / "news_transit_vote.txt")
    tweets = make_thread(article, "news", max_tweets=10, numbering=Numbering.NONE)

    assert tweets[1].startswith("What happened:\n")
    assert any(tweet.startswith("Where the money comes from:\n") for tweet in tweets)


def test_it_refuses_an_article_with_no_words() -> None:
    with pytest.raises(InputInvalid, match="no text"):
        make_thread(Article(text=" \n\n "))


def test_it_shortens_a_lone_sentence_by_its_last_clause_and_closes_it() -> None:
    article = load(Path(__file__).parent / "articles" / "essay_slow_software.txt")
    sentence = (
        "The second reason is that performance is a property of the whole system, while ownership is divided by "
        "feature."
    )
    bodies = [article.title, sentence]

    [shorter] = LocalEngine().regenerate(
        article=article,
        bodies=bodies,
        position=1,
        options=ThreadOptions(),
        style=style("summary"),
        instruction="shorter",
    )

    assert shorter == "The second reason is that performance is a property of the whole system."


def test_it_refuses_to_shorten_a_sentence_that_would_not_stay_whole() -> None:
    article = load(Path(__file__).parent / "articles" / "essay_slow_software.txt")
    bodies = [article.title, "Consider what happens when a page takes four seconds to load instead of one."]

    with pytest.raises(RewriteUnavailable):
        LocalEngine().regenerate(
            article=article,
            bodies=bodies,
            position=1,
            options=ThreadOptions(),
            style=style("summary"),
            instruction="shorter",
        )


def test_it_rewrites_the_hook_only_into_another_hook() -> None:
    article = load(ARTICLES[0], url=URL)
    bodies = list(LocalEngine().generate(article=article, options=ThreadOptions(), style=style("summary")))

    with pytest.raises(RewriteUnavailable, match="choose another"):
        LocalEngine().regenerate(
            article=article,
            bodies=bodies,
            position=0,
            options=ThreadOptions(),
            style=style("summary"),
            instruction="shorter",
        )
