"""Arrays a stage reads a range at a time (``TokenSource``), and the in-memory kind: an
array kept as the parts it was made in (``Segments``). A large scan's spilled arrays
(``engines.spill.Spilled``) are the other kind."""

from __future__ import annotations

from bisect import bisect_right
from typing import Any, Protocol

import numpy as np


class TokenSource(Protocol):
    """An array kept elsewhere, read a range at a time."""

    size: int

    def read(self, start: int, stop: int) -> np.ndarray: ...


class Segments:
    """An array kept as the parts it was made in (a ``TokenSource``): a range inside one
    part is read as a view of it, one across parts joined."""

    def __init__(self, parts: list[np.ndarray], dtype: Any) -> None:
        self.parts = parts
        self.dtype = np.dtype(dtype)
        self.bounds = [0]
        for part in parts:
            self.bounds.append(self.bounds[-1] + int(part.size))
        self.size = self.bounds[-1]

    def read(self, start: int, stop: int) -> np.ndarray:
        if not 0 <= start <= stop <= self.size:
            raise IndexError(f"range {start}:{stop} outside an array of {self.size}")
        if start == stop:
            return np.zeros(0, dtype=self.dtype)
        k = bisect_right(self.bounds, start) - 1
        if stop <= self.bounds[k + 1]:
            return self.parts[k][start - self.bounds[k] : stop - self.bounds[k]]
        pieces = []
        while start < stop:
            end = min(stop, self.bounds[k + 1])
            pieces.append(self.parts[k][start - self.bounds[k] : end - self.bounds[k]])
            start, k = end, k + 1
        return np.concatenate(pieces).astype(self.dtype, copy=False)
