"""An imported page longer than pasted text may be is cut once, and its structure is cut at the same place as its
text, so every reader of the article (both engines, the history's source view) sees the same article."""

from __future__ import annotations

from generator.blocks import article_from_text, render_text
from generator.domain import Article, BlockKind
from generator.services import MAX_TEXT_LENGTH, cap_article

SECTION = (
    "## Part {n}\n\n"
    "Backups fail quietly in part {n}, long before anyone needs them. Restores are the only proof they work.\n\n"
    "```\nrestic restore latest --target /tmp/part-{n}\n```\n\n"
    "- Test a restore every week in part {n}.\n- Keep one copy off site in part {n}.\n"
)


def long_article() -> Article:
    text = "# Backups that work\n\n" + "\n\n".join(SECTION.format(n=n) for n in range(1, 400))
    return article_from_text(text)


def test_it_cuts_the_blocks_where_it_cuts_the_text() -> None:
    article = long_article()
    assert len(article.text) > MAX_TEXT_LENGTH

    capped = cap_article(article)

    assert len(capped.text) <= MAX_TEXT_LENGTH
    assert capped.text == render_text(capped.blocks)
    assert capped.blocks == article.blocks[: len(capped.blocks)]
    assert capped.blocks[-1].kind != BlockKind.HEADING
    assert "in part 399" not in capped.text
    assert not any("part 399" in block.text for block in capped.blocks)
    assert any(block.kind == BlockKind.CODE for block in capped.blocks)  # code stays structure, never text


def test_it_cuts_one_overlong_paragraph_at_a_sentence_in_text_and_blocks() -> None:
    sentence = "Each restore drill found a problem the backup report had missed. "
    article = article_from_text("# Restore drills\n\n" + sentence * 1500)

    capped = cap_article(article)

    assert 0 < len(capped.text) <= MAX_TEXT_LENGTH
    assert capped.text.endswith("had missed.")
    assert capped.text == render_text(capped.blocks)
    assert [block.kind for block in capped.blocks] == [BlockKind.HEADING, BlockKind.PARAGRAPH]
    assert capped.blocks[1].text.endswith("had missed.")


def test_it_leaves_an_article_within_the_limit_alone() -> None:
    article = article_from_text("# Short\n\n" + "A short note about restores that fits easily. " * 20)

    assert cap_article(article) is article


def test_it_still_cuts_an_article_that_has_text_only() -> None:
    article = Article(text="\n\n".join(["One paragraph about restores, and why they matter."] * 2000))

    capped = cap_article(article)

    assert len(capped.text) <= MAX_TEXT_LENGTH
    assert capped.text.endswith("why they matter.")
    assert capped.blocks == ()
