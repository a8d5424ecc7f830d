"""The picture link previews show for a shared thread (`og:image`): a 1200x630 PNG with the title, the first
tweet, the author and Threadr's mark, drawn by Pillow in the bundled Noto Sans (generator/fonts, OFL). The only
module importing Pillow.

`share_image_png` is the cached door; `render` draws. What the picture shows is a `ShareCard`, and its digest names
the picture: it goes into the image's URL and cache key, so a changed title, tweet or profile is a new URL, and an
unchanged one is drawn once and then read from the cache.
"""

from __future__ import annotations

import hashlib
import io
import json
import unicodedata
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from django.core.cache import cache as django_cache
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
FONT_PATH = Path(__file__).resolve().parent / "fonts" / "NotoSans-Regular.ttf"
# Part of every digest: bump it when the drawing changes, so cached pictures and URLs move on with it.
REVISION = 1
CACHE_SECONDS = 7 * 24 * 3600

BACKGROUND = (255, 255, 255)
TEXT = (15, 20, 25)
MUTED = (83, 100, 113)
ACCENT = (23, 102, 194)
MARK = (29, 155, 240)
RULE = (217, 225, 231)

MARGIN = 80
TEXT_WIDTH = WIDTH - 2 * MARGIN
# Title sizes tried from the largest down: the first that fits in TITLE_LINES is used; at the smallest, the last
# line ends in an ellipsis.
TITLE_SIZES = (64, 56, 48)
TITLE_LINES = 3
EXCERPT_SIZE = 30
NAME_SIZE = 30
# Bold is drawn as an outline this wide around the regular glyphs: it widens text by this much on each side.
BOLD = 1


@dataclass(frozen=True)
class ShareCard:
    """What the picture shows; nothing else reaches the drawing."""

    title: str
    excerpt: str
    author: str
    handle: str = ""
    verified: bool = False

    def digest(self) -> str:
        payload = json.dumps({**asdict(self), "revision": REVISION}, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def share_image_png(*, thread_id: int, card: ShareCard) -> bytes:
    """The PNG for `card`, drawn once per thread and digest and then served from the cache."""
    key = f"share-image:{thread_id}:{card.digest()}"
    png: bytes | None = django_cache.get(key)
    if png is None:
        png = render(card)
        django_cache.set(key, png, CACHE_SECONDS)
    return png


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_PATH), size)


@cache
def _missing_glyph(size: int) -> bytes:
    # A private-use code point has no glyph in Noto Sans: its mask is the "missing" box.
    return bytes(_font(size).getmask("\ue000"))


@cache
def _has_glyph(char: str, size: int) -> bool:
    return bytes(_font(size).getmask(char)) != _missing_glyph(size)


def _drawable(text: str, size: int) -> str:
    """`text` without the characters the font has no glyph for (emoji, CJK), which would draw as empty boxes.
    The bundled font covers Latin, Greek and Cyrillic; other scripts are left out of the picture."""
    kept = []
    for char in unicodedata.normalize("NFC", text):
        if char.isspace():
            kept.append(" ")
        elif unicodedata.category(char) in {"Cc", "Cf"}:  # controls and joiners: nothing to draw
            continue
        elif _has_glyph(char, size):
            kept.append(char)
    return " ".join("".join(kept).split())


def _width(text: str, font: ImageFont.FreeTypeFont) -> float:
    return font.getlength(text)


def _ellipsis(line: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """`line` cut at a word (or a character, for one long word) so that it and "…" fit in `width`."""
    line = line.rstrip()
    while line and _width(line + "…", font) > width:
        cut = line.rfind(" ")
        line = line[:cut].rstrip() if cut > 0 and _width(line[:cut] + "…", font) <= width else line[:-1].rstrip()
    return line.rstrip(" ,;:.-\u2013\u2014") + "…"


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int, max_lines: int) -> tuple[list[str], bool]:
    """Lines of `text` no wider than `width`, broken at spaces (a word wider than a line is broken anywhere), at
    most `max_lines` of them, the last ending in an ellipsis when text was left out. Also whether it all fit."""
    lines: list[str] = []
    words = text.split(" ")
    current = ""
    index = 0
    while index < len(words):
        word = words[index]
        candidate = f"{current} {word}" if current else word
        if _width(candidate, font) <= width:
            current = candidate
            index += 1
            continue
        if not current:  # one word wider than the line: break it where it overflows
            cut = max(1, next(i for i in range(1, len(word) + 1) if _width(word[:i], font) > width) - 1)
            lines.append(word[:cut])
            words[index] = word[cut:]
        else:
            lines.append(current)
            current = ""
        if len(lines) == max_lines:
            lines[-1] = _ellipsis(lines[-1], font, width)
            return lines, False
    if current:
        lines.append(current)
    return lines, True


def _title_lines(title: str) -> tuple[list[str], ImageFont.FreeTypeFont]:
    for size in TITLE_SIZES:
        font = _font(size)
        lines, fits = _wrap(_drawable(title, size), font, TEXT_WIDTH - 2 * BOLD, TITLE_LINES)
        if fits:
            return lines, font
    return lines, font


def _draw_mark(draw: ImageDraw.ImageDraw, x: int, y: int, size: int) -> None:
    """Threadr's logo (static/img/logo.svg) at `size` pixels: a rounded square with a T and two short lines."""
    scale = size / 32
    draw.rounded_rectangle((x, y, x + size, y + size), radius=8 * scale, fill=MARK)
    stroke = round(3 * scale)
    for (x1, y1), (x2, y2) in (((9, 9), (23, 9)), ((16, 9), (16, 24)), ((11, 16), (15, 16)), ((11, 21), (15, 21))):
        start, end = (x + x1 * scale, y + y1 * scale), (x + x2 * scale, y + y2 * scale)
        draw.line((start, end), fill="white", width=stroke)
        for cx, cy in (start, end):  # round caps
            draw.ellipse((cx - stroke / 2, cy - stroke / 2, cx + stroke / 2, cy + stroke / 2), fill="white")


def _draw_verified(draw: ImageDraw.ImageDraw, x: float, y: float, size: int) -> None:
    """A filled circle with a tick: drawn, since the font has no check mark."""
    draw.ellipse((x, y, x + size, y + size), fill=ACCENT)
    points = [
        (x + size * 0.28, y + size * 0.52),
        (x + size * 0.44, y + size * 0.68),
        (x + size * 0.73, y + size * 0.36),
    ]
    draw.line(points, fill="white", width=max(2, size // 8), joint="curve")


def render(card: ShareCard) -> bytes:
    """Draw `card` as a PNG. Long text wraps and ends in an ellipsis; nothing is drawn outside the picture."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 16, HEIGHT), fill=MARK)

    # Threadr's mark, top left.
    _draw_mark(draw, MARGIN, 56, 44)
    draw.text((MARGIN + 60, 78), "Threadr", font=_font(32), fill=TEXT, anchor="lm", stroke_width=BOLD, stroke_fill=TEXT)

    # The title, as large as fits in three lines, in faux bold (one font file is bundled).
    lines, font = _title_lines(card.title)
    y = 140
    line_height = round(font.size * 1.22)
    for line in lines:
        draw.text((MARGIN + BOLD, y), line, font=font, fill=TEXT, stroke_width=BOLD, stroke_fill=TEXT)
        y += line_height

    # The first tweet, in what room the title left above the author line.
    footer_top = HEIGHT - 130
    excerpt_font = _font(EXCERPT_SIZE)
    excerpt_line = round(EXCERPT_SIZE * 1.4)
    room = max(0, (footer_top - 24 - (y + 16)) // excerpt_line)
    excerpt = _drawable(card.excerpt, EXCERPT_SIZE)
    if excerpt and room:
        y += 16
        for line in _wrap(excerpt, excerpt_font, TEXT_WIDTH, min(room, 3))[0]:
            draw.text((MARGIN, y), line, font=excerpt_font, fill=MUTED)
            y += excerpt_line

    # The author, bottom left: an initial in a circle, the name, the handle (with a tick when X confirmed it).
    draw.line((MARGIN, footer_top, WIDTH - MARGIN, footer_top), fill=RULE, width=2)
    centre = footer_top + 65
    avatar = 64
    draw.ellipse((MARGIN, centre - avatar // 2, MARGIN + avatar, centre + avatar // 2), fill=ACCENT)
    name = _drawable(card.author, NAME_SIZE) or "A Threadr user"
    initial = name[0].upper()
    draw.text((MARGIN + avatar / 2, centre), initial, font=_font(32), fill="white", anchor="mm")
    x = MARGIN + avatar + 20
    name_font = _font(NAME_SIZE)
    handle = f"@{card.handle}" if card.handle else ""
    handle_width = _width(handle, name_font) + (44 if card.verified else 0) + 24 if handle else 0
    name_room = round(WIDTH - MARGIN - 60 - x - handle_width) - 2 * BOLD
    if _width(name, name_font) > name_room:
        name = _ellipsis(name, name_font, name_room)
    draw.text((x + BOLD, centre), name, font=name_font, fill=TEXT, anchor="lm", stroke_width=BOLD, stroke_fill=TEXT)
    if handle:
        x += round(_width(name, name_font)) + 2 * BOLD + 24
        draw.text((x, centre), handle, font=name_font, fill=MUTED, anchor="lm")
        if card.verified:
            _draw_verified(draw, x + _width(handle, name_font) + 10, centre - 15, 30)

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
