"""Shingles: the sorted unique hashes of each article's word n-grams, minus boilerplate.

Row-keyed batch kernel: arrays in (``Features``), arrays out (``ShingleSets``); the output of
a batch does not depend on the other batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..tuning import BoilerplateRules
from . import _numba
from .arrays import isin, mix64, stable_argsort, unique
from .boilerplate import repeated_mask
from .minhash import fmix32
from .segments import Segments, TokenSource
from .tokens import _MUL, _STEP, Features


@dataclass
class ShingleSets:
    """Sorted unique shingle hashes of each article, concatenated; article i is
    ``hashes[offsets[i]:offsets[i+1]]`` (read through ``of`` and ``rows``: a large scan keeps
    them in ``spilled_hashes`` instead, outside memory, and ``hashes`` is then empty)."""

    hashes: np.ndarray  # uint32
    offsets: np.ndarray  # int64, len = articles + 1
    words: np.ndarray  # int32 token count per article, after boilerplate removal
    stripped: np.ndarray  # bool: boilerplate lines were removed from this article
    # The content-defined sample of shingles the containment candidates use (see anchors).
    sample_hashes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint32))
    sample_docs: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    # Sorted unique hashes of each article's figure tokens (see verify.figures_agree).
    figures: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint32))
    figure_offsets: np.ndarray | None = None
    # The word tokens that were shingled (boilerplate left out), all articles concatenated;
    # article i owns ``words[i]`` of them. The second look at near misses aligns these.
    tokens: np.ndarray | None = None
    token_figures: np.ndarray | None = None  # bool per token: holds a digit or a number word
    # Or both kept elsewhere and read per article (``tokens_of`` reads them the same way):
    # for a large scan outside memory (engines.spill.Spill), else as the batches made them
    # (``Segments``, what ``ShingleJoin`` gives: never copied into one array).
    spilled_tokens: TokenSource | None = None
    spilled_figures: TokenSource | None = None
    # At a million articles the hashes are 2 GB: a large scan writes them out as they are
    # made, and the stages after the signatures read the articles they look at.
    spilled_hashes: TokenSource | None = None
    # And the sample (800 MB at a million), which only containment reads, in parts of the
    # hash space (``sample_parts``): per part, (hashes, articles) in article order.
    spilled_samples: list[tuple[TokenSource, TokenSource]] | None = None
    _token_starts: np.ndarray | None = field(default=None, repr=False)

    def has_tokens(self) -> bool:
        return self.tokens is not None or self.spilled_tokens is not None

    def _token_range(self, i: int) -> tuple[int, int]:
        if self._token_starts is None:
            starts = np.zeros(self.words.size + 1, dtype=np.int64)
            np.cumsum(self.words, out=starts[1:])
            self._token_starts = starts
        return int(self._token_starts[i]), int(self._token_starts[i + 1])

    def token_arrays(self, start: int = 0, stop: int | None = None
                     ) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Tokens ``start:stop`` of all the articles' tokens in order (all by default) and
        their figure flags, one array each (joined when they are kept elsewhere), or None
        for what is not kept."""
        def part(kept: np.ndarray | None, source: TokenSource | None) -> np.ndarray | None:
            if kept is not None:
                return kept[start:stop]
            if source is None:
                return None
            return source.read(start, source.size if stop is None else stop)

        return part(self.tokens, self.spilled_tokens), part(self.token_figures,
                                                              self.spilled_figures)

    def tokens_of(self, i: int) -> np.ndarray | None:
        return self._ranged(self.tokens, self.spilled_tokens, i)

    def token_figures_of(self, i: int) -> np.ndarray | None:
        if not self.has_tokens():
            return None
        return self._ranged(self.token_figures, self.spilled_figures, i)

    def _ranged(self, kept: np.ndarray | None, spilled: TokenSource | None,
                i: int) -> np.ndarray | None:
        """Article i's range of a per-token array, held or spilled."""
        if kept is None and spilled is None:
            return None
        lo, hi = self._token_range(i)
        if kept is not None:
            return kept[lo:hi]
        assert spilled is not None
        return spilled.read(lo, hi)

    def figures_of(self, i: int) -> np.ndarray:
        if self.figure_offsets is None:
            return self.figures[:0]
        return self.figures[self.figure_offsets[i] : self.figure_offsets[i + 1]]

    def __len__(self) -> int:
        return int(self.offsets.size - 1)

    def sizes(self) -> np.ndarray:
        return np.diff(self.offsets)

    def of(self, i: int) -> np.ndarray:
        if self.spilled_hashes is not None:
            return self.spilled_hashes.read(int(self.offsets[i]), int(self.offsets[i + 1]))
        return self.hashes[self.offsets[i] : self.offsets[i + 1]]

    def sample_parts(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(sample hashes, their articles) a part of the hash space at a time, each part in
        article order (hashes ascending within an article): held, one part, the whole; a
        large scan's spilled parts, read back one by one."""
        if self.spilled_samples is None:
            yield self.sample_hashes, self.sample_docs
            return
        for hashes, docs in self.spilled_samples:
            yield hashes.read(0, hashes.size), docs.read(0, docs.size)

    def samples(self) -> tuple[np.ndarray, np.ndarray]:
        """(sample_hashes, sample_docs), all of it, in article order."""
        parts = list(self.sample_parts())
        hashes = np.concatenate([p[0] for p in parts])
        docs = np.concatenate([p[1] for p in parts])
        order = stable_argsort(docs) if len(parts) > 1 else None
        return (hashes, docs) if order is None else (hashes[order], docs[order])

    def shingle_count(self) -> int:
        """Shingles of all articles (held or spilled)."""
        return int(self.offsets[-1])

    def in_memory(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(hashes, offsets) of every article when they are held, else None."""
        return None if self.spilled_hashes is not None else (self.hashes, self.offsets)

    def rows(self, articles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The hashes of ``articles`` (ascending, unique) as arrays of their own, (hashes,
        offsets): row k is ``articles[k]``. Spilled, each run of consecutive articles is one
        read."""
        articles = np.asarray(articles, dtype=np.int64)
        starts, ends = self.offsets[articles], self.offsets[articles + 1]
        sizes = ends - starts
        offsets = np.zeros(articles.size + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        if self.spilled_hashes is None:
            at = np.repeat(starts - offsets[:-1], sizes) + np.arange(offsets[-1])
            return self.hashes[at], offsets
        out = np.empty(int(offsets[-1]), dtype=np.uint32)
        # Runs of consecutive articles: where the next article is not the one after.
        breaks = np.flatnonzero(articles[1:] != articles[:-1] + 1) + 1
        first = np.concatenate(([0], breaks)).tolist()
        last = np.concatenate((breaks, [articles.size])).tolist()
        read = self.spilled_hashes.read
        begin, stop, local = starts.tolist(), ends.tolist(), offsets.tolist()
        for a, b in zip(first, last):
            if a < b:
                out[local[a] : local[b]] = read(begin[a], stop[b - 1])
        return out, offsets

    @staticmethod
    def empty() -> ShingleSets:
        return ShingleSets(np.zeros(0, np.uint32), np.zeros(1, np.int64), np.zeros(0, np.int32),
                           np.zeros(0, bool))

    def with_sample(self, rate: int = 4) -> ShingleSets:
        """Attach the sampled shingles (computed per batch, where it is cheap)."""
        kernel = _numba.kernel("sample") if self.hashes.size >= COMPILED_MIN_VALUES else None
        if kernel is not None:
            self.sample_hashes, self.sample_docs = kernel(
                self.hashes.astype(np.uint32, copy=False), self.offsets, rate)
            return self
        keep = sample_mask(self.hashes, rate)
        doc_of = np.repeat(np.arange(len(self), dtype=np.int32), self.sizes())
        self.sample_hashes = self.hashes[keep]
        self.sample_docs = doc_of[keep]
        return self

    @staticmethod
    def concat(parts: Sequence[ShingleSets], consume: bool = False,
               freed: Callable[[], None] | None = None) -> ShingleSets:
        """One set of arrays for all parts, in order. With ``consume`` each part gives up
        its arrays as they are joined, so the join never holds two copies of everything;
        ``freed`` is called after each array is joined (the engine gives the parts' memory
        back to the system there: the allocator would keep it, and the next join's array is
        allocated anew beside it)."""
        if not parts:
            return ShingleSets.empty()
        for p in parts:  # tokens kept as the parts a join made (``Segments``): as arrays
            if p.tokens is None and isinstance(p.spilled_tokens, Segments):
                p.tokens, p.token_figures = p.token_arrays()
                p.spilled_tokens = p.spilled_figures = None

        def joined(name: str) -> np.ndarray:
            if not consume:
                return np.concatenate([getattr(p, name) for p in parts])
            # Copied part by part into the whole, each part let go once copied (a new empty
            # array: a slice would be a view keeping it alive), so the join holds one copy
            # of the array and a few parts, not two copies.
            first = getattr(parts[0], name)
            out = np.empty(sum(getattr(p, name).size for p in parts), dtype=first.dtype)
            del first
            at = 0
            for k, p in enumerate(parts):
                part = getattr(p, name)
                out[at : at + part.size] = part
                at += part.size
                setattr(p, name, np.zeros(0, dtype=part.dtype))
                del part
                if freed is not None and k % 16 == 15:
                    freed()
            if freed is not None:
                freed()
            return out

        sizes = np.concatenate([p.sizes() for p in parts])
        offsets = np.zeros(sizes.size + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        base = np.concatenate(([0], np.cumsum([len(p) for p in parts])[:-1]))
        fig_sizes = np.concatenate([
            np.diff(p.figure_offsets) if p.figure_offsets is not None
            else np.zeros(len(p), np.int64) for p in parts])
        fig_offsets = np.zeros(fig_sizes.size + 1, dtype=np.int64)
        np.cumsum(fig_sizes, out=fig_offsets[1:])
        sample_docs = np.concatenate([p.sample_docs + np.int32(b)
                                      for p, b in zip(parts, base.tolist())])
        with_tokens = all(p.tokens is not None for p in parts)
        with_token_figures = all(p.token_figures is not None for p in parts)
        return ShingleSets(
            joined("hashes"), offsets, joined("words"), joined("stripped"),
            joined("sample_hashes"), sample_docs, joined("figures"), fig_offsets,
            joined("tokens") if with_tokens else None,
            joined("token_figures") if with_token_figures else None,
        )


def sample_mask(hashes: np.ndarray, rate: int = 4) -> np.ndarray:
    """Content-defined sample: about one shingle in ``rate``, the same in every article."""
    return (fmix32(hashes ^ np.uint32(0x5BD1E995)) % np.uint32(rate)) == 0


def _combine(tokens: np.ndarray, n: int) -> np.ndarray:
    """Hash of each window of n consecutive token hashes, folded to 32 bits."""
    count = tokens.size - n + 1
    tokens = mix64(tokens.astype(np.uint64))
    h = tokens[:count].copy()
    for k in range(1, n):
        h *= _STEP
        h += tokens[k : k + count]
    h ^= h >> np.uint64(31)
    h *= _MUL
    return (h >> np.uint64(32)).astype(np.uint32)


def shingle(features: Features, n: int, boilerplate: np.ndarray | None = None,
            rules: BoilerplateRules | None = None) -> ShingleSets:
    """Word n-gram shingles of every article, boilerplate lines left out.

    The title is not shingled: outlets rewrite headlines, and a headline match says nothing
    about the body. An article shorter than n words gives one shingle, its whole text.
    """
    docs = len(features)
    tokens = features.tokens
    has_digit = features.has_digit if features.has_digit.size == tokens.size else None
    # No article number per token (an int64 each, a fifth of the stage): an article's tokens
    # are its lines' tokens, so what it loses is counted per line, and only the few tokens
    # with figures are placed in their article.
    lengths = np.diff(features.token_offsets).astype(np.int64)
    stripped = np.zeros(docs, dtype=bool)
    # Figures are taken before boilerplate removal: in wire notices the line that recurs across
    # unrelated articles ("Pay April 10 Record March 27") is the one that tells them apart.
    fig_keys = np.zeros(0, np.uint64)
    if has_digit is not None:
        at = np.flatnonzero(has_digit)
        fig_doc = np.searchsorted(features.token_offsets, at, side="right") - 1
        fig_keys = unique((fig_doc.astype(np.uint64) << np.uint64(32))
                          | tokens[at].astype(np.uint64))
        del at, fig_doc
    if features.line_keys.size:
        line_doc = np.repeat(np.arange(docs), np.diff(features.line_offsets))
        # Chrome repeated inside an article is dropped from that article; learned boilerplate
        # from every article carrying it.
        drop_line = repeated_mask(features.line_keys, features.line_sizes, line_doc, rules)
        if boilerplate is not None and boilerplate.size:
            drop_line |= isin(features.line_keys, boilerplate)
        if drop_line.any():
            stripped[line_doc[drop_line]] = True
            keep = ~np.repeat(drop_line, features.line_sizes)
            tokens = tokens[keep]
            if has_digit is not None:
                has_digit = has_digit[keep]
            lengths -= np.bincount(line_doc[drop_line], weights=features.line_sizes[drop_line],
                                   minlength=docs).astype(np.int64)
    starts = np.zeros(docs + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    windows = _numba.kernel("windows") if tokens.size >= COMPILED_MIN_VALUES else None
    if windows is not None:  # the windows and their per-article sort, compiled
        values, by_doc = windows(tokens.astype(np.uint32, copy=False), starts, n)
        hashes, offsets = _numba.kernel("sort_rows")(values, by_doc)
        del values, by_doc
    else:
        tok_doc = np.repeat(np.arange(docs, dtype=np.int64), lengths)
        hashes, offsets = _windows_numpy(tokens, tok_doc, starts, lengths, n)
    sets = ShingleSets(hashes, offsets, lengths.astype(np.int32), stripped, tokens=tokens,
                       token_figures=has_digit)
    if has_digit is not None:
        sets.figures = (fig_keys & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        sets.figure_offsets = np.searchsorted(
            (fig_keys >> np.uint64(32)).astype(np.int64), np.arange(docs + 1)).astype(np.int64)
    return sets


def _windows_numpy(tokens: np.ndarray, tok_doc: np.ndarray, starts: np.ndarray,
                   lengths: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Each article's sorted unique window hashes, by numpy over the whole batch."""
    docs = lengths.size
    if tokens.size >= n:
        grams = _combine(tokens, n)
        window_doc = tok_doc[: grams.size]
        valid = np.arange(grams.size, dtype=np.int64) + n <= starts[window_doc + 1]
        values, value_doc = grams[valid], window_doc[valid]
    else:
        values, value_doc = np.zeros(0, np.uint32), np.zeros(0, np.int64)
    short = np.flatnonzero((lengths > 0) & (lengths < n))
    if short.size:
        # An article shorter than n words has no window: one shingle, its whole text, placed
        # where its article falls (such articles have no other values).
        extra = np.array([int(_combine(tokens[starts[i]: starts[i + 1]], int(lengths[i]))[0])
                          for i in short], dtype=np.uint32)
        at = np.searchsorted(value_doc, short)
        values, value_doc = np.insert(values, at, extra), np.insert(value_doc, at, short)
    return sorted_unique_rows(values, value_doc, docs)


def sorted_unique_rows(values: np.ndarray, row: np.ndarray, rows: int
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Each row's values sorted and unique, concatenated, with offsets; ``row`` ascending.

    With the ``fast`` extra each row is sorted on its own in a compiled loop (rows are a few
    hundred values, so this is several times faster than one sort of the batch); else one
    numpy sort of (row, value) keys. The same arrays either way (tested).
    """
    offsets_in = np.searchsorted(row, np.arange(rows + 1, dtype=np.int64)).astype(np.int64)
    kernel = _numba.kernel("sort_rows") if values.size >= COMPILED_MIN_VALUES else None
    if kernel is not None:
        out, offsets = kernel(values.astype(np.uint32), offsets_in)
        return out, offsets
    keys = unique((row.astype(np.uint64) << np.uint64(32)) | values.astype(np.uint64))
    doc_ids = (keys >> np.uint64(32)).astype(np.int64)
    hashes = (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    offsets = np.searchsorted(doc_ids, np.arange(rows + 1, dtype=np.int64)).astype(np.int64)
    return hashes, offsets


# Below this many values one numpy sort is quick, and a first run would spend seconds compiling.
COMPILED_MIN_VALUES = 200_000

# Parts of the hash space a large scan's sample is spilled in (containment reads one at a
# time: at a million articles a sixteenth of 800 MB).
SAMPLE_PARTS = 16


