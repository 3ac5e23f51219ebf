"""Exact verification: Jaccard and containment on the shingle sets themselves.

Candidates come from estimates; a copy is only ever declared on exact overlaps, which is where
the precision comes from.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .shingle import ShingleSets

# Short notices that differ in their figures are different reports, however alike their
# wording: a dividend, a price change, a weekly statistic re-issued with new numbers. Measured on
# Reuters-21578 (benchmarks/accuracy.py): this removes most template false positives and no true
# copy; longer articles are exempt because scraped pages carry their own dates and times.
FIGURE_SHARE = 0.8
FIGURE_MAX_WORDS = 60


@dataclass(frozen=True)
class Thresholds:
    jaccard: float
    containment: float
    min_shingles: int

    def is_copy(self, jaccard: float, containment: float, smaller: int) -> bool:
        return jaccard >= self.jaccard or (
            containment >= self.containment and smaller >= self.min_shingles
        )


def figures_agree(sets: ShingleSets, i: int, j: int) -> bool:
    """False when the shorter of two short articles has figures the other lacks."""
    if sets.figure_offsets is None:
        return True
    return figure_arrays_agree(sets.figures_of(i), sets.figures_of(j),
                               int(sets.words[i]), int(sets.words[j]))


def figure_arrays_agree(fi: np.ndarray, fj: np.ndarray, words_i: int, words_j: int) -> bool:
    if min(words_i, words_j) > FIGURE_MAX_WORDS:
        return True
    small, large = (fi, fj) if fi.size <= fj.size else (fj, fi)
    if small.size == 0:
        return True
    return intersection_size(small, large) / small.size >= FIGURE_SHARE


def intersection_size(a: np.ndarray, b: np.ndarray) -> int:
    """Size of the intersection of two sorted unique arrays.

    Of similar sizes (near-copies, the common case), both are concatenated and sorted: every
    shared value then sits next to its twin, and numpy's SIMD sort makes this twice as fast as
    a binary search per value, which wins only when one array is far smaller.
    """
    if a.size > b.size:
        a, b = b, a
    if a.size == 0:
        return 0
    if b.size > 8 * a.size:
        pos = np.searchsorted(b, a)
        pos[pos == b.size] = b.size - 1
        return int(np.count_nonzero(b[pos] == a))
    both = np.concatenate((a, b))
    both.sort()
    return int(np.count_nonzero(both[1:] == both[:-1]))


def similarity(sets: ShingleSets, i: int, j: int) -> tuple[float, float]:
    """(jaccard, containment) of articles i and j."""
    a, b = sets.of(i), sets.of(j)
    inter = intersection_size(a, b)
    union = a.size + b.size - inter
    smaller = min(a.size, b.size)
    jac = inter / union if union else 0.0
    con = inter / smaller if smaller else 0.0
    return jac, con


@dataclass
class Edges:
    """Verified copy pairs with their exact scores."""

    pairs: np.ndarray  # (n, 2) int64, i < j
    jaccard: np.ndarray  # float64
    containment: np.ndarray  # float64

    def merged(self, other: Edges) -> Edges:
        return Edges(
            np.concatenate([self.pairs, other.pairs]),
            np.concatenate([self.jaccard, other.jaccard]),
            np.concatenate([self.containment, other.containment]),
        )


def verify(sets: ShingleSets, pairs: np.ndarray, thresholds: Thresholds) -> Edges:
    off = sets.offsets.tolist()
    hashes = sets.hashes
    min_j, min_c, min_size = thresholds.jaccard, thresholds.containment, thresholds.min_shingles
    keep: list[int] = []
    jac_out: list[float] = []
    con_out: list[float] = []
    for k, (i, j) in enumerate(pairs.tolist()):
        si, sj = off[i + 1] - off[i], off[j + 1] - off[j]
        if si <= sj:
            small, large, ns, nl = hashes[off[i] : off[i + 1]], hashes[off[j] : off[j + 1]], si, sj
        else:
            small, large, ns, nl = hashes[off[j] : off[j + 1]], hashes[off[i] : off[i + 1]], sj, si
        # Cheap bound: even full containment cannot reach the Jaccard threshold, and the
        # smaller is too small for the containment rule.
        if ns == 0 or (ns / nl < min_j and ns < min_size):
            continue
        inter = intersection_size(small, large)
        jac = inter / (ns + nl - inter)
        con = inter / ns
        if (jac >= min_j or (con >= min_c and ns >= min_size)) and figures_agree(sets, i, j):
            keep.append(k)
            jac_out.append(jac)
            con_out.append(con)
    return Edges(
        pairs[np.array(keep, dtype=np.int64)] if keep else np.zeros((0, 2), dtype=np.int64),
        np.array(jac_out, dtype=np.float64),
        np.array(con_out, dtype=np.float64),
    )
