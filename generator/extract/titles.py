"""A page's title without the site's name and the date pages append to it ("... | DW | 19.01.2020",
"... - Stack Overflow Blog", "Site Name — ...")."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Separators between a title and the site's name: a bar, or a dash, bullet or guillemet with spaces around it.
_SEPARATOR = re.compile(r"\s*\|\s*|\s+(?:[-\u2013\u2014\u00b7\u2022\u00bb\u203a:]{1,2})\s+")
_COMPACT = re.compile(r"[\W_]+")
_NUMERIC_DATE = re.compile(r"^(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}[./-]\d{1,2}[./-]\d{1,2})$")
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
# The first three letters of month names in English, German, French, Spanish, Portuguese and Italian.
_MONTHS = frozenset(
    {
        *("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        *("mär", "mai", "okt", "dez", "fév", "avr", "jui", "aoû", "déc", "ene", "abr", "ago", "dic", "fev", "set"),
        *("out", "gen", "mag", "giu", "lug", "ott"),
    }
)
_DATE_WORDS = frozenset({"de", "of", "del", "updated", "published", "am", "le"})


def clean_title(title: str, *, site_names: Iterable[str] = ()) -> str:
    """Drop leading and trailing parts of `title` that name the site or give a date; the headline stays."""
    title = " ".join(title.split())
    names = {_compact(name) for name in site_names if _compact(name)}
    parts = _SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    separators = _SEPARATOR.findall(title)
    start, end = 0, len(parts)
    while end - start > 1 and _is_site_or_date(parts[end - 1], names):
        end -= 1
    while end - start > 1 and _is_site_or_date(parts[start], names):
        start += 1
    kept = parts[start]
    for index in range(start + 1, end):
        kept += separators[index - 1] + parts[index]
    return kept.strip()


def site_names(*, sitename: str, hostname: str) -> list[str]:
    """The ways a page may name its site: its declared name, its host ("stackoverflow.blog"), and a host's or a
    domain-like site name's ("DW.COM") name without "www." and the top-level domain ("stackoverflow", "dw")."""
    names = [sitename, hostname]
    for name in (sitename, hostname):
        labels = name.lower().removeprefix("www.").split(".")
        if len(labels) > 1 and " " not in name:
            names.extend((".".join(labels), ".".join(labels[:-1]), labels[-2]))
    return [name for name in names if name]


def _is_site_or_date(part: str, names: set[str]) -> bool:
    return _is_site(part, names) or _is_date(part)


def _is_site(part: str, names: set[str]) -> bool:
    compact = _compact(part)
    if not compact:
        return True
    if compact in names:
        return True
    # "Stack Overflow Blog" names the site stackoverflow.blog; "DW.com" names dw.com.
    return len(part.split()) <= 4 and any(len(name) >= 4 and compact.startswith(name) for name in names)


def _is_date(part: str) -> bool:
    if _NUMERIC_DATE.match(part.strip()):
        return True
    words = [word for word in re.split(r"[\s,.]+", part.strip().lower()) if word]
    if not words or len(words) > 5 or not any(_YEAR.match(word) for word in words):
        return False
    return all(word.isdigit() or word[:3] in _MONTHS or word in _DATE_WORDS for word in words)


def _compact(text: str) -> str:
    return _COMPACT.sub("", text).lower()
