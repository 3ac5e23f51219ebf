"""Candidate pairs for trimmed copies, which MinHash LSH cannot reach.

A copy cut to 30% of the wire text has Jaccard 0.3 with it, and a 60-word brief inside a
600-word story has 0.1: banding tuned for such thresholds would flood verification. Containment
is found instead from a content-defined sample of shingles (those whose mixed hash is 0 modulo
``tuning.CandidateRules.sample_rate``): both articles sample the same shingles of the text they
share, so a short copy meets its original in an inverted index of samples.

Copies already linked by LSH are grouped first: an article is then compared with each *group*
carrying its samples (represented by the group's fullest article), not with every member, so a
wire story with fifty copies costs fifty comparisons instead of 1,225 per sampled shingle.
"""

from __future__ import annotations

import numpy as np

from .arrays import runs, unique_counts
from .shingles import ShingleSets

# A sampled shingle carried by more groups than this is a stock phrase, not evidence (copies
# of one story count once, as one group).
MAX_POSTING = 16  # the default of tuning.CandidateRules.max_posting


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


def containment_pairs(
    sets: ShingleSets,
    containment: float,
    min_shingles: int,
    valid: np.ndarray | None = None,
    linked: np.ndarray | None = None,
    ranks: np.ndarray | None = None,
    max_posting: int = MAX_POSTING,
) -> np.ndarray:
    """Pairs (article, fullest article of another group) sharing enough sampled shingles.

    ``linked`` are pairs already known to be copies; they define the groups.
    """
    sizes = sets.sizes()
    docs = sizes.size
    if docs < 2 or sets.hashes.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    group = components(docs, linked if linked is not None else np.zeros((0, 2), np.int64))
    # The fullest article of each group stands for it (ties: the first by ``ranks``, else by
    # index).
    order = np.lexsort((np.arange(docs) if ranks is None else ranks, -sizes, group))
    starts, _ = runs(group[order])
    fullest = np.zeros(docs, dtype=np.int64)
    fullest[group[order][starts]] = order[starts]

    if sets.sample_docs.size == 0 and sets.hashes.size:
        sets.with_sample()
    sample_hash, sample_doc = sets.sample_hashes, sets.sample_docs
    if valid is not None:
        keep = valid[sample_doc]
        sample_hash, sample_doc = sample_hash[keep], sample_doc[keep]
    samples_per_doc = np.bincount(sample_doc, minlength=docs)

    # One entry per (sample, group): the groups carrying each sampled shingle.
    sample_group = group[sample_doc].astype(np.int32)
    packed = (sample_hash.astype(np.uint64) << np.uint64(32)) | sample_group.astype(np.uint64)
    o = np.argsort(packed)
    del packed
    sh, sg, sd = sample_hash[o], sample_group[o], sample_doc[o]
    del o, sample_group
    first = np.ones(sh.size, dtype=bool)
    first[1:] = (sh[1:] != sh[:-1]) | (sg[1:] != sg[:-1])
    g_hash, g_group = sh[first], sg[first]
    starts, counts = runs(g_hash)
    shared_runs = (counts >= 2) & (counts <= max_posting)
    if not shared_runs.any():
        return np.zeros((0, 2), dtype=np.int64)
    # For every article entry whose sample is also carried by other groups: (article, group).
    run_of_group_entry = np.repeat(np.arange(starts.size), counts)
    entry_ok = shared_runs[run_of_group_entry]
    hashes_ok = g_hash[entry_ok]
    groups_ok = g_group[entry_ok]
    # Articles' samples that fall in those runs.
    in_runs = np.isin(sh, hashes_ok)
    a_hash, a_doc, a_group = sh[in_runs], sd[in_runs], sg[in_runs]
    # Pair each article entry with every group entry of the same sample, other groups only.
    lo = np.searchsorted(hashes_ok, a_hash, side="left")
    hi = np.searchsorted(hashes_ok, a_hash, side="right")
    width = hi - lo
    rep_doc = np.repeat(a_doc, width)
    rep_group = np.repeat(a_group, width)
    idx = np.repeat(lo - np.cumsum(np.concatenate(([0], width[:-1]))), width) + np.arange(
        width.sum()
    )
    other = groups_ok[idx]
    mask = other != rep_group
    code, shared = unique_counts(rep_doc[mask].astype(np.int64) * docs + other[mask])
    doc, grp = code // docs, code % docs
    target = fullest[grp]
    smaller = np.minimum(samples_per_doc[doc], samples_per_doc[target])
    # Expected shared samples for a true copy: containment * smaller; ask for half of that.
    need = np.maximum(1, np.floor(0.5 * containment * smaller))
    ok = (shared >= need) & (np.minimum(sizes[doc], sizes[target]) >= min_shingles)
    pairs = np.stack([doc[ok], target[ok]], axis=1)
    return np.sort(pairs, axis=1)
