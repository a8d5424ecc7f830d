"""An article's structure as typed blocks: reading pasted text (Markdown or plain) into blocks, cleaning the
boilerplate pages wrap around a story, and rendering the prose view (`Article.text`) from blocks.

Pages (generator.extract) and pasted text both end here, so both are cleaned by the same rules and give the same
blocks for the same article. This module imports no extractor, so reading pasted text stays cheap.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from generator.domain import PROSE_KINDS, Article, Block, BlockKind

HEADING_MAX_WORDS = 12
HEADING_MAX_CHARS = 120
# Lines this long or longer are never boilerplate: bylines, credits and teasers are short.
BOILERPLATE_MAX_CHARS = 200
# A short paragraph or list item made mostly of link text is a menu entry or a teaser for another article.
LINK_SHARE_OF_NAVIGATION = 0.8
SENTENCE_ENDINGS = (".", "!", "?", '"', ":", ";", "\u201d", "\u2019", "\u2026", "\u3002", "\uff01", "\uff1f")

_FENCE = re.compile(r"^\s*(```+|~~~+)")
_ATX_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_ITEM = re.compile(r"^\s*(?:([-*+\u2022\u00b7])|(\d{1,3})[.)])\s+(.*)$")
_QUOTE = re.compile(r"^\s*>\s?(.*)$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_LEADING_MARK = re.compile(r"^(?:#{1,6}\s+|[-*+]\s+|\d{1,3}[.)]\s+|>\s?)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
# Footnote markers: "[1]", "[12]", "[note 3]", "[citation needed]", and superscript digits after punctuation or a
# word of four letters or more (so "m²" and "km²" keep theirs).
_FOOTNOTE = re.compile(r"\s?\[(?:\d{1,3}|note \d{1,3}|citation needed)\]", re.IGNORECASE)
_SUPERSCRIPT = re.compile(r"(?:(?<=[.,;:!?)\"'\u201d\u2019])|(?<=[^\W\d_]{4}))[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+")
_SUPERSCRIPTS = frozenset("\u00b9\u00b2\u00b3\u2070\u2074\u2075\u2076\u2077\u2078\u2079")
_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")

_BOILERPLATE = re.compile(
    r"""^(?:
        (?:read|see|view|show|load|continue\ reading)(?:\ (?:more|the\ full\ (?:story|article)|all))?
        | (?:view|show|load|hide|add|post|leave)\ (?:all\ )?(?:\d+\ )?comments?
        | \d+\ (?:comments?|responses?|replies|shares?)
        | comments?(?:\ \(\d+\))?
        | share(?:\ this)?(?:\ (?:article|story|post|page))?(?:\ on\ \w+)?
        | advertisement | anzeige | publicit[ée] | sponsored(?:\ content)?
        | (?:related|recommended|popular|trending)(?:\ (?:articles?|stories|posts|reading|content|for\ you))?
        | (?:you\ (?:may|might)\ also\ like|more\ (?:from|on|in)\ .{0,60})
        | (?:back\ to\ top|skip\ to\ (?:main\ )?content|print|email|tweet)
        | (?:mehr\ zum\ thema|weiterlesen|mehr\ lesen|lire\ la\ suite|en\ savoir\ plus)
        | (?:leer\ m[aá]s|leia\ mais|leggi\ (?:di\ pi[uù]|anche))
    )\W*$""",
    re.IGNORECASE | re.VERBOSE,
)
_TEASER = re.compile(
    r"^(?:related|read\ (?:also|more|next)|see\ also|also\ read|more\ on\ this|recommended|lesen\ sie\ auch|"
    r"mehr\ zum\ thema|lire\ aussi|[àa]\ lire\ aussi|lee\ tambi[ée]n|leia\ tamb[ée]m|leggi\ anche)\s*[:\u2013\u2014-]",
    re.IGNORECASE | re.VERBOSE,
)
_NAME = r"(?:[A-ZÀ-ÖØ-Þ][\w.'\u2019-]*|van|von|de|da|di|del|der|le|la)"
_BYLINE = re.compile(
    rf"^(?i:by|written by|von|par|por|di)\s+[A-ZÀ-ÖØ-Þ][\w.'\u2019-]*(?:\s+{_NAME}){{0,3}}"
    rf"(?:\s*(?:,|and|&|und|et|y|e)\s+[A-ZÀ-ÖØ-Þ][\w.'\u2019-]*(?:\s+{_NAME}){{0,3}})*"
    r"(?:\s*[|,\u00b7\u2022\u2013\u2014-]\s*.{0,60})?$"
)
_CREDIT = re.compile(
    r"""^\(?(?:photo(?:graph)?|image|picture|illustration|foto|bild|cr[ée]dits?(?:\ photo)?|source)s?
        (?:\ credits?)?\s*(?::|by\b|/|\u00a9)
    | ^\(?(?:\u00a9|\(c\)\s)
    | /\s*(?:getty\ images|reuters|associated\ press|ap|afp|dpa|epa|shutterstock|alamy|unsplash)\W*\)?\s*$
    | ^[^.!?]{0,80}(?:getty\ images|shutterstock|alamy|unsplash)\W*\)?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_TRAILING_MORE = re.compile(
    r"\s*(?:\.\.\.|\u2026)?\s*(?:read more|continue reading|weiterlesen|lire la suite)\W*$", re.IGNORECASE
)


@dataclass(frozen=True)
class Reading:
    """Pasted text, read: its blocks and the URLs its Markdown links pointed to."""

    blocks: tuple[Block, ...]
    links: tuple[str, ...]


def article_from_text(text: str, *, url: str = "", language: str = "") -> Article:
    """Pasted text (or a plain-text page) as an Article of blocks, titled by its first line when that is a heading
    (a Markdown heading, or a short line that reads as one)."""
    reading = read_text(text)
    first = reading.blocks[0] if reading.blocks else None
    title = first.text if first is not None and first.kind == BlockKind.HEADING and len(first.text) <= 120 else ""
    return Article(
        text=render_text(reading.blocks),
        title=title,
        url=url,
        canonical_url=url,
        language=language,
        blocks=reading.blocks,
        links=reading.links,
    )


def read_text(text: str) -> Reading:
    """Read pasted text (or a plain-text page) into blocks. Blank lines separate blocks; Markdown headings, lists,
    quotes, tables and code fences keep their kind; `[text](url)` keeps the text and records the URL. Text with no
    blank line whose lines mostly end a sentence is read one block per line, as text copied from a web page usually
    is; hard-wrapped text (lines ending mid-sentence) is joined into paragraphs."""
    links: list[str] = []
    lines = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    filled = _trimmed(lines)
    ended = sum(line.rstrip().endswith(SENTENCE_ENDINGS) for line in filled)
    one_per_line = all(line.strip() for line in filled) and 2 * ended >= len(filled)
    raw = list(_raw_blocks(lines, one_per_line=one_per_line))
    blocks = clean_blocks(block for block in (_inline(block, links) for block in raw) if block.text)
    # Bylines and credits go before short lines are read as headings, and headings left empty after.
    return Reading(blocks=tuple(clean_blocks(_headings_from_short_lines(blocks))), links=tuple(dict.fromkeys(links)))


def _trimmed(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _raw_blocks(lines: list[str], *, one_per_line: bool) -> Iterator[Block]:
    paragraph: list[str] = []
    index = 0

    def flush() -> Iterator[Block]:
        if paragraph:
            yield Block(BlockKind.PARAGRAPH, " ".join(part.strip() for part in paragraph))
            paragraph.clear()

    while index < len(lines):
        line = lines[index]
        fence = _FENCE.match(line)
        if fence:
            yield from flush()
            end = next((i for i in range(index + 1, len(lines)) if lines[i].strip().startswith(fence.group(1))), None)
            body = lines[index + 1 : end if end is not None else len(lines)]
            yield Block(BlockKind.CODE, "\n".join(body).strip("\n"))
            index = (end if end is not None else len(lines)) + 1
            continue
        if _TABLE_ROW.match(line) and index + 1 < len(lines) and _TABLE_RULE.match(lines[index + 1]):
            yield from flush()
            rows = [line]
            index += 2
            while index < len(lines) and _TABLE_ROW.match(lines[index]):
                rows.append(lines[index])
                index += 1
            yield Block(BlockKind.TABLE, "\n".join(_table_row(row) for row in rows))
            continue
        heading = _ATX_HEADING.match(line)
        item = _ITEM.match(line)
        quote = _QUOTE.match(line)
        underline = _SETEXT_UNDERLINE.match(line)
        if not line.strip():
            yield from flush()
        elif heading:
            yield from flush()
            yield Block(BlockKind.HEADING, heading.group(2), len(heading.group(1)))
        elif underline and len(paragraph) == 1 and not _ITEM.match(paragraph[0]):
            yield Block(BlockKind.HEADING, paragraph.pop().strip(), 1 if underline.group(1)[0] == "=" else 2)
        elif item:
            yield from flush()
            body = [item.group(3)]
            while (
                index + 1 < len(lines)
                and lines[index + 1].startswith(("  ", "\t"))
                and not _starts_block(lines[index + 1])
            ):
                index += 1
                body.append(lines[index].strip())
            yield Block(BlockKind.ITEM, " ".join(body), int(item.group(2) or 0))
        elif quote:
            yield from flush()
            body = [quote.group(1)]
            while index + 1 < len(lines) and _QUOTE.match(lines[index + 1]):
                index += 1
                body.append(_QUOTE.sub(r"\1", lines[index]))
            yield Block(BlockKind.QUOTE, " ".join(part.strip() for part in body if part.strip()))
        else:
            paragraph.append(line)
            if one_per_line:
                yield from flush()
        index += 1
    yield from flush()


def _starts_block(line: str) -> bool:
    return bool(not line.strip() or _ITEM.match(line) or _ATX_HEADING.match(line) or _FENCE.match(line))


def _table_row(row: str) -> str:
    return " | ".join(cell.strip() for cell in row.strip().strip("|").split("|"))


def _inline(block: Block, links: list[str]) -> Block:
    """Markdown inline marks read as plain words; a link keeps its words, and its URL is remembered."""
    if block.kind in (BlockKind.CODE, BlockKind.TABLE):
        return block
    text = _IMAGE.sub("", block.text)
    found = list(_LINK.finditer(text))
    text = _LINK.sub(r"\1", text)
    if block.kind in (BlockKind.PARAGRAPH, BlockKind.ITEM) and is_navigation(
        tidy(text), linked=sum(len(match.group(1)) for match in found)
    ):
        return Block(block.kind, "")
    links.extend(match.group(2) for match in found)
    text = _AUTOLINK.sub(r"\1", text)
    text = _INLINE_CODE.sub(r"\1", _EMPHASIS.sub(r"\1", _STRONG.sub(r"\2", text)))
    return Block(block.kind, tidy(text), block.level)


def _headings_from_short_lines(blocks: list[Block]) -> list[Block]:
    """A short line with no closing punctuation, standing alone before more text, is a heading (level 1 when it
    opens the text): pasted text rarely marks its headings."""
    read: list[Block] = []
    for position, block in enumerate(blocks):
        if block.kind == BlockKind.PARAGRAPH and position + 1 < len(blocks) and looks_like_heading(block.text):
            block = Block(BlockKind.HEADING, block.text, 1 if position == 0 else 2)
        read.append(block)
    return read


def looks_like_heading(line: str) -> bool:
    return (
        0 < len(line) <= HEADING_MAX_CHARS
        and len(line.split()) <= HEADING_MAX_WORDS
        and not line.endswith((".", "!", ",", ";", ":", "\u2026", "\u3002"))
    )


def tidy(text: str) -> str:
    """One space between words, no footnote markers."""
    if "[" in text:
        text = _FOOTNOTE.sub("", text)
    if not _SUPERSCRIPTS.isdisjoint(text):
        text = _SUPERSCRIPT.sub("", text)
    return " ".join(text.split())


def clean_blocks(blocks: Iterable[Block], *, author: str = "") -> list[Block]:
    """Drop what a page wraps around a story: bylines, photo credits, "Read more", comment counts, share buttons,
    related-article teasers, and headings left with nothing under them. Code blocks and tables are kept as they
    are."""
    kept: list[Block] = []
    for block in blocks:
        if block.kind in (BlockKind.CODE, BlockKind.TABLE):
            kept.append(block)
            continue
        text = _without_trailing_more(block.text) if block.kind in PROSE_KINDS else block.text
        if text and not is_boilerplate(text, kind=block.kind, author=author):
            kept.append(Block(block.kind, text, block.level))
    following = [*kept[1:], None] if kept else []
    return [block for block, after in zip(kept, following, strict=True) if not _empty_section(block, after)]


def _without_trailing_more(text: str) -> str:
    """A teaser's "... Read more" cut off its end (searched in the end only: the pattern is slow over a long text)."""
    tail = text[-40:]
    found = _TRAILING_MORE.search(tail)
    return text[: len(text) - len(tail) + found.start()] if found else text


def _empty_section(block: Block, following: Block | None) -> bool:
    """A heading followed by no text before the next heading of its rank or higher."""
    if block.kind != BlockKind.HEADING:
        return False
    return following is None or (following.kind == BlockKind.HEADING and following.level <= block.level)


def is_navigation(text: str, *, linked: int) -> bool:
    """Whether a paragraph or item whose links' words are `linked` characters long is a menu entry or teaser."""
    return len(text) <= BOILERPLATE_MAX_CHARS and linked >= LINK_SHARE_OF_NAVIGATION * len(text)


def is_boilerplate(text: str, *, kind: BlockKind = BlockKind.PARAGRAPH, author: str = "") -> bool:
    """Whether a short block is page furniture. Only a paragraph can be a byline or a credit ("By Design" may head a
    section); a line ending a sentence is never a byline."""
    if len(text) > BOILERPLATE_MAX_CHARS:
        return False
    if _BOILERPLATE.match(text) or _TEASER.match(text):
        return True
    if kind != BlockKind.PARAGRAPH:
        return False
    if author and text.strip(" .").casefold() in (author.casefold(), f"by {author}".casefold()):
        return True
    if _CREDIT.search(text):
        return True
    return bool(_BYLINE.match(text)) and not text.endswith((".", "!", "?")) and len(text.split()) <= 12


def render_text(blocks: Iterable[Block]) -> str:
    """The prose view: headings as Markdown "#" lines, list items as "- " or "1. " lines (a list stays one
    paragraph), one blank line between blocks; code and tables left out."""
    parts: list[str] = []
    previous: Block | None = None
    for block in blocks:
        if block.kind in (BlockKind.CODE, BlockKind.TABLE):
            previous = block
            continue
        if block.kind == BlockKind.HEADING:
            line = f"{'#' * min(max(block.level, 1), 6)} {block.text}"
        elif block.kind == BlockKind.ITEM:
            line = f"{block.level}. {block.text}" if block.level else f"- {block.text}"
        else:
            line = block.text
        if _same_list(previous, block) and parts:
            parts[-1] = f"{parts[-1]}\n{line}"
        else:
            parts.append(line)
        previous = block
    return "\n\n".join(parts)


def capped(article: Article, *, limit: int) -> Article:
    """`article` with at most `limit` characters of prose view, cut after a whole block, or inside the block that
    crosses the limit at a sentence when cutting before it would lose more than half. Its blocks are cut at the same
    place, so the structure and the text say the same thing; a heading left with nothing under it goes too."""
    if len(article.text) <= limit:
        return article
    if not article.blocks:
        return replace(article, text=_cut_at_sentence(article.text, limit, paragraphs=True))
    blocks = article.blocks
    low, high = 0, len(blocks)  # the longest run of whole blocks whose text fits, by bisection
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if len(render_text(blocks[:middle])) <= limit else (low, middle - 1)
    kept = list(blocks[:low])
    crossing = blocks[low] if low < len(blocks) else None
    if crossing is not None and crossing.kind in PROSE_KINDS and len(render_text(kept)) < limit // 2:
        room = limit - len(render_text(kept)) - len("\n\n1. ")
        head = _cut_at_sentence(crossing.text, room, paragraphs=False)
        if head:
            kept.append(Block(crossing.kind, head, crossing.level))
    while kept and kept[-1].kind == BlockKind.HEADING:
        kept.pop()
    return replace(article, text=render_text(kept), blocks=tuple(kept))


def _cut_at_sentence(text: str, limit: int, *, paragraphs: bool) -> str:
    """The text's first `limit` characters, cut at a blank line (when `paragraphs` and that keeps half) or after a
    sentence; "" when no sentence ends in them."""
    head = text[:limit]
    cut = head.rfind("\n\n") if paragraphs else -1
    if cut < limit // 2:
        cut = head.rfind(". ") + 1
    return head[:cut].rstrip() if cut > 0 else ("" if not paragraphs else head.rstrip())


def _same_list(previous: Block | None, block: Block) -> bool:
    """Whether `block` goes on the list `previous` belongs to: bullets follow bullets, 3 follows 2."""
    if previous is None or previous.kind != BlockKind.ITEM or block.kind != BlockKind.ITEM:
        return False
    return block.level == 0 if previous.level == 0 else block.level == previous.level + 1


def prose_chars(blocks: Iterable[Block], *, enough: int | None = None) -> int:
    """How many characters of the blocks are sentences, as opposed to menus, headline lists and dates; counting
    stops once there are `enough`."""
    total = 0
    for block in blocks:
        if block.kind in PROSE_KINDS:
            total += sum(len(piece) for piece in _sentences(block.text))
            if enough is not None and total >= enough:
                break
    return total


def _sentences(text: str) -> Iterator[str]:
    for piece in re.split(r"(?<=[.!?\u2026\u3002\uff01\uff1f])\s+", text):
        stripped = piece.strip()
        if len(stripped.split()) >= 4 and stripped.endswith(SENTENCE_ENDINGS):
            yield stripped


def template_marks(blocks: Iterable[Block]) -> int:
    """How many unrendered template expressions (`{{ ... }}`, `{% ... %}`) the prose holds."""
    found = (_TEMPLATE.findall(block.text) for block in blocks if block.kind != BlockKind.CODE and "{" in block.text)
    return sum(len(marks) for marks in found)


def opening_words(text: str, *, limit: int = 70) -> str:
    """A title for an untitled article: its first line's words up to `limit` characters, cut at a word."""
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    first = _LEADING_MARK.sub("", first)
    if len(first) <= limit:
        return first
    cut = first[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:\u2013\u2014-")
    return cut + "…"
