"""Locality-sensitive hashing over MinHash signatures: candidate pairs for Jaccard copies.

Bands and rows come from datasketch's optimiser; buckets are found by sorting one array of band
keys per band (no Python dict per article), and every bucket of k articles yields its k*(k-1)/2
pairs. A pair is only a candidate: verification decides.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Protocol, cast

import numpy as np

from . import _numba
from .arrays import Mapper, dedupe_pairs, pairs_within_runs, runs

# Buckets larger than this are linked as a chain of neighbours instead of all pairs: a bucket of
# thousands of identical pages would otherwise yield millions of pairs. Clustering verifies every
# member against its canonical directly, so the chain loses no copy.
MAX_BUCKET_PAIRS = 400

_BAND_MIX = np.uint64(0x9E3779B97F4A7C15)
# Below this many articles numpy's band keys are quick, and loading the kernel costs more.
COMPILED_MIN_DOCS = 5000


FALSE_POSITIVE_WEIGHT = 0.1
FALSE_NEGATIVE_WEIGHT = 0.9

# datasketch's optimiser answers for common settings, so that a scan need not import scipy
# (half a second per process). tests/test_lsh.py checks every entry against datasketch itself.
KNOWN_BANDS: dict[tuple[float, int], tuple[int, int]] = {
    (0.3, 64): (32, 2), (0.3, 128): (32, 2), (0.3, 256): (85, 3),
    (0.35, 64): (23, 2), (0.35, 128): (42, 3), (0.35, 256): (65, 3),
    (0.4, 64): (17, 2), (0.4, 128): (42, 3), (0.4, 256): (64, 4),
    (0.45, 64): (21, 3), (0.45, 128): (29, 3), (0.45, 256): (64, 4),
    (0.5, 64): (21, 3), (0.5, 128): (32, 4), (0.5, 256): (42, 4),
}


@lru_cache(maxsize=32)
def band_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) for a candidate threshold, from datasketch's optimiser.

    False negatives cost recall that nothing later can recover, false positives only cost a
    verification, so misses are weighted 9:1.
    """
    known = KNOWN_BANDS.get((round(threshold, 4), num_perm))
    if known is not None:
        return known
    from datasketch.lsh import _optimal_param

    bands, rows = _optimal_param(threshold, num_perm, FALSE_POSITIVE_WEIGHT, FALSE_NEGATIVE_WEIGHT)
    return int(bands), int(rows)


class Signatures(Protocol):
    """A (articles, num_perm) matrix read a band of columns at a time: an array, or one
    kept outside memory (``engines.spill.SpilledColumns``)."""

    @property
    def shape(self) -> tuple[int, ...]: ...

    def __getitem__(self, key: Any) -> Any: ...


def band_keys(signatures: Signatures, band: int, rows: int) -> np.ndarray:
    """One uint64 key per article for one band (collisions are harmless: pairs are verified)."""
    columns = signatures[:, band * rows : (band + 1) * rows]
    kernel = _numba.kernel("band_key") if columns.shape[0] >= COMPILED_MIN_DOCS else None
    if kernel is not None:  # compiled: the same keys in one pass
        return cast(np.ndarray, kernel(columns, _BAND_MIX))
    block = columns.astype(np.uint64)
    key = np.zeros(block.shape[0], dtype=np.uint64)
    for r in range(rows):
        key = key * _BAND_MIX + block[:, r] + np.uint64(r + 1)
    return key


def pairs_from_groups(keys: np.ndarray, valid: np.ndarray | None = None) -> np.ndarray:
    """All pairs of positions whose keys are equal, as an (n, 2) int64 array (each pair
    once, in no particular order or orientation: ``dedupe_pairs`` puts them in order)."""
    idx = np.arange(keys.size, dtype=np.int64)
    if valid is not None:
        idx = idx[valid]
        keys = keys[valid]
    if keys.size < 2:
        return np.zeros((0, 2), dtype=np.int64)
    # Grouped by an unstable sort (numpy's SIMD sort, no second pass for ties): a bucket's
    # pairs are the same set in any order of its members, and the caller makes them unique
    # and sorted. Only a bucket linked as a chain (more pairs than the cap) depends on its
    # order, so its members are put in index order, as a stable sort would have them.
    order = np.argsort(keys)
    starts, sizes = runs(keys[order])
    members = idx[order]
    chained = np.flatnonzero(sizes * (sizes - 1) // 2 > MAX_BUCKET_PAIRS)
    for start, size in zip(starts[chained].tolist(), sizes[chained].tolist()):
        members[start : start + size].sort()
    return pairs_within_runs(members, starts, sizes, MAX_BUCKET_PAIRS)


def candidate_pairs(
    signatures: Signatures, threshold: float, valid: np.ndarray | None = None,
    map: Mapper = map,
) -> np.ndarray:
    """Pairs of articles that share at least one band: likely Jaccard >= threshold.

    ``map`` runs the bands (independent: a sort each); the engine passes one on threads."""
    docs, num_perm = signatures.shape
    if docs < 2:
        return np.zeros((0, 2), dtype=np.int64)
    bands, rows = band_params(round(float(threshold), 4), int(num_perm))

    def band_codes(band: int) -> np.ndarray:
        """The band's pairs as sorted unique codes ``i * docs + j`` (made where the band is,
        on its thread)."""
        pairs = dedupe_pairs(pairs_from_groups(band_keys(signatures, band, rows), valid), docs)
        return pairs[:, 0] * docs + pairs[:, 1]

    # Copies share most bands, so each band repeats most pairs: each band's codes are merged
    # into the unique codes so far as they come (two sorted runs: a linear merge), never all
    # bands' pairs at once (at a million articles that took 2 GB), while the threads make
    # the next bands.
    found = np.zeros(0, dtype=np.int64)
    for codes in map(band_codes, range(bands)):
        found = merge_unique(found, codes)
    return np.stack([found // docs, found % docs], axis=1)


def merge_unique(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The sorted unique values of two sorted unique arrays (numpy's stable sort is a
    timsort for 64-bit integers: on two sorted runs, a merge)."""
    if not a.size or not b.size:
        return b if not a.size else a
    kernel = _numba.kernel("merge_unique") if a.dtype == b.dtype else None
    if kernel is not None:  # compiled: one merge, no sort
        return cast(np.ndarray, kernel(a, b))
    both = np.concatenate((a, b))
    both.sort(kind="stable")
    keep = np.empty(both.size, dtype=bool)
    keep[0] = True
    np.not_equal(both[1:], both[:-1], out=keep[1:])
    return both[keep]

