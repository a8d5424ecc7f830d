"""X's character counting (weighted length, config v3), exactly as X's own composer counts.

The browser's live counter, static/js/xtext.js, is this module's twin: same rules, same tables
(generator/xtext_tables.py and static/js/xtext-tables.js are generated together by generator/xtext_data.py), and a
browser test checks that both give the same numbers.

The rules:
- the text is NFC-normalised first;
- every URL X would link counts 23, whatever its length (see `find_urls`);
- every emoji sequence (skin tones, ZWJ families, keycaps, flags, tag sequences) counts 2 (see `emoji_spans`);
- code points in U+0000-10FF, U+2000-200D, U+2010-201F and U+2032-2037 count 1, everything else 2;
- a tweet is valid when it weighs 1 to 280, holds something other than whitespace, and has no U+FFFE, U+FEFF or
  U+FFFF.

Deliberate choice: "\\r\\n" counts as one line break, weight 1. A browser textarea hands scripts "\\n" while the same
text arrives at the server as "\\r\\n" in a form post, and X stores a line break as one character; counting the pair
once keeps the server, the browser and X in agreement. A lone "\\r" or "\\n" also counts 1.

Offsets: `find_urls` and `emoji_spans` index the Python str they are given (code points). The ranges in `TweetLength`
are UTF-16 code units of the original text, as X's conformance data and the browser's selection APIs use them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from generator.xtext_tables import CCTLD_PATTERN, EXTENDED_PICTOGRAPHIC, GTLD_PATTERN

MAX_WEIGHTED_LENGTH = 280
URL_WEIGHT = 23
EMOJI_WEIGHT = 2

_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
_INVALID_CHARS = frozenset("\ufffe\ufeff\uffff")
_INVALID_RE = re.compile("[\ufffe\ufeff\uffff]")
_HEAVY_RE = re.compile("[^\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]")

# Character groups, spelled so that the same text is valid in JavaScript's `u` mode (see xtext.js). Letters are
# matched in both cases explicitly, never through a case-insensitive flag: Python and JavaScript fold case
# differently for a few characters (such as U+0130), and the server and the browser must find the same URLs.
_SPACES = "\\t-\\r \\u0085\\u00a0\\u1680\\u180e\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
_INVALID = "\\ufffe\\ufeff\\uffff"
_DIRECTIONAL = "\\u202a-\\u202e\\u061c\\u200e\\u200f\\u2066-\\u2069"
_PUNCT = "!'#%&()*+,\\\\\\-./:;<=>?@\\[\\]\\^_{|}~$"
_LATIN_ACCENTS = (
    "\\u00c0-\\u00d6\\u00d8-\\u00f6\\u00f8-\\u00ff\\u0100-\\u024f\\u0253\\u0254\\u0256\\u0257\\u0259\\u025b\\u0263"
    "\\u0268\\u026f\\u0272\\u0289\\u028b\\u02bb\\u0300-\\u036f\\u1e00-\\u1eff"
)
_CYRILLIC = "\\u0400-\\u04ff"

_DOMAIN_CHAR = f"[^{_PUNCT}{_SPACES}{_INVALID}{_DIRECTIONAL}]"
_SUBDOMAIN = f"(?:(?:{_DOMAIN_CHAR}(?:[_\\-]|{_DOMAIN_CHAR})*)?{_DOMAIN_CHAR}\\.)"
_DOMAIN_NAME = f"(?:(?:{_DOMAIN_CHAR}(?:-|{_DOMAIN_CHAR})*)?{_DOMAIN_CHAR}\\.)"
_TLD_END = "(?=[^0-9a-zA-Z@+\\-]|$)"
_GTLD = f"(?:(?:{GTLD_PATTERN}){_TLD_END})"
_CCTLD = f"(?:(?:{CCTLD_PATTERN}){_TLD_END})"
_PUNYCODE = "(?:[xX][nN]--[\\-0-9a-zA-Z]+)"
_DOMAIN = f"(?:{_SUBDOMAIN}*{_DOMAIN_NAME}(?:{_GTLD}|{_CCTLD}|{_PUNYCODE}))"
_PATH_CHAR = f"[a-z{_CYRILLIC}0-9A-Z!*';:=+,.$/%#\\[\\]\\-\\u2013_~@|&{_LATIN_ACCENTS}]"
_BALANCED_PARENS = f"\\((?:{_PATH_CHAR}+|(?:{_PATH_CHAR}*\\({_PATH_CHAR}+\\){_PATH_CHAR}*))\\)"
_PATH_END = f"(?:[+\\-a-z{_CYRILLIC}0-9A-Z=_#/{_LATIN_ACCENTS}]|{_BALANCED_PARENS})"
_PATH = f"(?:(?:{_PATH_CHAR}*(?:{_BALANCED_PARENS}{_PATH_CHAR}*)*{_PATH_END})|(?:@{_PATH_CHAR}+/))"
_QUERY_CHAR = "[a-zA-Z0-9!?*'@();:&=+$/%#\\[\\]\\-_.,~|]"
_QUERY_END = "[a-zA-Z0-9\\-_&=#/]"
_PRECEDING = f"(?:[^A-Za-z0-9@\\uff20$#\\uff03{_INVALID}]|[{_DIRECTIONAL}]|^)"

_URL_RE = re.compile(
    f"(?P<before>{_PRECEDING})"
    "(?P<url>"
    "(?P<protocol>[hH][tT][tT][pP][sS]?://)?"
    f"(?P<domain>{_DOMAIN})"
    "(?::[0-9]+)?"
    f"(?P<path>/{_PATH}*)?"
    f"(?:\\?{_QUERY_CHAR}*{_QUERY_END})?"
    ")"
)
_ASCII_DOMAIN_RE = re.compile(f"(?:(?:[\\-a-zA-Z0-9{_LATIN_ACCENTS}]+)\\.)+(?:{_GTLD}|{_CCTLD}|{_PUNYCODE})")
# Without a scheme, "name.cc" alone is not a link (so "it.It" stays text), except the .co and .tv ones X allows.
_SHORT_CC_DOMAIN_RE = re.compile(f"{_DOMAIN_NAME}{_CCTLD}")
_SPECIAL_SHORT_DOMAIN_RE = re.compile(f"{_DOMAIN_NAME}(?:(?:[cC][oO]|[tT][vV]){_TLD_END})")
_SHORT_LINK_RE = re.compile("[hH][tT][tT][pP][sS]?://[tT]\\.[cC][oO]/([a-zA-Z0-9]+)")
_LABEL_SEPARATORS_RE = re.compile("[.\\u3002\\uff0e\\uff61]")
_NOT_SPACE_RE = re.compile(f"[^{_SPACES}]")

_MAX_URL_LENGTH = 4096
_MAX_SHORT_LINK_SLUG = 40
_MAX_LABEL_LENGTH = 63


def _pictographic_class() -> str:
    """Extended_Pictographic minus U+00A9 and U+00AE, which are emoji only when followed by U+FE0F."""
    parts = []
    for first, last in EXTENDED_PICTOGRAPHIC:
        if first == last and first in (0xA9, 0xAE):
            continue
        parts.append(f"\\U{first:08x}" if first == last else f"\\U{first:08x}-\\U{last:08x}")
    return f"[{''.join(parts)}]"


_PICTOGRAPHIC = _pictographic_class()
_MODIFIER = "[\\U0001f3fb-\\U0001f3ff]"
# One pictograph, possibly with a presentation selector or skin tone; text presentation (U+FE0E) is not emoji.
_EMOJI_ELEMENT = f"(?:[\\u00a9\\u00ae]\\ufe0f|{_PICTOGRAPHIC}(?!\\ufe0e)(?:\\ufe0f|{_MODIFIER})?{_MODIFIER}?)"
_EMOJI_RE = re.compile(
    "\\U0001f3f4[\\U000e0020-\\U000e007e]+\\U000e007f"  # subdivision flags (tag sequences)
    "|[\\U0001f1e6-\\U0001f1ff]{2}"  # country flags
    "|[0-9#*]\\ufe0f?\\u20e3"  # keycaps
    f"|{_EMOJI_ELEMENT}(?:\\u200d{_EMOJI_ELEMENT})*"  # ZWJ sequences and single emoji
)


@dataclass(frozen=True)
class TweetLength:
    """What X's composer shows for a text: its weight, whether it may be posted, and how much of it fits.

    Ranges are inclusive UTF-16 indices into the original text (X's convention, also the browser's).
    """

    weighted_length: int
    valid: bool
    permillage: int
    valid_range_start: int
    valid_range_end: int
    display_range_start: int
    display_range_end: int


def weighted_length(text: str) -> int:
    """The text's weight by X's rules (280 is the limit)."""
    normalized = unicodedata.normalize("NFC", text)
    return _weigh(normalized, _entities(normalized))[0]


def is_valid(text: str) -> bool:
    """Whether X would accept the text as one post."""
    return parse(text).valid


def parse(text: str) -> TweetLength:
    """Weigh the text as X does; see the module docstring for the rules."""
    normalized = unicodedata.normalize("NFC", text)
    entities = _entities(normalized)
    weight, has_invalid = _weigh(normalized, entities)
    if has_invalid or weight > MAX_WEIGHTED_LENGTH:
        valid_end = _valid_end(normalized, entities)
    else:
        valid_end = max(_utf16_length(normalized) - 1, 0)
    text_length = _utf16_length(text)
    return TweetLength(
        weighted_length=weight,
        valid=not has_invalid and 0 < weight <= MAX_WEIGHTED_LENGTH and _NOT_SPACE_RE.search(normalized) is not None,
        permillage=weight * 1000 // MAX_WEIGHTED_LENGTH,
        valid_range_start=0,
        valid_range_end=valid_end + text_length - _utf16_length(normalized),
        display_range_start=0,
        display_range_end=max(text_length - 1, 0),
    )


def find_urls(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of every URL X would link in `text`, in order.

    With a scheme (http or https) any valid domain counts; without one the domain must be ASCII and end in a known
    top-level domain, so "example.com" is a link and "sentence.Second" is not.
    """
    if "." not in text:
        return []
    spans: list[tuple[int, int]] = []
    for match in _URL_RE.finditer(text):
        url, protocol, domain = match["url"], match["protocol"], match["domain"]
        start, end = match.start("url"), match.end("url")
        if not _is_linkable(url=url, protocol=protocol or "https://", domain=domain):
            continue
        if protocol:
            short = _SHORT_LINK_RE.match(url)
            if short and len(short[1]) > _MAX_SHORT_LINK_SLUG:
                continue
            spans.append((start, start + short.end() if short else end))
        elif not match["before"].endswith(("-", "_", ".", "/")):
            spans.extend(_scheme_less_spans(domain=domain, start=start, end=end, has_path=bool(match["path"])))
    return spans


def emoji_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of every emoji sequence in `text`; never cut a text inside one of these."""
    return [match.span() for match in _EMOJI_RE.finditer(text)]


def _entities(text: str) -> dict[int, tuple[int, int]]:
    """Start -> (end, weight) of the URLs and emoji as X's counter meets them; a URL wins over an emoji."""
    entities = {start: (end, EMOJI_WEIGHT) for start, end in emoji_spans(text)}
    entities.update({start: (end, URL_WEIGHT) for start, end in find_urls(text)})
    return entities


def _weigh(text: str, entities: dict[int, tuple[int, int]]) -> tuple[int, bool]:
    """The total weight, and whether a character X refuses occurs, walking entity by entity, not character by
    character (the text between two entities is weighed with one regex pass)."""
    weight, index, has_invalid = 0, 0, False
    for start in sorted(entities):
        if start < index:  # starts inside a previous URL or emoji: X's counter never sees it
            continue
        plain = text[index:start]
        weight += _plain_weight(plain)
        has_invalid = has_invalid or _INVALID_RE.search(plain) is not None
        index, entity_weight = entities[start]
        weight += entity_weight
    plain = text[index:]
    return weight + _plain_weight(plain), has_invalid or _INVALID_RE.search(plain) is not None


def _plain_weight(text: str) -> int:
    return len(text) + len(_HEAVY_RE.findall(text)) - text.count("\r\n")


def _valid_end(text: str, entities: dict[int, tuple[int, int]]) -> int:
    """UTF-16 index of the last code unit that still fits in 280 with nothing refused before it."""
    weight, index, utf16_index, valid_end = 0, 0, -1, 0
    while index < len(text):
        if index in entities:
            end, unit_weight = entities[index]
        elif text.startswith("\r\n", index):
            end, unit_weight = index + 2, 1
        elif text[index] in _INVALID_CHARS:
            return valid_end
        else:
            end, unit_weight = index + 1, _char_weight(text[index])
        weight += unit_weight
        utf16_index += _utf16_length(text[index:end])
        if weight > MAX_WEIGHTED_LENGTH:
            return valid_end
        valid_end = utf16_index
        index = end
    return valid_end


def _scheme_less_spans(*, domain: str, start: int, end: int, has_path: bool) -> list[tuple[int, int]]:
    """The ASCII domains inside a scheme-less match; the last one keeps the path and query when there is a path."""
    spans = [
        (start + found.start(), start + found.end())
        for found in _ASCII_DOMAIN_RE.finditer(domain)
        if has_path or _SPECIAL_SHORT_DOMAIN_RE.fullmatch(found[0]) or not _SHORT_CC_DOMAIN_RE.fullmatch(found[0])
    ]
    if has_path and spans:
        spans[-1] = (spans[-1][0], end)
    return spans


def _is_linkable(*, url: str, protocol: str, domain: str) -> bool:
    """X's host checks: every label fits DNS once punycode-encoded, and the whole URL stays under 4096."""
    if domain.startswith("xn--") and not _ASCII_DOMAIN_RE.search(domain):
        return False
    if any(not 0 < _ascii_label_length(label) <= _MAX_LABEL_LENGTH for label in domain.split(".")):
        return False
    return _utf16_length(protocol) + _utf16_length(url) <= _MAX_URL_LENGTH


def _ascii_label_length(label: str) -> int:
    """Length of the label's ASCII (punycode, "xn--") form, splitting on the dots IDNA treats as dots."""
    parts = _LABEL_SEPARATORS_RE.split(label)
    encoded = (len(part) if part.isascii() else 4 + len(part.encode("punycode")) for part in parts)
    return sum(encoded) + len(parts) - 1


def _char_weight(char: str) -> int:
    code_point = ord(char)
    return 1 if any(first <= code_point <= last for first, last in _LIGHT_RANGES) else 2


def _utf16_length(text: str) -> int:
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)
