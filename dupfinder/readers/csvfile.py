"""CSV and TSV with a header row; quoted fields may span lines.

A CSV's delimiter is read from its header line: the most frequent of ``,`` ``;`` tab ``|``
outside quotes (a comma on a tie), unless ``delimiter`` forces one. A TSV is tab-separated.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

from ..article import Article
from ..errors import RecordError
from ..fields import option
from . import DELIMITERS, ReadContext, label_of, open_binary, open_text

# Article bodies are far longer than the csv module's 128 KiB default field limit.
csv.field_size_limit(2**31 - 1)

_QUOTED = re.compile(r'"[^"]*"')


def read_csv(path: Path, display: str, ctx: ReadContext) -> Iterator[Article]:
    return _read(path, ctx, delimiter=ctx.delimiter)


def read_tsv(path: Path, display: str, ctx: ReadContext) -> Iterator[Article]:
    return _read(path, ctx, delimiter=ctx.delimiter or "\t")


def sniff_delimiter(header: str) -> str:
    """The delimiter of a header line: the most frequent candidate outside quotes."""
    bare = _QUOTED.sub("", header)
    counts = {d: bare.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # DELIMITERS starts with the comma
    return best if counts[best] else ","


def _read(path: Path, ctx: ReadContext, delimiter: str | None) -> Iterator[Article]:
    label = label_of(path)
    with open_binary(path) as raw:
        text = open_text(raw, ctx, newline="")
        first = text.readline()
        sniffed = delimiter is None
        if delimiter is None:
            delimiter = sniff_delimiter(first)
        reader = csv.reader(itertools.chain([first] if first else [], text),
                            delimiter=delimiter)
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
                hint = (f" (the delimiter {delimiter!r} was read from the header; set it with "
                        f"{option('delimiter')})" if sniffed and delimiter != "," else "")
                ctx.fail_or_skip(
                    RecordError(
                        source,
                        f"row has {len(row)} fields but the header has {width}; "
                        f"quote fields that contain the delimiter{hint}",
                    )
                )
                continue
            article = ctx.emit(dict(zip(header, row)), source, default_id=source)
            if article is not None:
                yield article
