"""Readers: turn input files of every supported format into a stream of ``Article``.

Each format is one module with a ``read(path, display, ctx)`` generator. ``read_corpus`` walks
the paths given, picks the reader by file suffix (or ``--format``), and routes every record
through ``ReadContext.emit`` so that size limits, empty texts and bad bytes are handled once.
A new format is a new module plus one line in ``_READERS``.

Text is decoded once, here (``encoding_of``, ``decode``, ``open_text``): a byte-order mark
decides (UTF-8, UTF-16, UTF-32), else the ``encoding`` option, else UTF-8; bytes that do not
decode are kept as lone surrogates so that the record holding them can be named.
"""

from __future__ import annotations

import codecs
import fnmatch
import io
import os
import re
import sys
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..article import Article
from ..errors import InputError, UsageError
from ..fields import option
from .context import DELIMITERS as DELIMITERS
from .context import ID_FROM_CHOICES as ID_FROM_CHOICES
from .context import MAX_TEXT_CHARS as MAX_TEXT_CHARS
from .context import ON_ERROR_CHOICES as ON_ERROR_CHOICES
from .context import STDIN_LABEL as STDIN_LABEL
from .context import ReadContext as ReadContext
from .context import ReadLog as ReadLog
from .context import Skipped as Skipped

# ---- decoding --------------------------------------------------------------------------------


def _escape(error: UnicodeError) -> tuple[str, int]:
    """``surrogateescape`` for any codec: a byte that does not decode becomes a lone surrogate
    (U+FFFD for the ASCII bytes surrogateescape cannot carry), replaced and noted later."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(chr(0xDC00 + b) if b >= 0x80 else "\ufffd" for b in bad), error.end


codecs.register_error("dupfinder-escape", _escape)
DECODE_ERRORS = "dupfinder-escape"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def bom_encoding(head: bytes) -> str | None:
    """The encoding a byte-order mark at the start declares (the codec then drops the mark)."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return None


def encoding_of(head: bytes, ctx: ReadContext) -> str:
    """A BOM decides; else the ``encoding`` option; else UTF-8. UTF-16 or UTF-32 named
    without a BOM in the file is little-endian, as Windows writes it."""
    found = bom_encoding(head)
    if found:
        return found
    if ctx.encoding in ("utf-16", "utf-32"):
        return f"{ctx.encoding}-le"
    return ctx.encoding or "utf-8"


def ascii_compatible(encoding: str) -> bool:
    """Whether lines can be split on b"\\n" before decoding (not UTF-16/32, not EBCDIC)."""
    sample = '\n{}[]:,"-'
    try:
        return sample.encode(encoding) == sample.encode("ascii")
    except (UnicodeError, LookupError):
        return False


def decode(data: bytes, ctx: ReadContext) -> str:
    """A whole file's bytes as text."""
    return data.decode(encoding_of(data[:4], ctx), errors=DECODE_ERRORS)


def peek(handle: IO[bytes], size: int = 4) -> tuple[bytes, IO[bytes]]:
    """The first bytes of a stream, and a stream that still starts with them."""
    if handle.seekable():
        at = handle.tell()
        head = handle.read(size)
        handle.seek(at)
        return head, handle
    head = handle.read(size)
    return head, io.BufferedReader(_Prefixed(head, handle))  # type: ignore[arg-type]


class _Prefixed(io.RawIOBase):
    """A stream that cannot seek (stdin), with the bytes already read put back in front."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head = head
        self.rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n] = self.head[:n]
            self.head = self.head[n:]
            return n
        data = self.rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def open_text(handle: IO[bytes], ctx: ReadContext, newline: str | None = None) -> IO[str]:
    """A binary stream as text, decoded as ``encoding_of`` says."""
    head, handle = peek(handle)
    return io.TextIOWrapper(handle, encoding=encoding_of(head, ctx), errors=DECODE_ERRORS,
                            newline=newline)


# ---- formats ---------------------------------------------------------------------------------

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


def _suffix(path: Path) -> str:
    """How a skipped file's type is named in the note: ``.sgm``, ``.tar.gz``, ``no suffix``."""
    suffixes = [s.lower() for s in path.suffixes]
    if not suffixes:
        return "no suffix"
    return "".join(suffixes[-2:]) if suffixes[-1] == ".gz" and len(suffixes) > 1 else suffixes[-1]


def _excluded(relative: str, patterns: tuple[str, ...]) -> bool:
    """A pattern matches a path relative to the folder, or any one name along it."""
    parts = relative.split("/")
    return any(fnmatch.fnmatchcase(relative, p) or any(fnmatch.fnmatchcase(n, p) for n in parts)
               for p in patterns)


def files_below(folder: Path, ctx: ReadContext) -> list[Path]:
    """The files a folder gives, in sorted order: hidden files and folders (a name starting
    with "."), and ``exclude`` matches, are left out; files of no supported type are counted
    in a note, and a folder that gives no file at all is an error."""
    found: list[Path] = []
    unsupported: Counter[str] = Counter()
    left_out = 0
    for root, dirs, names in os.walk(folder):
        base = Path(root)
        rel = base.relative_to(folder).as_posix()
        prefix = "" if rel == "." else rel + "/"
        kept = []
        for name in dirs:
            if name.startswith(".") or _excluded(prefix + name, ctx.exclude):
                left_out += 1
            else:
                kept.append(name)
        dirs[:] = kept
        for name in names:
            path = base / name
            if name.startswith(".") or _excluded(prefix + name, ctx.exclude):
                left_out += 1
            elif not path.is_file():
                continue
            elif ctx.format is None and format_of(path) is None:
                unsupported[_suffix(path)] += 1
            else:
                found.append(path)
    found.sort()
    by_count = sorted(unsupported.items(), key=lambda item: (-item[1], item[0]))
    kinds = ", ".join(f"{n} {suffix}" for suffix, n in by_count)
    total = sum(unsupported.values())
    if not found:
        if total:
            raise InputError(
                f"{folder}: no file of a supported type (.jsonl, .json, .csv, .tsv, .txt, "
                f".parquet, .html, .warc, optionally .gz) but {total:,} other "
                f"{'file' if total == 1 else 'files'} ({kinds}); "
                f"read them as one format with {option('format')}")
        hidden = " apart from hidden or excluded ones" if left_out else ""
        raise InputError(f"{folder}: no file to read (the folder is empty{hidden})")
    if total:
        ctx.note(f"{folder}: skipped {total:,} {'file' if total == 1 else 'files'} of "
                 f"unsupported types ({kinds}); read them with {option('format')} or leave "
                 f"them out with {option('exclude')}")
    return found


def read_corpus(paths: Iterable[str | Path], ctx: ReadContext) -> Iterator[Article]:
    """Yield the articles of every path in order; folders are walked in sorted order."""
    if ctx.format is not None and ctx.format not in FORMATS:
        raise UsageError(f"unknown {option('format')} {ctx.format!r}; use one of: "
                         f"{', '.join(FORMATS)}")
    for raw in paths:
        if str(raw) == "-":
            yield from _read_file(Path("-"), STDIN_LABEL, ctx, STDIN_LABEL, STDIN_LABEL)
            continue
        path = Path(raw)
        if path.is_dir():
            for file in files_below(path, ctx):
                display = file.relative_to(path).as_posix()
                yield from _read_file(file, display, ctx, str(file), display)
        elif path.is_file():
            yield from _read_file(path, path.name, ctx, str(path), path.as_posix())
        else:
            raise InputError(f"{raw}: no such file or folder; check the path")


@dataclass(frozen=True)
class LineFile:
    """A file that workers can read in parts: JSON Lines, uncompressed, in an encoding whose
    lines split on b"\\n" before decoding; its records start at byte ``start`` (after a
    byte-order mark)."""

    path: Path
    label: str
    qualifier: str
    encoding: str
    start: int
    size: int  # bytes


def line_files(paths: Iterable[str | Path],
               ctx: ReadContext) -> tuple[list[LineFile], list[str]] | None:
    """The files ``read_corpus`` would read, in its order, when every one of them can be read
    in parts (``LineFile``), and the notes walking their folders gave (for the caller to say
    if it reads them so); None otherwise. Nothing is said here: a caller that reads the files
    whole, in order, says what it has to."""
    if ctx.format not in (None, "jsonl"):
        return None
    quiet = ctx.options()  # a folder's notes, said only if these files are read in parts
    out: list[LineFile] = []
    for raw in paths:
        if str(raw) == "-":
            return None
        path = Path(raw)
        if path.is_dir():
            found = [(file, str(file), file.relative_to(path).as_posix())
                     for file in files_below(path, quiet)]
        elif path.is_file():
            found = [(path, str(path), path.as_posix())]
        else:
            return None
        for file, label, qualifier in found:
            if (ctx.format or format_of(file)) != "jsonl" or file.suffix.lower() == ".gz":
                return None
            with open(file, "rb") as handle:
                head = handle.read(4)
                size = os.fstat(handle.fileno()).st_size
            encoding, start = encoding_of(head, ctx), 0
            if encoding == "utf-8-sig":
                encoding, start = "utf-8", len(codecs.BOM_UTF8)
            if not ascii_compatible(encoding):
                return None
            out.append(LineFile(file, label, qualifier, encoding, start, size))
    return out, list(quiet.warnings)


def _read_file(path: Path, display: str, ctx: ReadContext, label: str,
               qualifier: str) -> Iterator[Article]:
    fmt = ctx.format or (format_of(path) if label != STDIN_LABEL else "jsonl")
    if fmt is None:
        raise InputError(
            f"{label}: unknown file type; use .jsonl, .json, .csv, .tsv, .txt, .parquet, "
            f".html, .warc (optionally .gz) or pass {option('format')}"
        )
    reader = _reader_for(fmt)
    ctx.begin_file(label, qualifier)
    try:
        yield from reader(path, display, ctx)
    except OSError as error:
        # Truncated gzip, unreadable file: name the file, keep what was read in skip mode.
        problem = f"cannot read: {error}"
        if ctx.on_error == "skip":
            ctx.skipped.append(Skipped(label, problem))
            return
        raise InputError(f"{label}: {problem}") from error
    except UnicodeError as error:  # a codec that fails without calling the error handler
        problem = f"cannot be decoded ({error}); name its encoding with {option('encoding')}"
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
    finally:
        ctx.end_file()


def label_of(path: Path) -> str:
    """How records of this file are named in messages (``<stdin>`` for ``-``)."""
    return STDIN_LABEL if str(path) == "-" else str(path)


def open_binary(path: Path, decompress: bool = True) -> Any:
    """Open a file (or stdin, ``-``) for reading bytes, looking through gzip: by suffix for a
    file, by its magic bytes on stdin."""
    if str(path) == "-":
        head, stream = peek(io.BufferedReader(_Unclosed(sys.stdin.buffer)), 2)
        if decompress and head == b"\x1f\x8b":
            import gzip

            return gzip.GzipFile(fileobj=stream, mode="rb")
        return stream
    if decompress and path.suffix.lower() == ".gz":
        import gzip

        return gzip.open(path, "rb")
    return open(path, "rb")


class _Unclosed(io.RawIOBase):
    """stdin for one reader: closing it (``with``) leaves the process's stdin open."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        try:
            return self.raw.seekable()
        except (AttributeError, ValueError):
            return False

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


_RECORD_NUMBER = re.compile(r"[:#]\d+$")


def file_of(source: str) -> str:
    """The file part of an article's ``source`` (``a.csv:7`` -> ``a.csv``); "" for records
    given in memory (``record 7``)."""
    if source.startswith("record "):
        return ""
    return _RECORD_NUMBER.sub("", source)
