"""LEB128 varints (the index's token blocks, ``index.codec``) by compiled loops, the ``fast``
extra: imported only when numba is there (``_numba.kernels``); module-level functions, so
numba caches them.

numpy writes a varint a byte position at a time over the whole array (a pass per width, with
gathers and scatters): 50 ns an id, a tenth of adding an article to the index. A loop writes
each id's bytes where it stands.
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


@numba.njit(cache=True, nogil=True)
def leb128_decode(data: np.ndarray) -> np.ndarray:
    """The integers of a LEB128 byte array (``leb128_encode`` undone)."""
    count = 0
    for b in data:
        count += b < 128
    out = np.empty(count, dtype=np.int64)
    value = np.int64(0)
    shift = 0
    at = 0
    for b in data:
        value |= np.int64(b & 127) << shift
        if b < 128:
            out[at] = value
            at += 1
            value = np.int64(0)
            shift = 0
        else:
            shift += 7
    return out
