"""Containment candidates: the prefix-pruned join gives exactly the pairs of the plain rule.

The reference below counts, for every article and every other group, the samples they share,
with no pruning and no cap, and applies the same ``need``; the stage must agree on corpora
built to stress the prune: trimmed copies, stock phrases carried by most groups, groups of
copies, articles just above and below the threshold.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from dupfinder.stages.arrays import components
from dupfinder.stages.containment import containment_pairs
from dupfinder.stages.shingles import ShingleSets


def _sets(docs: list[np.ndarray]) -> ShingleSets:
    hashes = [np.unique(d.astype(np.uint32)) for d in docs]
    sizes = np.array([h.size for h in hashes], dtype=np.int64)
    offsets = np.zeros(len(docs) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    flat = np.concatenate(hashes) if hashes else np.zeros(0, np.uint32)
    return ShingleSets(flat, offsets, sizes.astype(np.int32), np.zeros(len(docs), bool)
                       ).with_sample(4)


def _reference(sets: ShingleSets, containment: float, min_shingles: int, linked: np.ndarray,
               share: float = 0.5, valid: np.ndarray | None = None) -> set[tuple[int, int]]:
    n = len(sets)
    sizes = sets.sizes()
    group = components(n, linked)
    samples = [set(sets.sample_hashes[sets.sample_docs == i].tolist())
               if valid is None or valid[i] else set() for i in range(n)]
    fullest: dict[int, int] = {}
    for i in range(n):
        g = int(group[i])
        if g not in fullest or (sizes[i], -i) > (sizes[fullest[g]], -fullest[g]):
            fullest[g] = i
    union: dict[int, set[int]] = {}
    for i in range(n):
        union.setdefault(int(group[i]), set()).update(samples[i])
    out = set()
    for d in range(n):
        for g, carried in union.items():
            if g == group[d]:
                continue
            t = fullest[g]
            smaller = min(len(samples[d]), len(samples[t]))
            need = max(1, int(np.floor(share * containment * smaller)))
            if (len(samples[d] & carried) >= need
                    and min(sizes[d], sizes[t]) >= min_shingles and d != t):
                out.add((min(d, t), max(d, t)))
    return out


def _corpus(seed: int) -> tuple[list[np.ndarray], np.ndarray]:
    rng = np.random.default_rng(seed)
    stock = rng.integers(0, 2**32, 60, dtype=np.uint64)  # phrases most articles carry
    stories = [rng.integers(0, 2**32, int(rng.integers(40, 400)), dtype=np.uint64)
               for _ in range(12)]
    docs: list[np.ndarray] = []
    links: list[tuple[int, int]] = []
    for story in stories:
        first = len(docs)
        for _ in range(int(rng.integers(1, 5))):
            kind = rng.random()
            if kind < 0.4:  # a trimmed copy: a prefix of the story
                part = story[: max(5, int(story.size * rng.uniform(0.2, 1.0)))]
            elif kind < 0.7:  # a copy with its own text added
                part = np.concatenate([story, rng.integers(0, 2**32, int(rng.integers(0, 300)),
                                                           dtype=np.uint64)])
            else:  # a loose rewrite: a random share of the story
                part = story[rng.random(story.size) < rng.uniform(0.3, 0.9)]
            common = stock[rng.random(stock.size) < 0.7]
            docs.append(np.concatenate([part, common]))
        if len(docs) - first > 1 and rng.random() < 0.5:
            links.append((first, first + 1))  # some copies already linked by LSH
    for _ in range(10):  # unrelated articles made mostly of stock phrases
        docs.append(np.concatenate([stock[rng.random(stock.size) < 0.9],
                                    rng.integers(0, 2**32, int(rng.integers(0, 40)),
                                                 dtype=np.uint64)]))
    order = rng.permutation(len(docs))
    where = np.argsort(order)
    docs = [docs[k] for k in order]
    linked = (np.sort(where[np.array(links, dtype=np.int64)], axis=1) if links
              else np.zeros((0, 2), np.int64))
    return docs, linked


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("containment", [0.5, 0.7, 0.9])
def test_prefix_pruned_pairs_equal_the_plain_rule(seed: int, containment: float) -> None:
    docs, linked = _corpus(seed)
    sets = _sets(docs)
    got = {tuple(p) for p in containment_pairs(sets, containment, 20, linked=linked).tolist()}
    assert got == _reference(sets, containment, 20, linked)


def test_common_phrases_do_not_hide_a_trimmed_copy() -> None:
    # A trimmed copy whose every sampled shingle is also carried by many unrelated groups
    # (stock phrases at scale) is still proposed: no sample is dropped for being common.
    rng = np.random.default_rng(7)
    story = rng.integers(0, 2**32, 400, dtype=np.uint64)
    docs = [story, story[:150]]
    for _ in range(60):  # each repeats a random third of the trimmed part
        docs.append(np.concatenate([story[:150][rng.random(150) < 0.33],
                                    rng.integers(0, 2**32, 300, dtype=np.uint64)]))
    pairs = containment_pairs(_sets(docs), 0.7, 20)
    assert [0, 1] in pairs.tolist()


@pytest.mark.parametrize("seed", range(4))
def test_the_hash_space_in_parts_gives_the_same_pairs(monkeypatch: pytest.MonkeyPatch,
                                                     seed: int) -> None:
    import dupfinder.stages.containment as containment

    docs, linked = _corpus(seed)
    sets = _sets(docs)
    whole = containment_pairs(sets, 0.7, 20, linked=linked)
    monkeypatch.setattr(containment, "PART_SAMPLES", 40)  # hundreds of samples: many parts
    assert np.array_equal(containment_pairs(sets, 0.7, 20, linked=linked), whole)
    with ThreadPoolExecutor(3) as pool:  # the parts on threads, as the engine runs them
        assert np.array_equal(containment_pairs(sets, 0.7, 20, linked=linked, map=pool.map),
                              whole)
    monkeypatch.setattr(containment, "PARTS_AT_ONCE", 3)  # taken out a few parts at a time
    assert np.array_equal(containment_pairs(sets, 0.7, 20, linked=linked), whole)
    assert {tuple(p) for p in whole.tolist()} == _reference(sets, 0.7, 20, linked)


def test_articles_left_out_are_left_out_with_their_samples() -> None:
    docs, linked = _corpus(1)
    sets = _sets(docs)
    whole = containment_pairs(sets, 0.7, 20, linked=linked)
    assert whole.size
    out = int(whole[0, 0])
    valid = np.ones(len(docs), dtype=bool)
    valid[out] = False
    kept = containment_pairs(sets, 0.7, 20, valid=valid, linked=linked)
    assert {tuple(p) for p in kept.tolist()} == _reference(sets, 0.7, 20, linked, valid=valid)
    assert out not in kept.ravel().tolist()
