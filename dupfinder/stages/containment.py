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

from . import _numba
from .arrays import Mapper, components, dedupe_pairs, lexsort, runs, stable_argsort
from .shingles import ShingleSets

SAMPLE_SHARE = 0.5  # the default of tuning.CandidateRules.sample_share


def sample_need(smaller: np.ndarray, containment: float,
                sample_share: float = SAMPLE_SHARE) -> np.ndarray:
    """The shared samples a candidate pair needs, by the smaller side's sample count: the one
    rule that ``scan`` and the index apply."""
    return np.maximum(1, np.floor(sample_share * containment * smaller)).astype(np.int64)


def in_prefix(owner: np.ndarray, carriers: np.ndarray, size: np.ndarray,
              need: np.ndarray) -> np.ndarray:
    """Mask of the entries that fall in their owner's prefix: its ``size - need + 1`` rarest
    samples, in the one global order (groups carrying the sample, hash) the bound needs.

    ``owner``/``carriers`` are only the entries carried by more than one group, grouped by
    owner with hashes ascending within it (as shingle sets are); ``size`` and ``need`` are per
    owner, counting all its samples. The owner's other samples are carried by one group only,
    so they come first in its order: only the entries given here need sorting.
    """
    mask = np.zeros(owner.size, dtype=bool)
    if owner.size == 0:
        return mask
    o = stable_argsort((owner.astype(np.uint64) << np.uint64(32))
                       | np.minimum(carriers, 0xFFFFFFFF).astype(np.uint64))
    sorted_owner = owner[o]
    starts, counts = runs(sorted_owner)
    many = np.zeros(size.size, dtype=np.int64)
    many[sorted_owner[starts]] = counts
    position = (size - many)[sorted_owner] + np.arange(o.size) - np.repeat(starts, counts)
    mask[o] = position < (size - need + 1)[sorted_owner]
    return mask


def expand(starts: np.ndarray, widths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For items with a run ``[start, start + width)`` each: (item, position) for every
    position of every run."""
    widths = widths.astype(np.int64)
    total = int(widths.sum())
    item = np.repeat(np.arange(starts.size), widths)
    at = np.arange(total) - np.repeat(np.cumsum(widths) - widths, widths) + np.repeat(
        starts.astype(np.int64), widths)
    return item, at


# Above this many samples, ``across_groups`` works through the hash space in parts, so that its
# sort (an index array of eight bytes a sample) never spans the whole corpus at once.
PART_SAMPLES = 1 << 20
# How many parts of the hash space ``across_groups`` takes out together (at a million
# articles, 100M samples in 128 parts: 8 at a time is an index of 6M entries, 50 MB).
PARTS_AT_ONCE = 8


def across_groups(hashes: np.ndarray, docs: np.ndarray, group: np.ndarray,
                  map: Mapper = map) -> tuple[np.ndarray, np.ndarray]:
    """Which entries (sample ``hashes`` of articles ``docs``) carry a hash that more than
    one group carries (the only samples that can pair an article with another group; in a
    corpus most are carried by one story's copies only), and for each group (``group``:
    each article's), how many distinct hashes it carries alone.

    One sort by hash; a run's groups differ when its smallest and largest differ. A hash
    lives in one part of the hash space, so the parts are independent (``map`` runs them);
    each part looks its entries' groups up itself (an array of every entry's group is
    400 MB at a million articles).
    """
    width = group.size
    parts = 1
    while hashes.size // parts > PART_SAMPLES and parts < 256:
        parts *= 2
    if parts == 1:
        return _across_part(hashes, group[docs], width)
    mask = np.zeros(hashes.size, dtype=bool)
    alone = np.zeros(width, dtype=np.int64)
    shift = np.uint32(32 - parts.bit_length() + 1)
    gather = _numba.kernel("gather_parts") if hashes.dtype == np.uint32 else None
    part_of = chunk_of = None
    if gather is None:
        part_of = (hashes >> shift).astype(np.uint8)
        chunk_of = part_of // np.uint8(PARTS_AT_ONCE) if parts > PARTS_AT_ONCE else None
    # The parts a few at a time (``PARTS_AT_ONCE``): their entries (hashes, groups, positions)
    # taken out in part order, never an index of every sample; each part decided on its own.
    for first in range(0, parts, PARTS_AT_ONCE):
        last = min(parts, first + PARTS_AT_ONCE)
        if gather is not None:
            # Compiled: a counting sort in two passes (the same entries in the same order as
            # the radix sort below, tested), where that sort and the gathers were most of
            # the stage.
            part_h, part_g, part_at, cuts = gather(hashes, docs, group, int(shift), first, last)
        else:
            assert part_of is not None
            if chunk_of is None:  # all the parts at once: no selection to make
                part_at = np.argsort(part_of, kind="stable")
            else:
                chosen = np.flatnonzero(chunk_of == first // PARTS_AT_ONCE)
                part_at = chosen[np.argsort(part_of[chosen], kind="stable")]
                del chosen
            cuts = np.searchsorted(part_of[part_at], np.arange(first, last + 1))
            part_h, part_g = hashes[part_at], group[docs[part_at]]
        cut = cuts.tolist()

        def one(k: int, h: np.ndarray = part_h, g: np.ndarray = part_g,
                at: np.ndarray = part_at, cut: list[int] = cut
                ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
            lo, hi = cut[k], cut[k + 1]
            return at[lo:hi], _across_part(h[lo:hi], g[lo:hi], width)

        for at, (found, only) in map(one, range(last - first)):
            mask[at] = found
            alone += only
        del part_h, part_g, part_at
    del part_of, chunk_of
    return mask, alone


def _across_part(hashes: np.ndarray, groups: np.ndarray, width: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    mask = np.zeros(hashes.size, dtype=bool)
    if hashes.size == 0:
        return mask, np.zeros(width, dtype=np.int64)
    order = stable_argsort(hashes)
    ordered = hashes[order]
    grp = groups[order]
    starts, counts = runs(ordered)
    del ordered
    low = np.minimum.reduceat(grp, starts)
    high = np.maximum.reduceat(grp, starts)
    shared_run = low != high
    mask[order] = np.repeat(shared_run, counts)
    return mask, np.bincount(low[~shared_run], minlength=width)


def is_member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    if sorted_set.size == 0:
        return np.zeros(values.size, dtype=bool)
    at = np.searchsorted(sorted_set, values)
    return sorted_set[np.minimum(at, sorted_set.size - 1)] == values


def shared_counts(doc: np.ndarray, grp: np.ndarray, doc_samples: tuple[np.ndarray, np.ndarray],
                  posting_keys: np.ndarray) -> np.ndarray:
    """For each (doc, group) pair: how many of the doc's samples the group carries.

    ``doc_samples`` is (hashes grouped by doc, per-doc offsets); ``posting_keys`` the sorted
    ``group << 32 | hash`` of every posting.
    """
    hashes, offsets = doc_samples
    pair_of, at = expand(offsets[doc], offsets[doc + 1] - offsets[doc])
    key = (grp[pair_of].astype(np.uint64) << np.uint64(32)) | hashes[at].astype(np.uint64)
    return np.bincount(pair_of[is_member(key, posting_keys)], minlength=doc.size)


def containment_pairs(
    sets: ShingleSets,
    containment: float,
    min_shingles: int,
    valid: np.ndarray | None = None,
    linked: np.ndarray | None = None,
    ranks: np.ndarray | None = None,
    sample_share: float = SAMPLE_SHARE,
    map: Mapper = map,
) -> np.ndarray:
    """Pairs (article, fullest article of another group) sharing enough sampled shingles.

    ``linked`` are pairs already known to be copies; they define the groups. ``map`` runs
    the independent parts of the hash space (the engine passes one on threads).
    """
    sizes = sets.sizes()
    docs = sizes.size
    none = np.zeros((0, 2), dtype=np.int64)
    if docs < 2 or sets.shingle_count() == 0:
        return none
    group = components(docs, linked if linked is not None else none).astype(np.int32)
    # The fullest article of each group stands for it (ties: the first by ``ranks``, else by
    # index).
    order = lexsort((np.arange(docs) if ranks is None else ranks, -sizes, group))
    starts, _ = runs(group[order])
    fullest = np.zeros(docs, dtype=np.int64)
    fullest[group[order][starts]] = order[starts]
    del order

    if sets.spilled_samples is None and sets.sample_docs.size == 0 and sets.shingle_count():
        sets.with_sample()
    # Only samples carried by more than one group can pair an article with another group;
    # the others count only towards sizes (of the article, and of its group's union). The
    # sample comes in parts of the hash space (one, in memory; a large scan's, from its
    # spill files: a hash lives in one part, so each part is decided on its own).
    samples = np.zeros(docs, dtype=np.int64)
    alone = np.zeros(docs, dtype=np.int64)
    found_h: list[np.ndarray] = []
    found_d: list[np.ndarray] = []
    for sample_hash, sample_doc in sets.sample_parts():
        # Articles left out (``valid``) lose their samples (an empty one has none).
        if valid is not None and not valid[sample_doc].all():
            keep = valid[sample_doc]
            sample_hash, sample_doc = sample_hash[keep], sample_doc[keep]
            del keep
        samples += np.bincount(sample_doc, minlength=docs)
        common, part_alone = across_groups(sample_hash, sample_doc, group, map)
        alone += part_alone
        common = np.flatnonzero(common)
        found_h.append(sample_hash[common])
        found_d.append(sample_doc[common].astype(np.int32))
        del sample_hash, sample_doc, common, part_alone
    if not samples.any():
        return none
    group_size = samples[fullest]  # indexed by group label: samples of its fullest article

    def need(s: np.ndarray) -> np.ndarray:
        return sample_need(s, containment, sample_share)

    h, d = np.concatenate(found_h), np.concatenate(found_d)
    del found_h, found_d
    if sets.spilled_samples is not None and len(sets.spilled_samples) > 1:
        # By article, as in memory (within an article the parts come in hash order).
        by_doc = stable_argsort(d)
        h, d = h[by_doc], d[by_doc]
        del by_doc
    g = group[d]
    # Postings: one per (hash, group), the entries sorted by (hash, group).
    by_hash = np.argsort((h.astype(np.uint64) << np.uint64(32)) | g.astype(np.uint64))
    sh, sg, sd = h[by_hash], g[by_hash], d[by_hash]
    del g  # at a million articles each per-sample array is hundreds of MB
    new_hash = np.ones(sh.size, dtype=bool)
    new_hash[1:] = sh[1:] != sh[:-1]
    new_posting = new_hash.copy()
    new_posting[1:] |= sg[1:] != sg[:-1]
    run = (np.cumsum(new_hash) - 1).astype(np.int32)  # per sorted entry: its hash's run
    run_start = np.flatnonzero(new_hash)
    run_width = np.diff(np.append(run_start, sh.size))
    del new_hash
    posting_at = np.flatnonzero(new_posting)
    del new_posting
    p_group, p_run = sg[posting_at], run[posting_at]
    carriers = np.bincount(p_run, minlength=run_start.size)  # groups per hash, all >= 2
    p_start = np.cumsum(carriers) - carriers  # each hash's first posting

    found: list[tuple[np.ndarray, np.ndarray]] = []
    # 1. Articles no larger than the group probe with their prefix against its postings.
    entry_carriers = np.zeros(h.size, dtype=np.int64)
    entry_carriers[by_hash] = carriers[run]
    prefix = in_prefix(d, entry_carriers, samples, need(samples))[by_hash]
    del entry_carriers, by_hash
    probing = np.flatnonzero(prefix & (sizes[sd] >= min_shingles))
    del prefix
    item, at = expand(p_start[run[probing]], carriers[run[probing]])
    dd, gg = sd[probing][item].astype(np.int64), p_group[at].astype(np.int64)
    ok = (gg != group[dd]) & (samples[dd] <= group_size[gg])
    found.append((dd[ok], gg[ok]))
    del item, at, dd, gg, ok, probing
    # 2. Groups smaller than the article probe with the prefix of their union of samples
    # (distinct hashes: those the group carries alone, and one per posting).
    union = np.zeros(docs, dtype=np.int64)
    union[: alone.size] += alone
    union += np.bincount(p_group, minlength=docs)
    by_group = stable_argsort(p_group)  # hashes stay ascending within a group
    g_prefix = np.zeros(p_group.size, dtype=bool)
    g_prefix[by_group] = in_prefix(p_group[by_group], carriers[p_run[by_group]], union,
                                   need(group_size))
    probing = np.flatnonzero(g_prefix & (sizes[fullest[p_group]] >= min_shingles))
    item, at = expand(run_start[p_run[probing]], run_width[p_run[probing]])
    gg, dd = p_group[probing][item].astype(np.int64), sd[at].astype(np.int64)
    ok = (gg != group[dd]) & (samples[dd] > group_size[gg])
    found.append((dd[ok], gg[ok]))
    del item, at, dd, gg, ok, probing, g_prefix, by_group

    dd = np.concatenate([f[0] for f in found])
    gg = np.concatenate([f[1] for f in found])
    if dd.size == 0:
        return none
    code = np.unique(dd * docs + gg)
    dd, gg = code // docs, code % docs
    # The doc side of the exact count: its shared samples, grouped by doc (input order).
    offsets = np.zeros(docs + 1, dtype=np.int64)
    np.cumsum(np.bincount(d, minlength=docs), out=offsets[1:])
    posting_keys = np.sort((p_group.astype(np.uint64) << np.uint64(32))
                           | sh[posting_at].astype(np.uint64))
    shared = shared_counts(dd, gg, (h, offsets), posting_keys)
    target = fullest[gg]
    ok = ((shared >= need(np.minimum(samples[dd], samples[target])))
          & (np.minimum(sizes[dd], sizes[target]) >= min_shingles))
    return dedupe_pairs(np.stack([dd[ok], target[ok]], axis=1), docs)
