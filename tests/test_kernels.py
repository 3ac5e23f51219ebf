"""The compiled kernels (numba, the ``fast`` extra) against the numpy path: bit-identical.
(tests/test_minhash.py holds whichever path is active equal to datasketch itself.)"""

from __future__ import annotations

import numpy as np
import pytest

from dupfinder.stages import _numba, minhash

pytestmark = pytest.mark.skipif(not _numba.available(), reason="numba (the fast extra) is missing")


def _numpy_signatures(monkeypatch: pytest.MonkeyPatch, *args: object) -> np.ndarray:
    monkeypatch.setenv("DUPFINDER_NUMPY", "1")
    try:
        return minhash.signatures(*args)  # type: ignore[arg-type]
    finally:
        monkeypatch.delenv("DUPFINDER_NUMPY")


@pytest.mark.parametrize("num_perm,seed", [(16, 1), (128, 1), (256, 7)])
def test_compiled_minhash_equals_numpy(monkeypatch: pytest.MonkeyPatch, num_perm: int,
                                       seed: int) -> None:
    rng = np.random.default_rng(num_perm + seed)
    sizes = rng.integers(0, 900, size=300)
    sizes[[0, 17, 299]] = 0  # articles without shingles
    offsets = np.zeros(sizes.size + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    hashes = rng.integers(0, 2**32, size=int(offsets[-1]), dtype=np.uint64).astype(np.uint32)
    hashes[:50] = np.uint32(0xFFFFFFFF)  # extreme values
    compiled = minhash.signatures(hashes, offsets, num_perm, seed)
    reference = _numpy_signatures(monkeypatch, hashes, offsets, num_perm, seed)
    assert compiled.dtype == reference.dtype == np.uint32
    np.testing.assert_array_equal(compiled, reference)


def test_compiled_tokeniser_equals_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    """``featurize`` with the kernels and with ``DUPFINDER_NUMPY=1`` (tests/test_tokens_fast.py
    holds both equal to the string-at-a-time reference on random and real text)."""
    from dupfinder.stages.tokens import featurize

    texts = ["Mr. Ek told U.S. regulators. \u201cIt is over,\u201d he said. ### Next | line\r\n"
             * (i % 9) + "\u00df\u00a0\uff21 \ufb01 e\u0301 don't 12 ten" * (i % 4)
             for i in range(200)]
    compiled = featurize(texts, 60)
    monkeypatch.setenv("DUPFINDER_NUMPY", "1")
    reference = featurize(texts, 60)
    for name in ("tokens", "token_offsets", "line_keys", "line_sizes", "line_offsets",
                 "has_digit"):
        np.testing.assert_array_equal(getattr(compiled, name), getattr(reference, name))


@pytest.mark.parametrize("parts_at_once", [1, 3, 8])
def test_compiled_sample_parts_equal_the_sorted_ones(monkeypatch: pytest.MonkeyPatch,
                                                     parts_at_once: int) -> None:
    """``containment.across_groups`` takes each few parts of the hash space out by a compiled
    counting sort: the same shared samples and the same counts per group as numpy's sort,
    with the samples in many parts and few, and hashes carried by one group or several."""
    from dupfinder.stages import containment

    rng = np.random.default_rng(parts_at_once)
    entries, docs_n = 60_000, 3_000
    docs = np.sort(rng.integers(0, docs_n, entries)).astype(np.int32)
    # Few distinct hashes (most carried by several articles), spread over the hash space.
    hashes = (rng.integers(0, 4_000, entries).astype(np.uint64) * 1_000_003 % 2**32
              ).astype(np.uint32)
    own = rng.random(entries) < 0.5  # and half the entries a hash of their own
    hashes[own] = rng.integers(0, 2**32, int(own.sum()), dtype=np.uint64).astype(np.uint32)
    group = (rng.integers(0, 500, docs_n)).astype(np.int32)
    monkeypatch.setattr(containment, "PART_SAMPLES", 4_000)  # 16 parts
    monkeypatch.setattr(containment, "PARTS_AT_ONCE", parts_at_once)
    compiled = containment.across_groups(hashes, docs, group)
    monkeypatch.setenv("DUPFINDER_NUMPY", "1")
    reference = containment.across_groups(hashes, docs, group)
    assert compiled[0].any() and not compiled[0].all()
    np.testing.assert_array_equal(compiled[0], reference[0])
    np.testing.assert_array_equal(compiled[1], reference[1])


def test_compiled_band_keys_equal_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    """LSH band keys folded by the kernel are numpy's keys, for every band and rows a band
    (signatures with their extreme values)."""
    from dupfinder.stages import lsh

    rng = np.random.default_rng(9)
    sigs = rng.integers(0, 2**32, (lsh.COMPILED_MIN_DOCS + 17, 24), dtype=np.uint64
                        ).astype(np.uint32)
    sigs[:5] = np.uint32(0xFFFFFFFF)
    for rows in (1, 3, 8):
        compiled = [lsh.band_keys(sigs, band, rows) for band in range(24 // rows)]
        monkeypatch.setenv("DUPFINDER_NUMPY", "1")
        reference = [lsh.band_keys(sigs, band, rows) for band in range(24 // rows)]
        monkeypatch.delenv("DUPFINDER_NUMPY")
        for got, want in zip(compiled, reference):
            assert got.dtype == want.dtype == np.uint64 and np.array_equal(got, want)


@pytest.mark.parametrize("dtype", [np.uint64, np.int64])
def test_compiled_isin_equals_numpy(monkeypatch: pytest.MonkeyPatch, dtype: type) -> None:
    """``arrays.isin`` by a compiled hash table: numpy's answer, for a few test values and
    for many, extreme and negative values included."""
    from dupfinder.stages import arrays

    rng = np.random.default_rng(4)
    info = np.iinfo(dtype)
    values = rng.integers(info.min, info.max, arrays.COMPILED_ISIN_VALUES + 99,
                          dtype=dtype, endpoint=True)
    values[:3] = [info.min, info.max, 0]
    for size in (1, 82, 50_000):
        test = np.concatenate([values[rng.integers(0, values.size, size)],
                               rng.integers(info.min, info.max, size, dtype=dtype)])
        got = arrays.isin(values, test)
        assert np.array_equal(got, np.isin(values, test)) and got.any()


def test_each_parallel_kernel_has_a_serial_twin_giving_the_same_answer() -> None:
    """Forked workers use the serial twins (``_numba.serial_only``): the same results."""
    kernels = _numba.kernels()
    assert kernels is not None
    rng = np.random.default_rng(3)
    sizes = rng.integers(0, 400, size=200)
    offsets = np.zeros(sizes.size + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    hashes = np.sort(rng.integers(0, 5000, size=int(offsets[-1])).astype(np.uint32))
    a, b = minhash.permutations(64, 1)
    out = [np.full((200, 64), minhash.EMPTY, np.uint32) for _ in range(2)]
    kernels["minhash"](hashes, offsets, a, b, out[0])
    kernels["minhash_serial"](hashes, offsets, a, b, out[1])
    np.testing.assert_array_equal(out[0], out[1])
    rows = [np.unique(hashes[offsets[i]:offsets[i + 1]]) for i in range(200)]
    flat = np.concatenate(rows)
    row_offsets = np.zeros(201, dtype=np.int64)
    np.cumsum([r.size for r in rows], out=row_offsets[1:])
    pairs = rng.integers(0, 200, (500, 2)).astype(np.int64)
    want = [np.intersect1d(rows[i], rows[j]).size for i, j in pairs.tolist()]
    for name in ("merge_counts", "merge_counts_serial"):
        assert kernels[name](flat, row_offsets, pairs).tolist() == want


def test_a_forked_worker_signs_with_the_serial_kernel_after_its_parent_used_threads() -> None:
    """GNU OpenMP cannot start its pool in a child of a process that used it; a forked worker
    takes the serial twin and gives the parent's signatures."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork on this platform")
    rng = np.random.default_rng(5)
    offsets = np.arange(0, 200_001, 250, dtype=np.int64)
    hashes = rng.integers(0, 2**32, size=200_000, dtype=np.uint64).astype(np.uint32)
    here = minhash.signatures(hashes, offsets, 128)  # the parallel kernel, in this process
    # (an executor, not a Pool: a worker that dies is an error here, not a wait forever)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        there, serial = pool.submit(_sign_in_worker, hashes, offsets).result(timeout=300)
    assert serial
    np.testing.assert_array_equal(here, there)


def _sign_in_worker(hashes: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, bool]:
    kernels = _numba.kernels()
    assert kernels is not None
    return (minhash.signatures(hashes, offsets, 128),
            _numba.kernel("minhash") is kernels["minhash_serial"])


def test_compiled_varints_equal_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The index's LEB128 ids (``index.codec``): the compiled encoder writes numpy's bytes and
    widths, at every width boundary, and each decoder gives the ids back."""
    from dupfinder.index import codec

    rng = np.random.default_rng(28)
    edges = np.array([0, 1, 127, 128, 16383, 16384, 2**21 - 1, 2**21, 2**28 - 1], np.int64)
    ids = np.concatenate([edges, rng.integers(0, 2**28, 5000) >> rng.integers(0, 27, 5000)])
    data, width = codec._leb128(ids)
    monkeypatch.setenv("DUPFINDER_NUMPY", "1")
    ref_data, ref_width = codec._leb128(ids)
    np.testing.assert_array_equal(data, ref_data)
    np.testing.assert_array_equal(width, ref_width)
    np.testing.assert_array_equal(codec.decode_ids(data), ids)
    monkeypatch.delenv("DUPFINDER_NUMPY")
    np.testing.assert_array_equal(codec.decode_ids(data), ids)


def test_compiled_token_blocks_equal_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The index's token blocks unpacked by one compiled pass (``_numba_index.token_rows``)
    give the numpy path's ids, offsets, flags and sizes: all articles or some of each block,
    blocks with flags and without, empty articles, ids of every width."""
    from dupfinder.index.codec import pack_tokens, unpack_tokens

    rng = np.random.default_rng(16)
    counts = rng.integers(0, 400, 37)
    counts[::5] = 0
    total = int(counts.sum())
    ids = rng.integers(0, 2**28, total) >> rng.integers(0, 27, total)
    figures = rng.random(total) < 0.2
    order = rng.permutation(counts.size).tolist()
    for flags in (figures, None):
        blobs = pack_tokens(ids, counts, flags, order, block=4)
        wanted = [sorted(rng.choice(4, rng.integers(0, 4), replace=False).tolist())
                  for _ in blobs[:-1]] + [[0]]
        for want in (None, wanted):
            compiled = unpack_tokens(blobs, want)
            monkeypatch.setenv("DUPFINDER_NUMPY", "1")
            reference = unpack_tokens(blobs, want)
            monkeypatch.delenv("DUPFINDER_NUMPY")
            for got, ref in zip(compiled[:3], reference[:3]):
                assert (got is None) == (ref is None)
                if ref is not None:
                    np.testing.assert_array_equal(got, ref)
            assert compiled[3] == reference[3]


def test_galloping_key_ranges_are_searchsorted() -> None:
    """``_numba_index.key_ranges`` (the index's probe of a segment): each sorted needle's
    ``searchsorted`` left and its run's length, for needles before, between, on and after
    the keys, runs of repeats, and a segment far longer than the needles and far shorter."""
    kernel = _numba.kernels()["key_ranges"]  # type: ignore[index]
    rng = np.random.default_rng(12)
    for n_keys, n_needles, top in ((5000, 40, 900), (30, 3000, 100), (0, 5, 9), (7, 0, 9),
                                   (20000, 20000, 2**32 - 1)):
        keys = np.sort(rng.integers(0, top, n_keys, endpoint=True).astype(np.uint32))
        needles = np.unique(rng.integers(0, top, n_needles, endpoint=True).astype(np.uint32))
        lo, width = kernel(keys, needles)
        np.testing.assert_array_equal(lo, np.searchsorted(keys, needles, "left"))
        np.testing.assert_array_equal(width, np.searchsorted(keys, needles, "right") - lo)
