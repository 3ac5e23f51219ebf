"""Readers: turn input files of every supported format into a stream of ``Article``.

Each format is one module with a ``read(path, display, ctx)`` generator. ``read_corpus`` walks
the paths given, picks the reader by file suffix (or ``--format``), and routes every record
through ``ReadContext.emit`` so that size limits, empty texts and bad bytes are handled once.
A new format is a new module plus one line in ``_READERS``.
"""

from __future__ import annotations

import re
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..article import Article
from ..errors import InputError, RecordError, UsageError
from ..fields import FieldMap, record_to_article

# A record's text is cut to this many characters, with a warning naming it: one absurd page
# (a scraped PDF dump, a runaway comment thread) must not take the whole run's memory.
MAX_TEXT_CHARS = 1_000_000

ON_ERROR_CHOICES = ("fail", "skip")


@dataclass(frozen=True)
class Skipped:
    """A record left out of the run, and why; listed in the report so nothing vanishes."""

    source: str
    reason: str


@dataclass
class ReadContext:
    """Options and the running log of one read: what was skipped and what was repaired."""

    fields: FieldMap = field(default_factory=FieldMap)
    on_error: str = "fail"
    format: str | None = None
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    warn: Callable[[str], None] | None = None

    def __post_init__(self) -> None:
        if self.on_error not in ON_ERROR_CHOICES:
            raise UsageError(f"on_error must be 'fail' or 'skip', not {self.on_error!r}")

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
        try:
            article = record_to_article(record, source, self.fields, default_id)
        except RecordError as error:
            self.fail_or_skip(error)
            return None
        return self.finish(article)

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


Reader = Callable[[Path, str, ReadContext], Iterator[Article]]


def _reader_for(fmt: str) -> Reader:
    from . import csvfile, jsonfile, jsonl, textfile

    readers: dict[str, Reader] = {
        "jsonl": jsonl.read,
        "json": jsonfile.read,
        "csv": csvfile.read_csv,
        "tsv": csvfile.read_tsv,
        "txt": textfile.read,
    }
    optional = _optional_readers()
    if fmt in readers:
        return readers[fmt]
    if fmt in optional:
        return optional[fmt]()
    raise UsageError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")


def _optional_readers() -> dict[str, Callable[[], Reader]]:
    """Formats whose readers need an optional extra: imported only when used."""
    import importlib

    def loader(module: str) -> Callable[[], Reader]:
        def load() -> Reader:
            reader: Reader = importlib.import_module(f"{__name__}.{module}").read
            return reader

        return load

    return {"parquet": loader("parquet"), "html": loader("htmlfile"), "warc": loader("warcfile")}


FORMATS = ("jsonl", "json", "csv", "tsv", "txt", "parquet", "html", "warc")

_SUFFIXES = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".txt": "txt",
    ".parquet": "parquet",
    ".html": "html",
    ".htm": "html",
    ".warc": "warc",
}


def format_of(path: Path) -> str | None:
    """The format a file's name declares (``.gz`` looked through), or None if unsupported."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    if not suffixes:
        return None
    return _SUFFIXES.get(suffixes[-1])


def _files_below(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.startswith(".") and format_of(path) is not None:
            yield path


def read_corpus(paths: Iterable[str | Path], ctx: ReadContext) -> Iterator[Article]:
    """Yield the articles of every path in order; folders are walked in sorted order."""
    if ctx.format is not None and ctx.format not in FORMATS:
        raise UsageError(f"unknown --format {ctx.format!r}; use one of: {', '.join(FORMATS)}")
    for raw in paths:
        if str(raw) == "-":
            from . import jsonl

            yield from jsonl.read_stream(sys.stdin.buffer, "<stdin>", ctx)
            continue
        path = Path(raw)
        if path.is_dir():
            for file in _files_below(path):
                display = file.relative_to(path).as_posix()
                yield from _read_file(file, display, ctx, label=str(file))
        elif path.is_file():
            yield from _read_file(path, path.name, ctx, label=str(path))
        else:
            raise InputError(f"{raw}: no such file or folder; check the path")


def _read_file(path: Path, display: str, ctx: ReadContext, label: str) -> Iterator[Article]:
    fmt = ctx.format or format_of(path)
    if fmt is None:
        raise InputError(
            f"{label}: unknown file type; use .jsonl, .json, .csv, .tsv, .txt, .parquet, "
            ".html, .warc (optionally .gz) or pass --format"
        )
    reader = _reader_for(fmt)
    try:
        yield from reader(path, display, ctx)
    except OSError as error:
        # Truncated gzip, unreadable file: name the file, keep what was read in skip mode.
        problem = f"cannot read: {error}"
        if ctx.on_error == "skip":
            ctx.skipped.append(Skipped(label, problem))
            return
        raise InputError(f"{label}: {problem}") from error
    except (EOFError, zlib.error) as error:
        problem = "file ends early or is corrupt (truncated compressed file?)"
        if ctx.on_error == "skip":
            ctx.skipped.append(Skipped(label, problem))
            return
        raise InputError(f"{label}: {problem}") from error


def open_binary(path: Path) -> Any:
    """Open a file for reading bytes, looking through gzip by suffix."""
    if path.suffix.lower() == ".gz":
        import gzip

        return gzip.open(path, "rb")
    return open(path, "rb")
