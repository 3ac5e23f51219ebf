"""The edit stage's word code (``edits.WordCode``) by a hash table, the ``fast`` extra: imported
only when numba is there (``_numba.kernels``); module-level functions, so numba caches them.

numpy numbers the canonical's words by a sort and finds a member's word among them by binary
search, a mispredicted branch a step; one hash probe a word is a fraction of either.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np


@numba.njit(cache=True, nogil=True, inline="always")
def slot(value: Any, bits: int) -> int:
    """Multiplicative hashing: the top ``bits`` (at most 32) of the value's 32-bit product
    with a large odd number (the slot of a value in a table of ``2 ** bits``)."""
    h = (np.uint64(value) * np.uint64(0x9E3779B1)) & np.uint64(0xFFFFFFFF)
    return np.int64(h >> np.uint64(32 - bits))


@numba.njit(cache=True, nogil=True)
def code_runs(tokens: np.ndarray, offsets: np.ndarray,
              firsts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The edit stage's word code (``edits.WordCode``) of many clusters in one call: rows
    ``firsts[c]:firsts[c + 1]`` of ``tokens`` (row r is ``offsets[r]:offsets[r + 1]``) are
    cluster c, its canonical first; each canonical's words numbered in order of first
    appearance, its members' words looked up in that numbering (a word it lacks: the count
    of its distinct words, which is returned per cluster)."""
    out = np.empty(tokens.size, dtype=np.int64)
    distinct_of = np.zeros(firsts.size - 1, dtype=np.int64)
    for c in range(firsts.size - 1):
        first, stop = firsts[c], firsts[c + 1]
        a_lo, a_hi = offsets[first], offsets[first + 1]
        bits = 4
        while (1 << bits) < 4 * (a_hi - a_lo):
            bits += 1
        size = 1 << bits
        mask = size - 1
        keys = np.zeros(size, dtype=np.uint32)
        codes = np.full(size, -1, dtype=np.int64)
        distinct = 0
        for k in range(a_lo, a_hi):
            v = tokens[k]
            s = slot(v, bits)
            while codes[s] >= 0 and keys[s] != v:
                s = (s + 1) & mask
            if codes[s] < 0:
                keys[s] = v
                codes[s] = distinct
                distinct += 1
            out[k] = codes[s]
        for k in range(a_hi, offsets[stop]):
            v = tokens[k]
            s = slot(v, bits)
            found = distinct
            while codes[s] >= 0:
                if keys[s] == v:
                    found = codes[s]
                    break
                s = (s + 1) & mask
            out[k] = found
        distinct_of[c] = distinct
    return out, distinct_of


@numba.njit(cache=True, nogil=True)
def member_of(values: np.ndarray, test: np.ndarray) -> np.ndarray:
    """Which ``values`` are in ``test`` (64-bit integers): ``test`` put in an
    open-addressing table (a quarter full at most), one probe or two a value."""
    bits = 4
    while (1 << bits) < 4 * test.size:
        bits += 1
    size = 1 << bits
    mask = size - 1
    shift = np.uint64(64 - bits)
    keys = np.zeros(size, dtype=test.dtype)
    used = np.zeros(size, dtype=np.bool_)
    for k in range(test.size):
        v = test[k]
        s = np.int64((np.uint64(v) * np.uint64(0x9E3779B97F4A7C15)) >> shift)
        while used[s] and keys[s] != v:
            s = (s + 1) & mask
        keys[s] = v
        used[s] = True
    out = np.empty(values.size, dtype=np.bool_)
    for k in range(values.size):
        v = values[k]
        s = np.int64((np.uint64(v) * np.uint64(0x9E3779B97F4A7C15)) >> shift)
        found = False
        while used[s]:
            if keys[s] == v:
                found = True
                break
            s = (s + 1) & mask
        out[k] = found
    return out
