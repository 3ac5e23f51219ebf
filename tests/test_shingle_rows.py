"""Shingle sets: the compiled per-row sort gives the arrays of the numpy sort, on realistic
batches (short articles, empty ones, repeated shingles) and on random rows."""

from __future__ import annotations

import numpy as np
import pytest

from dupfinder.stages import _numba, shingles
from dupfinder.stages.shingles import shingle, sorted_unique_rows
from dupfinder.stages.tokens import featurize
from tests import pages
from tests.conftest import sample_records


def _both(monkeypatch: pytest.MonkeyPatch, fn):  # type: ignore[no-untyped-def]
    if not _numba.available():
        pytest.skip("numba (the fast extra) is not installed")
    monkeypatch.setattr(shingles, "COMPILED_MIN_VALUES", 0)  # the kernel, however few values
    fast = fn()
    monkeypatch.setenv("DUPFINDER_NUMPY", "1")
    return fast, fn()


@pytest.mark.parametrize("seed", range(5))
def test_random_rows(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows = 40
    row = np.sort(rng.integers(0, rows, 3000))
    values = rng.integers(0, 300, row.size).astype(np.uint32)  # many repeats within rows
    fast, slow = _both(monkeypatch, lambda: sorted_unique_rows(values, row, rows))
    assert np.array_equal(fast[0], slow[0]) and np.array_equal(fast[1], slow[1])
    assert fast[1][-1] == fast[0].size


@pytest.mark.parametrize("seed", range(3))
def test_rows_of_every_length_over_the_whole_hash_range(monkeypatch: pytest.MonkeyPatch,
                                                        seed: int) -> None:
    """Short rows (a comparison sort) and long ones (four byte-wide radix passes), hashes over
    all 32 bits, repeats inside rows: the compiled rows equal numpy's."""
    rng = np.random.default_rng(100 + seed)
    lengths = np.concatenate([rng.integers(0, 48, 60), rng.integers(49, 2000, 30), [0, 1, 48, 49]])
    rng.shuffle(lengths)
    row = np.repeat(np.arange(lengths.size), lengths)
    values = rng.integers(0, 2**32, row.size, dtype=np.uint64).astype(np.uint32)
    values[::5] = values[::5] % 97  # repeats
    values[::11] = np.uint32(0xFFFFFFFF)
    fast, slow = _both(monkeypatch, lambda: sorted_unique_rows(values, row, lengths.size))
    assert np.array_equal(fast[0], slow[0]) and np.array_equal(fast[1], slow[1])


def test_shingled_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = ([r["text"] for r in sample_records() + pages.live_page()]
             + ["", "one", "two words", "a b c d", "x " * 50, "Short. Shorter."])
    features = featurize(texts)
    # The compiled windows and sample, and numpy's; a sampling rate that is a power of two
    # (tested on the low bits) and others (by division).
    for n, rate in ((1, 4), (3, 3), (5, 4), (5, 1), (9, 8), (9, 5)):
        fast, slow = _both(monkeypatch,
                           lambda n=n, rate=rate: shingle(features, n).with_sample(rate))
        monkeypatch.delenv("DUPFINDER_NUMPY")
        for name in ("hashes", "offsets", "sample_hashes", "sample_docs"):
            a, b = getattr(fast, name), getattr(slow, name)
            assert a.dtype == b.dtype and np.array_equal(a, b), (n, rate, name)
        assert fast.sizes()[texts.index("")] == 0 and fast.sizes()[texts.index("one")] == 1


def test_windows_over_random_tokens_of_every_length(monkeypatch: pytest.MonkeyPatch) -> None:
    """Articles of 0 to 40 tokens over the whole 32-bit range, sample rates 1 to 7: the
    compiled window hashes and sample equal numpy's."""
    from dupfinder.stages.tokens import Features

    rng = np.random.default_rng(8)
    lengths = rng.integers(0, 40, 300)
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    tokens = rng.integers(0, 2**32, int(offsets[-1]), dtype=np.uint64).astype(np.uint32)
    tokens[::13] = np.uint32(0xFFFFFFFF)
    empty_lines = np.zeros(0, np.uint64)
    features = Features(tokens, offsets, empty_lines, np.zeros(0, np.int64),
                        np.zeros(lengths.size + 1, np.int64), np.zeros(0, bool))
    for rate in (1, 2, 4, 7):
        fast, slow = _both(monkeypatch, lambda rate=rate: shingle(features, 5).with_sample(rate))
        monkeypatch.delenv("DUPFINDER_NUMPY")
        for name in ("hashes", "offsets", "sample_hashes", "sample_docs"):
            assert np.array_equal(getattr(fast, name), getattr(slow, name)), (rate, name)


def test_joining_consumed_parts_releases_their_arrays() -> None:
    """``ShingleSets.concat(consume=True)`` must let each part's arrays go as they are joined
    (a zero-length slice would be a view keeping the whole buffer alive: at 1M articles that
    held a second copy of every shingle and token, 5 GB)."""
    import gc
    import weakref

    from dupfinder.engines.local import prepare
    from dupfinder.params import Params
    from dupfinder.stages.shingles import ShingleSets
    from tests.conftest import sample_records

    texts = [r["text"] for r in sample_records()]
    parts = [prepare(texts[k : k + 3], Params()).sets for k in range(0, len(texts), 3)]
    for p in parts:  # (the scan keeps each part's tokens as the batches made them)
        p.tokens, p.token_figures = p.token_arrays()
        p.spilled_tokens = p.spilled_figures = None
    alive = [weakref.ref(getattr(p, name)) for p in parts
             for name in ("hashes", "tokens", "sample_hashes", "words")]
    expected = ShingleSets.concat(parts)
    joined = ShingleSets.concat(parts, consume=True)
    np.testing.assert_array_equal(joined.hashes, expected.hashes)
    np.testing.assert_array_equal(joined.tokens, expected.tokens)
    del expected
    gc.collect()
    assert all(ref() is None for ref in alive)
