"""The local engine's worker processes and threads, for the stages that hold the GIL.

Tokenising (normalising, cutting units, the regular expressions of a batch) is Python work
that threads cannot overlap, so it runs on a pool of forked processes (Linux); numpy stages
(shingling, signing) stay on threads, which share their arrays for free. Batches go out and
come back in order, so the result is the same for any number of workers (tested against one
worker).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import tempfile
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from itertools import repeat
from typing import Any, TypeVar

import numpy as np

from ..stages.agency import COMPILED_MIN_TEXTS, agency_marks
from ..stages.tokens import Features, featurize


def _context() -> Any:
    """fork where there is one: a worker starts as a copy of this process, so a user's script
    is never imported again (forkserver and spawn re-run an unguarded ``__main__``); elsewhere
    None, and tokenising stays in this process."""
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


def map_threads(fn: Callable[[Any], Any], items: Sequence[Any], workers: int) -> list[Any]:
    """``fn`` over ``items`` on ``workers`` threads, results in order: for the stages that are
    numpy or compiled work releasing the GIL (shingling, signing), which threads overlap
    without forking or pickling."""
    return list(imap_threads(fn, items, workers))


def imap_threads(fn: Callable[[Any], Any], items: Sequence[Any],
                 workers: int, ahead: int = 2) -> Iterator[Any]:
    """``map_threads`` yielding each result as soon as it and those before it are done, so
    the caller can take in part k while the threads make the next ones; at most ``ahead``
    items a thread are started before the caller has taken theirs (results waiting for a
    slower caller never pile up: at a million articles a band of LSH pairs is 60 MB)."""
    if workers <= 1 or len(items) <= 1:
        yield from map(fn, items)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        yield from _in_order(pool, fn, items, ahead * workers)


def _in_order(pool: Executor, fn: Callable[[Any], Any], items: Iterable[Any],
              limit: int) -> Iterator[Any]:
    """``fn`` of each item on ``pool``, the results in item order, at most ``limit`` items
    submitted and not yet taken; what is still queued is cancelled if the caller stops."""
    pending: deque[Future[Any]] = deque()
    try:
        for item in items:
            pending.append(pool.submit(fn, item))
            while len(pending) > limit:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


def warm_up() -> None:
    """Build the tokeniser's character tables and load the compiled kernels in this process:
    a forked worker inherits them instead of spending a second on them itself."""
    from ..stages import _numba

    load_char_tables()
    _numba.kernels()
    # The compiled tokeniser's code loaded, for texts of each width of code point.
    featurize(["A warm-up line.", "Two, 2.", "Café au lait.", "“Quoted” — 2.", "Up \U0001F600."],
              320)
    # The needle search of agency credits, for ASCII batches and the others.
    for text in ("A line (AP).", "Café (AP)."):
        agency_marks([text] * COMPILED_MIN_TEXTS, [None] * COMPILED_MIN_TEXTS)


def load_char_tables() -> None:
    """The tokeniser's character tables, from the copy saved by an earlier run when there is
    one (building them is a quarter of a second of Python over every code point, paid by
    every command before it reads a line), else built and saved. The copy is named by a
    digest of what the tables are derived from (the code building them, Python's version and
    its Unicode data), so a change of either builds them again; a copy that cannot be read
    or written is no error, the tables are built."""
    from ..stages import normalise

    if normalise._TABLES is not None:
        return
    where = _tables_file()
    if where is not None:
        try:
            with np.load(where, allow_pickle=False) as saved:
                tables = normalise.CharTables(saved={k: saved[k] for k in saved.files})
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            pass
        else:
            normalise.use_char_tables(tables)
            return
    tables = normalise.char_tables()
    if where is not None:
        _save_tables(tables.arrays(), where)


def _save_tables(arrays: dict[str, Any], where: Any) -> None:
    """Written whole under a temporary name, then renamed (a reader never sees half a copy,
    and a failed write leaves nothing behind); copies made by code since changed go."""
    part = None
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=where.parent, prefix=".char_tables-",
                                         suffix=".npz", delete=False) as handle:
            part = handle.name
            np.savez(handle, **arrays)
        os.chmod(part, 0o644)  # (a temporary file is its owner's alone; the cache is not)
        os.replace(part, where)
        part = None
        for stale in where.parent.glob("char_tables-*.npz"):
            if stale != where:
                stale.unlink(missing_ok=True)
    except OSError:
        pass
    finally:
        if part is not None:
            with contextlib.suppress(OSError):
                os.unlink(part)


def _tables_file() -> Any:
    """Where the saved tables are: beside the compiled kernels' cache (``__pycache__`` of the
    stages) when that is writable, else the user's cache folder; None when the code they are
    named by cannot be read."""
    import hashlib
    import unicodedata
    from pathlib import Path

    from ..stages import normalise

    source = Path(normalise.__file__)
    try:
        code = source.read_bytes()
    except OSError:
        return None
    digest = hashlib.blake2b(code + sys.version.encode() + unicodedata.unidata_version.encode(),
                             digest_size=8).hexdigest()
    name = f"char_tables-{digest}.npz"
    beside = source.parent / "__pycache__"
    if (beside / name).exists() or os.access(beside if beside.exists() else source.parent,
                                             os.W_OK):
        return beside / name
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(home) / "dupfinder" / name


class TokenisePool:
    """``featurize`` over batches of texts on ``workers`` processes (1: in this process)."""

    def __init__(self, workers: int, long_chars: int) -> None:
        load_char_tables()  # (in this process too: a small scan tokenises here)
        self.context = _context()
        self.workers = workers if self.context is not None else 1
        self.long_chars = long_chars
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> TokenisePool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            warm_up()  # once here, so that no forked worker builds the tables again
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=self.context)
        return self._pool

    def submit(self, texts: Sequence[str]) -> Future[Features] | Features:
        """One batch: a future when worker processes run it, else the result itself."""
        if self.workers <= 1:
            return featurize(texts, self.long_chars)
        return self._executor().submit(featurize, list(texts), self.long_chars)

    def map(self, batches: Iterable[Sequence[str]]) -> Iterator[Features]:
        """Every batch, in order."""
        if self.workers <= 1:
            for texts in batches:
                yield featurize(texts, self.long_chars)
            return
        yield from self._executor().map(featurize, (list(t) for t in batches),
                                        repeat(self.long_chars))


T = TypeVar("T")
R = TypeVar("R")


def map_ordered(fn: Callable[[T], R], tasks: Iterable[T], workers: int,
                ahead: int = 2) -> Iterator[R]:
    """``fn`` over ``tasks`` on ``workers`` forked processes, results in task order, with at
    most ``ahead`` tasks a worker queued at once (so that results never pile up in memory);
    here, one by one, with one worker or no fork. ``fn`` must be a module-level function and
    tasks and results picklable. Stopping early (an error, a break) cancels what is queued."""
    context = _context()
    if workers <= 1 or context is None:
        for task in tasks:
            yield fn(task)
        return
    warm_up()  # the workers inherit the tokeniser's tables and the compiled kernels
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        yield from _in_order(pool, fn, tasks, ahead * workers)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def resolved(item: Future[Features] | Features) -> Features:
    return item.result() if isinstance(item, Future) else item


# The state a forked worker reads: set just before the pool forks, so every worker starts with
# the arrays already in its memory (copy-on-write) and only row ranges and results travel.
_SHARED: Any = None


def _run_on_shared(fn: Callable[[Any, int, int], list[Any]], lo: int, hi: int) -> list[Any]:
    return fn(_SHARED, lo, hi)


def map_ranges(fn: Callable[[Any, int, int], list[Any]], state: Any, total: int, workers: int,
               chunk: int = 2000) -> list[Any]:
    """``fn(state, lo, hi)`` over consecutive row ranges, concatenated in order.

    On ``workers`` forked processes when there are several ranges (Linux), else here. ``fn``
    must be a module-level function; ``state`` is never pickled (the workers inherit it).
    """
    global _SHARED
    context = _context()
    bounds = [(lo, min(total, lo + chunk)) for lo in range(0, total, chunk)]
    if workers <= 1 or context is None or len(bounds) <= 1:
        return fn(state, 0, total) if total else []
    _SHARED = state
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            parts = list(pool.map(_run_on_shared, repeat(fn), *zip(*bounds)))
    finally:
        _SHARED = None
    return [row for part in parts for row in part]
