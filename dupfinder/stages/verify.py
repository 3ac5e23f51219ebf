"""Exact verification: Jaccard and containment on the shingle sets themselves.

Candidates come from estimates; a copy is only ever declared on exact overlaps, which is where
the precision comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz.distance import Indel

from ..tuning import VerifyRules
from .shingles import ShingleSets

# Short notices that differ in their figures are different reports, however alike their
# wording: a dividend, a price change, a weekly statistic re-issued with new numbers. Measured on
# Reuters-21578 (benchmarks/accuracy.py): this removes most template false positives and no true
# copy; longer articles are exempt because scraped pages carry their own dates and times.
# (VerifyRules.figure_share, figure_max_words.)
#
# The second look. A reprint copy-edited throughout ("says" -> "said", American spellings) loses
# five shingles to every changed word and lands below the containment cut; its word sequence
# still aligns with the original, in short gaps. A write-through with a rewritten lede aligns as
# well outside the lede, but in one long gap at the start. So pairs of articles of at least
# look_min_words words (template notices are shorter) from look_from up to the cut are aligned
# (rapidfuzz Indel over the word tokens, the shorter against the longer; runs under
# align_min_run words are chance) and are copies when: a run of align_anchor words starts within
# the first align_lead words of one of them (a headline, byline, dateline or an outlet's intro
# may precede the wire lede on one side; a lede that neither keeps is a rewrite); from there the
# shorter aligns in gaps of at most align_gap words that change no figure; the aligned words
# cover align_share of that body (an ending the other lacks is a trim, not counted) and
# align_min of all the shorter's words. Measured: tests/test_page_classes.py (a reprint at
# 5-gram containment 0.60 joins; a write-through at 0.58 stays apart) and
# benchmarks/accuracy.py. (VerifyRules, in tuning.py.)
_DEFAULT = VerifyRules()


@dataclass(frozen=True)
class Thresholds:
    jaccard: float
    containment: float
    min_shingles: int
    rules: VerifyRules = _DEFAULT

    def is_copy(self, jaccard: float, containment: float, smaller: int) -> bool:
        return jaccard >= self.jaccard or (
            containment >= self.containment and smaller >= self.min_shingles
        )


def figures_agree(sets: ShingleSets, i: int, j: int, rules: VerifyRules = _DEFAULT) -> bool:
    """False when the shorter of two short articles has figures the other lacks."""
    if sets.figure_offsets is None:
        return True
    return figure_arrays_agree(sets.figures_of(i), sets.figures_of(j),
                               int(sets.words[i]), int(sets.words[j]), rules)


def figure_arrays_agree(fi: np.ndarray, fj: np.ndarray, words_i: int, words_j: int,
                        rules: VerifyRules = _DEFAULT) -> bool:
    if min(words_i, words_j) > rules.figure_max_words:
        return True
    small, large = (fi, fj) if fi.size <= fj.size else (fj, fi)
    if small.size == 0:
        return True
    return intersection_size(small, large) / small.size >= rules.figure_share


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


def overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(jaccard, containment) of two sorted unique shingle arrays."""
    inter = intersection_size(a, b)
    union = a.size + b.size - inter
    smaller = min(a.size, b.size)
    jac = inter / union if union else 0.0
    con = inter / smaller if smaller else 0.0
    return jac, con


def similarity(sets: ShingleSets, i: int, j: int) -> tuple[float, float]:
    """(jaccard, containment) of articles i and j."""
    return overlap(sets.of(i), sets.of(j))


@dataclass(frozen=True)
class Side:
    """One side of a pair: the arrays of one article that the copy decision reads.

    ``figures``, ``tokens`` and ``token_figures`` are None when the scan did not keep them
    (figures then always agree, and there is no second look)."""

    shingles: np.ndarray  # sorted unique uint32
    words: int
    figures: np.ndarray | None = None
    tokens: np.ndarray | None = None
    token_figures: np.ndarray | None = None


def side(sets: ShingleSets, i: int) -> Side:
    """Article i of ``sets`` as one side of a pair."""
    return Side(sets.of(i), int(sets.words[i]),
                sets.figures_of(i) if sets.figure_offsets is not None else None,
                sets.tokens_of(i), sets.token_figures_of(i))


def copy_score(sets: ShingleSets, i: int, j: int,
               thresholds: Thresholds) -> tuple[float, float] | None:
    """(jaccard, containment) when articles i and j are copies, else None: the one decision
    that verification, clustering and the recall benchmark share."""
    a, b = sets.of(i), sets.of(j)
    smaller, larger = min(a.size, b.size), max(a.size, b.size)
    if smaller == 0 or (smaller / larger < thresholds.jaccard
                        and smaller < thresholds.min_shingles):
        return None  # the cheap bound of pair_score, before the sides are built
    # The common cases decided on the shingles alone, as pair_score decides them: a copy of
    # articles too long for the figure rule, and a pair too far apart for the second look.
    jac, con = overlap(a, b)
    rules = thresholds.rules
    if thresholds.is_copy(jac, con, smaller):
        if min(int(sets.words[i]), int(sets.words[j])) > rules.figure_max_words:
            return jac, con
    elif con < rules.look_from:
        return None
    return pair_score(side(sets, i), side(sets, j), thresholds)


def pair_score(a: Side, b: Side, thresholds: Thresholds) -> tuple[float, float] | None:
    """``copy_score`` over both sides' arrays, as an engine that joins them in calls it."""
    sa, sb = a.shingles, b.shingles
    smaller, larger = min(sa.size, sb.size), max(sa.size, sb.size)
    # Cheap bound: even full containment cannot reach the Jaccard threshold, and the
    # smaller is too small for the containment rule.
    if smaller == 0 or (smaller / larger < thresholds.jaccard
                        and smaller < thresholds.min_shingles):
        return None
    jac, con = overlap(sa, sb)
    rules = thresholds.rules

    def figures_ok() -> bool:
        if a.figures is None or b.figures is None:
            return True
        return figure_arrays_agree(a.figures, b.figures, a.words, b.words, rules)

    if thresholds.is_copy(jac, con, smaller):
        return (jac, con) if figures_ok() else None
    if (con >= rules.look_from and smaller >= thresholds.min_shingles
            and min(a.words, b.words) >= rules.look_min_words
            and a.tokens is not None and b.tokens is not None and figures_ok()
            and aligned_copy(a.tokens, b.tokens, a.token_figures, b.token_figures, rules)):
        return jac, con
    return None


def aligned_copy(ta: np.ndarray, tb: np.ndarray, fa: np.ndarray | None = None,
                 fb: np.ndarray | None = None, rules: VerifyRules = _DEFAULT) -> bool:
    """Is the shorter token sequence the longer's text, copy-edited in short gaps?

    ``fa``/``fb`` flag the figure tokens: a short inner gap that changes a figure is another
    report (a price, a week, a total re-issued), not a copy edit.
    """
    # The shorter is aligned against the longer; between equal lengths, the one whose tokens
    # sort first, so that (i, j) and (j, i) get one answer whatever the input order.
    if ta.size > tb.size or (ta.size == tb.size and ta.tobytes() > tb.tobytes()):
        ta, tb, fa, fb = tb, ta, fb, fa
    if ta.size == 0:
        return False
    # Runs of one or two words match by chance (articles, "the"); a copy is anchored by longer
    # runs, and what precedes the first solid one is the headline, byline and dateline.
    blocks = [(op.src_start, op.src_end, op.dest_start, op.dest_end)
              for op in Indel.opcodes(ta.tolist(), tb.tolist())
              if op.tag == "equal" and op.src_end - op.src_start >= rules.align_min_run]
    anchor = next((k for k, b in enumerate(blocks) if b[1] - b[0] >= rules.align_anchor),
                  None)
    if anchor is None or min(blocks[anchor][0], blocks[anchor][2]) > rules.align_lead:
        return False  # nothing solid in common, or a lede that neither keeps: a rewrite
    before = sum(a1 - a0 for a0, a1, _, _ in blocks[:anchor])
    blocks = blocks[anchor:]
    for (_, a_end, _, b_end), (a_next, _, b_next, _) in zip(blocks, blocks[1:]):
        if a_next - a_end > rules.align_gap:
            return False
        short = b_next - b_end <= rules.align_gap
        if short and ((fa is not None and fa[a_end:a_next].any())
                      or (fb is not None and fb[b_end:b_next].any())):
            return False
    matched = sum(a1 - a0 for a0, a1, _, _ in blocks)
    tail = ta.size - blocks[-1][1]  # an ending the longer lacks: a trim, not an edit
    body = ta.size - tail - blocks[0][0]
    return bool(matched >= rules.align_share * body
                and matched + before >= rules.align_min * ta.size)


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


def pair_intersections(hashes: np.ndarray, offsets: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Shared shingles of each pair (rows of sorted unique arrays ``hashes[offsets[i]:...]``):
    one merge per pair in a compiled loop with the ``fast`` extra, else ``intersection_size``
    per pair (the same counts; a test holds them equal)."""
    if pairs.size == 0:
        return np.zeros(0, dtype=np.int64)
    kernel = _merge_kernel() if len(pairs) >= COMPILED_MIN_PAIRS else None
    if kernel is not None:
        return kernel(hashes, offsets.astype(np.int64), pairs.astype(np.int64))
    out = np.empty(len(pairs), dtype=np.int64)
    for k, (i, j) in enumerate(pairs.tolist()):
        out[k] = intersection_size(hashes[offsets[i]:offsets[i + 1]],
                                   hashes[offsets[j]:offsets[j + 1]])
    return out


def set_intersections(sets: ShingleSets, pairs: np.ndarray) -> np.ndarray:
    """``pair_intersections`` of articles of ``sets``, held or spilled: spilled, the pairs
    are taken GATHER_PAIRS at a time, the articles of each chunk read into arrays of their
    own (at most twice GATHER_PAIRS rows in memory at once)."""
    held = sets.in_memory()
    if held is not None:
        return pair_intersections(held[0], held[1], pairs)
    out = np.empty(len(pairs), dtype=np.int64)
    for lo in range(0, len(pairs), GATHER_PAIRS):
        chunk = pairs[lo : lo + GATHER_PAIRS]
        wanted = np.unique(chunk)
        hashes, offsets = sets.rows(wanted)
        out[lo : lo + len(chunk)] = pair_intersections(hashes, offsets,
                                                       np.searchsorted(wanted, chunk))
    return out


# Pairs whose articles a spilled verification reads at once: 64k rows of about 2 KB.
GATHER_PAIRS = 32_768

# Below this many pairs the numpy loop is quick, and a first run would spend seconds compiling.
COMPILED_MIN_PAIRS = 5000


def _merge_kernel() -> Any:
    """The compiled merge (numba), or None without it or with ``DUPFINDER_NUMPY=1``."""
    from . import _numba

    return _numba.kernel("merge_counts")


def verify(sets: ShingleSets, pairs: np.ndarray, thresholds: Thresholds) -> Edges:
    """The copies among candidate ``pairs``, with their exact scores: ``copy_score`` of every
    pair, with the overlaps of all pairs counted in one batch and the common cases (a long
    copy, a pair too far apart for the second look) decided on them as ``copy_score``
    decides them, the rest by ``pair_score``."""
    none = Edges(np.zeros((0, 2), dtype=np.int64), np.zeros(0), np.zeros(0))
    if pairs.size == 0:
        return none
    sizes = sets.sizes()
    a, b = sizes[pairs[:, 0]], sizes[pairs[:, 1]]
    smaller, larger = np.minimum(a, b), np.maximum(a, b)
    inter = set_intersections(sets, pairs)
    union = a + b - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        jac = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
        con = np.where(smaller > 0, inter / np.maximum(smaller, 1), 0.0)
        ratio = np.where(larger > 0, smaller / np.maximum(larger, 1), 0.0)
    rules = thresholds.rules
    bound = (smaller == 0) | ((ratio < thresholds.jaccard) & (smaller < thresholds.min_shingles))
    copy = (jac >= thresholds.jaccard) | ((con >= thresholds.containment)
                                          & (smaller >= thresholds.min_shingles))
    words = np.minimum(sets.words[pairs[:, 0]], sets.words[pairs[:, 1]])
    accept = ~bound & copy & (words > rules.figure_max_words)
    undecided = np.flatnonzero(~bound & ~accept & (copy | (con >= rules.look_from)))
    keep = accept.copy()
    for k in undecided.tolist():  # what copy_score would pass on to pair_score
        scores = pair_score(side(sets, int(pairs[k, 0])), side(sets, int(pairs[k, 1])),
                            thresholds)
        if scores is not None:
            keep[k] = True
            jac[k], con[k] = scores
    return Edges(pairs[keep].astype(np.int64), jac[keep].astype(np.float64),
                 con[keep].astype(np.float64))
