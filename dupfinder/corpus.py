"""Reading a corpus into memory without keeping every text.

A scan needs each article's text twice: once to tokenise it, and again at the end for the
articles that turn out to be copies (diffs, reports). Holding a 2 GB scrape's text in between is
what made memory grow with the corpus, so once the text read passes ``LEAN_CHARS`` and the input
can be read again (files, not stdin or an iterator), finished batches are tokenised as they are
read and their text is dropped; clustered articles get their text back from a second pass.
Batches are cut at the same ``BATCH`` boundaries either way, so the result is the same.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import numpy as np

from .article import Article
from .engines.spill import ReadTokens, Spill
from .engines.workers import TokenisePool, map_ordered, resolved
from .errors import InputError, RecordError
from .readers import LineFile, ReadContext, ReadLog, Skipped, line_files, read_corpus
from .readers.jsonl import read_range
from .stages.agency import agency_marks
from .stages.normalise import LONG_UNIT_CHARS
from .stages.tokens import Features, featurize

# Text kept in memory before finished batches are tokenised and their text dropped.
LEAN_CHARS = 200_000_000


@dataclasses.dataclass
class LoadedCorpus:
    articles: list[Article]
    features: list[Features]  # tokenised batches, in order, for the first articles
    agency: dict[int, bool]  # agency markers of articles whose text was dropped
    lean: bool  # some texts were dropped and must be reloaded
    _sources_unique: bool | None = dataclasses.field(default=None, repr=False)
    # Where each article's record is (the files read in parts, and per article: file, start
    # and end byte, line number): a second read then parses those lines alone.
    lines: tuple[list[LineFile], np.ndarray] | None = None
    # The token and digit arrays of ``features[:k]`` when a large read wrote them out as
    # they came (``ReadTokens``): those batches hold empty arrays, read back part by part.
    spills: tuple[Spill, Spill] | None = None

    def reload(self, indices: Iterable[int], paths: Sequence[str | Path], ctx: ReadContext) -> None:
        """Put the text back into the articles at ``indices`` with a second read."""
        wanted = sorted(i for i in set(indices) if not self.articles[i].text)
        if not wanted:
            return
        if self._reload_by_line(wanted, ctx) or self._reload_by_source(wanted, paths, ctx):
            return
        quiet = ctx.options()  # the same options (ids, encodings), a log of its own
        targets = iter(wanted)
        target = next(targets)
        for index, article in enumerate(read_corpus(paths, quiet)):
            if index != target:
                continue
            if article.id != self.articles[index].id:
                raise _changed(article, self.articles[index])
            self.articles[index] = article
            target = next(targets, -1)
            if target < 0:
                return

    def _reload_by_line(self, wanted: list[int], ctx: ReadContext) -> bool:
        """The second read by where each record is: its line alone, read and parsed. False
        when the first read did not note where (the caller reads by source)."""
        if self.lines is None:
            return False
        files, where = self.lines
        for index in wanted:
            number, start, end, line = where[index].tolist()
            file = files[number]
            quiet = ctx.options()  # the same options (ids, encodings), a log of its own
            quiet.begin_file(file.label, file.qualifier)
            expected = self.articles[index]
            try:
                got = list(read_range(file.path, file.label, start, end, line, file.encoding,
                                      quiet))
            except (OSError, RecordError) as error:
                raise InputError(f"{expected.source}: the input changed while it was being "
                                 f"scanned ({error}); scan it again") from error
            if len(got) != 1 or got[0].source != expected.source:
                raise InputError(f"{expected.source}: the input changed while it was being "
                                 "scanned (the record is gone); scan it again")
            if got[0].id != expected.id:
                raise _changed(got[0], expected)
            self.articles[index] = got[0]
        return True

    def _reload_by_source(self, wanted: list[int], paths: Sequence[str | Path],
                          ctx: ReadContext) -> bool:
        """The second read by record source (``file:line``): JSON Lines files then parse only
        the wanted lines. Only when every article has a source of its own; False otherwise
        (the caller reads everything in order)."""
        if self._sources_unique is None:
            self._sources_unique = _unique_sources(self.articles)
        if not self._sources_unique:
            return False
        by_source = {self.articles[i].source: i for i in wanted}
        for article in read_corpus(paths, ctx.options(only=frozenset(by_source))):
            index = by_source.pop(article.source, None)
            if index is None:
                continue
            if article.id != self.articles[index].id:
                raise _changed(article, self.articles[index])
            self.articles[index] = article
            if not by_source:
                return True
        if by_source:  # a record the first read had is gone
            index = next(iter(by_source.values()))
            raise InputError(f"{self.articles[index].source}: the input changed while it was "
                             "being scanned (the record is gone); scan it again")
        return True


def _unique_sources(articles: Sequence[Article]) -> bool:
    return len({a.source for a in articles}) == len(articles)


def _changed(article: Article, expected: Article) -> InputError:
    return InputError(f"{article.source}: the input changed while it was being scanned "
                      f"(expected id {expected.id!r}); scan it again")


def load(
    stream: Iterable[Article], reloadable: bool, batch: int,
    count: Callable[[int], None] | None = None, lean_chars: int = LEAN_CHARS,
    long_unit_chars: int = LONG_UNIT_CHARS, workers: int = 1, spill_min: int | None = None,
) -> LoadedCorpus:
    """The articles of ``stream``; when the text read passes ``lean_chars`` (and the input can
    be read again), batches tokenised as they come and their texts dropped. From
    ``spill_min`` articles the tokenised batches' arrays go to a temporary file as they come
    (``ReadTokens``)."""
    articles: list[Article] = []
    pending: deque[Future[Features] | Features] = deque()  # batches sent to be tokenised, in order
    read = ReadTokens(spill_min)
    agency: dict[int, bool] = {}
    chars = 0
    lean = False
    done = 0  # articles already sent to be tokenised (a multiple of batch)
    pool = TokenisePool(workers, long_unit_chars)

    def drop_texts_upto(end: int) -> None:
        nonlocal done
        while end - done >= batch:
            chunk = articles[done : done + batch]
            pending.append(pool.submit([a.text for a in chunk]))
            marks = agency_marks([a.text for a in chunk], [a.title for a in chunk])
            for k, (a, mark) in enumerate(zip(chunk, marks), start=done):
                agency[k] = mark
                articles[k] = a.without_text()
            done += batch
            # Reading runs ahead of the workers by at most two batches each, so the texts
            # waiting to be tokenised never pile up.
            while len(pending) > 2 * max(1, workers):
                read.add(resolved(pending.popleft()))

    try:
        for n, article in enumerate(stream, start=1):
            articles.append(article)
            chars += len(article.text)
            if count is not None and n % 1000 == 0:
                count(n)
            if reloadable and not lean and chars > lean_chars:
                lean = True
            if lean:
                drop_texts_upto(len(articles))
        while pending:
            read.add(resolved(pending.popleft()))
    finally:
        pool.close()
    return LoadedCorpus(articles, read.features, agency, lean, spills=read.spills)


# Parallel reading: files of at least this many bytes in all, cut into parts of about
# PART_BYTES (whole lines) that the workers parse, tokenise and (lean) strip of their text.
# (At 100k articles 8 MB parts read in 2.6 s, 4 MB ones in 2.8 s, 16 MB ones in 2.75 s.)
PARALLEL_READ_BYTES = 32_000_000
PART_BYTES = 8_000_000


@dataclasses.dataclass
class _Part:
    """A part of a file a worker reads: bytes ``start:end``, from line ``first_line``; or,
    with ``error``, where the file stopped being readable (reported in read order)."""

    file: LineFile
    number: int  # the file's place among the files read
    start: int
    end: int
    first_line: int
    ctx: ReadContext  # the read's options, with a log of its own
    lean: bool
    long_chars: int
    error: OSError | None = None


@dataclasses.dataclass
class _PartRead:
    file: LineFile
    number: int
    articles: list[Article]
    features: Features
    agency: list[bool] | None  # lean: each article's agency credit, its text dropped
    log: ReadLog
    error: OSError | None = None  # the file could not be read (named by the caller)
    spans: np.ndarray | None = None  # lean: each article's line (start, end, number)
    failed: RecordError | None = None  # a bad record in fail mode, raised in read order


def _read_part(part: _Part) -> _PartRead:
    """Parse, check and tokenise one part (on a worker: reading is Python work per record)."""
    ctx = part.ctx
    ctx.begin_file(part.file.label, part.file.qualifier)
    empty = Features.concat([])
    if part.error is not None:
        return _PartRead(part.file, part.number, [], empty, None, ctx.part_log(), part.error)
    spans: list[tuple[int, int, int]] | None = [] if part.lean else None
    try:
        articles = list(read_range(part.file.path, part.file.label, part.start, part.end,
                                   part.first_line, part.file.encoding, ctx, spans))
    except OSError as error:
        return _PartRead(part.file, part.number, [], empty, None, ctx.part_log(), error)
    except RecordError as error:  # with what the part logged before it
        return _PartRead(part.file, part.number, [], empty, None, ctx.part_log(),
                         failed=error)
    features = empty if not articles else featurize([a.text for a in articles],
                                                    part.long_chars)
    agency = None
    if part.lean:
        agency = agency_marks([a.text for a in articles], [a.title for a in articles])
        articles = [a.without_text() for a in articles]
    return _PartRead(part.file, part.number, articles, features, agency, ctx.part_log(),
                     spans=np.array(spans, dtype=np.int64).reshape(-1, 3) if spans else None)


def _parts(files: Sequence[LineFile], ctx: ReadContext, lean: bool,
           long_chars: int) -> Iterator[_Part]:
    """Every file cut after the last newline before each PART_BYTES boundary (and after its
    last newline), each part's first line counted, each part given as soon as it is found;
    a file that cannot be read further gives a part holding the error.

    One pass over the bytes here (the parsing is on the workers), read into one buffer over
    and over: reading new bytes objects, each joined to the last one's tail, took a fifth of
    a core's time beside the workers, most of it in fresh memory. A part's first line is one
    past the newlines of the blocks before it, as the last newline of a block ends its part.
    """
    for number, file in enumerate(files):
        start, line = file.start, 1
        try:
            with open(file.path, "rb") as handle:
                handle.seek(file.start)
                buffer = bytearray(PART_BYTES)
                at, lines_before = file.start, 0
                while True:
                    got = handle.readinto(buffer)
                    if not got:
                        break
                    last = buffer.rfind(b"\n", 0, got)
                    # (numpy's comparison counts twice as fast as ``bytearray.count``)
                    lines_before += int(np.count_nonzero(
                        np.frombuffer(buffer, dtype=np.uint8, count=got) == 10))
                    if last >= 0:
                        yield _Part(file, number, start, at + last + 1, line, ctx.options(),
                                    lean, long_chars)
                        start, line = at + last + 1, lines_before + 1
                    at += got
                if start < at:
                    yield _Part(file, number, start, at, line, ctx.options(), lean,
                                long_chars)
        except OSError as error:
            yield _Part(file, number, start, start, line, ctx.options(), lean, long_chars,
                        error)


def parallel_files(source: Any, ctx: ReadContext, workers: int) -> list[LineFile] | None:
    """The files to read on ``workers`` processes, or None to read in this one: several
    workers, files (not stdin or records) that can be read in parts, enough bytes. Anything
    unusual (a path that is not there, an empty folder, a folder whose notes would come out of
    their place among several paths) is left to the read in this process, which reports it
    where it comes."""
    paths = reloadable_paths(source)
    if workers <= 1 or paths is None or ctx.only is not None:
        return None
    try:
        found = line_files(paths, ctx)
    except (OSError, InputError):
        return None
    if found is None or sum(f.size for f in found[0]) < PARALLEL_READ_BYTES:
        return None
    files, notes = found
    if notes and len(paths) > 1:
        return None  # a folder's note is said when that folder is reached
    for message in notes:
        ctx.note(message)
    return files


def load_parallel(files: Sequence[LineFile], ctx: ReadContext, workers: int,
                  count: Callable[[int], None] | None = None, lean_chars: int = LEAN_CHARS,
                  long_unit_chars: int = LONG_UNIT_CHARS,
                  spill_min: int | None = None) -> LoadedCorpus:
    """``load`` of JSON Lines files with the reading itself on ``workers`` processes: each
    part's records are parsed, checked and tokenised where they are read, and only the
    articles (without their text, for a large read) and token arrays come back, in order,
    from one pool for all the files. The same articles, log and arrays as reading in this
    process (tested)."""
    lean = sum(f.size for f in files) > lean_chars
    articles: list[Article] = []
    read = ReadTokens(spill_min)
    agency: dict[int, bool] = {}
    spans: list[np.ndarray] = []  # lean: each article's file and line, to read it again
    spans_whole = lean
    current = -1  # the file being taken in
    given_up = -1  # a file that stopped being readable (skip mode)
    try:
        for got in map_ordered(_read_part, _parts(files, ctx, lean, long_unit_chars),
                               workers):
            if got.number != current:
                if current >= 0:
                    ctx.end_file()
                current = got.number
                ctx.begin_file(got.file.label, got.file.qualifier)
            if got.number == given_up:
                continue
            ctx.absorb(got.log)
            if got.failed is not None:
                raise got.failed
            if got.error is not None:
                problem = f"cannot read: {got.error}"
                if ctx.on_error != "skip":
                    raise InputError(f"{got.file.label}: {problem}") from got.error
                ctx.skipped.append(Skipped(got.file.label, problem))
                given_up = got.number
                continue
            if got.agency is not None:
                agency.update(enumerate(got.agency, start=len(articles)))
            if got.spans is not None and len(got.spans) == len(got.articles):
                where = np.empty((len(got.articles), 4), dtype=np.int64)
                where[:, 0] = got.number
                where[:, 1:] = got.spans
                spans.append(where)
            elif got.articles:
                spans_whole = False
            articles.extend(got.articles)
            if got.articles:
                read.add(got.features)
            if count is not None:
                count(len(articles))
    finally:
        if current >= 0:
            ctx.end_file()
    ctx.end_read()
    loaded = LoadedCorpus(articles, read.features, agency, lean, spills=read.spills)
    if spans_whole and spans:
        loaded.lines = (list(files), np.concatenate(spans))
    return loaded


def reloadable_paths(source: Any) -> list[str | Path] | None:
    """The paths to read again, or None when the source cannot be read twice."""
    if isinstance(source, (str, Path)):
        paths: list[Any] = [source]
    elif isinstance(source, (list, tuple)) and source and all(
        isinstance(x, (str, Path)) for x in source
    ):
        paths = list(source)
    else:
        return None
    if any(str(p) == "-" for p in paths):
        return None
    return paths
