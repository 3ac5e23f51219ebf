"""JSON Lines (``.jsonl``, ``.ndjson``, optionally gzipped, or stdin): one object per line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ..article import Article
from ..errors import RecordError
from . import ReadContext, open_binary


def read(path: Path, display: str, ctx: ReadContext) -> Iterator[Article]:
    with open_binary(path) as handle:
        yield from read_stream(handle, str(path), ctx)


def read_stream(handle: IO[bytes], label: str, ctx: ReadContext) -> Iterator[Article]:
    """Stream line by line, so a multi-gigabyte file never sits in memory whole."""
    for number, raw in enumerate(handle, start=1):
        if not raw.strip():
            continue
        source = f"{label}:{number}"
        line = raw.decode("utf-8", errors="surrogateescape")
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            ctx.fail_or_skip(
                RecordError(
                    source,
                    f"invalid JSON ({error.msg} at column {error.colno}); fix the line or "
                    "run with --on-error skip",
                )
            )
            continue
        except RecursionError:
            ctx.fail_or_skip(RecordError(source, "JSON nested too deeply"))
            continue
        article = ctx.emit(record, source, default_id=source)
        if article is not None:
            yield article
