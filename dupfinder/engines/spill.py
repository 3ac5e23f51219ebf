"""The local engine's memory: arrays of a large scan kept in temporary files rather than in
the process (``Spill`` and what reads it back), and freed memory given back to the system
between stages (``release_free_memory``)."""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from typing import Any

import numpy as np

from ..stages.tokens import Features


class Spill:
    """Arrays written to an unlinked temporary file in part order, read back a range at a
    time (``Spilled``).

    At a million articles the shingled word tokens (kept for the second look at near misses
    and for the edits) are 2 GB of ``uint32`` and their figure flags 0.5 GB, of which those
    stages read only some articles'. Written out part by part as they are made, they live in
    the page cache, which the system may drop, instead of the process's memory. Parts may
    arrive out of order from the threads: each waits, a few at most, until the parts before
    it are written.
    """

    def __init__(self, dtype: Any, directory: str | None = None) -> None:
        self.dtype = np.dtype(dtype)
        self._file = tempfile.TemporaryFile(prefix="dupfinder-spill-", dir=directory)
        self._lock = threading.Lock()
        self._waiting: dict[int, np.ndarray] = {}
        self._next = 0
        self.size = 0
        self._bounds = [0]  # where each part starts, and the end

    @property
    def parts(self) -> int:
        """Parts written so far."""
        return self._next

    def put(self, index: int, values: np.ndarray) -> None:
        """Part ``index`` (0, 1, 2, ... each once) of the whole array."""
        with self._lock:
            self._waiting[index] = np.ascontiguousarray(values, dtype=self.dtype)
            while self._next in self._waiting:
                part = self._waiting.pop(self._next)
                self._file.write(part.tobytes())
                self.size += part.size
                self._bounds.append(self.size)
                self._next += 1

    def array(self) -> Spilled:
        """All parts put, as one array to read ranges of."""
        if self._waiting:
            raise RuntimeError(f"spill part {self._next} was never put")
        self._file.flush()
        return Spilled(self._file, self.dtype, self._bounds)


class ColumnSpill:
    """A matrix written a block of rows at a time, kept as ``COLUMNS``-wide column blocks
    (a ``Spill`` each), read back as ``SpilledColumns``: what reads it takes a few columns
    of every row at a time (LSH, a band), so it never holds the whole (the signatures of a
    million articles are 512 MB)."""

    COLUMNS = 4

    def __init__(self, width: int, dtype: Any) -> None:
        self.width = width
        self.dtype = np.dtype(dtype)
        self.blocks = [Spill(dtype) for _ in range(0, width, self.COLUMNS)]

    def put(self, index: int, rows: np.ndarray) -> None:
        """Rows part ``index`` (0, 1, 2, ... each once), ``width`` columns."""
        for k, block in enumerate(self.blocks):
            block.put(index, rows[:, k * self.COLUMNS : (k + 1) * self.COLUMNS])

    def array(self) -> SpilledColumns:
        return SpilledColumns([b.array() for b in self.blocks], self.width, self.dtype)


class SpilledColumns:
    """A spilled matrix (``ColumnSpill``): ``m[:, lo:hi]`` reads the column blocks it needs."""

    def __init__(self, blocks: list[Spilled], width: int, dtype: np.dtype) -> None:
        self.blocks = blocks
        self.dtype = dtype
        rows = blocks[0].size // min(width, ColumnSpill.COLUMNS) if blocks else 0
        self.shape = (rows, width)

    def __getitem__(self, key: tuple[slice, slice]) -> np.ndarray:
        rows, cols = key
        if rows != slice(None) or not isinstance(cols, slice) or cols.step not in (None, 1):
            raise IndexError("a spilled matrix is read as m[:, lo:hi]")
        lo, hi, _ = cols.indices(self.shape[1])
        hi = max(lo, hi)
        step = ColumnSpill.COLUMNS
        parts = []
        for k in range(lo // step, -(-hi // step)):
            first = k * step
            wide = min(step, self.shape[1] - first)
            block = self.blocks[k].read(0, self.blocks[k].size).reshape(self.shape[0], wide)
            parts.append(block[:, max(lo, first) - first : min(hi, first + wide) - first])
        if not parts:
            return np.zeros((self.shape[0], 0), dtype=self.dtype)
        return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)


class ReadTokens:
    """The batches tokenised while reading, in order; once the articles they hold pass
    ``spill_min``, each batch's tokens and digit flags go to a ``Spill`` as it comes (its
    arrays left empty), so a large read never holds them all: at a million articles 2.4 GB
    came back from the workers and waited for the scan to spill them after reading."""

    def __init__(self, spill_min: int | None = None, features: list[Features] | None = None,
                 spills: tuple[Spill, Spill] | None = None) -> None:
        self.spill_min = spill_min
        self.features: list[Features] = features if features is not None else []
        self.spills = spills  # the first ``spills[0].parts`` batches are written there
        self.articles = sum(len(f) for f in self.features)

    def add(self, features: Features) -> None:
        self.features.append(features)
        self.articles += len(features)
        if self.spills is not None:
            self._put(len(self.features) - 1)
        elif self.spill_min is not None and self.articles >= self.spill_min:
            self.spill_all()

    def spill_all(self) -> tuple[Spill, Spill]:
        """Every batch not written yet, written (the files made if there were none)."""
        if self.spills is None:
            self.spills = (Spill(np.uint32), Spill(np.bool_))
        for index in range(self.spills[0].parts, len(self.features)):
            self._put(index)
        release_free_memory()
        return self.spills

    def _put(self, index: int) -> None:
        assert self.spills is not None
        batch = self.features[index]
        self.spills[0].put(index, batch.tokens)
        self.spills[1].put(index, batch.has_digit)
        batch.tokens = np.zeros(0, np.uint32)
        batch.has_digit = np.zeros(0, np.bool_)


class Spilled:
    """A spilled array, read with ``pread`` a range at a time.

    Not ``np.memmap``: a map brings each read's neighbourhood into the process too (the
    kernel maps 64 KB around every fault), and at 250k articles 8k near misses put 90% of
    the file into the scan's resident memory. A read is a syscall and a copy of the range,
    which the caller frees. Forked workers share the descriptor (``pread`` has no shared
    offset); pickled, for a worker that is not forked, it travels as the whole array.
    """

    def __init__(self, file: Any, dtype: np.dtype, bounds: list[int]) -> None:
        self._file = file  # kept open (and so on disk, though unlinked) as long as this is
        self.dtype = dtype
        self.bounds = bounds
        self.size = bounds[-1]

    def read(self, start: int, stop: int) -> np.ndarray:
        if not 0 <= start <= stop <= self.size:
            raise IndexError(f"range {start}:{stop} outside a spilled array of {self.size}")
        out = np.empty(stop - start, dtype=self.dtype)
        if out.nbytes:  # read straight into the array: no bytes object to copy from
            got = os.preadv(self._file.fileno(), [out.data], start * self.dtype.itemsize)
            if got != out.nbytes:
                raise OSError(f"spill file cut short: {got} of {out.nbytes} bytes read")
        return out

    def part(self, index: int) -> np.ndarray:
        """Part ``index`` as it was put."""
        return self.read(self.bounds[index], self.bounds[index + 1])

    def __reduce__(self) -> tuple[Any, ...]:
        return (_InMemory, (self.read(0, self.size), self.bounds))


class _InMemory(Spilled):
    """A spilled array brought into memory (a pickled ``Spilled``)."""

    def __init__(self, values: np.ndarray, bounds: list[int]) -> None:
        super().__init__(None, values.dtype, bounds)
        self.values = values

    def read(self, start: int, stop: int) -> np.ndarray:
        return self.values[start:stop]


def release_free_memory() -> None:
    """Give the memory freed by the last stage back to the OS (glibc's ``malloc_trim``).

    A scan frees arrays of hundreds of MB stage after stage; glibc keeps most of that memory
    for reuse, so the next stage's arrays land on top and the peak grows. Trimming at each
    stage boundary measured at 100k articles: peak RSS 1.59 -> 1.42 GB for about 2 s (fixing
    glibc's mmap threshold instead saved as much memory but cost 5 s in page faults).
    """
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _glibc() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim  # noqa: B018 (not glibc: no such function)
        return libc
    except (OSError, AttributeError):
        return None


_LIBC = _glibc()
