"""Turn a loosely-shaped record (a JSON object, a CSV row) into an ``Article``.

Scrapers disagree on field names, so names are matched case-insensitively against the lists
in the design, first match wins, and every list can be overridden by one explicit name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
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

# ---- naming options in messages ----------------------------------------------------------

# A message names the option its reader used: the library keyword (``title=``) for a library
# caller, the flag (``--title-field``) when the command line made the call (``cli_flags``).
CLI_FLAGS = {
    "id": "--id-field", "text": "--text-field", "title": "--title-field",
    "outlet": "--outlet-field", "url": "--url-field", "date": "--date-field",
}
_FLAGS: ContextVar[Mapping[str, str] | None] = ContextVar("dupfinder_cli_flags", default=None)


def option(name: str, value: object = None) -> str:
    """How to write option ``name`` (a library keyword), with an example value, for the caller.

    ``option("title")`` is ``title=`` for a library caller and ``--title-field`` on the command
    line; ``option("id_from", "file+id")`` is ``id_from='file+id'`` or ``--id-from file+id``;
    a boolean value names the flag alone (``replace=False`` is ``--no-replace``).
    """
    flags = _FLAGS.get()
    if flags is None:
        return f"{name}={value!r}" if value is not None else f"{name}="
    flag = flags.get(name) or "--" + name.replace("_", "-")
    if isinstance(value, bool):
        return flag if value else "--no-" + flag[2:]
    return f"{flag} {value}" if value is not None else flag


@contextmanager
def cli_flags(**renamed: str) -> Iterator[None]:
    """Within the block, messages name command-line flags (``renamed`` maps keyword -> flag)."""
    token = _FLAGS.set({**CLI_FLAGS, **renamed})
    try:
        yield
    finally:
        _FLAGS.reset(token)


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


# ---- dates -----------------------------------------------------------------------------------

_MONTHS = {name: number for number, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for name in names}
# Zones named by letters in scraped dates (RFC 2822 knows the same US ones).
_ZONES = {"z": 0, "ut": 0, "utc": 0, "gmt": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5,
          "mst": -7, "mdt": -6, "pst": -8, "pdt": -7}
_MONTH = r"(?P<mon>[A-Za-z]{3,9})\.?"
_TIME = (r"(?:(?:[T\s,]|\s+at\s+)\s*(?P<h>\d{1,2}):(?P<mi>\d{2})"
         r"(?::(?P<s>\d{2})(?:[.,](?P<f>\d{1,6}))?)?"
         r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?"
         r"\s*(?P<tz>[Zz]|[+-]\d{2}:?\d{2}|\(?[A-Za-z]{1,4}\)?(?:\s*[+-]\d{2}:?\d{2})?)?)?")
_WEEKDAY = r"(?:[A-Za-z]{3,9}\.?,?\s+)?"
# 2019/05/31, 05/31/2019, 31.05.19 (a four-digit first number is always the year)
_NUMERIC = re.compile(
    rf"(?P<a>\d{{1,4}})(?P<sep>[/.-])(?P<b>\d{{1,2}})(?P=sep)(?P<c>\d{{1,4}}){_TIME}")
# 27-MAR-1987 08:13:21.80 (Reuters), 31 May 2019, Friday 31 May 2019 17:45
_DAY_MONTH = re.compile(rf"{_WEEKDAY}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[\s-]+{_MONTH}[\s,-]+"
                        rf"(?P<y>\d{{4}}|\d{{2}}){_TIME}")
# May 31, 2019 5:45 PM, Friday, May 31 2019
_MONTH_DAY = re.compile(rf"{_WEEKDAY}{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+"
                        rf"(?P<y>\d{{4}}){_TIME}")
# Fri, 31 May 2019 17:45:53 -0400 (email.utils reads it; its parser is lenient, so shape first)
_RFC2822 = re.compile(r"(?:[A-Za-z]{3},\s*)?\d{1,2} [A-Za-z]{3} \d{4} \d{2}:\d{2}(?::\d{2})?"
                      r"(?: (?:[+-]\d{4}|[A-Za-z]{1,3}))?")
_EPOCH = re.compile(r"\d{9,13}(?:\.\d+)?")
_EPOCH_RANGE = (datetime(1973, 3, 3, tzinfo=timezone.utc).timestamp(),
                datetime(2100, 1, 1, tzinfo=timezone.utc).timestamp())


def parse_date(value: str, dayfirst: bool = False) -> str:
    """ISO-8601 when the value is a date in a common form, else the value unchanged."""
    parsed = to_iso_date(value, dayfirst)
    return parsed if parsed is not None else value.strip()


@lru_cache(maxsize=8192)
def to_iso_date(value: str, dayfirst: bool = False) -> str | None:
    """The ISO-8601 form of a stated date, or None when it is not one this reads.

    Read: ISO-8601; RFC 2822 (``Fri, 31 May 2019 17:45:53 -0400``); Unix epochs in seconds or
    milliseconds; ``YYYYMMDD``; month names either side of the day (``27-MAR-1987 08:13:21.80``,
    ``May 31, 2019 5:45 PM``); numeric dates with ``/``, ``-`` or ``.``: ``2019/05/31``, and
    ``05/31/2019`` month first unless ``dayfirst`` (a date only one order makes valid, such as
    ``31/05/2019``, is read that way). A date alone stays a date (``2019-05-31``).
    """
    raw = " ".join(value.split())
    if not raw:
        return None
    if _EPOCH.fullmatch(raw):
        return _from_epoch(float(raw))
    if len(raw) == 8 and raw.isdigit():
        return _iso(raw[:4], raw[4:6], raw[6:], None)
    if raw[:4].isdigit() and raw[4:5] == "-":
        candidate = raw[:-1] + "+00:00" if raw[-1] in "Zz" else raw
        try:
            parsed = datetime.fromisoformat(candidate)
        except ValueError:
            pass
        else:
            return raw if len(raw) == 10 else parsed.isoformat()
    if _RFC2822.fullmatch(raw):
        try:
            return parsedate_to_datetime(raw).isoformat()
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    m = _NUMERIC.fullmatch(raw)
    if m:
        a, b, c = m["a"], m["b"], m["c"]
        if len(a) == 4:
            return _iso(a, b, c, m) if len(c) <= 2 else None
        if len(a) > 2 or len(c) not in (2, 4):
            return None
        first = (b, a) if dayfirst else (a, b)  # (month, day)
        return _iso(c, *first, m) or _iso(c, *first[::-1], m)
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        m = pattern.fullmatch(raw)
        if m:
            month = _MONTHS.get(m["mon"].casefold())
            return _iso(m["y"], str(month), m["d"], m) if month else None
    return None


def _from_epoch(number: float) -> str | None:
    seconds = number / 1000 if number >= 1e11 else number
    if not _EPOCH_RANGE[0] <= seconds < _EPOCH_RANGE[1]:
        return None
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat()


def _iso(year: str, month: str, day: str, m: re.Match[str] | None) -> str | None:
    """The ISO form of the date and the time ``m`` matched (None when it is not a date)."""
    y = int(year)
    if len(year) == 2:
        y += 2000 if y < 70 else 1900
    try:
        stamp = datetime(y, int(month), int(day))
    except ValueError:
        return None
    if m is None or m["h"] is None:
        return stamp.date().isoformat()
    hour = int(m["h"])
    if m["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m["ampm"][0] in "pP" else 0)
    fraction = (m["f"] or "").ljust(6, "0")
    try:
        stamp = stamp.replace(hour=hour, minute=int(m["mi"]), second=int(m["s"] or 0),
                              microsecond=int(fraction or 0))
    except ValueError:
        return None
    if m["tz"]:
        zone = _zone(m["tz"])
        if zone is None:
            return None
        stamp = stamp.replace(tzinfo=zone)
    return stamp.isoformat()


def _zone(text: str) -> timezone | None:
    m = re.fullmatch(r"\(?([A-Za-z]*)\)?\s*(?:([+-])(\d{2}):?(\d{2}))?", text)
    if m is None or m[1].casefold() not in _ZONES and m[1]:
        return None
    delta = timedelta(hours=_ZONES.get(m[1].casefold(), 0))
    if m[2]:
        sign = -1 if m[2] == "-" else 1
        delta += sign * timedelta(hours=int(m[3]), minutes=int(m[4]))
    try:
        return timezone(delta)
    except ValueError:
        return None


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
class Resolved:
    """Which key of a record holds each field (None: absent)."""

    text: str | None
    id: str | None
    title: str | None
    outlet: str | None
    url: str | None
    date: str | None
    present: tuple[str, ...]


# Records of one file nearly always share their keys: resolve the names once per key layout.
_RESOLVED: dict[tuple[tuple[Any, ...], FieldMap], Resolved] = {}


def resolve(keys: tuple[Any, ...], fields: FieldMap) -> Resolved:
    """The keys holding each field in records with these keys (the same object per layout)."""
    hit = _RESOLVED.get((keys, fields))
    if hit is not None:
        return hit
    lower: dict[str, str] = {}
    for key in keys:
        if isinstance(key, str):
            lower.setdefault(key.casefold(), key)
    hit = Resolved(
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
    record: Any, source: str, fields: FieldMap, default_id: str | None = None, *,
    id_prefix: str | None = None, dayfirst: bool = False,
    bad_date: Callable[[str], None] | None = None, names: Resolved | None = None,
) -> Article:
    """Build an Article from one record, or raise RecordError saying what is wrong.

    ``id_prefix`` qualifies an id taken from the record (its id field or URL) as
    ``prefix:id``; ``bad_date`` is told each date value that is not understood.
    """
    if not isinstance(record, Mapping):
        kind = type(record).__name__
        raise RecordError(source, f"expected a JSON object with a text field, got a {kind}")
    if names is None:
        names = resolve(tuple(record), fields)
    if names.text is None:
        wanted = fields.text or "/".join(TEXT_FIELDS[:4])
        present = ", ".join(names.present[:8]) or "none"
        raise RecordError(
            source,
            f"no text field ('{wanted}'); fields present: {present}. "
            f"Name the body field with {option('text')}",
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
    ident = get(names.id) or url
    if ident and id_prefix is not None:
        ident = f"{id_prefix}:{ident}"
    ident = ident or default_id or source
    outlet = outlet or host_of(url)
    published = get(names.date) or None
    if published:
        iso = to_iso_date(published, dayfirst)
        if iso is None and bad_date is not None:
            bad_date(published)
        published = iso or published
    return Article(
        id=ident,
        text=text,
        title=get(names.title) or None,
        outlet=outlet or None,
        url=url or None,
        published=published,
        source=source,
    )


def check_overrides(fields: FieldMap) -> None:
    for name in ("id", "text", "title", "outlet", "url", "date"):
        value = getattr(fields, name)
        if value is not None and not value.strip():
            raise UsageError(f"{option(name)} is empty: give the name of a field in your records")
