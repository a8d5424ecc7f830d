"""An imported article keeps its structure (headings, paragraphs, lists, quotes, code, tables), its real title and
none of the page's boilerplate; a page that is not an article is refused. Pages come from the fake site through the
real fetcher."""

from __future__ import annotations

import hashlib

import pytest
from django.core.cache import cache
from pytest_django.fixtures import Settings

from generator.blocks import article_from_text
from generator.domain import Block, BlockKind, Numbering, StyleSpec, ThreadOptions
from generator.errors import ImportFailed
from generator.extract import import_article, normalise_url
from generator.extract.titles import clean_title, site_names
from generator.local_engine import LocalEngine
from tests.fakes import pages
from tests.fakes.pages import PageServer, sample

page_server = pages.page_server

MERCURIAL = "/2020/01/porting-mercurial"
COAL = "/en/germany-coal-exit/a-52057410"

H, P, ITEM, QUOTE, CODE, TABLE = (
    BlockKind.HEADING,
    BlockKind.PARAGRAPH,
    BlockKind.ITEM,
    BlockKind.QUOTE,
    BlockKind.CODE,
    BlockKind.TABLE,
)
MERCURIAL_BLOCKS = (
    Block(
        P,
        "Let's start with the numbers. The port took ten years, touched every module in the tree and needed more "
        "than a thousand commits from dozens of contributors. Nobody on the team expected it to take that long when "
        "the work began.",
    ),
    Block(H, "Why it was hard", 2),
    Block(
        P,
        "Mercurial treats file names and file contents as bytes, while Python 3 wants most strings to be text. Every "
        "place where the two meet had to be found and marked by hand, one module at a time.",
    ),
    Block(ITEM, "The storage layer works on bytes everywhere."),
    Block(ITEM, "The user interface prints text in the user's locale."),
    Block(ITEM, "Extensions written by users assume whatever Python 2 did."),
    Block(H, "What the code looked like", 2),
    Block(
        P,
        "The smallest change that made a module importable on both versions was a prefix on every literal, which the "
        "team applied with a source transformer rather than by hand.",
    ),
    Block(CODE, 'def encode_path(path):\n    return path.encode("utf-8")'),
    Block(H, "How long each release took", 2),
    Block(
        P,
        "The table below shows the releases that carried the largest parts of the work, with the year each shipped.",
    ),
    Block(TABLE, "Release | Year | Modules ported\n4.0 | 2016 | 40\n5.0 | 2019 | 210\n5.2 | 2019 | all"),
    Block(H, "Steps we would take again", 2),
    Block(ITEM, "Run the test suite on both versions from the first day.", 1),
    Block(ITEM, "Mark every bytes boundary before changing any behaviour.", 2),
    Block(ITEM, "Drop the old version only when users have moved.", 3),
    Block(QUOTE, "It was the longest project I have worked on, and the one I learned the most from."),
    Block(
        P,
        "In the end, the port made the code base cleaner and the team more careful about what a string really is, "
        "and that alone was worth the decade of work.",
    ),
)


@pytest.fixture
def reachable(settings: Settings) -> None:
    settings.FETCH_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.1/32"]


def thread_from(article, structure: str) -> list[str]:
    style = StyleSpec(slug=structure, name=structure, local_structure=structure)
    options = ThreadOptions(numbering=Numbering.NONE)
    return list(LocalEngine().generate(article=article, options=options, style=style))


@pytest.mark.usefixtures("reachable")
def test_it_keeps_headings_lists_quotes_code_and_tables_as_typed_blocks(page_server: PageServer) -> None:
    article = import_article(page_server.url(MERCURIAL))

    assert article.title == "Porting Mercurial to Python 3"
    assert article.author == "Gregory Szorc"
    assert article.blocks == MERCURIAL_BLOCKS


@pytest.mark.usefixtures("reachable")
def test_a_heading_stays_apart_from_the_sentence_after_it(page_server: PageServer) -> None:
    article = import_article(page_server.url(MERCURIAL))

    assert article.text.startswith("Let's start with the numbers.")
    assert "## Why it was hard\n\nMercurial treats file names" in article.text
    assert "- The storage layer works on bytes everywhere.\n- The user interface prints" in article.text
    assert "1. Run the test suite on both versions from the first day.\n2. Mark every" in article.text
    assert "hard Mercurial" not in article.text


@pytest.mark.usefixtures("reachable")
def test_code_and_tables_stay_out_of_the_prose_and_out_of_the_thread(page_server: PageServer) -> None:
    article = import_article(page_server.url(MERCURIAL))

    for code_or_table in ("encode_path", "return path", "Release | Year", "2019 | 210", "Modules ported"):
        assert code_or_table not in article.text
        for structure in ("summary", "howto", "tips"):
            assert not any(code_or_table in tweet for tweet in thread_from(article, structure))


@pytest.mark.usefixtures("reachable")
def test_a_link_reads_as_its_words_and_is_known_as_a_source_link(page_server: PageServer) -> None:
    article = import_article(page_server.url(MERCURIAL))

    assert "from dozens of contributors. Nobody" in article.text
    assert article.links == ("https://www.mercurial-scm.org/thanks",)


@pytest.mark.usefixtures("reachable")
def test_an_article_read_from_the_cache_keeps_its_blocks(page_server: PageServer) -> None:
    first = import_article(page_server.url(MERCURIAL))
    again = import_article(page_server.url(MERCURIAL))

    assert page_server.hits[MERCURIAL] == 1
    assert again.blocks == MERCURIAL_BLOCKS
    assert again == first


@pytest.mark.usefixtures("reachable")
def test_an_article_cached_flat_before_blocks_existed_is_read_again(page_server: PageServer) -> None:
    url = page_server.url(MERCURIAL)
    flat = {"text": "Porting Mercurial to Python 3 Let's start with the numbers.", "title": "Porting Mercurial"}
    cache.set(f"extract:v1:{hashlib.sha256(normalise_url(url).encode()).hexdigest()}", flat, 3600)

    article = import_article(url)

    assert page_server.hits[MERCURIAL] == 1
    assert article.blocks == MERCURIAL_BLOCKS


@pytest.mark.usefixtures("reachable")
def test_it_drops_bylines_photo_credits_teasers_comment_links_and_footnote_markers(page_server: PageServer) -> None:
    article = import_article(page_server.url(COAL))

    assert article.text.startswith("The federal government and the coal states have agreed")
    assert "40 billion euros in structural aid over two decades.\n\nEnvironmental groups" in article.text
    for boilerplate in ("Photo:", "Kappeler", "By Jane Doe", "Read more", "Coal commission sets", "View comments"):
        assert boilerplate not in article.text
    assert "¹" not in article.text
    assert article.links == ()  # the teaser's link is not the article's


@pytest.mark.usefixtures("reachable")
@pytest.mark.parametrize(
    ("path", "title"),
    [
        (COAL, "Germany agrees on a timetable for leaving coal"),  # "... | DW | 19.01.2020"
        (MERCURIAL, "Porting Mercurial to Python 3"),  # "... - Stack Overflow Blog"
        ("/local/2024/06/cycle-lanes-approved", "Council approves year-round cycle lane network after two-year trial"),
    ],
)
def test_a_page_s_title_loses_the_site_name_and_date(page_server: PageServer, path: str, title: str) -> None:
    assert import_article(page_server.url(path)).title == title


@pytest.mark.usefixtures("reachable")
@pytest.mark.parametrize("path", ["/app/story/1234", "/latest"])
def test_an_unrendered_template_or_a_page_of_links_is_not_an_article(page_server: PageServer, path: str) -> None:
    with pytest.raises(ImportFailed) as caught:
        import_article(page_server.url(path))

    assert caught.value.code == "not_article"
    assert caught.value.message.startswith("We couldn't find an article on that page")


@pytest.mark.usefixtures("reachable")
def test_pasted_markdown_gives_the_same_blocks_and_links_as_the_page(page_server: PageServer) -> None:
    page = import_article(page_server.url(MERCURIAL))
    pasted = article_from_text(sample("porting_mercurial.md").decode())

    assert pasted.blocks[0] == Block(H, "Porting Mercurial to Python 3", 1)
    assert pasted.blocks[1:] == page.blocks
    assert pasted.links == page.links
    assert pasted.text == f"# Porting Mercurial to Python 3\n\n{page.text}"


@pytest.mark.usefixtures("reachable")
def test_a_plain_text_page_in_markdown_is_read_into_blocks_with_its_heading_as_title(
    page_server: PageServer,
) -> None:
    article = import_article(page_server.url("/porting-mercurial.md"))

    assert article.title == "Porting Mercurial to Python 3"
    assert article.blocks == MERCURIAL_BLOCKS


@pytest.mark.parametrize(
    ("title", "sitename", "hostname", "cleaned"),
    [
        ("Germany agrees on a coal exit | DW | 19.01.2020", "DW.COM", "www.dw.com", "Germany agrees on a coal exit"),
        (
            "Porting Mercurial to Python 3 - Stack Overflow Blog",
            "",
            "stackoverflow.blog",
            "Porting Mercurial to Python 3",
        ),
        ("Why tests matter — Fieldnotes Engineering", "Fieldnotes Engineering", "", "Why tests matter"),
        ("Fieldnotes Engineering | Why tests matter", "Fieldnotes Engineering", "", "Why tests matter"),
        ("Le climat en 2020 \u2013 Le Monde \u2013 3 janvier 2020", "Le Monde", "www.lemonde.fr", "Le climat en 2020"),
        ("Kohleausstieg beschlossen · tagesschau.de", "", "www.tagesschau.de", "Kohleausstieg beschlossen"),
        ("Coronavirus: what we know so far", "BBC News", "www.bbc.co.uk", "Coronavirus: what we know so far"),
        ("Python 3 - a retrospective", "Blog", "blog.example", "Python 3 - a retrospective"),
        ("Dwarf planets - an explainer", "DW.COM", "www.dw.com", "Dwarf planets - an explainer"),
    ],
)
def test_it_strips_the_site_name_and_date_however_the_title_spells_them(
    title: str, sitename: str, hostname: str, cleaned: str
) -> None:
    assert clean_title(title, site_names=site_names(sitename=sitename, hostname=hostname)) == cleaned
