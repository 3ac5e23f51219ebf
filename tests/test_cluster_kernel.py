"""Clustering with the compiled kernels (the ``fast`` extra) counts what numpy counts."""

from __future__ import annotations

import numpy as np
import pytest

from dupfinder.stages import _numba

pytestmark = pytest.mark.skipif(not _numba.available(),
                                reason="numba (the fast extra) is missing")


def test_compiled_derivation_equals_numpys(monkeypatch: pytest.MonkeyPatch) -> None:
    """``cluster.derivation`` (shared and own shingles of each candidate) by the compiled hash
    table over the shingle rows, and by numpy over the sets: the same counts, for groups of
    copies, of disjoint articles, of empty ones and of one article repeated."""
    from dupfinder.stages.cluster import Facts, derivation

    rng = np.random.default_rng(4)
    story = np.unique(rng.integers(0, 2**32, 500, dtype=np.uint64).astype(np.uint32))
    rows = [np.unique(np.concatenate([story[rng.random(story.size) < share],
                                      rng.integers(0, 2**32, extra, dtype=np.uint64)
                                      .astype(np.uint32)]))
            for share, extra in [(0.9, 30), (0.8, 0), (0.5, 200), (0.0, 100), (0.95, 5)]]
    rows += [np.zeros(0, np.uint32), np.array([0, 7, 0xFFFFFFFF], np.uint32)]
    offsets = np.concatenate(([0], np.cumsum([r.size for r in rows]))).astype(np.int64)
    hashes = np.concatenate(rows)

    def facts(with_rows: bool) -> Facts:
        return Facts(ids=[str(k) for k in range(len(rows))], sizes=[r.size for r in rows],
                     dates=[None] * len(rows), agency=[False] * len(rows),
                     shingles=lambda v: hashes[offsets[v] : offsets[v + 1]],
                     rows=(hashes, offsets) if with_rows else None)

    for group in ([0, 1, 2], [0, 1, 2, 3, 4, 5, 6], [3, 5], [6, 6, 1], [4]):
        assert derivation(group, facts(True)) == derivation(group, facts(False)), group
    monkeypatch.setenv("DUPFINDER_NUMPY", "1")
    assert derivation([0, 1, 2], facts(True)) == derivation([0, 1, 2], facts(False))
