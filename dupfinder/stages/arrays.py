"""Small numpy helpers shared by the stages.

``np.unique`` hashes in numpy 2.x and is tens of times slower than the SIMD sort for the integer
keys used here, so dedupe and counting go through ``np.sort``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any, cast

import numpy as np

# How a stage runs its independent pieces (``map``, or an engine's map on threads): a stage
# only says what is independent, the engine how it runs.
Mapper = Callable[[Callable[[Any], Any], Iterable[Any]], Iterator[Any]]


def mix64(h: np.ndarray) -> np.ndarray:
    """The MurmurHash3 64-bit finaliser: spreads structured integer keys over all bits."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def unique(x: np.ndarray) -> np.ndarray:
    if x.size == 0:
        return x
    s = np.sort(x)
    keep = np.ones(s.size, dtype=bool)
    keep[1:] = s[1:] != s[:-1]
    return s[keep]


def unique_counts(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if x.size == 0:
        return x, np.zeros(0, dtype=np.int64)
    s = np.sort(x)
    starts = np.flatnonzero(np.concatenate(([True], s[1:] != s[:-1])))
    counts = np.diff(np.append(starts, s.size))
    return s[starts], counts


def unique_inverse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True, return_counts=True)`` of integers, by one
    ``stable_argsort`` (for 32-bit values a plain SIMD sort), where numpy's unique with an
    inverse takes a comparison argsort (the index's new vocabulary: millions of tokens)."""
    order = stable_argsort(values)
    ordered = values[order]
    new = np.ones(ordered.size, dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    inverse = np.empty(values.size, dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    return ordered[starts], inverse, np.diff(np.append(starts, ordered.size))


_LOW = np.uint64(0xFFFFFFFF)
# From this many keys wider than 32 bits ``stable_argsort`` takes the compiled radix sort
# (``_numba_sort.stable_order``): boilerplate's 2 M unit entries at 100k articles, 0.23 ->
# 0.17 s (numpy's argsort and the second sort its ties need); below a million keys numpy's
# sort, which the cache still holds, is as fast as the five passes.
RADIX_MIN = 1_000_000


def stable_argsort(values: np.ndarray) -> np.ndarray:
    """``np.argsort(values, kind="stable")``, the same permutation, several times faster.

    numpy's stable sort of integers is a timsort of indices (80 ms a million); its SIMD sort
    of plain values is a tenth of that. So a key of 32 bits or less is sorted as one 64-bit
    value with the index below it (the ties fall in index order by construction); a wider
    key by a compiled radix sort (stable too) when numba is there, else by numpy's argsort,
    then its runs of ties put in index order by a second plain sort.
    """
    n = values.size
    if n < 2:
        return np.arange(n, dtype=np.int64)
    if n >= 2**32 or values.dtype.kind not in "iub":
        return np.argsort(values, kind="stable")
    if values.dtype.kind == "u" and values.dtype.itemsize <= 4:
        return _sorted_with_index(values.astype(np.uint64))
    low, high = int(values.min()), int(values.max())
    if high - low < 2**32:
        # Shifted to start at 0 (wrapping arithmetic: the true difference fits).
        shifted = values.astype(np.int64 if values.dtype.kind != "u" else np.uint64)
        shifted -= shifted.dtype.type(low)
        return _sorted_with_index(shifted.view(np.uint64))
    if n >= RADIX_MIN and values.dtype.itemsize == 8:
        from . import _numba

        kernel = _numba.kernel("stable_order")
        if kernel is not None:  # a radix sort: stable as it goes, no comparison sort
            keys = values.view(np.uint64)
            if values.dtype.kind == "i":  # signed order is unsigned order, sign bit flipped
                keys = keys ^ np.uint64(1 << 63)
            return cast(np.ndarray, kernel(keys))
    order = np.argsort(values)
    ordered = values[order]
    tie = ordered[1:] == ordered[:-1]
    if not tie.any():
        return order.astype(np.int64)
    run = np.zeros(n, dtype=np.uint64)
    np.cumsum(~tie, out=run[1:])
    return (np.sort((run << np.uint64(32)) | order.astype(np.uint64)) & _LOW).astype(np.int64)


def _sorted_with_index(key: np.ndarray) -> np.ndarray:
    """The stable order of 32-bit ``key`` values (a uint64 array it takes over)."""
    key <<= np.uint64(32)
    key |= np.arange(key.size, dtype=np.uint64)
    key.sort()
    key &= _LOW
    return key.view(np.int64)


def lexsort(keys: tuple[np.ndarray, ...]) -> np.ndarray:
    """``np.lexsort(keys)`` (the last key primary), the same permutation: one stable sort a
    key, from the first (the least significant) to the last, each by ``stable_argsort``."""
    order = stable_argsort(keys[0])
    for key in keys[1:]:
        order = order[stable_argsort(key[order])]
    return order


# From this many 64-bit values ``isin`` probes a compiled hash table of the test values.
COMPILED_ISIN_VALUES = 100_000


def isin(values: np.ndarray, test: np.ndarray) -> np.ndarray:
    """``np.isin(values, test)`` for integer arrays: ``test`` sorted (numpy's SIMD sort) and
    searched, where ``np.isin`` sorts both together with a stable sort, ten times slower (the
    boilerplate stage asks it of every unit, a few keys at a time)."""
    if test.size == 0:
        return np.zeros(values.shape, dtype=bool)
    if test.dtype != values.dtype:  # a search across types would compare as floats
        return np.isin(values, test)
    if (values.size >= COMPILED_ISIN_VALUES and values.dtype.kind in "iu"
            and values.dtype.itemsize == 8 and values.ndim == 1):
        from . import _numba

        kernel = _numba.kernel("member_of")
        if kernel is not None:  # a hash table of ``test``: a probe a value, no search
            return cast(np.ndarray, kernel(values, test.ravel()))
    ordered = np.sort(test.ravel())
    at = np.searchsorted(ordered, values)
    return ordered[np.minimum(at, ordered.size - 1)] == values


def runs(sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start index and length of each run of equal values in a sorted array."""
    if sorted_keys.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
    return starts, np.diff(np.append(starts, sorted_keys.size))


@lru_cache(maxsize=512)
def _triu(n: int) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.triu_indices(n, k=1)
    return a, b


def pairs_within_runs(
    members: np.ndarray, starts: np.ndarray, sizes: np.ndarray, max_pairs: int | None = None
) -> np.ndarray:
    """All (i, j) pairs of ``members`` values inside each run, as an (n, 2) int64 array.

    A run whose all-pairs count exceeds ``max_pairs`` is linked as a chain instead.
    """
    out: list[np.ndarray] = []
    two = starts[sizes == 2]
    if two.size:
        out.append(np.stack([members[two], members[two + 1]], axis=1))
    big = sizes > 2
    for size in np.unique(sizes[big]).tolist() if big.any() else []:
        run_starts = starts[sizes == size]
        if max_pairs is not None and size * (size - 1) // 2 > max_pairs:
            for start in run_starts.tolist():
                chunk = members[start : start + size]
                out.append(np.stack([chunk[:-1], chunk[1:]], axis=1))
            continue
        a, b = _triu(size)
        base = run_starts[:, None]
        out.append(np.stack([members[(base + a).ravel()], members[(base + b).ravel()]], axis=1))
    if not out:
        return np.zeros((0, 2), dtype=np.int64)
    return np.concatenate(out).astype(np.int64, copy=False)


def dedupe_pairs(pairs: np.ndarray, n: int) -> np.ndarray:
    """Unique (i < j) rows, sorted."""
    if pairs.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    p = np.sort(pairs, axis=1)
    p = p[p[:, 0] != p[:, 1]]
    code = unique(p[:, 0].astype(np.int64) * n + p[:, 1])
    return np.stack([code // n, code % n], axis=1)


def components(n: int, pairs: np.ndarray) -> np.ndarray:
    """Connected-component label (the smallest member index) of each of n nodes."""
    labels = np.arange(n, dtype=np.int64)
    if pairs.size == 0:
        return labels
    i, j = pairs[:, 0], pairs[:, 1]
    while True:
        low = np.minimum(labels[i], labels[j])
        before = labels.copy()
        np.minimum.at(labels, i, low)
        np.minimum.at(labels, j, low)
        labels = labels[labels]  # pointer jumping
        if np.array_equal(labels, before):
            return labels
