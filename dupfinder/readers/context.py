"""The options and the running log of one read (``ReadContext``): what was skipped and why,
what was repaired, the notes a read makes once it is whole. Every reader routes its records
through ``ReadContext.emit``, so limits, empty texts and bad bytes are handled in one place.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..article import Article
from ..errors import RecordError, UsageError
from ..fields import FieldMap, Resolved, option, record_to_article, resolve

# A record's text is cut to this many characters, with a warning naming it: one absurd page
# (a scraped PDF dump, a runaway comment thread) must not take the whole run's memory.
MAX_TEXT_CHARS = 1_000_000

ON_ERROR_CHOICES = ("fail", "skip")
# "id": ids as the records give them; "file+id": qualified by their file ("a.csv:604").
ID_FROM_CHOICES = ("id", "file+id")
# A CSV's delimiter is sniffed from its header line among these (comma on a tie).
DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
_OPTIONAL_FIELDS = ("id", "title", "outlet", "url", "date")
STDIN_LABEL = "<stdin>"


@dataclass(frozen=True)
class Skipped:
    """A record left out of the run, and why; listed in the report so nothing vanishes."""

    source: str
    reason: str


@dataclass(frozen=True)
class ReadLog:
    """What reading one part of a file logged: skipped records, notes, the dates it did not
    understand (count, first example), the fields its records had and the optional ones
    found."""

    skipped: list[Skipped]
    warnings: list[str]
    bad_dates: tuple[int, str] | None
    present: frozenset[str]
    found: frozenset[str]


@dataclass
class ReadContext:
    """Options and the running log of one read: what was skipped and what was repaired."""

    fields: FieldMap = field(default_factory=FieldMap)
    on_error: str = "fail"
    format: str | None = None
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    warn: Callable[[str], None] | None = None
    id_from: str = "id"
    encoding: str | None = None
    delimiter: str | None = None
    exclude: tuple[str, ...] = ()
    dayfirst: bool = False
    # A second read that wants only these records (by source, ``file:line``): readers that
    # can tell a record's source before parsing it (JSON Lines) skip the others unparsed;
    # the rest read everything and the caller picks.
    only: frozenset[str] | None = None
    # The running state of the read: the file being read, its id qualifier, the dates it held
    # that were not understood, and the record layouts seen (for the field-override check).
    _file: str | None = field(default=None, init=False, repr=False)
    _prefix: str | None = field(default=None, init=False, repr=False)
    _bad_dates: dict[str, list[Any]] = field(default_factory=dict, init=False, repr=False)
    _last_names: Resolved | None = field(default=None, init=False, repr=False)
    _present: set[str] = field(default_factory=set, init=False, repr=False)
    _found: set[str] = field(default_factory=set, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.on_error not in ON_ERROR_CHOICES:
            raise UsageError(f"{option('on_error')} must be 'fail' or 'skip', "
                             f"not {self.on_error!r}")
        if self.id_from not in ID_FROM_CHOICES:
            raise UsageError(f"{option('id_from')} must be 'id' or 'file+id', "
                             f"not {self.id_from!r}")
        if self.encoding is not None:
            try:
                self.encoding = codecs.lookup(self.encoding).name
            except LookupError:
                raise UsageError(
                    f"{option('encoding', self.encoding)}: unknown encoding; use a Python "
                    "codec name such as utf-8, cp1252, latin-1 or utf-16") from None
        if self.delimiter is not None:
            delimiter = _DELIMITER_NAMES.get(self.delimiter.lower(), self.delimiter)
            if len(delimiter) != 1 or delimiter in "\"\r\n":
                raise UsageError(f"{option('delimiter', self.delimiter)}: give one "
                                 "character, such as ',', ';', '|' or tab")
            self.delimiter = delimiter
        if isinstance(self.exclude, str):
            self.exclude = (self.exclude,)
        self.exclude = tuple(self.exclude)

    def options(self, only: frozenset[str] | None = None) -> ReadContext:
        """A fresh context with the same options and an empty log (for a second read), for
        the records at ``only`` (sources) when given."""
        keep = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if f.init and f.name not in ("skipped", "warnings", "warn", "only")}
        return ReadContext(**keep, only=only)

    def note(self, message: str) -> None:
        self.warnings.append(message)
        if self.warn is not None:
            self.warn(message)

    def fail_or_skip(self, error: RecordError) -> None:
        """Raise in fail mode; in skip mode record the error and carry on."""
        if self.on_error == "fail":
            raise error
        self.skipped.append(Skipped(error.source, error.reason))

    def emit(self, record: Any, source: str, default_id: str | None = None) -> Article | None:
        """Build the article for one record, applying the run's rules; None when it is left out."""
        names = None
        if isinstance(record, Mapping):
            names = resolve(tuple(record), self.fields)
            if names is not self._last_names:
                self._seen(names)
        try:
            article = record_to_article(record, source, self.fields, default_id,
                                        id_prefix=self._prefix, dayfirst=self.dayfirst,
                                        bad_date=self._bad_date, names=names)
        except RecordError as error:
            self.fail_or_skip(error)
            return None
        return self.finish(article)

    def qualify(self, ident: str) -> str:
        """An id a reader found in a file (a WARC target URI), qualified as ``id_from`` asks."""
        return ident if self._prefix is None else f"{self._prefix}:{ident}"

    def saw_fields(self, names: Iterable[str]) -> None:
        """Fields a file holds that its reader does not read (Parquet columns not needed)."""
        self._present.update(n.casefold() for n in names)

    def _seen(self, names: Resolved) -> None:
        self._last_names = names
        self._present.update(names.present)
        for name in _OPTIONAL_FIELDS:
            if getattr(names, name) is not None:
                self._found.add(name)

    def _bad_date(self, value: str) -> None:
        entry = self._bad_dates.setdefault(self._file or "records", [0, value])
        entry[0] += 1

    def begin_file(self, label: str, qualifier: str) -> None:
        self._file = label
        self._prefix = qualifier if self.id_from == "file+id" else None

    def end_file(self) -> None:
        if self._file is not None:
            self._flush_dates(self._file)
        self._file = self._prefix = None

    def _flush_dates(self, where: str) -> None:
        entry = self._bad_dates.pop(where, None)
        if entry is None:
            return
        count, example = entry
        dates = "date" if count == 1 else "dates"
        self.note(f"{where}: {count:,} {dates} not understood (such as {example[:40]!r}): "
                  f"kept as given and not used to find the earliest copy")

    def complete(self, stream: Iterable[Article]) -> Iterator[Article]:
        """Yield the whole read, then report what only the whole read can tell."""
        yield from stream
        self.end_read()

    def end_read(self) -> None:
        """What only the whole read can tell: dates not understood, fields never found."""
        for where in list(self._bad_dates):
            self._flush_dates(where)
        self.check_fields_found()

    def part_log(self) -> ReadLog:
        """What this context logged reading part of a file (in a reading worker)."""
        dates = self._bad_dates.get(self._file or "records")
        return ReadLog(list(self.skipped), list(self.warnings),
                       (dates[0], dates[1]) if dates else None,
                       frozenset(self._present), frozenset(self._found))

    def absorb(self, log: ReadLog) -> None:
        """Take in a part's log, in read order, as if this context had read the part."""
        for message in log.warnings:
            self.note(message)
        self.skipped.extend(log.skipped)
        if log.bad_dates is not None:
            entry = self._bad_dates.setdefault(self._file or "records", [0, log.bad_dates[1]])
            entry[0] += log.bad_dates[0]
        self._present.update(log.present)
        self._found.update(log.found)

    def check_fields_found(self) -> None:
        """A field named by an override that no record has is a mistake, not a default."""
        if not self._present:
            return  # no record with fields was read (text files, HTML pages, nothing)
        for name in _OPTIONAL_FIELDS:
            wanted = getattr(self.fields, name)
            if wanted and name not in self._found:
                present = sorted(self._present)
                listed = ", ".join(present[:12]) + (", ..." if len(present) > 12 else "")
                raise UsageError(
                    f"{option(name, wanted)}: no record has a field {wanted!r}; fields "
                    f"present: {listed}")

    def finish(self, article: Article) -> Article | None:
        text = article.text
        fixed, had_surrogates = _replace_surrogates(text)
        text = fixed if fixed is not None else text
        title, title_surrogates = _replace_surrogates(article.title)
        if had_surrogates or title_surrogates:
            self.note(f"{article.source}: undecodable bytes replaced with U+FFFD")
        if len(text) > MAX_TEXT_CHARS:
            self.note(
                f"{article.source}: text of {len(text):,} characters cut to "
                f"{MAX_TEXT_CHARS:,} (the per-article limit)"
            )
            text = text[:MAX_TEXT_CHARS]
        if not text.strip():
            self.skipped.append(Skipped(article.source, "empty text"))
            return None
        if text is article.text and title is article.title:
            return article
        return Article(
            id=article.id, text=text, title=title, outlet=article.outlet, url=article.url,
            published=article.published, source=article.source,
        )


_SURROGATE = re.compile("[\udc80-\udcff]")


def _replace_surrogates(value: str | None) -> tuple[str | None, bool]:
    """Readers decode with ``surrogateescape`` so a bad byte can be blamed on its record."""
    if value is None or value.isascii() or not _SURROGATE.search(value):
        return value, False
    return _SURROGATE.sub("\ufffd", value), True
