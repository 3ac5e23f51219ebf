"""The index's lookup keys: one per LSH band and one per sampled shingle of each article (the
two candidate generators ``scan`` uses), stored as sorted segments (``store``) and probed for a
chunk's or a query's candidates by one pair rule: a shared band key, or enough shared sampled
shingles (the containment rule of ``stages.containment``). The rule looks at a pair alone, so
what an article finds does not depend on its batch, the chunking or the add order.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..params import Params
from ..stages import _numba
from ..stages.arrays import mix64, runs, unique, unique_counts
from ..stages.containment import sample_need
from ..stages.lsh import band_keys
from ..stages.shingles import ShingleSets
from .store import SQLiteStore

BAND_SALT = np.uint64(0x51AF_D7ED_558C_CD00)
BANDS, SAMPLES = 0, 1  # the two kinds of key segment
_M32 = np.uint64(0xFFFFFFFF)

# (band keys, their owners, sample keys, their owners): a batch's keys, 32 bits each.
Keys = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


class LookupKeys:
    """The keys of a batch, and its candidates among the rows an index holds."""

    def __init__(self, store: SQLiteStore, params: Params, bands: int, rows: int) -> None:
        self.store = store
        self.params = params
        self.bands, self.rows = bands, rows
        self._counts_rows = 0
        self._samples = np.zeros(1, np.int32)
        self._sizes = np.zeros(1, np.int32)

    def of(self, sigs: np.ndarray, sets: ShingleSets) -> Keys:
        """(band keys, their owners, sample keys, their owners), 32-bit keys."""
        n = sigs.shape[0]
        parts = []
        for b in range(self.bands):
            salt = np.uint64((int(BAND_SALT) * (b + 1)) & 0xFFFFFFFFFFFFFFFF)
            h = mix64(band_keys(sigs, b, self.rows) ^ salt)
            parts.append(((h ^ (h >> np.uint64(32))) & _M32).astype(np.uint32))
        bands = (np.stack(parts, axis=1) if parts else np.zeros((n, 0), np.uint32)).ravel()
        owners = np.repeat(np.arange(n, dtype=np.int64), self.bands)
        valid = sets.sizes() > 0
        keep = valid[owners]
        sample_owner = sets.sample_docs.astype(np.int64)
        skeep = valid[sample_owner] if sample_owner.size else np.zeros(0, bool)
        return (bands[keep], owners[keep], sets.sample_hashes[skeep].astype(np.uint32),
                sample_owner[skeep])

    def row_counts(self) -> tuple[np.ndarray, np.ndarray]:
        """Samples and shingles of every indexed row, by row number (cached, grown on add)."""
        last = self._counts_rows
        new = self.store.db.execute(
            "SELECT rowid, samples, size FROM articles WHERE rowid > ?", (last,)).fetchall()
        if new:
            top = max(r[0] for r in new)
            if top >= self._samples.size:
                grow = max(top + 1, 2 * self._samples.size)
                self._samples = np.resize(self._samples, grow)
                self._sizes = np.resize(self._sizes, grow)
            arr = np.array(new, dtype=np.int64)
            self._samples[arr[:, 0]] = arr[:, 1]
            self._sizes[arr[:, 0]] = arr[:, 2]
            self._counts_rows = top
        return self._samples, self._sizes

    def probe(self, kind: int, keys: np.ndarray, owners: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
        """Every (owner, indexed row) pair sharing a key of this kind."""
        packed = keys.astype(np.uint64) << np.uint64(32)
        packed |= owners.astype(np.uint64)
        packed.sort()  # by key, then owner: one sort of one array, no argsort and gathers
        k = (packed >> np.uint64(32)).astype(np.uint32)
        o = (packed & _M32).astype(np.int64)
        del packed
        # Each distinct key is searched once (copies in a chunk share most of their keys);
        # its owners are paired with every row found for it.
        starts, counts = runs(k)
        uk = k[starts]
        found_o, found_r = [], []
        ranges = _numba.kernel("key_ranges")
        for seg in self.store.segments():
            if seg.kind != kind or seg.keys.size == 0:
                continue
            if ranges is not None:
                # Compiled: one galloping walk of the segment for all the sorted keys.
                lo, width = ranges(seg.keys, uk)
                hit = np.flatnonzero(width)
                lo, width = lo[hit], width[hit]
            else:
                lo = search(seg, uk, "left")
                hit = np.flatnonzero(seg.keys[np.minimum(lo, seg.keys.size - 1)] == uk)
                lo = lo[hit]
                width = search(seg, uk[hit], "right") - lo
            if not hit.size:
                continue
            many = counts[hit]
            pairs = width * many  # owners x rows of each key found
            total = int(pairs.sum())
            within = np.arange(total) - np.repeat(np.cumsum(pairs) - pairs, pairs)
            w = np.repeat(width, pairs)
            found_o.append(o[np.repeat(starts[hit], pairs) + within // w])
            found_r.append(seg.rows[np.repeat(lo, pairs) + within % w].astype(np.int64))
        if not found_o:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(found_o), np.concatenate(found_r)

    def candidates(self, sigs: np.ndarray, sets: ShingleSets, keys: Keys | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
        """(owner, row) pairs that are candidates by the pair rule: a shared LSH band key, or
        at least ``max(1, floor(share * containment * smaller's samples))`` shared sampled
        shingles with both at least ``min_shingles`` shingles (``stages.containment``).
        ``keys``: ``of(sigs, sets)`` when the caller has them."""
        bk, bo, sk, so = keys if keys is not None else self.of(sigs, sets)
        n = sigs.shape[0]
        bo_, br = self.probe(BANDS, bk, bo)
        codes = [bo_ * (1 << 32) + br]  # made unique with the sample pairs, below
        so_, sr = self.probe(SAMPLES, sk, so)
        if so_.size:
            # (by numpy's SIMD sort: ``np.unique`` hashes, several times slower here)
            code, shared = unique_counts(so_ * (1 << 32) + sr)
            owner, row = code >> 32, code & 0xFFFFFFFF
            row_samples, row_sizes = self.row_counts()
            mine = np.bincount(so, minlength=n)
            sizes = sets.sizes()
            need = sample_need(np.minimum(mine[owner], row_samples[row]),
                               self.params.containment,
                               self.params.tuning.candidates.sample_share)
            ok = ((shared >= need)
                  & (np.minimum(sizes[owner], row_sizes[row]) >= self.params.min_shingles))
            codes.append(code[ok])
        code = unique(np.concatenate(codes))
        return code >> 32, code & 0xFFFFFFFF


DIRECTORY_MIN = 1 << 26  # keys in a segment searched through a directory (smaller: plain)


def search(seg: Any, needles: np.ndarray, side: str) -> np.ndarray:
    """``np.searchsorted(seg.keys, needles, side)``. A segment of millions of keys is searched
    through a directory of where each value of the keys' top bits starts (about eight keys
    to a bucket), then by bisection inside the needle's bucket: one directory read and a
    cache line or two per needle instead of a binary search's twenty-odd steps through
    memory (1M needles in 160M keys: 0.20 s, 0.38 s by one searchsorted; below some 60M keys
    the plain search is faster)."""
    keys = seg.keys
    if keys.size < max(DIRECTORY_MIN, 16) or needles.size == 0:
        return np.searchsorted(keys, needles, side=side)  # type: ignore[call-overload]
    directory = getattr(seg, "directory", None)
    bits = max(1, min(31, int(np.ceil(np.log2(keys.size / 8)))))
    shift = np.uint32(32 - bits)
    if directory is None:
        directory = np.zeros((1 << bits) + 1, dtype=np.uint32)
        np.cumsum(np.bincount(keys >> shift, minlength=1 << bits), out=directory[1:])
        seg.directory = directory
    bucket = (needles >> shift).astype(np.intp)
    lo = directory[bucket].astype(np.int64)
    hi = directory[bucket + 1].astype(np.int64)
    right = side == "right"
    todo = np.flatnonzero(lo < hi)  # keys[:lo] come before each needle, keys[hi:] after
    while todo.size:
        a, b = lo[todo], hi[todo]
        mid = (a + b) >> 1
        before = (keys[mid] <= needles[todo]) if right else (keys[mid] < needles[todo])
        lo[todo[before]] = mid[before] + 1
        hi[todo[~before]] = mid[~before]
        todo = todo[lo[todo] < hi[todo]]
    return lo
