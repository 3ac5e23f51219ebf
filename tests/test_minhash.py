"""Our batch MinHash is datasketch's affine32 MinHash, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash
from datasketch.lsh import _optimal_param

from dupfinder.stages.lsh import FALSE_NEGATIVE_WEIGHT, FALSE_POSITIVE_WEIGHT, KNOWN_BANDS
from dupfinder.stages.minhash import EMPTY, signatures, to_lean


@pytest.mark.parametrize("num_perm,seed", [(128, 1), (64, 7), (256, 42)])
def test_signatures_equal_datasketch(num_perm: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    docs = [
        np.unique(rng.integers(0, 2**32, size=int(rng.integers(1, 400)), dtype=np.uint64)
                  .astype(np.uint32))
        for _ in range(60)
    ]
    docs.insert(5, np.zeros(0, np.uint32))  # an article without shingles
    offsets = np.zeros(len(docs) + 1, np.int64)
    np.cumsum([d.size for d in docs], out=offsets[1:])
    ours = signatures(np.concatenate(docs), offsets, num_perm, seed)
    for i, d in enumerate(docs):
        m = MinHash(num_perm=num_perm, seed=seed, hashfunc=lambda x: x)
        m.update_batch([int(x) for x in d])
        assert np.array_equal(m.hashvalues, ours[i]), f"article {i}"
    assert (ours[5] == EMPTY).all()


def test_lean_export_compares_with_datasketch() -> None:
    rng = np.random.default_rng(3)
    a = np.unique(rng.integers(0, 2**32, 300, dtype=np.uint64).astype(np.uint32))
    b = np.unique(np.concatenate([a[:200], rng.integers(0, 2**32, 100, dtype=np.uint64)
                                  .astype(np.uint32)]))
    offsets = np.array([0, a.size, a.size + b.size])
    sig = signatures(np.concatenate([a, b]), offsets, 128, 1)
    la, lb = to_lean(sig[0]), to_lean(sig[1])
    assert isinstance(la, LeanMinHash)
    ma = MinHash(num_perm=128, hashfunc=lambda x: x)
    ma.update_batch([int(x) for x in a])
    assert la.jaccard(lb) == pytest.approx(LeanMinHash(ma).jaccard(lb))
    exact = np.intersect1d(a, b).size / np.union1d(a, b).size
    assert abs(la.jaccard(lb) - exact) < 0.15


def test_known_band_table_is_datasketchs_optimiser() -> None:
    for (threshold, num_perm), bands in KNOWN_BANDS.items():
        expect = _optimal_param(threshold, num_perm, FALSE_POSITIVE_WEIGHT, FALSE_NEGATIVE_WEIGHT)
        assert bands == expect, (threshold, num_perm)
