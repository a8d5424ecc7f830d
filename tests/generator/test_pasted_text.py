"""Pasted text is read like a page: blank lines, Markdown headings, lists, quotes, code fences, tables and links
give typed blocks, so a heading never fuses into the sentence after it and code never becomes a tweet."""

from __future__ import annotations

import pytest

from generator.blocks import article_from_text, read_text
from generator.domain import Block, BlockKind

H, P, ITEM, QUOTE, CODE, TABLE = (
    BlockKind.HEADING,
    BlockKind.PARAGRAPH,
    BlockKind.ITEM,
    BlockKind.QUOTE,
    BlockKind.CODE,
    BlockKind.TABLE,
)
URL = "/api/v1/generations"

# Copied from a web page: one line per paragraph or heading, no blank lines.
COPIED = """Why remote teams write
Remote work changed how teams write, because decisions now happen in documents rather than in meetings.
Ten years ago most of those decisions were made in a room, and nobody outside it ever learned why.
Lead with the conclusion
Readers skim, so the answer belongs in the first sentence, with the reasoning after it for those who want it.
A document that needs a meeting to explain it has failed at the one job it had.
Keep documents alive
Decisions change, and a stale page misleads the next person who finds it through search.
Teams that review their documents every month make fewer repeated mistakes than teams that never do."""

MARKDOWN = """Deploys at Fieldnotes
=====================

We moved from weekly to daily deploys, and the number of incidents went down rather than up. The
[full report](https://blog.example/deploys-report) has the numbers for every team that took part.

Three habits made the difference
--------------------------------

* Every change ships behind a flag that can be turned off in seconds.
* Every deploy is watched by the person who wrote the change.
* Every incident gets a written note within a day, even a small one.

```bash
./deploy --canary 5% && ./deploy --all
```

~~~
rollback --to previous
~~~

> Daily deploys felt risky for about two weeks, and then they felt normal.

Small, frequent changes are easier to review, easier to test and far easier to undo than the large releases
they replaced, which is why the team has no plans to go back.
"""


def test_text_copied_from_a_page_is_read_one_block_per_line_with_its_headings() -> None:
    blocks = read_text(COPIED).blocks

    assert [block.kind for block in blocks] == [H, P, P, H, P, P, H, P, P]
    assert blocks[0] == Block(H, "Why remote teams write", 1)
    assert blocks[3] == Block(H, "Lead with the conclusion", 2)


def test_hard_wrapped_text_is_joined_into_its_paragraphs() -> None:
    wrapped = (
        "Remote work changed how teams write. Ten years\nago most decisions happened in meetings; today\n"
        "they happen in documents.\n\nThat shift rewards people who can explain an\nidea clearly in writing."
    )

    assert read_text(wrapped).blocks == (
        Block(
            P,
            "Remote work changed how teams write. Ten years ago most decisions happened in meetings; today they "
            "happen in documents.",
        ),
        Block(P, "That shift rewards people who can explain an idea clearly in writing."),
    )


def test_markdown_headings_lists_code_quotes_and_links_keep_their_kind() -> None:
    reading = read_text(MARKDOWN)

    assert [block.kind for block in reading.blocks] == [H, P, H, ITEM, ITEM, ITEM, CODE, CODE, QUOTE, P]
    assert reading.blocks[0] == Block(H, "Deploys at Fieldnotes", 1)
    assert reading.blocks[2] == Block(H, "Three habits made the difference", 2)
    assert reading.blocks[1].text.endswith("The full report has the numbers for every team that took part.")
    assert reading.blocks[6] == Block(CODE, "./deploy --canary 5% && ./deploy --all")
    assert reading.links == ("https://blog.example/deploys-report",)


def test_the_prose_view_keeps_headings_apart_and_leaves_code_out() -> None:
    article = article_from_text(MARKDOWN)

    assert "## Three habits made the difference\n\n- Every change ships behind a flag" in article.text
    assert "./deploy" not in article.text
    assert "rollback" not in article.text
    assert "](" not in article.text


def test_a_markdown_table_is_one_table_block() -> None:
    blocks = read_text(
        "Release times by year:\n\n| Year | Minutes |\n|:-----|--------:|\n| 2023 | 40 |\n| 2024 | 6 |"
    ).blocks

    assert blocks[-1] == Block(TABLE, "Year | Minutes\n2023 | 40\n2024 | 6")


@pytest.mark.parametrize(
    ("pasted", "read"),
    [
        ("Mercury is the smallest planet.[1] It has no moons.[12]", "Mercury is the smallest planet. It has no moons."),
        ("The port took ten years.¹ Nobody expected that.²", "The port took ten years. Nobody expected that."),
        (
            "The plot covers 40 km² of forest, about 400 hectares.",
            "The plot covers 40 km² of forest, about 400 hectares.",
        ),
    ],
)
def test_footnote_markers_are_dropped_but_units_keep_their_powers(pasted: str, read: str) -> None:
    assert read_text(pasted).blocks == (Block(P, read),)


def test_bylines_credits_and_teasers_pasted_along_with_the_story_are_dropped() -> None:
    pasted = (
        "By Helen Marsh | 18 June 2024\n\nPhoto: Tom Evans/Reuters\n\nThe council voted 31 to 12 on Monday night to "
        "keep the cycle lanes that were installed as a two-year trial.\n\nRead also: Bus fares frozen for a year\n\n"
        "Share this article\n\n12 comments"
    )

    assert read_text(pasted).blocks == (
        Block(
            P,
            "The council voted 31 to 12 on Monday night to keep the cycle lanes that were installed as a two-year "
            "trial.",
        ),
    )


@pytest.mark.django_db
def test_a_thread_from_copied_text_never_fuses_a_heading_into_a_sentence(alice_api) -> None:
    response = alice_api.post(URL, {"text": COPIED, "numbering": "none"}, format="json")

    assert response.status_code == 201, response.content
    tweets = " ".join(tweet["text"] for tweet in response.json()["tweets"])
    for fused in ("write Remote work", "conclusion Readers skim", "alive Decisions change"):
        assert fused not in tweets


@pytest.mark.django_db
def test_a_thread_from_pasted_markdown_has_no_markup_and_no_code(alice_api) -> None:
    response = alice_api.post(URL, {"text": MARKDOWN, "numbering": "none", "style": "howto"}, format="json")

    assert response.status_code == 201, response.content
    tweets = " ".join(tweet["text"] for tweet in response.json()["tweets"])
    for markup in ("](", "```", "./deploy", "rollback", "=====", "-----", "* Every"):
        assert markup not in tweets


@pytest.mark.parametrize(
    "byline",
    [
        "By Helen Marsh, Transport Correspondent",
        "By Helen Marsh and Tom Evans | 18 June 2024",
        "Von Anna Schmidt",
        "Par Marie Dupont et Jean Martin",
        "Por María López",
        "Di Mario Rossi",
    ],
)
def test_a_byline_in_any_of_six_languages_is_dropped_but_a_sentence_starting_with_by_is_kept(byline: str) -> None:
    story = "By the numbers, this was the best year yet for the team and for the people who use what it makes."

    assert read_text(f"{byline}\n\n{story}").blocks == (Block(P, story),)


def test_a_read_more_link_left_at_the_end_of_a_paragraph_is_cut_off() -> None:
    pasted = "The council will publish proposals for a second phase of routes in the autumn. Read more »"

    assert read_text(pasted).blocks == (
        Block(P, "The council will publish proposals for a second phase of routes in the autumn."),
    )


def test_text_that_is_only_a_heading_is_refused_as_no_article_not_a_server_error(alice_api) -> None:
    heading_only = "# " + "Enough words here to make an article, or so it seems at first sight. " * 4

    answer = alice_api.post(URL, {"text": heading_only, "style": "summary"}, format="json")

    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "empty_article"


@pytest.mark.django_db
def test_pasted_text_is_titled_by_its_heading_and_never_by_the_first_tweet(alice_api) -> None:
    titled = alice_api.post(URL, {"text": COPIED, "numbering": "none"}, format="json").json()
    untitled_text = COPIED.split("\n", 1)[1]
    untitled = alice_api.post(URL, {"text": untitled_text, "numbering": "none"}, format="json").json()

    assert titled["title"] == "Why remote teams write"
    assert untitled["title"] == "Remote work changed how teams write, because decisions now happen in…"
    assert untitled["title"] != untitled["tweets"][0]["text"][: len(untitled["title"])]
