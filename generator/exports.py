"""A thread as a file: plain text, Markdown or JSON."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.utils.text import slugify

from generator import xtext
from generator.models import Thread


def as_text(thread: Thread) -> str:
    return "\n\n".join(thread.tweets) + "\n"


def as_markdown(thread: Thread) -> str:
    lines = [f"# {thread.title}", ""]
    if thread.source_url:
        lines += [f"Source: <{thread.source_url}>", ""]
    for position, text in enumerate(thread.tweets, start=1):
        lines += [f"## Tweet {position}", "", text, ""]
    return "\n".join(lines)


def as_json(thread: Thread) -> str:
    data = {
        "id": thread.pk,
        "title": thread.title,
        "source_url": thread.source_url,
        "created_at": thread.created_at.isoformat(),
        "tweets": [
            {"position": position, "text": text, "weighted_length": xtext.weighted_length(text)}
            for position, text in enumerate(thread.tweets, start=1)
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


EXPORTERS: dict[str, tuple[str, Callable[[Thread], str]]] = {
    "txt": ("text/plain; charset=utf-8", as_text),
    "md": ("text/markdown; charset=utf-8", as_markdown),
    "json": ("application/json", as_json),
}


def export_filename(thread: Thread, kind: str) -> str:
    return f"{slugify(thread.title)[:60] or 'thread'}-{thread.pk}.{kind}"
