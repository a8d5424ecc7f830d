"""`manage.py makethread`: turn an article into a thread from the command line, to check quality by hand or to use
Threadr without the web app."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser, ArgumentTypeError
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError

from generator import xtext
from generator.blocks import article_from_text
from generator.domain import MAX_TWEETS, Article, Numbering, StyleSpec, ThreadOptions, ThreadTitle, Tone
from generator.engines import ENGINE_NAMES, get_engine, style_spec
from generator.errors import GenerationError
from generator.models import Style
from generator.selectors import styles_active
from generator.services import tweet_payload
from generator.splitter import number_tweets


def tweet_count(value: str) -> int:
    count = int(value)
    if not 1 <= count <= MAX_TWEETS:
        raise ArgumentTypeError(f"must be between 1 and {MAX_TWEETS}")
    return count


class Command(BaseCommand):
    help = (
        "Turn an article into a thread. Reads --url, --file, or '-' for standard input; prints each tweet with its "
        "weighted length, or the API's JSON with --json. Streaming engines report each tweet on stderr as it "
        "arrives; the numbered thread follows on stdout once complete, since '1/n' needs the final count."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser: ArgumentParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--url", help="Import the article from this web page.")
        source.add_argument("--file", help="Read the article from this text file ('-' for standard input).")
        source.add_argument("source", nargs="?", choices=["-"], help="'-' reads the article from standard input.")
        parser.add_argument("--style", help="Style slug (default: the first style every plan may use).")
        parser.add_argument("--tone", choices=[tone.value for tone in Tone], default=Tone.NEUTRAL.value)
        parser.add_argument("--max-tweets", type=tweet_count, help=f"1 to {MAX_TWEETS} (default: from the length).")
        parser.add_argument("--numbering", choices=[mark.value for mark in Numbering], default=Numbering.FRACTION)
        parser.add_argument("--language", default="auto", help="Language of the thread (default: the article's).")
        parser.add_argument("--hashtags", action="store_true", help="Add one or two hashtags.")
        parser.add_argument("--cta", action="store_true", help="End with a call-to-action tweet.")
        parser.add_argument("--link-in-reply", action="store_true", help="Put the source link last, not first.")
        parser.add_argument("--engine", choices=ENGINE_NAMES, help="Default: THREADR_ENGINE.")
        parser.add_argument("--json", action="store_true", help="Print the thread as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        article = self._article(options)
        style = self._style(options["style"])
        thread_options = ThreadOptions(
            style=style.slug,
            tone=Tone(options["tone"]),
            max_tweets=options["max_tweets"],
            numbering=Numbering(options["numbering"]),
            hashtags=options["hashtags"],
            cta=options["cta"],
            link_in_reply=options["link_in_reply"],
            language=options["language"],
        )
        try:
            engine = get_engine(options["engine"])
            generated = engine.generate(article=article, options=thread_options, style=style)
            bodies, title = self._collect(generated, engine.name, quiet=options["verbosity"] == 0)
        except GenerationError as error:
            raise CommandError(error.message) from error
        tweets = number_tweets(bodies[: thread_options.max_tweets or MAX_TWEETS], thread_options.numbering)
        if options["json"]:
            self._print_json(article, title or article.title, style, engine.name, tweets)
        else:
            self._print_text(tweets)

    def _article(self, options: dict[str, Any]) -> Article:
        if options["url"]:
            from generator.extract import import_article

            try:
                return import_article(options["url"])
            except GenerationError as error:
                raise CommandError(error.message) from error
        if options["file"] and options["file"] != "-":
            try:
                raw = Path(options["file"]).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"Could not read {options['file']}: {error}") from error
        else:
            stdin: TextIO = options.get("stdin") or sys.stdin
            raw = stdin.read()
        # Read as pasted text is: headings, lists and links keep their meaning, code and tables are never prose.
        article = article_from_text(raw)
        if not article.text.strip():
            raise CommandError("The article is empty.")
        return article

    def _style(self, slug: str | None) -> StyleSpec:
        try:
            return style_spec(slug)
        except Style.DoesNotExist as error:
            slugs = ", ".join(style.slug for style in styles_active())
            raise CommandError(f"Unknown style {slug!r}. Choose one of: {slugs}.") from error

    def _collect(
        self, generated: Iterator[str | ThreadTitle], engine_name: str, *, quiet: bool
    ) -> tuple[list[str], str]:
        """Gather the bodies and the title the engine proposed (empty if none); a streaming engine's progress goes
        to stderr, one line per tweet as it arrives."""
        collected, title = [], ""
        for body in generated:
            if isinstance(body, ThreadTitle):
                title = body.text
                continue
            collected.append(body)
            if engine_name != "local" and not quiet:
                first_line = body.split("\n", 1)[0]
                preview = first_line if len(first_line) <= 70 else f"{first_line[:69]}…"
                self.stderr.write(f"tweet {len(collected)} arrived: {preview}")
        return collected, title

    def _print_text(self, tweets: list[str]) -> None:
        for tweet in tweets:
            self.stdout.write(tweet)
            self.stdout.write(f"[{xtext.weighted_length(tweet)}/{xtext.MAX_WEIGHTED_LENGTH}]", ending="\n\n")

    def _print_json(self, article: Article, title: str, style: StyleSpec, engine_name: str, tweets: list[str]) -> None:
        payload = {
            "title": title,
            "source_url": article.canonical_url or article.url,
            "style": style.slug,
            "engine": engine_name,
            "tweets": [tweet_payload(position, tweet) for position, tweet in enumerate(tweets, start=1)],
        }
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
