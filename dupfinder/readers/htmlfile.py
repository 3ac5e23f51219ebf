"""HTML pages (``.html``, ``.htm``): main text, title, site and date extracted by trafilatura."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..article import Article
from ..errors import MissingExtraError
from ..fields import host_of, parse_date
from . import ReadContext, open_binary


def _trafilatura() -> Any:
    try:
        import trafilatura
    except ImportError as error:
        raise MissingExtraError("html", "Reading HTML pages") from error
    return trafilatura


def extract(page: bytes | str, article_id: str, source: str, ctx: ReadContext,
            url: str | None = None) -> Article | None:
    """One article from one page; a page with no main text is skipped and counted."""
    trafilatura = _trafilatura()
    try:
        doc = trafilatura.bare_extraction(page, url=url, with_metadata=True,
                                          include_comments=False, include_tables=False)
    except Exception as error:  # trafilatura/lxml raise many types on hostile markup
        ctx.skipped.append(_skip(source, f"HTML could not be parsed ({type(error).__name__})"))
        return None
    if doc is None:
        ctx.skipped.append(_skip(source, "no main text found in the HTML"))
        return None
    meta = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    page_url = url or meta.get("url")
    published = meta.get("date")
    article = Article(
        id=article_id,
        text=meta.get("text") or "",
        title=meta.get("title") or None,
        outlet=meta.get("sitename") or meta.get("hostname") or host_of(page_url),
        url=page_url,
        published=parse_date(published) if published else None,
        source=source,
    )
    return ctx.finish(article)


def _skip(source: str, reason: str) -> Any:
    from . import Skipped

    return Skipped(source, reason)


def read(path: Path, display: str, ctx: ReadContext) -> Iterator[Article]:
    _trafilatura()
    with open_binary(path) as handle:
        page = handle.read()
    article = extract(page, display, str(path), ctx)
    if article is not None:
        yield article
