"""JSON written piece by piece, for downloads too large to build in memory (the data export)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

CHUNK_BYTES = 64 * 1024  # what is handed to the server at a time: few writes, little held


def json_chunks(document: Mapping[str, Any]) -> Iterator[bytes]:
    """`document` as indented UTF-8 JSON, in chunks of about CHUNK_BYTES. A value that is an iterator (a queryset's
    `.iterator()`) becomes an array written an item at a time, so only one item and one chunk are held at once."""
    buffer: list[bytes] = []
    size = 0
    for piece in _pieces(document):
        data = piece.encode()
        buffer.append(data)
        size += len(data)
        if size >= CHUNK_BYTES:
            yield b"".join(buffer)
            buffer, size = [], 0
    yield b"".join(buffer)


def _pieces(document: Mapping[str, Any]) -> Iterator[str]:
    yield "{"
    for index, (key, value) in enumerate(document.items()):
        yield f"{',' if index else ''}\n  {_dumps(key, 2)}: "
        if isinstance(value, Iterator):
            yield from _array(value)
        else:
            yield _dumps(value, 2)
    yield "\n}\n"


def _array(items: Iterable[Any]) -> Iterator[str]:
    yield "["
    empty = True
    for item in items:
        yield f"{'' if empty else ','}\n    {_dumps(item, 4)}"
        empty = False
    yield "]" if empty else "\n  ]"


def _dumps(value: Any, depth: int) -> str:
    """One value, indented as if it stood `depth` spaces deep (JSON strings hold no raw newlines to disturb)."""
    return json.dumps(value, indent=2, ensure_ascii=False, default=str).replace("\n", "\n" + " " * depth)
