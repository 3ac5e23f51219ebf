"""The stages' fast sorts (``arrays.stable_argsort``, ``arrays.lexsort``) give numpy's stable
permutations exactly: ties in index order, for every integer width, negative keys, keys
wider than 32 bits, few distinct values (long runs of ties) and none."""

from __future__ import annotations

import numpy as np
import pytest

from dupfinder.stages.arrays import isin, lexsort, stable_argsort

DTYPES = [np.bool_, np.uint8, np.int16, np.int32, np.uint32, np.int64, np.uint64]


def _values(rng: np.random.Generator, dtype: type, n: int, spread: int) -> np.ndarray:
    if dtype is np.bool_:
        return rng.integers(0, 2, n).astype(bool)
    info = np.iinfo(dtype)
    lo = max(int(info.min), -spread)
    hi = min(int(info.max), spread)
    return rng.integers(lo, hi, n, endpoint=True, dtype=np.int64 if dtype != np.uint64
                        else np.uint64).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("spread", [3, 2**20, 2**40, 2**63 - 1])
def test_stable_argsort_is_numpys(dtype: type, spread: int) -> None:
    rng = np.random.default_rng(spread % 997)
    for n in (0, 1, 2, 17, 5000):
        values = _values(rng, dtype, n, spread)
        assert np.array_equal(stable_argsort(values), np.argsort(values, kind="stable"))


def test_wide_keys_with_ties_and_extremes() -> None:
    values = np.array([2**64 - 1, 0, 2**63, 0, 2**64 - 1, 5, 2**63], dtype=np.uint64)
    assert stable_argsort(values).tolist() == np.argsort(values, kind="stable").tolist()
    signed = np.array([-(2**63), 2**63 - 1, 0, -(2**63), 2**63 - 1], dtype=np.int64)
    assert stable_argsort(signed).tolist() == np.argsort(signed, kind="stable").tolist()


def test_lexsort_is_numpys() -> None:
    rng = np.random.default_rng(5)
    for n in (0, 1, 9, 4000):
        a = rng.integers(0, 4, n).astype(np.int32)
        b = rng.integers(0, 2**64, n, dtype=np.uint64) >> np.uint64(rng.integers(0, 62))
        c = -rng.integers(0, 50, n)
        for keys in [(a,), (a, b), (b, a), (c, a, b), (a, c, a)]:
            assert np.array_equal(lexsort(keys), np.lexsort(keys)), (n, len(keys))


@pytest.mark.parametrize("dtype", [np.int64, np.uint64, np.uint32])
def test_isin_is_numpys(dtype: type) -> None:
    rng = np.random.default_rng(11)
    top = np.iinfo(dtype).max
    for n, m in [(0, 5), (5, 0), (1000, 3), (50, 2000), (3000, 3000)]:
        values = rng.integers(0, 40, n).astype(dtype)
        values[::7] = top
        test = np.concatenate([rng.integers(0, 40, m).astype(dtype), np.array([top], dtype)
                               if m else np.zeros(0, dtype)])
        assert np.array_equal(isin(values, test), np.isin(values, test))
    mixed = np.array([1, 2, 3], np.int64)
    assert isin(mixed, np.array([2], np.uint64)).tolist() == [False, True, False]


@pytest.mark.parametrize("dtype", [np.int64, np.uint64])
def test_wide_keys_past_the_radix_threshold(dtype: type) -> None:
    """From RADIX_MIN keys the compiled radix sort (when numba is there) answers: numpy's
    permutation still, with long runs of ties, keys of a few digits (passes skipped), both
    signs, and the extremes."""
    from dupfinder.stages import arrays

    rng = np.random.default_rng(17)
    n = arrays.RADIX_MIN + 1234
    for spread in (3, 2**20, 2**40, 2**63 - 1):
        values = _values(rng, dtype, n, spread)
        values[::11] = np.iinfo(dtype).max
        values[5::13] = np.iinfo(dtype).min
        assert np.array_equal(stable_argsort(values), np.argsort(values, kind="stable"))
    ordered = np.arange(n, dtype=dtype)
    assert np.array_equal(stable_argsort(ordered), np.arange(n))
    assert np.array_equal(stable_argsort(ordered[::-1].copy()), np.arange(n)[::-1])


def test_unique_inverse_is_numpys() -> None:
    from dupfinder.stages.arrays import unique_inverse

    rng = np.random.default_rng(9)
    for n, top, dtype in ((0, 5, np.uint32), (1, 5, np.uint32), (3000, 40, np.uint32),
                          (3000, 2**32 - 1, np.uint32), (2000, 2**40, np.int64)):
        values = rng.integers(0, top, n, endpoint=True).astype(dtype)
        got = unique_inverse(values)
        want = np.unique(values, return_inverse=True, return_counts=True)
        for g, w in zip(got, want):
            assert np.array_equal(g, w.ravel())
