"""Batch verification: the compiled merge counts what ``intersection_size`` counts, and
``verify`` over a batch of pairs decides every pair as ``copy_score`` does on its own."""

from __future__ import annotations

import numpy as np
import pytest

import dupfinder.stages.verify as verify_module
from dupfinder.engines.local import prepare
from dupfinder.params import Params
from dupfinder.stages import _numba
from dupfinder.stages.verify import (
    Thresholds,
    copy_score,
    intersection_size,
    pair_intersections,
    verify,
)
from tests import pages
from tests.conftest import sample_records


def _random_sets(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    rows = []
    for _ in range(60):
        size = int(rng.integers(0, 300))
        rows.append(np.unique(rng.integers(0, 2000, size).astype(np.uint32)))
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([r.size for r in rows], out=offsets[1:])
    return np.concatenate(rows), offsets


@pytest.mark.parametrize("seed", range(4))
def test_compiled_and_numpy_intersections_agree(monkeypatch: pytest.MonkeyPatch,
                                                seed: int) -> None:
    rng = np.random.default_rng(seed)
    hashes, offsets = _random_sets(rng)
    pairs = rng.integers(0, offsets.size - 1, (500, 2))
    expected = [intersection_size(hashes[offsets[i]:offsets[i + 1]],
                                  hashes[offsets[j]:offsets[j + 1]]) for i, j in pairs.tolist()]
    if _numba.available():
        monkeypatch.setattr(verify_module, "COMPILED_MIN_PAIRS", 0)  # the kernel, however few
        assert pair_intersections(hashes, offsets, pairs).tolist() == expected
    monkeypatch.setenv("DUPFINDER_NUMPY", "1")
    assert pair_intersections(hashes, offsets, pairs).tolist() == expected


def test_batch_verify_decides_every_pair_as_copy_score() -> None:
    records = (sample_records() + pages.copy_edited_reprint() + pages.write_through()
               + pages.live_page() + pages.quoted_paragraph_corpus())
    params = Params()
    sets = prepare([r["text"] for r in records], params).sets
    n = len(sets)
    pairs = np.array([(i, j) for i in range(n) for j in range(i + 1, n)], dtype=np.int64)
    thresholds = Thresholds(params.threshold, params.containment, params.min_shingles,
                            params.tuning.verify)
    edges = verify(sets, pairs, thresholds)
    expected = {(i, j): s for i, j in pairs.tolist()
                if (s := copy_score(sets, i, j, thresholds)) is not None}
    got = {tuple(p): (jac, con) for p, jac, con in
           zip(edges.pairs.tolist(), edges.jaccard.tolist(), edges.containment.tolist())}
    assert got == expected
    assert len(expected) > 20  # the corpus has copies of every kind, near misses included
    assert verify_module.verify(sets, pairs[:0], thresholds).pairs.shape == (0, 2)
