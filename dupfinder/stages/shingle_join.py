"""Joining a scan's shingled batches as they come (``ShingleJoin``), into arrays allocated
up front, or spilled, or kept as the batches made them."""

from __future__ import annotations

from typing import Any

import numpy as np

from .segments import Segments
from .shingles import ShingleSets


class ShingleJoin:
    """``ShingleSets.concat`` a part at a time, as the parts are made (in order).

    Each per-shingle and per-token array is written into one array allocated up front at a
    bound (``capacity``: the tokens read, which no article's shingles or kept tokens exceed;
    the sample and the figures at a share of it; an array that would pass its start grows),
    so the join overlaps the shingling of later parts and each part is let go once copied;
    the pages past the end are never touched, so they cost no memory. The same arrays as
    ``concat`` (tested).
    """

    _PER_VALUE = ("hashes", "sample_hashes", "figures", "tokens", "token_figures")
    # Share of the bound each array starts at: the sample is about a quarter of the shingles
    # and figures fewer still, so their arrays start smaller (and grow if they must), which
    # keeps the memory asked for, touched or not, near what is used.
    _START = {"sample_hashes": 2, "figures": 8}

    def __init__(self, capacity: int, spill: Any = None, samples: Any = None) -> None:
        self.capacity = max(int(capacity), 1)
        # An ``engines.spill.Spill`` for the hashes (a large scan): written there, not held;
        # and for the sample, a pair (hashes, articles) for each part of the hash space (a
        # power of two of them, cut by the top bits).
        self.spill = spill
        self.sample_spills = samples
        self.parts = 0
        self.buffers: dict[str, np.ndarray | None] = {}
        self.filled: dict[str, int] = {}
        self.small: list[tuple[np.ndarray, ...]] = []  # per-article arrays, joined at the end
        self.segments: dict[str, list[np.ndarray] | None] = {"tokens": [], "token_figures": []}
        self.sample_docs: list[np.ndarray] = []
        self.docs = 0

    def add(self, part: ShingleSets) -> None:
        if self.spill is not None:
            self.spill.put(self.parts, part.hashes)
            part.hashes = np.zeros(0, np.uint32)
        if self.sample_spills is not None:
            # Each part of the hash space to its own pair of files, in article order.
            hashes, docs = part.sample_hashes, part.sample_docs + np.int32(self.docs)
            bits = len(self.sample_spills).bit_length() - 1
            of = (hashes >> np.uint32(32 - bits)) if bits else np.zeros(hashes.size, np.uint32)
            for k, (hash_spill, doc_spill) in enumerate(self.sample_spills):
                chosen = of == k
                hash_spill.put(self.parts, hashes[chosen])
                doc_spill.put(self.parts, docs[chosen])
            part.sample_hashes = np.zeros(0, np.uint32)
        self.parts += 1
        for name in self._PER_VALUE:
            if (name == "hashes" and self.spill is not None) or (
                    name == "sample_hashes" and self.sample_spills is not None):
                continue
            if name in self.segments:
                # Kept as the parts they come in (``Segments``), not copied into one array:
                # read an article at a time, they never need to be one, and the copy into
                # fresh memory (its page faults) was most of the join.
                kept, values = self.segments[name], getattr(part, name)
                if kept is not None:
                    if values is None:  # an earlier part had none: neither has the whole
                        self.segments[name] = None
                    else:
                        kept.append(values)
            else:
                self._append(name, getattr(part, name))
            setattr(part, name, None if name in ("tokens", "token_figures")
                    else np.zeros(0, np.uint32))
        fig_sizes = (np.diff(part.figure_offsets) if part.figure_offsets is not None
                     else np.zeros(len(part), np.int64))
        self.small.append((part.sizes(), part.words, part.stripped, fig_sizes))
        if self.sample_spills is None:
            self.sample_docs.append(part.sample_docs + np.int32(self.docs))
        part.sample_docs = np.zeros(0, np.int32)
        self.docs += len(part)

    def _append(self, name: str, values: np.ndarray | None) -> None:
        if name in self.buffers and self.buffers[name] is None:
            return  # an earlier part had none: neither has the whole
        if values is None:
            self.buffers[name] = None
            return
        out = self.buffers.get(name)
        at = self.filled.get(name, 0)
        if out is None:
            start = self.capacity // self._START.get(name, 1)
            out = np.empty(max(start, values.size, 1), dtype=values.dtype)
        elif at + values.size > out.size:
            grown = np.empty(max(2 * out.size, at + values.size), dtype=out.dtype)
            grown[:at] = out[:at]
            out = grown
        out[at : at + values.size] = values
        self.buffers[name] = out
        self.filled[name] = at + values.size

    def _joined(self, name: str, dtype: type) -> np.ndarray | None:
        if name not in self.buffers:
            return np.zeros(0, dtype)
        out = self.buffers.pop(name)
        return None if out is None else out[: self.filled[name]]

    def result(self) -> ShingleSets:
        if not self.small:
            return ShingleSets.empty()
        sizes, words, stripped, fig_sizes = (np.concatenate(c) for c in zip(*self.small))
        offsets = np.zeros(sizes.size + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        fig_offsets = np.zeros(fig_sizes.size + 1, dtype=np.int64)
        np.cumsum(fig_sizes, out=fig_offsets[1:])
        hashes = self._joined("hashes", np.uint32)
        samples = self._joined("sample_hashes", np.uint32)
        figures = self._joined("figures", np.uint32)
        assert hashes is not None and samples is not None and figures is not None
        sets = ShingleSets(hashes, offsets, words, stripped, samples,
                           np.concatenate(self.sample_docs) if self.sample_docs
                           else np.zeros(0, np.int32), figures, fig_offsets)
        tokens, flags = self.segments["tokens"], self.segments["token_figures"]
        if tokens is not None:
            sets.spilled_tokens = Segments(tokens, np.uint32)
            if flags is not None:
                sets.spilled_figures = Segments(flags, np.bool_)
        if self.spill is not None:
            sets.spilled_hashes = self.spill.array()
        if self.sample_spills is not None:
            sets.spilled_samples = [(h.array(), d.array()) for h, d in self.sample_spills]
        return sets
