"""Candidate pairs for trimmed copies, which MinHash LSH cannot reach.

A copy cut to 30% of the wire text has Jaccard 0.3 with it, and a 60-word brief inside a
600-word story has 0.1: banding tuned for such thresholds would flood verification. Containment
is found instead from a content-defined sample of shingles (those whose mixed hash is 0 modulo
``rate``): both articles sample the same shingles of the text they share, so a short copy meets
its original in an inverted index of samples. A pair is a candidate when the samples it shares
are a fair share of the smaller article's samples; verification then measures it exactly.
"""

from __future__ import annotations

import numpy as np

from .minhash import fmix32
from .shingle import ShingleSets

SAMPLE_RATE = 4
# A sampled shingle carried by more articles than this is a stock phrase, not evidence.
MAX_POSTING = 256


def containment_pairs(
    sets: ShingleSets, containment: float, min_shingles: int, valid: np.ndarray | None = None
) -> np.ndarray:
    sizes = sets.sizes()
    docs = sizes.size
    if docs < 2 or sets.hashes.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    mixed = fmix32(sets.hashes ^ np.uint32(0x5BD1E995))
    keep = (mixed % np.uint32(SAMPLE_RATE)) == 0
    doc_of = np.repeat(np.arange(docs, dtype=np.int64), sizes)
    if valid is not None:
        keep &= valid[doc_of]
    sample_hash = sets.hashes[keep]
    sample_doc = doc_of[keep]
    samples_per_doc = np.bincount(sample_doc, minlength=docs)
    order = np.argsort(sample_hash, kind="stable")
    sh = sample_hash[order]
    sd = sample_doc[order]
    boundary = np.ones(sh.size + 1, dtype=bool)
    boundary[1:-1] = sh[1:] != sh[:-1]
    starts = np.nonzero(boundary)[0]
    counts = np.diff(starts)
    starts = starts[:-1]
    parts: list[np.ndarray] = []
    two = starts[counts == 2]
    if two.size:
        parts.append(np.stack([sd[two], sd[two + 1]], axis=1))
    many = (counts > 2) & (counts <= MAX_POSTING)
    for start, count in zip(starts[many].tolist(), counts[many].tolist()):
        members = sd[start : start + count]
        a, b = np.triu_indices(count, k=1)
        parts.append(np.stack([members[a], members[b]], axis=1))
    if not parts:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.sort(np.concatenate(parts), axis=1)
    code = pairs[:, 0] * docs + pairs[:, 1]
    code, shared = np.unique(code, return_counts=True)
    i, j = code // docs, code % docs
    smaller = np.minimum(samples_per_doc[i], samples_per_doc[j])
    # Expected shared samples for a true copy: containment * smaller; ask for half of that,
    # and at least one.
    need = np.maximum(1, np.floor(0.5 * containment * smaller))
    ok = (shared >= need) & (np.minimum(sizes[i], sizes[j]) >= min_shingles)
    return np.stack([i[ok], j[ok]], axis=1)
