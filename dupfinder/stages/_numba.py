"""Compiled kernels (the ``fast`` extra: ``pip install 'dupfinder[fast]'``).

Each kernel computes exactly what its numpy counterpart computes, bit for bit (tests hold them
equal); numpy stays the default when numba is missing, and ``DUPFINDER_NUMPY=1`` forces it.
MinHash is where numpy is far from the limit: it makes one pass over every shingle per
permutation, where a compiled loop keeps an article's shingles in cache and touches each once.
"""

from __future__ import annotations

import os
import sys
import types
from typing import Any

import numpy as np

_KERNELS: dict[str, Any] | None = None
# Set by the command line: numba is imported believing there is no BLAS (``_import``).
WITHOUT_BLAS = False


def available() -> bool:
    return kernels() is not None


def kernel(name: str) -> Any:
    """One compiled kernel by name, or None when numba is missing or disabled: what a stage
    asks for before its numpy path. In a forked worker, the serial twin of a parallel one."""
    found = kernels()
    if not found:
        return None
    if _SERIAL and name + "_serial" in found:
        return found[name + "_serial"]
    return found[name]


# Set in every forked child (``os.register_at_fork``): a parallel kernel there would start the
# OpenMP pool of a process that already used it in its parent, which GNU OpenMP cannot do
# (numba ends the worker: "fork() called from a process already using GNU OpenMP"). A
# worker is one of several anyway: its kernels run serially, with the same results.
_SERIAL = False


def serial_only() -> None:
    global _SERIAL
    _SERIAL = True


os.register_at_fork(after_in_child=serial_only)


def kernels() -> dict[str, Any] | None:
    """The compiled kernels, or None when numba is missing or disabled."""
    global _KERNELS
    if os.environ.get("DUPFINDER_NUMPY"):
        return None
    if _KERNELS is None:
        try:
            numba = _import()
        except ImportError:
            _KERNELS = {}
        else:
            _KERNELS = _compile(numba)
    return _KERNELS or None


def _import() -> Any:
    """numba; with ``WITHOUT_BLAS``, its array functions loaded while an import of SciPy's
    BLAS fails, so that numba decides there is none (once, for the process) rather than
    import SciPy's linear algebra to find out."""
    import numba

    if not WITHOUT_BLAS or "numba.np.arraymath" in sys.modules:
        return numba
    blas = "scipy.linalg.cython_blas"
    saved = sys.modules.get(blas, _MISSING)
    sys.modules[blas] = None  # type: ignore[assignment]  # (an import of it fails)
    try:
        import numba.np.arraymath  # noqa: F401
    finally:
        if saved is _MISSING:
            del sys.modules[blas]
        else:
            sys.modules[blas] = saved  # type: ignore[assignment]
    return numba


_MISSING = object()


def _twin(fn: Any, suffix: str) -> Any:
    """A copy of ``fn`` under another name. numba's cache names a kernel by its function's
    name and line, not by its options: the serial and parallel builds of one function
    shared one entry, and the serial twin ran the parallel code it read back."""
    copy = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__ + suffix,
                              fn.__defaults__, fn.__closure__)
    copy.__qualname__ = fn.__qualname__ + suffix
    return copy


def _compile(numba: Any) -> dict[str, Any]:
    def minhash(hashes: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray,
                out: np.ndarray) -> None:
        """Each article's signature, each shingle hash mixed (``minhash.fmix32``) as it is
        read rather than in a pass of its own over the batch."""
        docs = offsets.size - 1
        num_perm = a.size
        mask32 = np.uint64(0xFFFFFFFF)
        for d in numba.prange(docs):
            lo, hi = offsets[d], offsets[d + 1]
            if hi == lo:
                continue
            # One pass over the article's shingles; the permutations of one shingle are a
            # short vector loop the compiler turns into SIMD: in 32-bit lanes (each product
            # cast back to uint32, which is the ``mod 2**32`` of the scheme), twice as many a
            # step as the 64-bit products numba's integer typing would make (2.4x faster).
            row = np.full(num_perm, np.uint32(0xFFFFFFFF), dtype=np.uint32)
            for s in range(lo, hi):
                x = np.uint64(hashes[s])
                x ^= x >> np.uint64(16)
                x = (x * np.uint64(0x85EBCA6B)) & mask32
                x ^= x >> np.uint64(13)
                x = (x * np.uint64(0xC2B2AE35)) & mask32
                x ^= x >> np.uint64(16)
                h = np.uint32(x)
                for k in range(num_perm):
                    row[k] = min(row[k], np.uint32(np.uint32(a[k] * h) + b[k]))
            out[d] = row

    def merge_counts(hashes: np.ndarray, offsets: np.ndarray,
                     pairs: np.ndarray) -> np.ndarray:
        """Shared values of each pair of sorted unique rows (``verify.pair_intersections``)."""
        out = np.zeros(pairs.shape[0], dtype=np.int64)
        for k in numba.prange(pairs.shape[0]):
            i, j = pairs[k, 0], pairs[k, 1]
            x, x_end = offsets[i], offsets[i + 1]
            y, y_end = offsets[j], offsets[j + 1]
            n = 0
            while x < x_end and y < y_end:  # branch-free merge step
                a_value, b_value = hashes[x], hashes[y]
                n += a_value == b_value
                x += a_value <= b_value
                y += b_value <= a_value
            out[k] = n
        return out

    def merge_weights(keys: np.ndarray, weights: np.ndarray, offsets: np.ndarray,
                      pairs: np.ndarray) -> np.ndarray:
        """Weight of the first row's values the second row holds too, per pair of sorted
        unique rows (``boilerplate``: the words two carriers of a unit share)."""
        out = np.zeros(pairs.shape[0], dtype=np.float64)
        for k in numba.prange(pairs.shape[0]):
            i, j = pairs[k, 0], pairs[k, 1]
            x, x_end = offsets[i], offsets[i + 1]
            y, y_end = offsets[j], offsets[j + 1]
            total = 0.0
            while x < x_end and y < y_end:
                a_value, b_value = keys[x], keys[y]
                if a_value == b_value:
                    total += weights[x]
                x += a_value <= b_value
                y += b_value <= a_value
            out[k] = total
        return out

    # Each kernel with a parallel loop also serial: for a few pairs (judging one unit's
    # carriers), where waking threads costs more than the merges; and in a forked worker,
    # where the OpenMP pool of the parent cannot be used (``serial_only``).
    parallel = {}
    for name, fn in (("minhash", minhash), ("merge_counts", merge_counts),
                     ("merge_weights", merge_weights)):
        parallel[name + "_serial"] = numba.njit(cache=True, nogil=True)(_twin(fn, "_serial"))
        parallel[name] = numba.njit(parallel=True, cache=True, nogil=True)(fn)

    @numba.njit(cache=True, nogil=True)
    def sort_rows(values: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each row sorted and unique (``shingles.sorted_unique_rows``): a row of a few
        hundred hashes by a radix sort, one byte a pass (four passes over the row, where a
        comparison sort makes nine), a short row by ``np.sort``."""
        rows = offsets.size - 1
        out = np.empty(values.size, dtype=np.uint32)
        out_offsets = np.zeros(rows + 1, dtype=np.int64)
        longest = 0
        for r in range(rows):
            longest = max(longest, offsets[r + 1] - offsets[r])
        first = np.empty(longest, dtype=np.uint32)
        second = np.empty(longest, dtype=np.uint32)
        count = np.empty(257, dtype=np.int64)
        w = 0
        for r in range(rows):
            lo, hi = offsets[r], offsets[r + 1]
            n = hi - lo
            if n == 0:
                out_offsets[r + 1] = w
                continue
            if n <= 48:
                seg = np.sort(values[lo:hi])
            else:
                src = first[:n]
                src[:] = values[lo:hi]
                dst = second[:n]
                for shift in (0, 8, 16, 24):
                    count[:] = 0
                    for k in range(n):
                        count[((src[k] >> shift) & 255) + 1] += 1
                    for d in range(256):
                        count[d + 1] += count[d]
                    for k in range(n):
                        d = (src[k] >> shift) & 255
                        dst[count[d]] = src[k]
                        count[d] += 1
                    src, dst = dst, src
                seg = src
            out[w] = seg[0]
            w += 1
            for k in range(1, n):
                if seg[k] != seg[k - 1]:
                    out[w] = seg[k]
                    w += 1
            out_offsets[r + 1] = w
        return out[:w].copy(), out_offsets

    from . import _numba_codes, _numba_index, _numba_shingles, _numba_sort, _numba_text

    return {**parallel, "cut_units": _numba_text.cut_units,
            "tokenise": _numba_text.tokenise, "needles": _numba_text.needles,
            "sort_rows": sort_rows,
            "windows": _numba_shingles.windows, "sample": _numba_shingles.sample,
            "gather_parts": _numba_shingles.gather_parts,
            "band_key": _numba_shingles.band_key, "merge_unique": _numba_shingles.merge_unique,
            "repeated_units": _numba_shingles.repeated_units,
            "shared_counts": _numba_shingles.shared_counts,
            "code_runs": _numba_codes.code_runs, "member_of": _numba_codes.member_of,
            "stable_order": _numba_sort.stable_order,
            "leb128_encode": _numba_index.leb128_encode,
            "leb128_decode": _numba_index.leb128_decode,
            "token_rows": _numba_index.token_rows,
            "table_find": _numba_index.table_find,
            "key_ranges": _numba_index.key_ranges}
