"""The shingler's window hashes and content-defined sample in one pass each (``shingles``), the
``fast`` extra: imported only when numba is there (``_numba.kernels``); module-level, so numba
caches them.

numpy computes a window's hash over the whole batch in a dozen passes of 64-bit arrays (mix,
then n multiply-adds, then the fold), and the sample in five more; a compiled loop keeps an
article's tokens in cache and writes each value once. The same arithmetic, so the same values.
"""

from __future__ import annotations

import numba
import numpy as np

from ._numba_codes import slot
from ._numba_text import mix

u64 = np.uint64
MUL = u64(0x9E3779B97F4A7C15)  # tokens._MUL
STEP = u64(0xC2B2AE3D27D4EB4F)  # tokens._STEP
LOW32 = u64(0xFFFFFFFF)


@numba.njit(cache=True, nogil=True)
def windows(tokens: np.ndarray, starts: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Each article's window hashes (``shingles._combine`` over its n-token windows; an article
    shorter than n words: one hash of all its words), grouped by article, with offsets."""
    docs = starts.size - 1
    total = 0
    for d in range(docs):
        length = starts[d + 1] - starts[d]
        if length > 0:
            total += length - min(n, length) + 1
    out = np.empty(total, dtype=np.uint32)
    offsets = np.zeros(docs + 1, dtype=np.int64)
    mixed = np.empty(tokens.size, dtype=np.uint64)
    for k in range(tokens.size):
        mixed[k] = mix(u64(tokens[k]))  # arrays.mix64
    w = 0
    for d in range(docs):
        lo, hi = starts[d], starts[d + 1]
        length = hi - lo
        if length > 0:
            m = min(n, length)
            for s in range(lo, hi - m + 1):
                h = mixed[s]
                for k in range(1, m):
                    h = h * STEP + mixed[s + k]
                h ^= h >> u64(31)
                h *= MUL
                out[w] = np.uint32(h >> u64(32))
                w += 1
        offsets[d + 1] = w
    return out, offsets


@numba.njit(cache=True, nogil=True)
def sample(hashes: np.ndarray, offsets: np.ndarray, rate: int) -> tuple[np.ndarray, np.ndarray]:
    """``shingles.sample_mask``'s shingles (fmix32 of the hash, salted, divisible by ``rate``)
    and their articles."""
    keep = np.empty(hashes.size, dtype=np.bool_)
    # A rate that is a power of two (the default, 4) tests the low bits: no 64-bit division
    # a shingle, and the loop vectorises (the same test: h % 2**k == h & (2**k - 1)).
    low = u64(rate - 1) if rate & (rate - 1) == 0 else u64(0)
    for k in range(hashes.size):
        h = u64(hashes[k]) ^ u64(0x5BD1E995)
        h ^= h >> u64(16)
        h = (h * u64(0x85EBCA6B)) & LOW32
        h ^= h >> u64(13)
        h = (h * u64(0xC2B2AE35)) & LOW32
        h ^= h >> u64(16)
        keep[k] = (h & low) == 0 if low else h % u64(rate) == 0
    kept = 0
    for k in range(hashes.size):
        kept += keep[k]
    # Written whether kept or not, the next write over it if not: no branch a shingle that
    # fails a quarter of the time (one slot past the end takes the last write).
    values = np.empty(kept + 1, dtype=np.uint32)
    docs = np.empty(kept + 1, dtype=np.int32)
    w = 0
    for d in range(offsets.size - 1):
        for k in range(offsets[d], offsets[d + 1]):
            values[w] = hashes[k]
            docs[w] = d
            w += keep[k]
    return values[:kept].copy(), docs[:kept].copy()


@numba.njit(cache=True, nogil=True)
def _first_in_run(keys: np.ndarray, lo: int, hi: int, first: np.ndarray) -> None:
    """first[p] for p in lo:hi: is keys[p] the first of its value in that range (by index)?"""
    if hi - lo <= 32:
        for p in range(lo, hi):
            first[p] = True
            for q in range(lo, p):
                if keys[q] == keys[p]:
                    first[p] = False
                    break
        return
    order = np.argsort(keys[lo:hi], kind="mergesort")  # stable: the first index leads
    for r in range(order.size):
        p = lo + order[r]
        first[p] = r == 0 or keys[lo + order[r - 1]] != keys[p]


@numba.njit(cache=True, nogil=True)
def repeated_units(keys: np.ndarray, words: np.ndarray, offsets: np.ndarray, max_units: int,
                   max_words: float, most_of_text: float) -> np.ndarray:
    """``boilerplate.repeated_mask`` article by article (``offsets``: each article's units):
    units printed twice in their article, in short runs of few words, never most of it."""
    n = keys.size
    out = np.zeros(n, dtype=np.bool_)
    first = np.zeros(n, dtype=np.bool_)
    repeated = np.zeros(n, dtype=np.bool_)
    for d in range(offsets.size - 1):
        lo, hi = offsets[d], offsets[d + 1]
        if hi - lo < 2:
            continue
        # A unit is repeated when it is not alone in its article: count each key's copies.
        any_repeat = False
        order = np.argsort(keys[lo:hi], kind="mergesort")
        r = 0
        while r < order.size:
            s = r
            while r + 1 < order.size and keys[lo + order[r + 1]] == keys[lo + order[s]]:
                r += 1
            if r > s:
                any_repeat = True
                for t in range(s, r + 1):
                    repeated[lo + order[t]] = True
            r += 1
        if not any_repeat:
            continue
        total = 0
        for p in range(lo, hi):
            total += words[p]
        dropped = 0
        p = lo
        while p < hi:  # runs of consecutive repeated units
            if not repeated[p]:
                p += 1
                continue
            q = p
            while q < hi and repeated[q]:
                q += 1
            _first_in_run(keys, p, q, first)
            units = 0
            unit_words = 0
            for t in range(p, q):
                if first[t]:
                    units += 1
                    unit_words += words[t]
            if units <= max_units and unit_words <= max_words:
                for t in range(p, q):
                    out[t] = True
                    dropped += words[t]
            p = q
        if dropped > 0 and not dropped < most_of_text * max(total, 1):
            for t in range(lo, hi):
                out[t] = False
    return out


@numba.njit(cache=True, nogil=True)
def shared_counts(hashes: np.ndarray, offsets: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each of ``rows`` (sorted unique hash rows): how many of its hashes another of the
    rows carries too (``cluster.derivation``), by a hash table counting each value's rows."""
    total = 0
    for r in rows:
        total += offsets[r + 1] - offsets[r]
    bits = 4
    while (1 << bits) < 2 * total and bits < 32:
        bits += 1
    mask = (1 << bits) - 1
    keys = np.zeros(1 << bits, dtype=np.uint32)
    counts = np.zeros(1 << bits, dtype=np.int32)
    for r in rows:
        for k in range(offsets[r], offsets[r + 1]):
            v = hashes[k]
            s = slot(v, bits)
            while counts[s] > 0 and keys[s] != v:
                s = (s + 1) & mask
            keys[s] = v
            counts[s] += 1
    out = np.zeros(rows.size, dtype=np.int64)
    for i in range(rows.size):
        r = rows[i]
        n = 0
        for k in range(offsets[r], offsets[r + 1]):
            v = hashes[k]
            s = slot(v, bits)
            while keys[s] != v or counts[s] == 0:
                s = (s + 1) & mask
            n += counts[s] >= 2
        out[i] = n
    return out


@numba.njit(cache=True, nogil=True)
def gather_parts(hashes: np.ndarray, docs: np.ndarray, group: np.ndarray, shift: int,
                 first: int, last: int) -> tuple[np.ndarray, ...]:
    """The sample entries whose part of the hash space (``hash >> shift``) is one of
    ``first:last``, in part order and, within a part, in entry order (a stable counting
    sort): their hashes, their articles' groups, their positions, and where each part
    starts. ``containment.across_groups`` made the same by a sort of every entry's part and
    three gathers of the entries."""
    parts = last - first
    bounds = np.zeros(parts + 1, dtype=np.int64)
    for i in range(hashes.size):
        p = np.int64(hashes[i] >> shift) - first
        if 0 <= p < parts:
            bounds[p + 1] += 1
    for p in range(parts):
        bounds[p + 1] += bounds[p]
    total = bounds[parts]
    out_hashes = np.empty(total, dtype=hashes.dtype)
    out_groups = np.empty(total, dtype=group.dtype)
    out_at = np.empty(total, dtype=np.int64)
    fill = bounds[:-1].copy()
    for i in range(hashes.size):
        p = np.int64(hashes[i] >> shift) - first
        if 0 <= p < parts:
            k = fill[p]
            out_hashes[k] = hashes[i]
            out_groups[k] = group[docs[i]]
            out_at[k] = i
            fill[p] = k + 1
    return out_hashes, out_groups, out_at, bounds


@numba.njit(cache=True, nogil=True)
def band_key(block: np.ndarray, mix: np.uint64) -> np.ndarray:
    """``lsh.band_keys`` of one band's signature columns (``block``, articles x rows): the
    rows folded into one 64-bit key an article, in one pass (numpy made a 64-bit copy of
    the block and three temporaries a row)."""
    docs, rows = block.shape
    out = np.empty(docs, dtype=np.uint64)
    for d in range(docs):
        key = u64(0)
        for r in range(rows):
            key = key * mix + u64(block[d, r]) + u64(r + 1)
        out[d] = key
    return out


@numba.njit(cache=True, nogil=True)
def merge_unique(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The sorted unique values of two sorted unique arrays, by one merge (a value in both
    is written once: both sides step past it)."""
    out = np.empty(a.size + b.size, dtype=a.dtype)
    i = j = w = 0
    while i < a.size and j < b.size:  # branch-free: the runs interleave at random
        x, y = a[i], b[j]
        out[w] = min(x, y)
        i += x <= y
        j += y <= x
        w += 1
    while i < a.size:
        out[w] = a[i]
        i += 1
        w += 1
    while j < b.size:
        out[w] = b[j]
        j += 1
        w += 1
    return out[:w].copy()
