"""Importing an article by URL: the story without the page around it, and a clear reason whenever it can't be had."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from pytest_django.fixtures import Settings

from generator.errors import ImportFailed
from generator.extract import cache_key_for, import_article, normalise_url
from tests.fakes import pages
from tests.fakes.pages import PageServer, html, map_hosts

page_server = pages.page_server

BLOG = "/posts/ci-build-times"
MEDIUM = "/@dokafor/the-quiet-power-of-writing-things-down-5c1e2a"
NEWS = "/local/2024/06/cycle-lanes-approved"


@pytest.fixture
def reachable(settings: Settings) -> None:
    """The fake site on 127.0.0.1 stands in for the public web."""
    settings.FETCH_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.1/32"]


def failure(url: str) -> ImportFailed:
    with pytest.raises(ImportFailed) as caught:
        import_article(url)
    return caught.value


@pytest.mark.usefixtures("reachable")
def test_it_imports_a_blog_post_with_its_title_author_canonical_link_and_language(page_server: PageServer) -> None:
    article = import_article(page_server.url(BLOG))

    assert article.title == "How we cut our CI build from 40 minutes to 6"
    assert article.author == "Priya Raman"
    assert article.canonical_url == "https://blog.example/posts/ci-build-times"
    assert article.url == page_server.url(BLOG)
    assert article.language == "en"
    assert article.text.startswith("For most of last year, every pull request at Fieldnotes waited")
    assert "Measure first, because your intuition about where the time goes is probably wrong." in article.text
    assert article.text.endswith("the number of merge conflicts per week has dropped by half.")
    for chrome in ("Archive", "RSS", "Great write-up", "All rights reserved", "leads the developer experience team"):
        assert chrome not in article.text


@pytest.mark.usefixtures("reachable")
def test_it_keeps_only_the_story_from_a_page_full_of_chrome(page_server: PageServer) -> None:
    article = import_article(page_server.url(MEDIUM))

    assert article.title == "The quiet power of writing things down"
    assert article.author == "Daniel Okafor"
    assert article.text.startswith("Every team I have worked on had a memory problem.")
    assert "Future you will be grateful" in article.text
    for chrome in ("Get unlimited access", "Recommended from", "Responses (48)", "Staff picks", "Follow", "Sign in"):
        assert chrome not in article.text


@pytest.mark.usefixtures("reachable")
def test_it_imports_a_news_story_without_ads_or_related_links(page_server: PageServer) -> None:
    article = import_article(page_server.url(NEWS))

    assert article.title == "Council approves year-round cycle lane network after two-year trial"
    assert article.author == "Helen Marsh"
    assert article.language == "en"  # from lang="en-GB"
    assert article.canonical_url == "https://news.example/local/2024/06/cycle-lanes-approved"
    assert "voted 31 to 12" in article.text
    assert "public consultation in the autumn" in article.text
    assert "Advertisement" not in article.text
    assert "Bus fares frozen" not in article.text


@pytest.mark.usefixtures("reachable")
def test_it_takes_a_plain_text_page_as_the_article_and_its_first_line_as_the_title(page_server: PageServer) -> None:
    article = import_article(page_server.url("/notes.txt"))

    assert article.title == "Field notes on running a small weekly newsletter"
    assert article.text.startswith("I have sent a newsletter every Sunday for three years.")
    assert article.text.endswith("which is the best trade in publishing.")


@pytest.mark.usefixtures("reachable")
@pytest.mark.parametrize("path", ["/hop/2", "/gzipped/ci-build-times", "/xhtml/ci-build-times"])
def test_it_reads_through_redirects_compression_and_xhtml(page_server: PageServer, path: str) -> None:
    article = import_article(page_server.url(path))

    assert article.title == "How we cut our CI build from 40 minutes to 6"
    assert "Cache anything keyed by a lock file." in article.text


@pytest.mark.usefixtures("reachable")
def test_it_reads_the_same_article_once_however_the_link_is_decorated(page_server: PageServer) -> None:
    first = import_article(page_server.url(BLOG + "?utm_source=newsletter&utm_medium=email#comments"))
    again = import_article(page_server.url(BLOG + "?fbclid=IwAR0abc").replace("http://", "HTTP://"))

    assert again == first
    assert page_server.hits[BLOG] == 1


@pytest.mark.usefixtures("reachable")
def test_it_remembers_an_article_for_a_day(page_server: PageServer) -> None:
    import_article(page_server.url(BLOG))

    assert 86_000 < cache.ttl(cache_key_for(page_server.url(BLOG))) <= 86_400


@pytest.mark.usefixtures("reachable")
def test_it_does_not_remember_a_failure(page_server: PageServer) -> None:
    assert failure(page_server.url("/missing")).code == "not_found"

    page_server.answers["/missing"] = html("blog_post.html")

    assert import_article(page_server.url("/missing")).author == "Priya Raman"


@pytest.mark.usefixtures("reachable")
@pytest.mark.parametrize(
    ("path", "code", "message"),
    [
        ("/missing", "not_found", "We couldn't find that page (404). Check the link."),
        ("/gone", "not_found", "We couldn't find that page (410). Check the link."),
        ("/forbidden", "blocked", "That site doesn't let Threadr read its pages (403). Paste the text instead."),
        ("/members/report", "paywall", "This article is behind a paywall or needs a login. Paste the text instead."),
        ("/payment-required", "paywall", "This article is behind a paywall or needs a login. Paste the text instead."),
        (
            "/business/heat-pump-race",
            "paywall",
            "This article is behind a paywall or needs a login. Paste the text instead.",
        ),
        ("/", "not_article", "We couldn't find an article on that page — it may be a home page or mostly images."),
        ("/notices/office-closed", "too_short", "That page has too little text to make a thread"),
        ("/report.pdf", "not_html", "That link is a PDF, not a web page."),
        ("/photo.jpg", "not_html", "That link is an image, not a web page."),
        ("/huge", "too_large", "That page is too large to import (over 5 MB). Paste the text instead."),
        ("/bomb", "too_large", "That page is too large to import (over 5 MB). Paste the text instead."),
        ("/chain/4", "too_many_redirects", "That link redirects too many times."),
        ("/broken", "http_error", "That site answered with an error (500). Try again later"),
    ],
)
def test_it_explains_each_failure_so_a_person_knows_what_to_do(
    page_server: PageServer, path: str, code: str, message: str
) -> None:
    error = failure(page_server.url(path))

    assert (error.code, error.status) == (code, 422)
    assert error.message.startswith(message)


@pytest.mark.usefixtures("reachable")
def test_it_says_a_slow_site_timed_out_and_may_be_retried(page_server: PageServer, settings: Settings) -> None:
    settings.FETCH_TIMEOUT = 0.3

    error = failure(page_server.url("/slow"))

    assert (error.code, error.retryable) == ("timeout", True)
    assert error.message == "That site took too long to answer (over 0.3 seconds). Try again later, or paste the text."


def test_it_refuses_our_own_network_before_any_request(
    page_server: PageServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    map_hosts(monkeypatch, {"blog.example": "127.0.0.1"})

    for url in (
        page_server.url(BLOG),
        page_server.url(BLOG, host="2130706433"),
        page_server.url(BLOG, host="blog.example"),
    ):
        error = failure(url)
        assert error.code == "address_not_allowed"
        assert error.message.startswith("That link points to a private or local network address")
    assert page_server.total_hits == 0


def test_it_says_when_the_website_does_not_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    map_hosts(monkeypatch, {})

    error = failure("https://no-such-site.example/post")

    assert error.code == "dns_failure"
    assert (
        error.message == "We couldn't find that website: the domain name doesn't exist. Check the spelling of the link."
    )


@pytest.mark.parametrize(
    "url",
    ["ftp://files.example/a.txt", "javascript:alert(1)", "http://alice:pw@blog.example/", "http://", "https://:80/"],
)
def test_it_refuses_links_that_are_not_web_addresses(url: str) -> None:
    assert failure(url).code == "invalid_url"


@pytest.mark.parametrize(
    ("url", "normalised"),
    [
        ("HTTPS://Blog.Example/Posts/CI?b=2&a=1#top", "https://blog.example/Posts/CI?b=2&a=1"),
        (
            "https://blog.example/post?utm_source=x&utm_campaign=y&id=7&fbclid=z&gclid=w",
            "https://blog.example/post?id=7",
        ),
        ("blog.example/post", "https://blog.example/post"),
        ("  https://blog.example  ", "https://blog.example/"),
        ("https://blog.example:443/post", "https://blog.example/post"),
        ("http://blog.example:8080/post", "http://blog.example:8080/post"),
        ("http://[2606:4700::1111]/post", "http://[2606:4700::1111]/post"),
        (
            "https://blog.example/search?q=caf%C3%A9+au+lait&flag&utm_term=x",
            "https://blog.example/search?q=caf%C3%A9+au+lait&flag",
        ),
    ],
)
def test_it_normalises_links_so_one_article_has_one_address(url: str, normalised: str) -> None:
    assert normalise_url(url) == normalised
