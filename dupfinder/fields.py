"""Turn a loosely-shaped record (a JSON object, a CSV row) into an ``Article``.

Scrapers disagree on field names, so names are matched case-insensitively against the lists
in the design, first match wins, and every list can be overridden by one explicit name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from .article import Article
from .errors import RecordError, UsageError

ID_FIELDS = ("id", "_id", "article_id", "doc_id", "uuid")
TEXT_FIELDS = ("text", "maintext", "body", "content", "article", "article_text", "story")
TITLE_FIELDS = ("title", "headline", "heading")
OUTLET_FIELDS = (
    "outlet", "publisher", "source_domain", "source", "site", "sitename", "hostname",
    "domain", "media_name",
)
URL_FIELDS = ("url", "link", "canonical_url", "source_url")
DATE_FIELDS = (
    "published", "date_publish", "published_at", "publish_date", "date", "pubdate",
    "scrape_time", "date_download",
)

_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d",
    "%d/%m/%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%d-%b-%Y %H:%M:%S.%f",
    "%d-%b-%Y %H:%M:%S",
    "%d-%b-%Y",
)


@dataclass(frozen=True)
class FieldMap:
    """Explicit field names given by the user (``--id-field`` and friends); None means detect."""

    id: str | None = None
    text: str | None = None
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    date: str | None = None


def _pick(lower: Mapping[str, str], override: str | None, names: tuple[str, ...]) -> str | None:
    """Return the record key to use: the override if given, else the first detected name."""
    if override is not None:
        return lower.get(override.casefold())
    for name in names:
        if name in lower:
            return lower[name]
    return None


def _as_text(value: Any, field: str, source: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise RecordError(source, f"field '{field}' is a boolean; expected a string")
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        # Some scrapers store paragraphs as a list; keep them as lines.
        return "\n".join(value)
    kind = type(value).__name__
    raise RecordError(source, f"field '{field}' is a {kind}; expected a string")


def parse_date(value: str) -> str:
    """ISO-8601 when the value is a date in a common form, else the value unchanged."""
    raw = value.strip()
    if not raw:
        return raw
    candidate = raw[:-1] + "+00:00" if raw.endswith("Z") else raw
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            for fmt in _DATE_FORMATS:
                try:
                    parsed = datetime.strptime(raw, fmt)
                    break
                except ValueError:
                    continue
    if parsed is None:
        return raw
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        return raw
    return parsed.isoformat()


def sort_key_for_date(published: str | None) -> float | None:
    """A comparable timestamp (UTC seconds) for an ISO date, or None when it is not one."""
    if not published:
        return None
    try:
        parsed = datetime.fromisoformat(published)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


def host_of(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


@dataclass(frozen=True)
class _Resolved:
    """Which key of a record holds each field (None: absent)."""

    text: str | None
    id: str | None
    title: str | None
    outlet: str | None
    url: str | None
    date: str | None
    present: tuple[str, ...]


# Records of one file nearly always share their keys: resolve the names once per key layout.
_RESOLVED: dict[tuple[tuple[Any, ...], FieldMap], _Resolved] = {}


def _resolve(keys: tuple[Any, ...], fields: FieldMap) -> _Resolved:
    hit = _RESOLVED.get((keys, fields))
    if hit is not None:
        return hit
    lower: dict[str, str] = {}
    for key in keys:
        if isinstance(key, str):
            lower.setdefault(key.casefold(), key)
    hit = _Resolved(
        text=_pick(lower, fields.text, TEXT_FIELDS),
        id=_pick(lower, fields.id, ID_FIELDS),
        title=_pick(lower, fields.title, TITLE_FIELDS),
        outlet=_pick(lower, fields.outlet, OUTLET_FIELDS),
        url=_pick(lower, fields.url, URL_FIELDS),
        date=_pick(lower, fields.date, DATE_FIELDS),
        present=tuple(sorted(lower)),
    )
    if len(_RESOLVED) > 1000:
        _RESOLVED.clear()
    _RESOLVED[(keys, fields)] = hit
    return hit


def record_to_article(
    record: Any, source: str, fields: FieldMap, default_id: str | None = None
) -> Article:
    """Build an Article from one record, or raise RecordError saying what is wrong."""
    if not isinstance(record, Mapping):
        kind = type(record).__name__
        raise RecordError(source, f"expected a JSON object with a text field, got a {kind}")
    names = _resolve(tuple(record), fields)
    if names.text is None:
        wanted = fields.text or "/".join(TEXT_FIELDS[:4])
        present = ", ".join(names.present[:8]) or "none"
        raise RecordError(
            source,
            f"no text field ('{wanted}'); fields present: {present}. "
            "Name the body field with --text-field",
        )
    text = _as_text(record[names.text], names.text, source) or ""

    def get(key: str | None) -> str | None:
        if key is None:
            return None
        value = _as_text(record[key], key, source)
        return value.strip() if value is not None else None

    url = get(names.url)
    outlet = get(names.outlet)
    if outlet and outlet.startswith(("http://", "https://")):
        # trafilatura's JSON puts the page URL in "source": the outlet is its host.
        url = url or outlet
        outlet = host_of(outlet)
    ident = get(names.id) or url or default_id or source
    outlet = outlet or host_of(url)
    published = get(names.date)
    return Article(
        id=ident,
        text=text,
        title=get(names.title) or None,
        outlet=outlet or None,
        url=url or None,
        published=parse_date(published) if published else None,
        source=source,
    )


def check_overrides(fields: FieldMap) -> None:
    for name in ("id", "text", "title", "outlet", "url", "date"):
        value = getattr(fields, name)
        if value is not None and not value.strip():
            raise UsageError(f"--{name}-field is empty: give the name of a field in your records")
