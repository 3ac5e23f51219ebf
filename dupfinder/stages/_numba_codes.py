"""The edit stage's word code (``edits.WordCode``) by a hash table, the ``fast`` extra: imported
only when numba is there (``_numba.kernels``); module-level functions, so numba caches them.

numpy finds a member's word among the canonical's sorted distinct words by binary search, a
mispredicted branch a step; a hash probe a word is a fifth of that. The codes are the same.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np


@numba.njit(cache=True, nogil=True, inline="always")
def _slot(value: Any, bits: int) -> int:
    """Multiplicative hashing: the top ``bits`` of the value's 32-bit product with a large odd
    number."""
    h = (np.uint64(value) * np.uint64(0x9E3779B1)) & np.uint64(0xFFFFFFFF)
    return np.int64(h >> np.uint64(32 - bits))


@numba.njit(cache=True, nogil=True)
def code_table(tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A canonical's words as their ranks among its distinct words (``np.unique``'s inverse),
    and an open-addressing table of those words (keys, and each slot's rank or -1) for the
    members' lookups."""
    vocab = np.unique(tokens)
    bits = 4
    while (1 << bits) < 4 * vocab.size:
        bits += 1
    size = 1 << bits
    keys = np.zeros(size, dtype=np.uint32)
    codes = np.full(size, -1, dtype=np.int64)
    mask = size - 1
    for r in range(vocab.size):
        s = _slot(vocab[r], bits)
        while codes[s] >= 0:
            s = (s + 1) & mask
        keys[s] = vocab[r]
        codes[s] = r
    return code_lookup(keys, codes, tokens, vocab.size), keys, codes


@numba.njit(cache=True, nogil=True)
def code_lookup(keys: np.ndarray, codes: np.ndarray, values: np.ndarray,
                absent: int) -> np.ndarray:
    """Each value's rank in the table (``code_table``), or ``absent`` for a word it lacks."""
    size = keys.size
    bits = 0
    while (1 << bits) < size:
        bits += 1
    mask = size - 1
    out = np.empty(values.size, dtype=np.int64)
    for k in range(values.size):
        v = values[k]
        s = _slot(v, bits)
        found = absent
        while codes[s] >= 0:
            if keys[s] == v:
                found = codes[s]
                break
            s = (s + 1) & mask
        out[k] = found
    return out
