"""LSH candidates merged band by band as the bands come are the candidates of all bands at
once, in one process or with the bands on threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import dupfinder.stages.lsh as lsh
from dupfinder.engines.local import prepare
from dupfinder.engines.workers import imap_threads
from dupfinder.params import Params
from dupfinder.stages.arrays import dedupe_pairs, pairs_within_runs, runs
from tests import pages
from tests.conftest import sample_records


def _band_pairs(keys: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """A band's pairs as first made: buckets by numpy's stable sort, members in index order,
    all pairs or a chain past the cap."""
    idx = np.arange(keys.size, dtype=np.int64)[valid]
    keys = keys[valid]
    order = np.argsort(keys, kind="stable")
    starts, sizes = runs(keys[order])
    return pairs_within_runs(idx[order], starts, sizes, lsh.MAX_BUCKET_PAIRS)


def _all_bands_at_once(sigs: np.ndarray, threshold: float, valid: np.ndarray) -> np.ndarray:
    bands, rows = lsh.band_params(threshold, sigs.shape[1])
    pairs = [_band_pairs(lsh.band_keys(sigs, b, rows), valid) for b in range(bands)]
    return dedupe_pairs(np.concatenate(pairs), len(sigs))


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8])
def test_candidates_merged_band_by_band(threshold: float) -> None:
    # (Forty-five identical copies make buckets past the cap: linked as a chain, in order.)
    records = (sample_records() + pages.live_page() + pages.quoted_paragraph_corpus()
               + pages.one_line_copies(45) + pages.copy_edited_reprint())
    sigs = prepare([r["text"] for r in records], Params()).signatures
    valid = np.ones(len(sigs), dtype=bool)
    valid[3] = False
    whole = _all_bands_at_once(sigs, threshold, valid)
    got = lsh.candidate_pairs(sigs, threshold, valid)
    assert np.array_equal(got, whole) and got.dtype == np.int64
    with ThreadPoolExecutor(3) as pool:  # the bands on threads, in order
        assert np.array_equal(lsh.candidate_pairs(sigs, threshold, valid, pool.map), whole)

    def bounded(fn, items):  # type: ignore[no-untyped-def]  # as the engine runs them
        return imap_threads(fn, list(items), 2, ahead=1)

    assert np.array_equal(lsh.candidate_pairs(sigs, threshold, valid, bounded), whole)
    assert len(whole) > 20 and not np.isin(3, whole)


def test_merge_unique() -> None:
    rng = np.random.default_rng(5)
    for _ in range(50):
        a = np.unique(rng.integers(0, 500, int(rng.integers(0, 300))))
        b = np.unique(rng.integers(0, 500, int(rng.integers(0, 300))))
        assert np.array_equal(lsh.merge_unique(a, b), np.union1d(a, b))
