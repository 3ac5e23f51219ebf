"""JSON (``.json``): an array of objects, or one object per file (a news-please folder)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from ..article import Article
from ..errors import RecordError
from ..fields import option
from . import ReadContext, decode, label_of, open_binary


def read(path: Path, display: str, ctx: ReadContext) -> Iterator[Article]:
    with open_binary(path) as handle:
        data = handle.read()
    label = label_of(path)
    try:
        document = json.loads(decode(data, ctx))
    except json.JSONDecodeError as error:
        ctx.fail_or_skip(
            RecordError(
                f"{label}:{error.lineno}",
                f"invalid JSON ({error.msg} at column {error.colno}); fix the file or "
                f"run with {option('on_error', 'skip')}",
            )
        )
        return
    except RecursionError:
        ctx.fail_or_skip(RecordError(label, "JSON nested too deeply"))
        return
    if isinstance(document, list):
        for index, record in enumerate(document, start=1):
            source = f"{label}#{index}"
            article = ctx.emit(record, source, default_id=f"{display}#{index}")
            if article is not None:
                yield article
    else:
        article = ctx.emit(document, label, default_id=display)
        if article is not None:
            yield article
