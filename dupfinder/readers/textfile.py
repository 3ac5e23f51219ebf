"""Plain text (``.txt``): the first non-empty line is the title, the rest the body."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..article import Article
from . import ReadContext, decode, label_of, open_binary


def read(path: Path, display: str, ctx: ReadContext) -> Iterator[Article]:
    with open_binary(path) as handle:
        content = decode(handle.read(), ctx)
    lines = content.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    title = lines[0].strip() if lines else None
    body = "\n".join(lines[1:]).strip("\n")
    article = ctx.finish(Article(id=display, text=body, title=title, source=label_of(path)))
    if article is not None:
        yield article
