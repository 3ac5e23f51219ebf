"""Candidate pairs for trimmed copies, which MinHash LSH cannot reach.

A copy cut to 30% of the wire text has Jaccard 0.3 with it, and a 60-word brief inside a
600-word story has 0.1: banding tuned for such thresholds would flood verification. Containment
is found instead from a content-defined sample of shingles (those whose mixed hash is 0 modulo
``tuning.CandidateRules.sample_rate``): both articles sample the same shingles of the text they
share, so a short copy meets its original in an inverted index of samples.

Copies already linked by LSH are grouped first: an article is compared with each *group*
carrying its samples (the union of the group's samples, represented by its fullest article),
not with every member, so a wire story with fifty copies costs fifty comparisons instead of
1,225 per sampled shingle.

The rule: article ``d`` and group ``g`` are a candidate pair when ``d`` shares at least
``need = max(1, floor(share * containment * min(s_d, s_g)))`` of its sampled shingles with
``g`` (``s`` counts samples; ``s_g`` is the fullest article's; ``share`` is
``CandidateRules.sample_share``, half: a true copy at the containment threshold is expected to
share ``containment * s`` of them). Every sampled shingle counts, however many groups carry it,
so the rule does not fall off a cliff as a corpus grows and stock phrases get common.

It is evaluated without enumerating every (article, group) pair that shares a sample, by the
prefix (pigeonhole) bound: order all samples by how many groups carry them, rarest first; if two
sets share ``k`` elements, the first ``|X| - k + 1`` of X and the first ``|Y| - k + 1`` of Y meet.
With ``k`` fixed by the smaller side, that side only needs probing with its prefix against the
other's whole set: articles no larger than the group probe with their prefix (``prefix_pairs``);
groups smaller than the article probe with theirs. The few pairs that survive are counted exactly
(``shared_counts``) and kept when they reach ``need``; the result is the same as counting every
pair, which a test checks against brute force.

The steps, over flat arrays so that the local engine and Spark can run the same functions:
``postings`` (sample, group) entries and the groups per sample (count, merge); ``in_prefix``
which entries of each owner fall in its prefix; ``expand`` the join of prefix entries with the
entries of the same sample; ``shared_counts`` the exact count for the surviving pairs.
"""

from __future__ import annotations

import numpy as np

from .arrays import components, runs
from .shingles import ShingleSets

SAMPLE_SHARE = 0.5  # the default of tuning.CandidateRules.sample_share


def in_prefix(owner: np.ndarray, carriers: np.ndarray, need: np.ndarray,
              owners: int) -> np.ndarray:
    """Mask of the entries in each owner's prefix: its ``size - need + 1`` rarest samples.

    The order is (carriers, hash), one global order for every owner, which the prefix bound
    needs. Entries come grouped by owner with hashes ascending within it (as shingle sets
    are). Only entries carried by more than one group can pair, and those are few, so only
    they are sorted: the rest (carried by one group) come first in any owner's order.
    """
    size = np.bincount(owner, minlength=owners)
    single = carriers <= 1
    first = np.bincount(owner[single], minlength=owners)
    mask = np.zeros(owner.size, dtype=bool)
    limit = size - need + 1  # per owner: prefix length
    mask[single] = True  # (counted against the limit below; unused for pairing)
    many = np.flatnonzero(~single)
    if many.size:
        o = many[np.argsort((owner[many].astype(np.uint64) << np.uint64(32))
                            | np.minimum(carriers[many], 0xFFFFFFFF).astype(np.uint64),
                            kind="stable")]
        starts, counts = runs(owner[o])
        position = first[owner[o]] + np.arange(o.size) - np.repeat(starts, counts)
        mask[o] = position < limit[owner[o]]
    return mask


def expand(starts: np.ndarray, widths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For items with a run ``[start, start + width)`` each: (item, position) for every
    position of every run."""
    total = int(widths.sum())
    item = np.repeat(np.arange(starts.size), widths)
    at = np.arange(total) - np.repeat(np.cumsum(widths) - widths, widths) + np.repeat(starts,
                                                                                      widths)
    return item, at


def shared_counts(doc: np.ndarray, grp: np.ndarray, doc_samples: tuple[np.ndarray, np.ndarray],
                  posting_keys: np.ndarray) -> np.ndarray:
    """For each (doc, group) pair: how many of the doc's samples the group carries.

    ``doc_samples`` is (hashes grouped by doc, per-doc offsets); ``posting_keys`` the sorted
    ``group << 32 | hash`` of every posting.
    """
    hashes, offsets = doc_samples
    pair_of, at = expand(offsets[doc], offsets[doc + 1] - offsets[doc])
    key = (grp[pair_of].astype(np.uint64) << np.uint64(32)) | hashes[at].astype(np.uint64)
    found = np.searchsorted(posting_keys, key)
    hit = posting_keys[np.minimum(found, posting_keys.size - 1)] == key
    return np.bincount(pair_of[hit], minlength=doc.size)


def containment_pairs(
    sets: ShingleSets,
    containment: float,
    min_shingles: int,
    valid: np.ndarray | None = None,
    linked: np.ndarray | None = None,
    ranks: np.ndarray | None = None,
    sample_share: float = SAMPLE_SHARE,
) -> np.ndarray:
    """Pairs (article, fullest article of another group) sharing enough sampled shingles.

    ``linked`` are pairs already known to be copies; they define the groups.
    """
    sizes = sets.sizes()
    docs = sizes.size
    none = np.zeros((0, 2), dtype=np.int64)
    if docs < 2 or sets.hashes.size == 0:
        return none
    group = components(docs, linked if linked is not None else none)
    # The fullest article of each group stands for it (ties: the first by ``ranks``, else by
    # index).
    order = np.lexsort((np.arange(docs) if ranks is None else ranks, -sizes, group))
    starts, _ = runs(group[order])
    fullest = np.zeros(docs, dtype=np.int64)
    fullest[group[order][starts]] = order[starts]

    if sets.sample_docs.size == 0 and sets.hashes.size:
        sets.with_sample()
    sample_hash, sample_doc = sets.sample_hashes, sets.sample_docs.astype(np.int64)
    if valid is not None:
        keep = valid[sample_doc]
        sample_hash, sample_doc = sample_hash[keep], sample_doc[keep]
    if sample_hash.size == 0:
        return none
    samples = np.bincount(sample_doc, minlength=docs)
    group_size = samples[fullest]  # indexed by group label: samples of its fullest article

    def need(s: np.ndarray) -> np.ndarray:
        return np.maximum(1, np.floor(sample_share * containment * s)).astype(np.int64)

    # Postings: the samples sorted by (hash, group); one entry per (hash, group) is a posting.
    sample_group = group[sample_doc]
    by_hash = np.argsort((sample_hash.astype(np.uint64) << np.uint64(32))
                         | sample_group.astype(np.uint64))
    sh, sg, sd = sample_hash[by_hash], sample_group[by_hash], sample_doc[by_hash]
    new_hash = np.ones(sh.size, dtype=bool)
    new_hash[1:] = sh[1:] != sh[:-1]
    new_posting = new_hash.copy()
    new_posting[1:] |= sg[1:] != sg[:-1]
    run = np.cumsum(new_hash) - 1  # per sorted sample: its hash's run
    run_start = np.flatnonzero(new_hash)
    run_width = np.diff(np.append(run_start, sh.size))
    posting_at = np.flatnonzero(new_posting)  # postings as positions in the sorted samples
    p_group = sg[posting_at]
    p_run = run[posting_at]
    carriers = np.bincount(p_run, minlength=run_start.size)  # groups per hash
    p_start = np.cumsum(carriers) - carriers  # each hash's first posting

    found: list[tuple[np.ndarray, np.ndarray]] = []
    # 1. Articles no larger than the group probe with their prefix against its postings.
    entry_carriers = np.empty(sh.size, dtype=np.int64)
    entry_carriers[by_hash] = carriers[run]
    prefix = in_prefix(sample_doc, entry_carriers, need(samples), docs)[by_hash]
    probing = np.flatnonzero(prefix & (carriers[run] > 1) & (sizes[sd] >= min_shingles))
    item, at = expand(p_start[run[probing]], carriers[run[probing]])
    d, g = sd[probing][item], p_group[at]
    ok = (g != group[d]) & (samples[d] <= group_size[g])
    found.append((d[ok], g[ok]))
    # 2. Groups smaller than the article probe with the prefix of their union of samples.
    g_prefix = in_prefix_by_group(p_group, carriers[p_run], need(group_size), docs)
    probing = np.flatnonzero(g_prefix & (carriers[p_run] > 1)
                             & (sizes[fullest[p_group]] >= min_shingles))
    item, at = expand(run_start[p_run[probing]], run_width[p_run[probing]])
    g, d = p_group[probing][item], sd[at]
    ok = (g != group[d]) & (samples[d] > group_size[g])
    found.append((d[ok], g[ok]))

    d = np.concatenate([f[0] for f in found])
    g = np.concatenate([f[1] for f in found])
    if d.size == 0:
        return none
    code = np.unique(d * docs + g)
    d, g = code // docs, code % docs
    offsets = np.zeros(docs + 1, dtype=np.int64)
    np.cumsum(samples, out=offsets[1:])
    posting_keys = np.sort((p_group.astype(np.uint64) << np.uint64(32))
                           | sh[posting_at].astype(np.uint64))
    shared = shared_counts(d, g, (sample_hash, offsets), posting_keys)
    target = fullest[g]
    ok = ((shared >= need(np.minimum(samples[d], samples[target])))
          & (np.minimum(sizes[d], sizes[target]) >= min_shingles))
    pairs = np.stack([d[ok], target[ok]], axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    return np.unique(np.sort(pairs, axis=1), axis=0)


def in_prefix_by_group(p_group: np.ndarray, carriers: np.ndarray, need: np.ndarray,
                       owners: int) -> np.ndarray:
    """``in_prefix`` for postings, which come sorted by hash: grouped by group first (only
    the postings of shared hashes need the move)."""
    mask = np.ones(p_group.size, dtype=bool)
    many = np.flatnonzero(carriers > 1)
    if many.size:
        o = many[np.argsort(p_group[many], kind="stable")]  # hashes stay ascending
        size = np.bincount(p_group, minlength=owners)
        first = size - np.bincount(p_group[many], minlength=owners)
        starts, counts = runs(p_group[o])
        position = first[p_group[o]] + np.arange(o.size) - np.repeat(starts, counts)
        mask[o] = position < (size - need + 1)[p_group[o]]
    return mask
