"""The index's compiled kernels, the ``fast`` extra: LEB128 varints and the token blocks made
of them (``index.codec``), the vocabulary's hash lookup (``index.store``) and the probe of the
key segments (``index.keys``). Imported only when numba is there (``_numba.kernels``);
module-level functions, so numba caches them.

numpy writes a varint a byte position at a time over the whole array (a pass per width, with
gathers and scatters): 50 ns an id, a tenth of adding an article to the index. A loop writes
each id's bytes where it stands; the other kernels replace, likewise, rounds of whole-array
numpy calls (or a call a block) by one pass.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def leb128_encode(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the LEB128 bytes of ``ids``, uint32 below 2**28; each id's width in bytes)."""
    n = ids.size
    width = np.empty(n, dtype=np.int8)
    total = 0
    for i in range(n):
        v = ids[i]
        w = 1 + (v >= 128) + (v >= 16384) + (v >= 2097152)
        width[i] = w
        total += w
    out = np.empty(total, dtype=np.uint8)
    at = 0
    for i in range(n):
        v = np.uint32(ids[i])
        w = width[i]
        for _ in range(w - 1):
            out[at] = np.uint8((v & np.uint32(127)) | np.uint32(128))
            v >>= np.uint32(7)
            at += 1
        out[at] = np.uint8(v & np.uint32(127))
        at += 1
    return out, width


@numba.njit(cache=True, nogil=True, inline="always")
def _decode_into(data: np.ndarray, at: int, out: np.ndarray, first: int, stop: int) -> int:
    """LEB128 ids read from ``data[at:]`` into ``out[first:stop]``; where the reading ended."""
    value = np.int64(0)
    shift = 0
    while first < stop:
        b = data[at]
        at += 1
        value |= np.int64(b & 127) << shift
        if b < 128:
            out[first] = value
            first += 1
            value = np.int64(0)
            shift = 0
        else:
            shift += 7
    return at


@numba.njit(cache=True, nogil=True)
def leb128_decode(data: np.ndarray) -> np.ndarray:
    """The integers of a LEB128 byte array (``leb128_encode`` undone)."""
    count = 0
    for b in data:
        count += b < 128
    out = np.empty(count, dtype=np.int64)
    _decode_into(data, 0, out, 0, count)
    return out


@numba.njit(cache=True, nogil=True, inline="always")
def _u32(data: np.ndarray, at: int) -> int:
    return (np.int64(data[at]) | (np.int64(data[at + 1]) << 8) | (np.int64(data[at + 2]) << 16)
            | (np.int64(data[at + 3]) << 24))


@numba.njit(cache=True, nogil=True)
def token_rows(data: np.ndarray, block_at: np.ndarray, want_block: np.ndarray,
               want_at: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Articles' token ids and digit flags out of the index's decompressed token blocks
    (``index.codec.pack_tokens``; block b is ``data[block_at[b]:block_at[b + 1]]``): for each
    wanted (block, place) in order, its ids (LEB128 decoded) and flags (bits, first token in
    the high bit); (the ids concatenated, each one's start and one past the last, the flags
    alike, whether every wanted block has flags)."""
    wanted = want_block.size
    offsets = np.zeros(wanted + 1, dtype=np.int64)
    flagged = True
    for w in range(wanted):
        base = block_at[want_block[w]]
        n = _u32(data, base)
        flagged = flagged and _u32(data, base + 4) != 0
        offsets[w + 1] = offsets[w] + _u32(data, base + 8 + 4 * want_at[w])
    ids = np.empty(offsets[wanted], dtype=np.int64)
    flags = np.zeros(offsets[wanted] if flagged else 0, dtype=np.bool_)
    for w in range(wanted):
        base = block_at[want_block[w]]
        n = _u32(data, base)
        at = want_at[w]
        body = base + 8 + 8 * n
        bits = body
        for i in range(n):
            width = _u32(data, base + 8 + 4 * n + 4 * i)
            if i < at:
                body += width
            bits += width
        _decode_into(data, body, ids, offsets[w], offsets[w + 1])
        if flagged:
            for i in range(at):
                bits += (_u32(data, base + 8 + 4 * i) + 7) // 8
            start = offsets[w]
            for t in range(offsets[w + 1] - start):
                flags[start + t] = (data[bits + t // 8] >> (7 - t % 8)) & 1
    return ids, offsets, flags, flagged


@numba.njit(cache=True, nogil=True)
def table_find(table_keys: np.ndarray, table_values: np.ndarray, keys: np.ndarray
               ) -> np.ndarray:
    """The value of each key in the index's vocabulary table (``index.store._HashIndex``:
    linear probing from slot ``(key ^ key >> 15) & mask``, an empty slot's value -1), -1 for
    keys not present."""
    mask = np.uint32(table_keys.size - 1)
    out = np.empty(keys.size, dtype=np.int64)
    for i in range(keys.size):
        k = np.uint32(keys[i])
        s = np.int64((k ^ (k >> np.uint32(15))) & mask)
        while True:
            v = table_values[s]
            if v < 0:
                out[i] = -1
                break
            if table_keys[s] == k:
                out[i] = v
                break
            s = (s + 1) & np.int64(mask)
    return out


@numba.njit(cache=True, nogil=True, inline="always")
def _first_not_below(keys: np.ndarray, value: np.uint32, start: int) -> int:
    """The first index from ``start`` whose key is not below ``value`` (keys sorted): a
    galloping search, steps doubling from ``start``, then a bisection of the last step."""
    n = keys.size
    if start >= n or keys[start] >= value:
        return start
    step = 1
    low = start  # keys[low] < value
    while low + step < n and keys[low + step] < value:
        low += step
        step *= 2
    high = min(low + step, n)  # keys[high] >= value, or the end
    while high - low > 1:
        mid = (low + high) // 2
        if keys[mid] < value:
            low = mid
        else:
            high = mid
    return high


@numba.njit(cache=True, nogil=True)
def key_ranges(keys: np.ndarray, needles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For sorted ``needles`` in sorted ``keys`` (both uint32): where each needle's run of
    equal keys starts and how long it is (``searchsorted`` left, and right minus left), by
    one galloping walk through the keys, each search starting where the last one ended (a
    chunk's keys are a fraction of a segment's: a few steps each, not a bisection of all)."""
    lo = np.empty(needles.size, dtype=np.int64)
    width = np.empty(needles.size, dtype=np.int64)
    at = 0
    for i in range(needles.size):
        v = np.uint32(needles[i])
        at = _first_not_below(keys, v, at)
        end = at
        while end < keys.size and keys[end] == v:
            end += 1
        lo[i] = at
        width[i] = end - at
    return lo, width
