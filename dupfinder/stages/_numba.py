"""Compiled kernels (the ``fast`` extra: ``pip install 'dupfinder[fast]'``).

Each kernel computes exactly what its numpy counterpart computes, bit for bit (tests hold them
equal); numpy stays the default when numba is missing, and ``DUPFINDER_NUMPY=1`` forces it.
MinHash is where numpy is far from the limit: it makes one pass over every shingle per
permutation, where a compiled loop keeps an article's shingles in cache and touches each once.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

_KERNELS: dict[str, Any] | None = None


def available() -> bool:
    return kernels() is not None


def kernels() -> dict[str, Any] | None:
    """The compiled kernels, or None when numba is missing or disabled."""
    global _KERNELS
    if os.environ.get("DUPFINDER_NUMPY"):
        return None
    if _KERNELS is None:
        try:
            import numba
        except ImportError:
            _KERNELS = {}
        else:
            _KERNELS = _compile(numba)
    return _KERNELS or None


def _compile(numba: Any) -> dict[str, Any]:
    @numba.njit(parallel=True, cache=True, nogil=True)
    def minhash(mixed: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray,
                out: np.ndarray) -> None:
        docs = offsets.size - 1
        num_perm = a.size
        mask32 = np.uint64(0xFFFFFFFF)
        a32 = a.astype(np.uint64)
        b32 = b.astype(np.uint64)
        for d in numba.prange(docs):
            lo, hi = offsets[d], offsets[d + 1]
            if hi == lo:
                continue
            # One pass over the article's shingles; the permutations of one shingle are a
            # short vector loop the compiler turns into SIMD.
            row = np.full(num_perm, np.uint32(0xFFFFFFFF), dtype=np.uint32)
            for s in range(lo, hi):
                h = np.uint32(mixed[s])
                for k in range(num_perm):
                    v = np.uint32((a32[k] * h + b32[k]) & mask32)
                    if v < row[k]:
                        row[k] = v
            out[d] = row

    from . import _numba_text

    return {"minhash": minhash, "cut_units": _numba_text.cut_units,
            "tokenise": _numba_text.tokenise}
