"""Locality-sensitive hashing over MinHash signatures: candidate pairs for Jaccard copies.

Bands and rows come from datasketch's optimiser; buckets are found by sorting one array of band
keys per band (no Python dict per article), and every bucket of k articles yields its k*(k-1)/2
pairs. A pair is only a candidate: verification decides.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

# Buckets larger than this are linked as a chain of neighbours instead of all pairs: a bucket of
# thousands of identical pages would otherwise yield millions of pairs. Clustering verifies every
# member against its canonical directly, so the chain loses no copy.
MAX_BUCKET_PAIRS = 400

_BAND_MIX = np.uint64(0x9E3779B97F4A7C15)


@lru_cache(maxsize=32)
def band_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) for a candidate threshold, from datasketch's optimiser.

    False negatives cost recall that nothing later can recover, false positives only cost a
    verification, so misses are weighted 9:1.
    """
    from datasketch.lsh import _optimal_param

    bands, rows = _optimal_param(threshold, num_perm, 0.1, 0.9)
    return int(bands), int(rows)


def band_keys(signatures: np.ndarray, band: int, rows: int) -> np.ndarray:
    """One uint64 key per article for one band (collisions are harmless: pairs are verified)."""
    block = signatures[:, band * rows : (band + 1) * rows].astype(np.uint64)
    key = np.zeros(block.shape[0], dtype=np.uint64)
    for r in range(rows):
        key = key * _BAND_MIX + block[:, r] + np.uint64(r + 1)
    return key


def pairs_from_groups(keys: np.ndarray, valid: np.ndarray | None = None) -> np.ndarray:
    """All pairs (i < j) of positions whose keys are equal, as an (n, 2) int64 array."""
    idx = np.arange(keys.size, dtype=np.int64)
    if valid is not None:
        idx = idx[valid]
        keys = keys[valid]
    if keys.size < 2:
        return np.zeros((0, 2), dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    si = idx[order]
    boundary = np.ones(sk.size + 1, dtype=bool)
    boundary[1:-1] = sk[1:] != sk[:-1]
    starts = np.nonzero(boundary)[0]
    sizes = np.diff(starts)
    starts = starts[:-1]
    out: list[np.ndarray] = []
    two = starts[sizes == 2]
    if two.size:
        out.append(np.stack([si[two], si[two + 1]], axis=1))
    for start, size in zip(starts[sizes > 2].tolist(), sizes[sizes > 2].tolist()):
        members = si[start : start + size]
        if size * (size - 1) // 2 <= MAX_BUCKET_PAIRS:
            a, b = np.triu_indices(size, k=1)
            out.append(np.stack([members[a], members[b]], axis=1))
        else:
            out.append(np.stack([members[:-1], members[1:]], axis=1))
    if not out:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(out)
    return np.sort(pairs, axis=1)


def unique_pairs(parts: list[np.ndarray]) -> np.ndarray:
    parts = [p for p in parts if p.size]
    if not parts:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(parts)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    return np.unique(pairs, axis=0)


def candidate_pairs(
    signatures: np.ndarray, threshold: float, valid: np.ndarray | None = None
) -> np.ndarray:
    """Pairs of articles that share at least one band: likely Jaccard >= threshold."""
    docs, num_perm = signatures.shape
    if docs < 2:
        return np.zeros((0, 2), dtype=np.int64)
    bands, rows = band_params(round(float(threshold), 4), int(num_perm))
    parts = [pairs_from_groups(band_keys(signatures, band, rows), valid) for band in range(bands)]
    return unique_pairs(parts)
