"""CSV and TSV with a header row; quoted fields may span lines."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from ..article import Article
from ..errors import RecordError
from . import ReadContext, open_binary

# Article bodies are far longer than the csv module's 128 KiB default field limit.
csv.field_size_limit(2**31 - 1)


def read_csv(path: Path, display: str, ctx: ReadContext) -> Iterator[Article]:
    return _read(path, ctx, delimiter=",")


def read_tsv(path: Path, display: str, ctx: ReadContext) -> Iterator[Article]:
    return _read(path, ctx, delimiter="\t")


def _read(path: Path, ctx: ReadContext, delimiter: str) -> Iterator[Article]:
    label = str(path)
    with open_binary(path) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
        reader = csv.reader(text, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            ctx.fail_or_skip(RecordError(f"{label}:1", f"unreadable header: {error}"))
            return
        width = len(header)
        start = reader.line_num + 1
        while True:
            source = f"{label}:{start}"
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                ctx.fail_or_skip(RecordError(source, f"malformed CSV: {error}"))
                start = reader.line_num + 1
                continue
            start = reader.line_num + 1
            if not row:
                continue
            if len(row) != width:
                ctx.fail_or_skip(
                    RecordError(
                        source,
                        f"row has {len(row)} fields but the header has {width}; "
                        "quote fields that contain the delimiter",
                    )
                )
                continue
            article = ctx.emit(dict(zip(header, row)), source, default_id=source)
            if article is not None:
                yield article
