"""trafilatura's structured output -> typed blocks.

trafilatura marks the main content up (the tree its XML output is made from) as `head` (with rend="h2"), `p`,
`list`/`item`, `quote`, `code`, `table`/`row`/`cell`, and inline `hi` (formatting), `ref` (links), `lb` (line
breaks) and `graphic`. Reading that tree instead of its flat text keeps a heading apart from the sentence after it
and a table out of the prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from generator.blocks import is_boilerplate, is_navigation, tidy
from generator.domain import Block, BlockKind

_HEADING_LEVEL = re.compile(r"h([1-6])")
_FOOTNOTE_MARK = re.compile(r"^\W?\d{0,3}\W?$")


@dataclass
class Structure:
    """The main content's blocks, the targets of their links, and how many characters of menu entries and teasers
    were left out."""

    blocks: list[Block] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    navigation: int = 0


def read_tree(body: etree._Element | None, *, author: str) -> Structure:
    """Blocks from the main content's tree (`body`, as trafilatura's extraction returns it)."""
    structure = Structure()
    if body is not None:
        reader = _Reader(author=author, links=structure.links)
        structure.blocks = list(_blocks(body, reader))
        structure.navigation = reader.navigation
    return structure


@dataclass
class _Reader:
    author: str  # a paragraph that only names the author is a byline
    links: list[str]  # the targets of links in the blocks kept
    navigation: int = 0


def _blocks(container: etree._Element, reader: _Reader) -> Iterator[Block]:
    for element in container:
        tag = element.tag
        if tag == "head":
            level = _HEADING_LEVEL.match(element.get("rend", ""))
            yield from _block(BlockKind.HEADING, element, reader, level=int(level.group(1)) if level else 2)
        elif tag == "p":
            yield from _block(BlockKind.PARAGRAPH, element, reader)
        elif tag == "list":
            yield from _items(element, reader)
        elif tag == "quote":
            yield from _block(BlockKind.QUOTE, element, reader)
        elif tag == "code":
            code = "".join(element.itertext()).strip("\n")
            if code.strip():
                yield Block(BlockKind.CODE, code)
        elif tag == "table":
            rows = [" | ".join(tidy(_text(cell, [])) for cell in row.iter("cell")) for row in element.iter("row")]
            rows = [row for row in rows if row.strip(" |")]
            if rows:
                yield Block(BlockKind.TABLE, "\n".join(rows))
        elif tag not in ("graphic", "lb", "hi", "ref") and len(element):
            yield from _blocks(element, reader)
        elif tag not in ("graphic", "lb"):
            yield from _block(BlockKind.PARAGRAPH, element, reader)


def _items(element: etree._Element, reader: _Reader) -> Iterator[Block]:
    ordered = element.get("rend", "") == "ol"
    for number, item in enumerate(element.iterchildren("item"), start=1):
        yield from _block(BlockKind.ITEM, item, reader, level=number if ordered else 0)
        for nested in item.iterchildren("list"):
            yield from _items(nested, reader)


def _block(kind: BlockKind, element: etree._Element, reader: _Reader, *, level: int = 0) -> Iterator[Block]:
    """The element as one block, unless it is a menu entry, a teaser or other boilerplate (whose links are not the
    article's)."""
    targets: list[str] = []
    text = tidy(_text(element, targets))
    if not text or is_boilerplate(text, kind=kind, author=reader.author):
        return
    linked = sum(len(tidy("".join(ref.itertext()))) for ref in element.iter("ref"))
    if kind in (BlockKind.PARAGRAPH, BlockKind.ITEM) and is_navigation(text, linked=linked):
        reader.navigation += len(text)
        return
    reader.links.extend(targets)
    yield Block(kind, text, level)


def _text(element: etree._Element, targets: list[str]) -> str:
    """The element's words: links read as their text (their targets collected), line breaks as spaces, footnote
    superscripts, images and nested lists left out."""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag
        if tag == "ref":
            target = child.get("target", "")
            if target.startswith(("http://", "https://")):
                targets.append(target)
            parts.append(_text(child, targets))
        elif tag == "hi" and child.get("rend") == "#sup" and _FOOTNOTE_MARK.match("".join(child.itertext()).strip()):
            pass
        elif tag == "lb":
            parts.append(" ")
        elif tag not in ("graphic", "list"):
            parts.append(_text(child, targets))
        if tag in ("p", "head"):
            parts.append(" ")
        parts.append(child.tail or "")
    return "".join(parts)
