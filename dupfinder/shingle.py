"""Word n-gram shingles, hashed to 32-bit integers, for a whole batch at once.

Per-article state lives in flat numpy arrays (``hashes`` with ``offsets``), never in a Python
object per shingle: a million articles of 500 shingles is 2 GB of uint32, not 50 GB of sets.
Each article's hashes are sorted and unique, so exact set overlaps are merges of sorted arrays.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .normalise import normalised_lines, line_key, stable_hash64

_MUL = np.uint64(0x9E3779B97F4A7C15)
_STEP = np.uint64(0xC2B2AE3D27D4EB4F)

# Word hashes are cached per process; the vocabulary of news text is small next to its tokens.
_WORD_CACHE: dict[str, int] = {}
_WORD_CACHE_LIMIT = 2_000_000


@dataclass
class ShingleSets:
    """Sorted unique shingle hashes of each article, concatenated; article i is
    ``hashes[offsets[i]:offsets[i+1]]``."""

    hashes: np.ndarray  # uint32
    offsets: np.ndarray  # int64, len = articles + 1
    words: np.ndarray  # int32 token count per article, after boilerplate removal
    stripped: np.ndarray  # bool: boilerplate lines were removed from this article

    def __len__(self) -> int:
        return int(self.offsets.size - 1)

    def sizes(self) -> np.ndarray:
        return np.diff(self.offsets)

    def of(self, i: int) -> np.ndarray:
        return self.hashes[self.offsets[i] : self.offsets[i + 1]]

    @staticmethod
    def concat(parts: Sequence[ShingleSets]) -> ShingleSets:
        if not parts:
            return ShingleSets(
                np.zeros(0, np.uint32), np.zeros(1, np.int64), np.zeros(0, np.int32),
                np.zeros(0, bool),
            )
        sizes = np.concatenate([p.sizes() for p in parts])
        offsets = np.zeros(sizes.size + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        return ShingleSets(
            np.concatenate([p.hashes for p in parts]),
            offsets,
            np.concatenate([p.words for p in parts]),
            np.concatenate([p.stripped for p in parts]),
        )


def word_hashes(words: list[str]) -> list[int]:
    cache = _WORD_CACHE
    if len(cache) > _WORD_CACHE_LIMIT:
        cache.clear()
    out = []
    for w in words:
        h = cache.get(w)
        if h is None:
            h = stable_hash64(w)
            cache[w] = h
        out.append(h)
    return out


def article_tokens(text: str, title: str | None, boilerplate: set[int]) -> tuple[list[str], bool]:
    """The words that are shingled: body lines minus boilerplate lines.

    The title is not shingled: outlets rewrite headlines, and a headline match says nothing
    about the body.
    """
    words: list[str] = []
    stripped = False
    for line in normalised_lines(text):
        if boilerplate and line_key(line) in boilerplate:
            stripped = True
            continue
        words.extend(line)
    return words, stripped


def _combine(tokens: np.ndarray, n: int) -> np.ndarray:
    """Hash of each window of n consecutive token hashes, folded to 32 bits."""
    count = tokens.size - n + 1
    h = tokens[:count].copy()
    for k in range(1, n):
        h *= _STEP
        h += tokens[k : k + count]
    h ^= h >> np.uint64(31)
    h *= _MUL
    return (h >> np.uint64(32)).astype(np.uint32)


def shingle_batch(
    texts: Iterable[tuple[str, str | None]], n: int, boilerplate: set[int]
) -> ShingleSets:
    """Shingle every (text, title) pair; an article shorter than n words gives one shingle."""
    token_arrays: list[np.ndarray] = []
    words_count: list[int] = []
    stripped_flags: list[bool] = []
    for text, title in texts:
        words, stripped = article_tokens(text, title, boilerplate)
        token_arrays.append(np.array(word_hashes(words), dtype=np.uint64))
        words_count.append(len(words))
        stripped_flags.append(stripped)

    docs = len(token_arrays)
    lengths = np.array([t.size for t in token_arrays], dtype=np.int64)
    if docs and lengths.sum() >= n:
        flat = np.concatenate(token_arrays)
        grams = _combine(flat, n) if flat.size >= n else np.zeros(0, np.uint32)
        # A window is valid when it ends inside the article it starts in.
        starts = np.zeros(docs + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        doc_of_window = np.repeat(np.arange(docs, dtype=np.int64), lengths)[: grams.size]
        window_end = np.arange(grams.size, dtype=np.int64) + n
        valid = window_end <= starts[doc_of_window + 1]
        keys = (doc_of_window[valid].astype(np.uint64) << np.uint64(32)) | grams[valid].astype(
            np.uint64
        )
    else:
        keys = np.zeros(0, np.uint64)
    # Articles shorter than n words still deserve one shingle: their whole text.
    short = [i for i in range(docs) if 0 < lengths[i] < n]
    if short:
        extra = np.array(
            [(i << 32) | int(_combine(token_arrays[i], int(lengths[i]))[0]) for i in short],
            dtype=np.uint64,
        )
        keys = np.concatenate([keys, extra])
    keys = np.unique(keys)
    doc_ids = (keys >> np.uint64(32)).astype(np.int64)
    hashes = (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    offsets = np.searchsorted(doc_ids, np.arange(docs + 1, dtype=np.int64)).astype(np.int64)
    return ShingleSets(
        hashes,
        offsets,
        np.array(words_count, dtype=np.int32),
        np.array(stripped_flags, dtype=bool),
    )
