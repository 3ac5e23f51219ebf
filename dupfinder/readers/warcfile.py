"""WARC (``.warc``, ``.warc.gz``): HTTP 200 responses with HTML payloads, read as HTML pages.

Other records (requests, metadata, non-HTML or non-200 responses) are skipped and counted. The
payload is decoded by the charset its Content-Type declares. The id is the target URI.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..article import Article
from ..errors import MissingExtraError, RecordError
from . import ReadContext, Skipped, bom_encoding, label_of, open_binary
from .htmlfile import extract


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip("\"' ") or None
    return None


def read(path: Path, display: str, ctx: ReadContext) -> Iterator[Article]:
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError as error:
        raise MissingExtraError("warc", "Reading WARC files") from error
    label = label_of(path)
    with open_binary(path, decompress=False) as handle:  # warcio reads gzipped records
        records = ArchiveIterator(handle)
        number = 0
        while True:
            try:
                record = next(records)
            except StopIteration:
                return
            except (ArchiveLoadFailed, ValueError, EOFError, OSError, AttributeError,
                    IndexError, TypeError) as error:
                # warcio reports broken headers and framing in several ways.
                ctx.fail_or_skip(RecordError(f"{label}#{number + 1}",
                                             f"unreadable WARC record: {error}"))
                return
            number += 1
            source = f"{label}#{number}"
            if record.rec_type != "response":
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI") or source
            http = record.http_headers
            status = http.get_statuscode() if http is not None else None
            content_type = (http.get_header("Content-Type") or "") if http is not None else ""
            if status != "200":
                ctx.skipped.append(Skipped(source, f"HTTP status {status} for {uri}"))
                continue
            if "html" not in content_type.lower():
                ctx.skipped.append(Skipped(source, f"not HTML ({content_type or 'no type'})"))
                continue
            try:
                payload = record.content_stream().read()
            except Exception as error:  # broken chunking or compression inside the record
                ctx.fail_or_skip(RecordError(source, f"unreadable payload: {error}"))
                continue
            charset = (bom_encoding(payload[:4]) or _charset(content_type) or ctx.encoding
                       or "utf-8")
            try:
                page: bytes | str = payload.decode(charset, errors="replace")
            except LookupError:
                page = payload  # unknown charset name: let the extractor detect it
            article = extract(page, ctx.qualify(uri), source, ctx,
                              url=uri if uri != source else None)
            if article is not None:
                yield article
