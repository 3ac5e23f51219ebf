"""The index's byte formats: article ids as LEB128 varints, word tokens in zlib blocks of
``TOKEN_BLOCK`` articles (copies side by side compress together), texts in blocks of
``TEXT_BLOCK``, and key postings packed as 32-bit arrays. Pure functions over arrays and
bytes; ``store.py`` decides where the bytes go."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any, cast

import numpy as np

from ..stages import _numba


def encode_ids(ids: np.ndarray) -> np.ndarray:
    """Non-negative integers below 2**28 as LEB128 bytes (7 bits a byte, the high bit set on
    every byte but a value's last), vectorised."""
    return _leb128(ids)[0]


def _leb128(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the LEB128 bytes, the width of each value)."""
    ids = ids.astype(np.uint32)
    kernel = _numba.kernel("leb128_encode")
    if kernel is not None:  # compiled: each id's bytes written where it stands
        return cast(tuple[np.ndarray, np.ndarray], kernel(ids))
    width = (ids >= 1 << 7).astype(np.int8)
    width += 1
    for limit in (1 << 14, 1 << 21):
        width += ids >= limit
    at = np.cumsum(width, dtype=np.int64)
    out = np.empty(int(at[-1]) if at.size else 0, dtype=np.uint8)
    at -= width
    out[at] = (ids & 127).astype(np.uint8) | ((width > 1).astype(np.uint8) << 7)
    for k in range(1, 4):  # the further bytes of the values that have them
        more = np.flatnonzero(width > k)
        if not more.size:
            break
        out[at[more] + k] = (((ids[more] >> (7 * k)) & 127).astype(np.uint8)
                             | ((width[more] > k + 1).astype(np.uint8) << 7))
    return out, width


def decode_ids(data: np.ndarray) -> np.ndarray:
    """``encode_ids`` undone: the integers of a LEB128 byte array."""
    if data.size == 0:
        return np.zeros(0, np.int64)
    kernel = _numba.kernel("leb128_decode")
    if kernel is not None:
        return cast(np.ndarray, kernel(data))
    ends = np.flatnonzero(data < 128)
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    width = ends - starts
    out = (data[starts] & 127).astype(np.int64)
    for k in range(1, 4):  # values of more than one byte only
        more = np.flatnonzero(width >= k)
        if not more.size:
            break
        out[more] |= (data[starts[more] + k] & 127).astype(np.int64) << (7 * k)
    return out


TOKEN_BLOCK = 16  # articles whose tokens are compressed together (copies side by side)


def pack_tokens(ids: np.ndarray, counts: np.ndarray, figures: np.ndarray | None,
                order: Sequence[int], block: int = TOKEN_BLOCK, workers: int = 1
                ) -> list[bytes]:
    """Articles' token ids (into the index's vocabulary; article i owns ``counts[i]`` of the
    concatenated ``ids``) in blocks of ``block`` articles taken in ``order``, each block one
    zlib stream: a header of counts, the ids as LEB128, then each article's digit flags as bits
    (``figures``: one bool per token, or None)."""
    counts = counts.astype(np.int64)
    tok_at = np.concatenate(([0], np.cumsum(counts)))
    raw, width = _leb128(ids)
    byte_at = np.concatenate(([0], np.cumsum(width, dtype=np.int64)))[tok_at]
    widths = np.diff(byte_at)
    buf = raw.tobytes()
    flags = [np.packbits(figures[tok_at[i]:tok_at[i + 1]]).tobytes()
             for i in range(counts.size)] if figures is not None else None
    seq = list(order)
    raw_blocks = []
    for start in range(0, len(seq), block):
        part = seq[start:start + block]
        header = np.array([len(part), int(flags is not None), *counts[part].tolist(),
                           *widths[part].tolist()], dtype="<u4").tobytes()
        body = b"".join(buf[byte_at[i]:byte_at[i + 1]] for i in part)
        bits = b"".join(flags[i] for i in part) if flags is not None else b""
        raw_blocks.append(header + body + bits)
    return _compressed(raw_blocks, 1, workers)


# Blocks from which ``_compressed`` shares the compression among threads.
THREADED_BLOCKS = 64


def _compressed(raw: list[bytes], level: int, workers: int) -> list[bytes]:
    """Each block zlib-compressed, in order; on ``workers`` threads for many blocks (zlib lets
    go of the GIL: a chunk's token blocks were a twelfth of adding it, on one core)."""
    if workers <= 1 or len(raw) < THREADED_BLOCKS:
        return [zlib.compress(r, level) for r in raw]
    from concurrent.futures import ThreadPoolExecutor

    step = -(-len(raw) // workers)
    with ThreadPoolExecutor(workers) as pool:
        parts = pool.map(lambda lo: [zlib.compress(r, level) for r in raw[lo:lo + step]],
                         range(0, len(raw), step))
        return [blob for part in parts for blob in part]


def unpack_tokens(blobs: Sequence[bytes], wanted: Sequence[Sequence[int]] | None = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, list[int]]:
    """``pack_tokens`` undone for several blocks at once, for the articles ``wanted`` of each
    block (their places in it; all by default): (their token ids, concatenated in that order;
    each one's first token, and one past its last, as offsets; their digit flags concatenated
    alike, or None when a block has none; how many articles each block gave)."""
    kernel = _numba.kernel("token_rows")
    if kernel is not None and blobs:
        return _unpack_compiled(blobs, wanted, kernel)
    bodies: list[bytes] = []
    flag_parts: list[np.ndarray] = []
    all_counts: list[np.ndarray] = []
    with_figures = True
    for n_block, blob in enumerate(blobs):
        data = zlib.decompress(blob)
        n, flagged = np.frombuffer(data, dtype="<u4", count=2).tolist()
        head = np.frombuffer(data, dtype="<u4", count=2 * n, offset=8).astype(np.int64)
        counts, widths = head[:n], head[n:]
        pick = np.arange(n) if wanted is None else np.asarray(wanted[n_block], dtype=np.int64)
        at = 8 + 8 * n
        byte_at = at + np.concatenate(([0], np.cumsum(widths)))
        end = int(byte_at[-1])
        bodies.extend(data[int(byte_at[i]):int(byte_at[i + 1])] for i in pick.tolist())
        all_counts.append(counts[pick])
        if flagged and with_figures:
            padded = (counts + 7) // 8 * 8
            bit_at = np.cumsum(padded) - padded
            bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8, offset=end))
            mine = counts[pick]
            keep = np.repeat(bit_at[pick] - (np.cumsum(mine) - mine), mine) \
                + np.arange(int(mine.sum()))
            flag_parts.append(bits[keep].astype(bool))
        else:
            with_figures = False
    counts = np.concatenate(all_counts) if all_counts else np.zeros(0, np.int64)
    offsets = np.zeros(counts.size + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    ids = decode_ids(np.frombuffer(b"".join(bodies), dtype=np.uint8))
    figures = (np.concatenate(flag_parts) if flag_parts else np.zeros(0, bool)) \
        if with_figures else None
    return ids, offsets, figures, [c.size for c in all_counts]


def _unpack_compiled(blobs: Sequence[bytes], wanted: Sequence[Sequence[int]] | None,
                     kernel: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, list[int]]:
    """``unpack_tokens`` with each block only decompressed here and the rest, headers, ids and
    flags of every wanted article, in one compiled pass (``_numba_index.token_rows``): a
    query's candidates are a block or two each, where the numpy path spent some ten array
    calls a block."""
    data = [zlib.decompress(blob) for blob in blobs]
    block_at = np.zeros(len(data) + 1, dtype=np.int64)
    np.cumsum([len(d) for d in data], out=block_at[1:])
    picks = ([range(int.from_bytes(d[:4], "little")) for d in data] if wanted is None
             else wanted)
    sizes = [len(p) for p in picks]
    want_block = np.repeat(np.arange(len(data), dtype=np.int64), sizes)
    want_at = (np.concatenate([np.asarray(p, dtype=np.int64) for p in picks]) if picks
               else np.zeros(0, np.int64))
    joined = np.frombuffer(b"".join(data), dtype=np.uint8)
    ids, offsets, flags, _ = kernel(joined, block_at, want_block, want_at)
    # (flags only when every block has them, as the numpy path gives them)
    flagged = all(int.from_bytes(d[4:8], "little") for d in data)
    return ids, offsets, flags if flagged else None, sizes


TEXT_BLOCK = 16  # texts compressed together (the caller puts likely copies side by side)


TEXT_LEVEL = 2  # zlib level of text blocks (level 3: 3% smaller, 50% slower)


def _text_block(texts: Sequence[str]) -> bytes:
    """Several texts as one block, after a header of their byte lengths (compressed as one
    zlib stream by ``pack_text_blocks``)."""
    raw = [t.encode("utf-8", "surrogatepass") for t in texts]
    header = np.array([len(raw), *map(len, raw)], dtype="<u4").tobytes()
    return header + b"".join(raw)


def pack_text_blocks(texts: Sequence[str], order: Sequence[int] | None = None,
                     workers: int = 1) -> list[bytes]:
    """Texts taken in ``order``, TEXT_BLOCK to a block, each block one zlib stream
    (``_compressed``: on ``workers`` threads, as the token blocks are)."""
    seq = list(order) if order is not None else list(range(len(texts)))
    return _compressed([_text_block([texts[i] for i in seq[a:a + TEXT_BLOCK]])
                        for a in range(0, len(seq), TEXT_BLOCK)], TEXT_LEVEL, workers)


def unpack_texts(blob: bytes) -> list[str]:
    data = zlib.decompress(blob)
    n = int(np.frombuffer(data[:4], dtype="<u4")[0])
    sizes = np.frombuffer(data[4:4 + 4 * n], dtype="<u4").tolist()
    out, at = [], 4 + 4 * n
    for size in sizes:
        out.append(data[at:at + size].decode("utf-8", "surrogatepass"))
        at += size
    return out


def pack_postings(keys: np.ndarray, rows: np.ndarray) -> tuple[bytes, bytes]:
    """Sorted 32-bit keys as 16-bit gaps (a larger gap escapes to a 32-bit side list), rows as
    3-byte offsets from the segment's first row: about 5 bytes a posting instead of 8.
    Worked in 32-bit arrays (a merged segment holds a hundred million postings)."""
    keys = keys.astype(np.uint32, copy=False)
    gaps = np.empty_like(keys)
    if keys.size:
        gaps[0] = keys[0]
        np.subtract(keys[1:], keys[:-1], out=gaps[1:])
    big = gaps >= 0xFFFF
    escapes = gaps[big].astype("<u4")
    gaps[big] = 0xFFFF
    key_blob = (np.array([keys.size, escapes.size], dtype="<u4").tobytes()
                + gaps.astype("<u2").tobytes() + escapes.tobytes())
    del gaps
    base = int(rows.min()) if rows.size else 0
    offsets = rows.astype("<u4") - np.uint32(base)
    width = 3 if not offsets.size or int(offsets.max()) < (1 << 24) else 4
    packed = offsets.view(np.uint8).reshape(-1, 4)[:, :width].tobytes()
    return key_blob, np.array([base, width], dtype="<u4").tobytes() + packed


def unpack_postings(key_blob: bytes, row_blob: bytes) -> tuple[np.ndarray, np.ndarray]:
    n, n_escapes = np.frombuffer(key_blob[:8], dtype="<u4").tolist()
    gaps = np.frombuffer(key_blob, dtype="<u2", count=n, offset=8).astype(np.uint32)
    if n_escapes:
        gaps[gaps == 0xFFFF] = np.frombuffer(key_blob, dtype="<u4", offset=8 + 2 * n)
    keys = np.cumsum(gaps, dtype=np.uint32)  # the last key is below 2**32: no overflow
    del gaps
    base, width = np.frombuffer(row_blob[:8], dtype="<u4").tolist()
    packed = np.frombuffer(row_blob, dtype=np.uint8, offset=8).reshape(-1, width)
    rows = np.zeros((packed.shape[0], 4), dtype=np.uint8)
    rows[:, :width] = packed
    out = rows.view("<u4").ravel()
    out += np.uint32(base)
    return keys, out.astype(np.uint32, copy=False)
