"""JSON Lines (``.jsonl``, ``.ndjson``, optionally gzipped, or stdin): one object per line."""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

try:  # the fast extra: six times faster; anything it refuses is read again by json
    from orjson import loads as _fast_loads
except ImportError:  # pragma: no cover - depends on the extras installed
    _fast_loads = None  # type: ignore[assignment]

from ..article import Article
from ..errors import RecordError
from ..fields import option
from . import (
    DECODE_ERRORS,
    ReadContext,
    ascii_compatible,
    encoding_of,
    label_of,
    open_binary,
    peek,
)


def read(path: Path, display: str, ctx: ReadContext) -> Iterator[Article]:
    with open_binary(path) as handle:
        yield from read_stream(handle, label_of(path), ctx)


def read_stream(handle: IO[bytes], label: str, ctx: ReadContext) -> Iterator[Article]:
    """Stream line by line, so a multi-gigabyte file never sits in memory whole."""
    head, handle = peek(handle)
    encoding = encoding_of(head, ctx)
    if encoding == "utf-8-sig":  # drop the mark, then split and decode lines as UTF-8
        handle.read(len(codecs.BOM_UTF8))
        encoding = "utf-8"
    yield from _records(_lines(handle, encoding), label, ctx, 1)


def read_range(path: Path, label: str, start: int, end: int, first_line: int,
               encoding: str, ctx: ReadContext,
               spans: list[tuple[int, int, int]] | None = None) -> Iterator[Article]:
    """The records of bytes ``start:end`` of a file in an ASCII-compatible ``encoding``, a
    run of whole lines whose first is line ``first_line``: what a reading worker parses,
    named as the whole file's read names them. With ``spans``, each record's line (its
    bytes ``start, end`` and its number) is appended to it as the record is given, so that
    the record can be read again alone: ``read_range`` over that span."""
    with open(path, "rb") as handle:
        handle.seek(start)
        data = handle.read(end - start)
    line_at = [start, start, first_line - 1]  # the line being parsed: start, end, number

    def counted(raw_lines: Iterator[bytes]) -> Iterator[bytes]:
        for raw in raw_lines:
            line_at[0] = line_at[1]
            line_at[1] += len(raw)
            line_at[2] += 1
            yield raw

    for article in _records(_lines(io.BytesIO(data), encoding, counted), label, ctx,
                            first_line):
        if spans is not None:
            spans.append((line_at[0], line_at[1], line_at[2]))
        yield article


def _records(lines: Iterator[str], label: str, ctx: ReadContext,
             first_line: int) -> Iterator[Article]:
    for number, line in enumerate(lines, start=first_line):
        if not line.strip():
            continue
        source = f"{label}:{number}"
        if ctx.only is not None and source not in ctx.only:
            continue  # a second read for other records: this line is not even parsed
        try:
            record = _loads(line)
        except json.JSONDecodeError as error:
            ctx.fail_or_skip(
                RecordError(
                    source,
                    f"invalid JSON ({error.msg} at column {error.colno}); fix the line or "
                    f"run with {option('on_error', 'skip')}",
                )
            )
            continue
        except RecursionError:
            ctx.fail_or_skip(RecordError(source, "JSON nested too deeply"))
            continue
        article = ctx.emit(record, source, default_id=source)
        if article is not None:
            yield article


def _loads(line: str) -> object:
    """orjson when installed; json for what orjson refuses (NaN, huge integers, lone
    surrogates) and for the error message, so both paths read the same records."""
    if _fast_loads is not None:
        try:
            return _fast_loads(line)
        except ValueError:
            pass
    return json.loads(line)


def _lines(handle: IO[bytes], encoding: str,
           raw: Callable[[Iterator[bytes]], Iterator[bytes]] = iter) -> Iterator[str]:
    """Each line as text; for an ASCII-compatible encoding the raw lines pass through ``raw``
    on their way (``read_range`` notes where each is)."""
    if ascii_compatible(encoding):
        # Split on b"\n" first, then decode: a bad byte is blamed on its own line.
        for line in raw(iter(handle)):
            yield line.decode(encoding, errors=DECODE_ERRORS)
    else:
        yield from io.TextIOWrapper(handle, encoding=encoding, errors=DECODE_ERRORS,
                                    newline="\n")
