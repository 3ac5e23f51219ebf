"""HTML pages (``.html``, ``.htm``): main text, title and site extracted by trafilatura.

The date is only one the page states: its metadata (``<meta>`` tags, JSON-LD, microdata), the
``<time datetime>`` of the article header, or a date in the URL path. htmldate, which trafilatura
uses, also guesses from free text (a copyright footer "(c) 2025" becomes 2025-01-01; even with
``extensive_search=False`` any ISO date in the body, a headline or a sidebar is taken), and a
guessed date would decide which copy is the earliest. So htmldate reads a skeleton of the page
holding only those sources and no prose; a page stating no date has none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from ..article import Article
from ..errors import MissingExtraError
from ..fields import host_of, parse_date
from . import ReadContext, bom_encoding, decode, label_of, open_binary


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
        # trafilatura's own date is not used (see the module docstring); these parameters only
        # keep its htmldate pass short. max_date is required by trafilatura 1.x.
        doc = trafilatura.bare_extraction(
            page, url=url, with_metadata=True, include_comments=False, include_tables=False,
            date_extraction_params={"extensive_search": False, "original_date": True,
                                    "max_date": date.today().isoformat()})
    except Exception as error:  # trafilatura/lxml raise many types on hostile markup
        ctx.skipped.append(_skip(source, f"HTML could not be parsed ({type(error).__name__})"))
        return None
    if doc is None:
        ctx.skipped.append(_skip(source, "no main text found in the HTML"))
        return None
    meta = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    page_url = url or meta.get("url")
    published = stated_date(page, page_url)
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


# A <meta> is a date source when its key names a date (article:published_time, date, dc.date,
# pubdate, parsely-pub-date, ...), not a copyright year or a modification time.
_DATE_META_CUES = ("date", "time", "pub", "creat", "issued")
_NOT_PUBLISHED_META = ("copyright", "modif", "updat", "lastmod", "revision", "utime")
_META_ATTRS = ("name", "property", "itemprop", "http-equiv", "content", "datetime", "pubdate")
_JSON_TYPES = ("application/ld+json", "application/settings+json")
# JSON-LD is read by pattern, as htmldate does: pages often carry JSON that json.loads rejects.
_JSON_DATES = {prop: re.compile(rf'"{prop}"\s*:\s*"([^"]{{4,64}})"', re.IGNORECASE)
               for prop in ("datePublished", "dateCreated")}
_PUBLISHED_PROPS = ("datepublished", "datecreated")
# A <time> under these belongs to other articles or to readers, not to this article's header.
_NOT_HEADER_TAGS = frozenset({"aside", "nav"})
_NOT_HEADER_CUES = ("comment", "related")


def stated_date(page: bytes | str, url: str | None) -> str | None:
    """The publication date the page states (ISO ``YYYY-MM-DD``), or None; never a guess."""
    skeleton = _date_skeleton(page)
    if skeleton is None:
        return None
    from htmldate import find_date

    try:
        return find_date(skeleton, extensive_search=False, original_date=True, url=url)
    except Exception:  # htmldate on odd values: no date rather than no article
        return None


def _date_skeleton(page: bytes | str) -> Any:
    """A document of the page's date sources only: metadata, JSON-LD, the header's <time>."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        try:
            tree = lxml_html.document_fromstring(page)
        except ValueError:  # a str with an XML encoding declaration
            if not isinstance(page, str):
                raise
            tree = lxml_html.document_fromstring(page.encode("utf-8"))
    except (ValueError, etree.LxmlError):
        return None
    skeleton = lxml_html.document_fromstring("<html><head></head><body></body></html>")
    head, body = skeleton.find("head"), skeleton.find("body")
    for elem in tree.iter("meta"):
        key = (elem.get("name") or elem.get("property") or elem.get("itemprop")
               or elem.get("http-equiv") or "").lower()
        if (any(cue in key for cue in _DATE_META_CUES)
                and not any(cue in key for cue in _NOT_PUBLISHED_META)):
            _copy(head, "meta", elem)
    for elem in tree.xpath(".//*[@itemprop][not(self::meta or self::time)]"):
        # microdata on a visible element: <span itemprop="datePublished">2 March 2026</span>
        if (elem.get("itemprop") or "").lower() in _PUBLISHED_PROPS:
            _copy(head, "meta", elem, default=elem.text_content().strip()[:100])
    scripts = [elem.text for elem in tree.iter("script")
               if elem.text and (elem.get("type") or "").strip().lower() in _JSON_TYPES]
    for prop, pattern in _JSON_DATES.items():  # as microdata, without the rest of the JSON
        for text in scripts:
            for value in pattern.findall(text):
                _copy(head, "meta", {"itemprop": prop, "content": value})
    header_time = False
    for elem in tree.iter("time"):
        if not elem.get("datetime"):
            continue
        marked = (elem.get("pubdate") is not None
                  or (elem.get("itemprop") or "").lower() in _PUBLISHED_PROPS)
        if not marked:  # an unmarked <time>: only the first one of the article header
            if header_time or not _in_article_header(elem):
                continue
            header_time = True
        _copy(body, "time", elem, ("datetime", "pubdate", "itemprop", "class"))
    return skeleton


def _copy(parent: Any, tag: str, elem: Any, attrs: tuple[str, ...] = _META_ATTRS,
          default: str | None = None) -> None:
    """A text-free copy of elem's date-bearing attributes under parent (default: the content)."""
    from lxml import etree

    values = {name: elem.get(name) for name in attrs if elem.get(name) is not None}
    if default and "content" not in values and "datetime" not in values:
        values["content"] = default
    if tag == "meta" and "content" not in values and "datetime" not in values:
        return
    try:
        etree.SubElement(parent, tag, values)
    except ValueError:  # attribute values lxml will not store
        pass


def _in_article_header(elem: Any) -> bool:
    """Whether a <time> belongs to the article itself: inside <article>, or in a <header> that
    holds the headline and no navigation, and not in an aside, comments or related links."""
    in_article = False
    for ancestor in elem.iterancestors():
        tag = ancestor.tag
        if tag in _NOT_HEADER_TAGS:
            return False
        cues = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}".lower()
        if any(cue in cues for cue in _NOT_HEADER_CUES):
            return False
        if tag == "article" or (tag == "header" and ancestor.find(".//h1") is not None
                                and ancestor.find(".//nav") is None):  # not the masthead
            in_article = True
    return in_article


def _skip(source: str, reason: str) -> Any:
    from . import Skipped

    return Skipped(source, reason)


# A page that states its charset (<meta charset>, http-equiv) is decoded by it.
_DECLARED = re.compile(rb"<meta[^>]{0,200}charset", re.IGNORECASE)


def page_text(page: bytes, ctx: ReadContext) -> bytes | str:
    """The page as the extractor should get it: bytes when a BOM or the page itself states
    the encoding (trafilatura reads both), else decoded by the ``encoding`` option if given."""
    if ctx.encoding is None or bom_encoding(page[:4]) or _DECLARED.search(page[:4096]):
        return page
    return decode(page, ctx)


def read(path: Path, display: str, ctx: ReadContext) -> Iterator[Article]:
    _trafilatura()
    with open_binary(path) as handle:
        page = handle.read()
    article = extract(page_text(page, ctx), display, label_of(path), ctx)
    if article is not None:
        yield article
