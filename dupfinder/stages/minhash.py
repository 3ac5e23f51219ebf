"""MinHash signatures for a whole batch of articles at once.

The scheme is datasketch's ``affine32``: each 32-bit input hash is pre-mixed with the MurmurHash3
finaliser, then permuted as ``a * h + b mod 2**32`` with odd ``a``, and the signature keeps the
minimum per permutation. Permutations come from the same ``RandomState(seed)`` draws, so our
signatures equal ``datasketch.MinHash(num_perm, seed, hashfunc=identity).hashvalues`` for the
same hash values, and can be exported as ``LeanMinHash`` (``to_lean``). The difference is only
speed: all shingles of a batch go through one vectorised pass and ``np.minimum.reduceat``, or,
with the ``fast`` extra (numba), one compiled loop per article (``_numba``; the same values).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

_FMIX = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))
EMPTY = np.uint32(0xFFFFFFFF)

# Shingles per step. One permutation is applied to a 1-D run of this many hashes at a time:
# the run stays in cache and numpy's SIMD loops do the rest, which is ~50x faster than one
# (shingles x permutations) matrix.
_CHUNK_ROWS = 1 << 19
# Below this many shingles, loading the compiled kernel costs more than it saves.
COMPILED_FROM = 100_000


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The (a, b) parameters datasketch draws for scheme ``affine32``."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


def fmix32(h: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = _FMIX
    h = h ^ (h >> s1)
    h = h * m1
    h = h ^ (h >> s2)
    h = h * m2
    return h ^ (h >> s3)


def signatures(hashes: np.ndarray, offsets: np.ndarray, num_perm: int, seed: int = 1) -> np.ndarray:
    """Signature matrix (articles x num_perm, uint32); an article without shingles gets EMPTY."""
    a, b = permutations(num_perm, seed)
    docs = offsets.size - 1
    out = np.full((docs, num_perm), EMPTY, dtype=np.uint32)
    if docs == 0 or hashes.size == 0:
        return out
    compiled = _compiled() if hashes.size >= COMPILED_FROM else None
    if compiled is not None:
        compiled(hashes.astype(np.uint32, copy=False), offsets.astype(np.int64, copy=False),
                 a, b, out)
        return out
    mixed = fmix32(hashes.astype(np.uint32, copy=False))
    sizes = np.diff(offsets)
    work = np.empty(min(int(hashes.size), _CHUNK_ROWS) + 1, dtype=np.uint32)
    start_doc = 0
    while start_doc < docs:
        # Whole articles until the chunk is full (at least one article per chunk).
        limit = offsets[start_doc] + _CHUNK_ROWS
        end_doc = int(np.searchsorted(offsets, limit, side="right")) - 1
        end_doc = min(max(end_doc, start_doc + 1), docs)
        lo, hi = int(offsets[start_doc]), int(offsets[end_doc])
        if hi > lo:
            run = mixed[lo:hi]
            idx = np.nonzero(sizes[start_doc:end_doc] > 0)[0]
            local = offsets[start_doc:end_doc][idx] - lo
            buf = work[: hi - lo] if hi - lo <= work.size else np.empty(hi - lo, np.uint32)
            block = np.empty((num_perm, idx.size), dtype=np.uint32)
            for k in range(num_perm):
                np.multiply(run, a[k], out=buf)
                buf += b[k]
                block[k] = np.minimum.reduceat(buf, local)
            out[start_doc + idx] = block.T
        start_doc = end_doc
    return out


def _compiled() -> Any:
    from . import _numba

    return _numba.kernel("minhash")


def to_lean(signature: np.ndarray, seed: int = 1) -> Any:
    """Export one signature as a ``datasketch.LeanMinHash`` (for users' own datasketch code)."""
    from datasketch import LeanMinHash

    return LeanMinHash(seed=seed, hashvalues=signature, scheme="affine32")
