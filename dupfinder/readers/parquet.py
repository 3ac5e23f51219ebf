"""Parquet (``.parquet``): streamed by row group, reading only the columns an article needs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..article import Article
from ..errors import InputError, MissingExtraError
from ..fields import (
    DATE_FIELDS,
    ID_FIELDS,
    OUTLET_FIELDS,
    TEXT_FIELDS,
    TITLE_FIELDS,
    URL_FIELDS,
)
from . import STDIN_LABEL, ReadContext, label_of

_ALL_NAMES = {n for names in (ID_FIELDS, TEXT_FIELDS, TITLE_FIELDS, OUTLET_FIELDS, URL_FIELDS,
                              DATE_FIELDS) for n in names}


def read(path: Path, display: str, ctx: ReadContext) -> Iterator[Article]:
    try:
        import pyarrow.parquet as pq
    except ImportError as error:
        raise MissingExtraError("parquet", "Reading Parquet files") from error
    label = label_of(path)
    try:
        if label == STDIN_LABEL:  # Parquet needs to seek: stdin is read whole
            import io
            import sys

            file = pq.ParquetFile(io.BytesIO(sys.stdin.buffer.read()))
        else:
            file = pq.ParquetFile(path)
    except Exception as error:  # pyarrow raises ArrowInvalid and OSError subclasses
        raise InputError(f"{label}: not a readable Parquet file ({error})") from error
    overrides = {v.casefold() for v in vars(ctx.fields).values() if v}
    wanted = _ALL_NAMES | overrides
    ctx.saw_fields(file.schema_arrow.names)
    columns = [name for name in file.schema_arrow.names if name.casefold() in wanted]
    row = 0
    batches = file.iter_batches(columns=columns, batch_size=4096)
    while True:
        try:
            batch = next(batches)
            records = batch.to_pylist()
        except StopIteration:
            return
        except Exception as error:  # corrupt pages: ArrowInvalid, OSError, bad UTF-8
            raise InputError(
                f"{label}: unreadable after row {row} ({error}); the file is damaged"
            ) from error
        for record in records:
            row += 1
            source = f"{label}#{row}"
            for key, value in list(record.items()):
                if hasattr(value, "isoformat"):
                    record[key] = value.isoformat()
            article = ctx.emit(record, source, default_id=source)
            if article is not None:
                yield article
