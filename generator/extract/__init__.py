"""URL -> Article: fetch through the guarded door, extract the main text, and explain every failure to a person.

The fetch is `threadr.lib.fetch` (SSRF guard, caps, deadline); extraction is trafilatura, the most accurate
main-text extractor we measured, read through its structured (XML) output so headings, lists, quotes, code and
tables stay typed blocks (generator.extract.structure), and titles lose the site's name (.titles). Both fail in
many ways, and each way gets its own `ImportFailed` code and a message that tells the user what to do next
(usually: check the link, or paste the text). Successful extractions are cached for EXTRACT_CACHE_SECONDS by
normalised URL, so the same article shared twice is fetched once; failures are not cached, because a page that is
down now may be up in a minute.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
from dataclasses import asdict, replace
from typing import Any
from urllib.parse import unquote_plus, urlsplit, urlunsplit

import trafilatura
from django.conf import settings
from django.core.cache import cache

from generator.blocks import article_from_text, clean_blocks, prose_chars, render_text, template_marks
from generator.domain import Article, Block, BlockKind
from generator.errors import ImportFailed
from generator.extract.structure import read_tree
from generator.extract.titles import clean_title, site_names
from threadr.lib.fetch import FetchedPage, FetchError, fetch

logger = logging.getLogger(__name__)

MIN_ARTICLE_CHARS = 300
# A page that declares itself paywalled (or shows a subscribe prompt) and yields less than this is a teaser.
PAYWALL_TEASER_CHARS = 1500
CACHE_VERSION = "v2"  # part of the cache key: bump it when Article's fields change (v2: blocks and links)
# Unrendered template expressions ({{ ... }}) at least this dense mean the page is an app shell, not an article.
TEMPLATE_CHARS_PER_MARK = 300
# A page whose menu entries and teasers outweigh its prose this many times over is an index, not an article.
NAVIGATION_PER_PROSE = 2

TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid"})
TRACKING_PREFIXES = ("utm_", "mc_eid", "_hs")
PAYWALL_MARKERS = (
    "subscribe to continue",
    "subscribe to read",
    "subscribe now to read",
    "to continue reading",
    "continue reading with a subscription",
    "this article is for subscribers",
    "subscribers only",
    "already a subscriber",
    "become a member to read",
    "members-only",
    "sign in to continue",
    "sign in to read",
    "log in to continue",
    "log in to read",
    "login to continue",
    "create a free account to continue",
)
LOGIN_HINTS = ("sign in", "sign-in", "log in", "login", "log-in", 'type="password"', "type='password'", "subscribe")

_NOT_FREE = re.compile(r"""["']isAccessibleForFree["']\s*:\s*["']?false""", re.IGNORECASE)
_HTML_LANG = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?([a-zA-Z]{2,3})\b""", re.IGNORECASE)


def import_article(url: str) -> Article:
    """The article at `url`, from the cache when we read it recently. Raises ImportFailed with a friendly message."""
    normalised = normalise_url(url)
    key = cache_key_for(normalised)
    cached = cache.get(key)
    if isinstance(cached, dict):
        return _article_from_cache(cached)
    try:
        page = fetch(normalised)
    except FetchError as error:
        raise _fetch_failure(error) from error
    article = article_from_page(page)
    cache.set(key, asdict(article), settings.EXTRACT_CACHE_SECONDS)
    return article


def normalise_url(url: str) -> str:
    """One spelling per article: lowercase scheme and host, no default port, no fragment, no tracking params.
    A bare "example.com/post" gets https://, as a browser's address bar would."""
    text = url.strip()
    if "://" not in text:
        text = f"https://{text}"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise _invalid_url() from error
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        raise _invalid_url()
    host = parts.hostname.rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != {"http": 80, "https": 443}[scheme]:
        host = f"{host}:{port}"
    query = "&".join(pair for pair in parts.query.split("&") if pair and _kept(unquote_plus(pair.partition("=")[0])))
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


def article_from_page(page: FetchedPage) -> Article:
    """Turn a fetched page into an Article, or explain why it is not one."""
    if page.content_type == "text/plain":
        return _article_from_text(page)
    html = _decode(page)
    try:
        # The structured result, with formatting and links: the same tree trafilatura's XML output is made from.
        document = trafilatura.bare_extraction(
            html,
            url=page.final_url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_formatting=True,
            include_links=True,
        )
        author = _tidy(_field(document, "author"))
        structure = read_tree(getattr(document, "body", None), author=author)
    except Exception as error:  # the extractor's parsers can fail in many ways on hostile markup
        logger.warning("extract: trafilatura failed on %s", page.final_url, exc_info=True)
        raise _failure("not_article") from error
    names = site_names(sitename=_field(document, "sitename"), hostname=_field(document, "hostname"))
    title = clean_title(_tidy(_field(document, "title")), site_names=names)
    blocks = _without_leading_title(clean_blocks(structure.blocks, author=author), title)
    text = render_text(blocks)
    _check_is_article(blocks, text, html, navigation=structure.navigation)
    canonical = _field(document, "url")
    return Article(
        text=text,
        title=title,
        url=page.final_url,
        canonical_url=canonical if urlsplit(canonical).scheme in ("http", "https") else page.final_url,
        author=author,
        language=_language(html, page),
        blocks=tuple(blocks),
        links=tuple(dict.fromkeys(structure.links)),
    )


def _field(document: object, name: str) -> str:
    return str(getattr(document, name, "") or "")


def _article_from_text(page: FetchedPage) -> Article:
    """A plain-text page is the article; a short first line set off by a blank line is its title."""
    article = article_from_text(
        page.body.decode(_codec(page.charset) or "utf-8", errors="replace"),
        url=page.final_url,
        language=_language("", page),
    )
    blocks = list(article.blocks)
    title = ""
    if len(blocks) > 1 and blocks[0].kind == BlockKind.HEADING and len(blocks[0].text) <= 150:
        title = blocks.pop(0).text
    text = render_text(blocks)
    _check_is_article(blocks, text, "")
    return replace(article, text=text, title=title, blocks=tuple(blocks))


def _check_is_article(blocks: list[Block], text: str, html: str, *, navigation: int = 0) -> None:
    """Refuse a page that is not an article: an app's unrendered template, a page of links (`navigation` counts the
    characters of menu entries and teasers left out), or too little prose."""
    if _looks_paywalled(text, html):
        raise _failure("paywall")
    marks = template_marks(blocks)
    if marks >= 2 and marks * TEMPLATE_CHARS_PER_MARK >= len(text):
        raise _failure("not_article")
    prose = prose_chars(blocks, enough=max(MIN_ARTICLE_CHARS, NAVIGATION_PER_PROSE * navigation + 1))
    if navigation > NAVIGATION_PER_PROSE * prose:
        raise _failure("not_article")
    if len(text) < MIN_ARTICLE_CHARS or prose < MIN_ARTICLE_CHARS:
        raise _failure("not_article" if prose < (len(text) + navigation) / 2 else "too_short")


def _looks_paywalled(text: str, html: str) -> bool:
    if len(text) >= PAYWALL_TEASER_CHARS:
        return False
    page = html.lower() or text.lower()
    if _NOT_FREE.search(html) or any(marker in page for marker in PAYWALL_MARKERS):
        return True
    return len(text) < MIN_ARTICLE_CHARS and ('type="password"' in page or "type='password'" in page)


def _fetch_failure(error: FetchError) -> ImportFailed:
    if error.code == "blocked" or error.status == 402:
        return _failure("paywall" if _is_login_wall(error) else "blocked", status=error.status)
    if error.code == "not_html":
        return _failure("not_html", kind=_kind_of_file(error.content_type))
    return _failure(error.code, status=error.status)


def _is_login_wall(error: FetchError) -> bool:
    if error.status in (401, 402):
        return True
    if error.status != 403 or error.page is None:
        return False
    body = error.page.body[:200_000].decode("utf-8", errors="replace").lower()
    return any(hint in body for hint in LOGIN_HINTS)


def _kind_of_file(content_type: str) -> str:
    if content_type == "application/pdf":
        return "a PDF"
    for prefix, kind in (("image/", "an image"), ("video/", "a video"), ("audio/", "an audio file")):
        if content_type.startswith(prefix):
            return kind
    return f"a file of type {content_type}" if content_type else "a file"


def _failure(code: str, *, status: int | None = None, kind: str = "a file") -> ImportFailed:
    seconds = f"{float(settings.FETCH_TIMEOUT):g}"
    megabytes = f"{int(settings.FETCH_MAX_BYTES) / (1024 * 1024):g}"
    status_note = f" ({status})" if status else ""
    messages = {
        "invalid_url": "That doesn't look like a web address. Use a full link starting with http:// or https://.",
        "address_not_allowed": (
            "That link points to a private or local network address, which Threadr can't open. Use a public link."
        ),
        "dns_failure": "We couldn't find that website: the domain name doesn't exist. Check the spelling of the link.",
        "connection_failed": "We couldn't connect to that website. Check the link, or try again in a few minutes.",
        "timeout": f"That site took too long to answer (over {seconds} seconds). Try again later, or paste the text.",
        "too_large": f"That page is too large to import (over {megabytes} MB). Paste the text instead.",
        "too_many_redirects": "That link redirects too many times. Open it in your browser and use the final address.",
        "not_html": f"That link is {kind}, not a web page. Copy the text you want and paste it instead.",
        "not_found": f"We couldn't find that page{status_note}. Check the link.",
        "blocked": f"That site doesn't let Threadr read its pages{status_note}. Paste the text instead.",
        "paywall": "This article is behind a paywall or needs a login. Paste the text instead.",
        "http_error": f"That site answered with an error{status_note}. Try again later, or paste the text instead.",
        "not_article": (
            "We couldn't find an article on that page — it may be a home page or mostly images. Paste the text instead."
        ),
        "too_short": (
            f"That page has too little text to make a thread (we need at least {MIN_ARTICLE_CHARS} characters). "
            "Check the link, or paste the text instead."
        ),
    }
    retryable = code in ("timeout", "connection_failed") or (code == "http_error" and (status or 500) >= 500)
    return ImportFailed(messages.get(code, messages["http_error"]), code=code, retryable=retryable)


def _invalid_url() -> ImportFailed:
    return _failure("invalid_url")


def _kept(name: str) -> bool:
    lowered = name.lower()
    return lowered not in TRACKING_PARAMS and not lowered.startswith(TRACKING_PREFIXES)


def cache_key_for(url: str) -> str:
    """Where the article for `url` (in any spelling) is cached."""
    normalised = normalise_url(url)
    return f"extract:{CACHE_VERSION}:{hashlib.sha256(normalised.encode()).hexdigest()}"


def _decode(page: FetchedPage) -> str:
    """Decode with the charset the server declared; without one, let the page's own declarations decide."""
    codec = _codec(page.charset)
    if codec is not None:
        return page.body.decode(codec, errors="replace")
    return _decode_undeclared(page.body)


def _decode_undeclared(body: bytes) -> str:
    meta = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", body[:4096], re.IGNORECASE)
    codec = _codec(meta.group(1).decode("ascii")) if meta else None
    return body.decode(codec or "utf-8", errors="replace")


def _codec(charset: str | None) -> str | None:
    if not charset:
        return None
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None


def _tidy(text: str) -> str:
    return " ".join(text.split())


def _without_leading_title(blocks: list[Block], title: str) -> list[Block]:
    """The extractor often repeats the headline as the first block; the title already carries it."""
    kinds = (BlockKind.HEADING, BlockKind.PARAGRAPH)
    if blocks and title and blocks[0].kind in kinds and blocks[0].text.casefold() == title.casefold():
        return blocks[1:]
    return blocks


def _article_from_cache(cached: dict[str, Any]) -> Article:
    blocks = tuple(Block(BlockKind(block["kind"]), block["text"], block["level"]) for block in cached["blocks"])
    return Article(**{**cached, "blocks": blocks, "links": tuple(cached["links"])})


def _language(html: str, page: FetchedPage) -> str:
    declared = _HTML_LANG.search(html[:8192])
    if declared:
        return declared.group(1).lower()
    header = page.headers.get("content-language", "")
    primary = re.match(r"\s*([a-zA-Z]{2,3})\b", header)
    return primary.group(1).lower() if primary else ""
