"""`manage.py makethread` turns a file, standard input or a URL into a thread a person can read and post."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django.fixtures import Settings

from generator import xtext
from generator.models import Style
from tests.fakes import openai_server, pages
from tests.fakes.openai_server import SAMPLE_ARTICLE, FakeOpenAI, FakeReply
from tests.fakes.pages import PageServer

pytestmark = pytest.mark.django_db

fake_openai = openai_server.fake_openai
page_server = pages.page_server

ESSAY = Path(__file__).parent / "articles" / "essay_slow_software.txt"
NEWS = Path(__file__).parent / "articles" / "news_transit_vote.txt"
# The essay's strongest claim, a number, which its thread opens with.
ESSAY_CLAIM = "A change that adds 200 milliseconds to every request passes every check we have."


def run(*args: str, stdin: str | None = None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    extra = {"stdin": io.StringIO(stdin)} if stdin is not None else {}
    call_command("makethread", *args, stdout=out, stderr=err, **extra)
    return out.getvalue(), err.getvalue()


def test_it_prints_each_tweet_with_its_weighted_length() -> None:
    out, _ = run("--file", str(ESSAY), "--max-tweets", "5")
    lengths = re.findall(r"^\[(\d+)/280\]$", out, flags=re.MULTILINE)

    assert out.startswith(f"{ESSAY_CLAIM}\n\nHere are the key points 👇 1/5\n[")
    assert len(lengths) == 5
    assert all(int(length) <= 280 for length in lengths)
    assert "5/5\n[" in out


def test_it_prints_the_api_s_json_for_a_file() -> None:
    out, _ = run("--file", str(NEWS), "--json", "--style", "news", "--max-tweets", "6", "--numbering", "(1/n)")
    thread = json.loads(out)

    assert thread["title"] == "City Council Approves $1.2 Billion Plan to Rebuild Riverside Transit Line"
    assert thread["source_url"] == ""
    assert (thread["style"], thread["engine"]) == ("news", "local")
    assert [tweet["position"] for tweet in thread["tweets"]] == [1, 2, 3, 4, 5, 6]
    for tweet in thread["tweets"]:
        assert tweet["weighted_length"] == xtext.weighted_length(tweet["text"]) <= 280
        assert tweet["text"].endswith(f"({tweet['position']}/6)")
    assert "What happened:\n" in thread["tweets"][1]["text"]


def test_it_reads_the_article_from_standard_input() -> None:
    out, _ = run("-", "--json", "--hashtags", "--cta", "--numbering", "none", stdin=ESSAY.read_text())
    tweets = [tweet["text"] for tweet in json.loads(out)["tweets"]]

    assert tweets[0].startswith(ESSAY_CLAIM)
    assert tweets[-1].startswith("If this was useful, follow for more and share the first tweet.")
    assert "#" in tweets[-1]


def test_it_imports_a_url_and_links_it_from_the_first_tweet(settings: Settings, page_server: PageServer) -> None:
    settings.FETCH_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.1/32"]
    out, _ = run("--url", page_server.url("/posts/ci-build-times"), "--json")
    thread = json.loads(out)

    assert thread["title"] == "How we cut our CI build from 40 minutes to 6"
    assert thread["source_url"] == "https://blog.example/posts/ci-build-times"
    assert thread["tweets"][0]["text"].startswith(
        "For most of last year, every pull request at Fieldnotes waited about forty minutes for a green check."
    )
    assert "https://blog.example/posts/ci-build-times" in thread["tweets"][0]["text"]


def test_it_reports_an_import_failure_in_one_line(settings: Settings, page_server: PageServer) -> None:
    settings.FETCH_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.1/32"]

    with pytest.raises(CommandError) as caught:
        run("--url", page_server.url("/missing"))

    assert "\n" not in str(caught.value)
    assert str(caught.value)


def test_it_refuses_a_private_address_without_fetching_it() -> None:
    with pytest.raises(CommandError, match=r"."):
        run("--url", "http://127.0.0.1:9/admin")


def test_it_streams_an_openai_thread_and_prints_it_numbered(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(
        FakeReply(
            tweets=[
                "1/3 Small releases win.",
                "The cost of a slow feedback loop rarely shows on a dashboard.",
                "The study: https://research.example.org/feedback-loops",
            ]
        )
    )
    out, err = run("-", "--engine", "openai", stdin=f"{SAMPLE_ARTICLE.title}\n\n{SAMPLE_ARTICLE.text}")

    assert err.splitlines() == [
        "tweet 1 arrived: Small releases win.",
        "tweet 2 arrived: The cost of a slow feedback loop rarely shows on a dashboard.",
        "tweet 3 arrived: The study: https://research.example.org/feedback-loops",
    ]
    assert out.split("\n\n")[0] == "Small releases win. 1/3\n[23/280]"
    assert "https://research.example.org/feedback-loops 3/3\n[" in out


def test_it_reports_a_provider_failure_in_one_line(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(FakeReply.unauthorized())

    with pytest.raises(CommandError) as caught:
        run("--file", str(ESSAY), "--engine", "openai")

    assert "\n" not in str(caught.value)


def test_it_names_the_styles_when_the_style_is_unknown() -> None:
    with pytest.raises(CommandError, match=r"Unknown style 'sonnet'\. Choose one of: summary, howto, tips"):
        run("--file", str(ESSAY), "--style", "sonnet")


def test_it_falls_back_to_a_summary_when_no_style_is_active() -> None:
    Style.objects.update(is_active=False)

    out, _ = run("--file", str(ESSAY), "--json", "--style", "story")

    assert json.loads(out)["style"] == "summary"


def test_it_refuses_an_empty_article_and_an_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="The article is empty"):
        run("-", stdin="   \n\n  ")
    with pytest.raises(CommandError, match="Could not read"):
        run("--file", str(tmp_path / "missing.txt"))


def test_it_refuses_a_tweet_count_outside_1_to_25() -> None:
    with pytest.raises(CommandError, match="between 1 and 25"):
        run("--file", str(ESSAY), "--max-tweets", "26")


def test_it_reads_a_markdown_file_the_way_pasted_text_is_read(tmp_path: Path) -> None:
    markdown = tmp_path / "restore.md"
    markdown.write_text(
        "# Restore drills that catch broken backups\n\n"
        "A backup nobody has restored is a hope, not a plan. "
        "Our team ran a [monthly restore drill](https://ops.example/drills) for a year and found 14 silent "
        "failures.\n\n"
        "```\nrestic restore latest --target /tmp/drill\n```\n\n"
        "## What we changed\n\n"
        "- Restore one random server every month.\n"
        "- Time every restore and write the figure down.\n"
        "- Page a person when a drill fails.\n",
        encoding="utf-8",
    )

    out, _ = run("--file", str(markdown), "--json", "--numbering", "none")
    thread = json.loads(out)
    text = "\n".join(tweet["text"] for tweet in thread["tweets"])

    assert thread["title"] == "Restore drills that catch broken backups"
    assert "monthly restore drill" in text
    assert "](" not in text
    assert "https://ops.example/drills" not in text
    assert "restic restore" not in text
    assert "# " not in text
