"""Tokens, line identities and word n-gram shingles, computed for a whole batch at once.

A batch's texts are joined and worked on as code points: units cut (``normalise.unit_text``),
texts that are not ASCII normalised (NFKC in Python, casefold and quotes by a table), tokens
found and hashed, by compiled loops (``_numba_text``, the ``fast`` extra) or by numpy, both held
bit-identical to ``featurize_reference``, the string-at-a-time definition. Token hashes, line
identities (for boilerplate learning) and shingle hashes are flat arrays. Per-article state
lives in those arrays with offsets, never in a Python object per token or shingle: a million
articles of 500 shingles is 2 GB of uint32, not 50 GB of sets. Each article's shingle hashes
are sorted and unique, so exact overlaps are sorted merges.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .arrays import mix64, runs
from .normalise import LONG_UNIT_CHARS, char_tables, normalise, unit_text

_MUL = np.uint64(0x9E3779B97F4A7C15)
_STEP = np.uint64(0xC2B2AE3D27D4EB4F)
_POS = np.uint64(0xD6E8FEB86659FD93)

_NL = "\n"
_SEP = "\x1e"  # record separator between the articles of a batch
_APOSTROPHE = ord("'")

# Token hashes are polynomial hashes of the code points, computed for a whole batch with prefix
# sums: sum(c[i] * B**(i - s)) over a token [s, e) is (P[e] - P[s]) * B**-s mod 2**64, and an
# odd B is invertible mod 2**64. No Python string is made per token.
_B = np.uint64(0x100000001B3)
_B_INV = np.uint64(pow(0x100000001B3, -1, 1 << 64))
_LEN = np.uint64(0x9FB21C651E98DF25)


def _word_char_table() -> np.ndarray:
    """``re``'s ``\\w`` for every BMP code point: alphanumeric or underscore."""
    table = np.zeros(0x10000, dtype=bool)
    for i in range(0x10000):
        ch = chr(i)
        table[i] = ch.isalnum() or ch == "_"
    return table


_WORD_TABLE: np.ndarray | None = None


def _is_word(codes: np.ndarray, table: np.ndarray | None = None) -> np.ndarray:
    if table is not None:  # CharTables.word: every code point
        return table[codes].view(bool)
    global _WORD_TABLE
    if _WORD_TABLE is None:
        _WORD_TABLE = _word_char_table()
    if codes.dtype == np.uint8:  # ASCII text: one table lookup, no range checks
        return _WORD_TABLE[:128][codes]
    out = np.zeros(codes.size, dtype=bool)
    bmp = codes < 0x10000
    out[bmp] = _WORD_TABLE[codes[bmp]]
    astral = np.flatnonzero(~bmp)
    if astral.size:
        out[astral] = [chr(int(c)).isalnum() for c in codes[astral]]
    return out


_POWERS: dict[int, np.ndarray] = {}


def _powers(base: np.uint64, n: int) -> np.ndarray:
    """base**0 .. base**(n-1) mod 2**64, cached and grown as needed."""
    have = _POWERS.get(int(base))
    if have is None or have.size < n:
        size = max(n, 2 * _STEP_CHARS)
        out = np.full(size, base, dtype=np.uint64)
        out[0] = 1
        have = np.cumprod(out, dtype=np.uint64)
        have.setflags(write=False)
        _POWERS[int(base)] = have
    return have[:n]


def tokenize_codes(codes: np.ndarray, word_table: np.ndarray | None = None,
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Token (start, end, hash) of normalised text given as code points.

    Tokens are what ``normalise.WORD_RE`` finds: runs of word characters, with an apostrophe
    between two word characters kept inside the token.
    """
    word = _is_word(codes, word_table)
    if codes.size > 2:
        inner = np.zeros(codes.size, dtype=bool)
        inner[1:-1] = (codes[1:-1] == _APOSTROPHE) & word[:-2] & word[2:]
        word |= inner
    edges = np.diff(np.concatenate(([False], word, [False])).astype(np.int8))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    if starts.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.uint64)
    pw = _powers(_B, codes.size)
    prefix = np.zeros(codes.size + 1, dtype=np.uint64)
    np.cumsum(codes.astype(np.uint64) * pw, out=prefix[1:])
    inv = _powers(_B_INV, codes.size)
    h = (prefix[ends] - prefix[starts]) * inv[starts]
    h = mix64(h ^ ((ends - starts).astype(np.uint64) * _LEN))
    return starts, ends, h


def line_keys(tokens: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Identity of each line (a run of tokens): an order-sensitive hash of its words."""
    if starts.size == 0:
        return np.zeros(0, dtype=np.uint64)
    pos = np.arange(tokens.size, dtype=np.uint64) - np.repeat(starts, sizes).astype(np.uint64)
    mixed = mix64(tokens ^ (pos * _POS))
    return mix64(np.add.reduceat(mixed, starts) + sizes.astype(np.uint64))


def units_of(text: str, keys: Iterable[int]) -> dict[int, str]:
    """The units of ``text`` whose identities are among ``keys``, as printed (the first of
    each): every unit's words hashed in one call, where a unit at a time cost a report with
    80 learned lines a fifth of a second."""
    from .normalise import UNIT_RE, tokens

    units: list[str] = []
    words: list[str] = []
    sizes: list[int] = []
    for match in UNIT_RE.finditer(unit_text(text)):
        found = tokens(normalise(match.group(0)))
        if found:
            units.append(match.group(0))
            words.extend(found)
            sizes.append(len(found))
    if not units:
        return {}
    counts = np.array(sizes, dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
    unit_keys = line_keys(word_hashes(words), starts, counts).tolist()
    wanted = set(keys)
    out: dict[int, str] = {}
    for unit_key, unit in zip(unit_keys, units):
        if unit_key in wanted and unit_key not in out:
            out[unit_key] = unit.strip()
    return out


def printed_units(wanted: Iterable[tuple[int, int]],
                  text_of: Callable[[int], str]) -> dict[tuple[int, int], str]:
    """Each (text, key) of ``wanted`` with its unit as printed in ``text_of(text)`` (empty when
    the text has none): every text cut and hashed once, however many of its units are asked."""
    by_text: dict[int, list[int]] = {}
    for index, key in wanted:
        by_text.setdefault(index, []).append(key)
    out: dict[tuple[int, int], str] = {}
    for index, keys in by_text.items():
        found = units_of(text_of(index), keys)
        for key in keys:
            out[index, key] = found.get(key, "")
    return out


_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred half quarter"
).split()
_NUMBER_HASHES: np.ndarray | None = None


def _number_words() -> np.ndarray:
    """Hashes of spelled-out numbers: wire notices write "two billion" as often as "2 billion"."""
    global _NUMBER_HASHES
    if _NUMBER_HASHES is None:
        _NUMBER_HASHES = np.sort(word_hashes(_NUMBER_WORDS))
    return _NUMBER_HASHES


def word_hashes(words: Sequence[str]) -> np.ndarray:
    """The hashes ``tokenize_codes`` gives these words (each a single token)."""
    if not words:
        return np.zeros(0, dtype=np.uint64)
    codes = np.frombuffer(" ".join(words).encode("utf-32-le"), dtype=np.uint32)
    return tokenize_codes(codes)[2]


@dataclass
class Features:
    """Tokens and lines of a batch of articles, as flat arrays with per-article offsets."""

    tokens: np.ndarray  # uint32 word hashes, all articles concatenated, separators removed
    token_offsets: np.ndarray  # int64, articles + 1
    line_keys: np.ndarray  # uint64 per line that has words
    line_sizes: np.ndarray  # int64 tokens per line
    line_offsets: np.ndarray  # int64, articles + 1: lines of article i
    # Tokens holding a digit (12, 0, 75, 2026): the figures a template report changes.
    has_digit: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))

    def __len__(self) -> int:
        return int(self.token_offsets.size - 1)

    @staticmethod
    def concat_lines(parts: Sequence[Features]) -> Features:
        """Only the line arrays of several batches, joined (all boilerplate learning needs;
        the line sizes as ``int32``)."""
        sizes = np.concatenate([np.diff(p.line_offsets) for p in parts])
        offsets = np.zeros(sizes.size + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        return Features(
            np.zeros(0, np.uint64), np.zeros(sizes.size + 1, np.int64),
            np.concatenate([p.line_keys for p in parts]),
            # Word counts of a line fit 32 bits: half the memory of learning's input.
            np.concatenate([p.line_sizes for p in parts], dtype=np.int32, casting="same_kind"),
            offsets,
        )

    @staticmethod
    def concat(parts: Sequence[Features]) -> Features:
        def offsets(arrays: list[np.ndarray]) -> np.ndarray:
            sizes = np.concatenate([np.diff(a) for a in arrays]) if arrays else np.zeros(0)
            out = np.zeros(sizes.size + 1, dtype=np.int64)
            np.cumsum(sizes, out=out[1:])
            return out

        if not parts:
            return _featurize_numpy([])
        return Features(
            np.concatenate([p.tokens for p in parts]),
            offsets([p.token_offsets for p in parts]),
            np.concatenate([p.line_keys for p in parts]),
            np.concatenate([p.line_sizes for p in parts]),
            offsets([p.line_offsets for p in parts]),
            np.concatenate([p.has_digit for p in parts]),
        )


# Characters per vectorised step: small enough that the step's arrays stay in cache, which is
# three times faster than one pass over a large batch.
_STEP_CHARS = 1 << 19


def featurize(texts: Sequence[str], long_chars: int = LONG_UNIT_CHARS) -> Features:
    """Normalise and tokenise a batch; lines without words are dropped.

    The same arrays as ``featurize_reference`` (a string at a time) on any input, computed by
    compiled loops when numba is there (``_numba``) and by numpy otherwise.
    """
    return _batched(texts, long_chars, _featurize_step)


def _batched(texts: Sequence[str], long_chars: int,
             step: Callable[[Sequence[str], int], Features]) -> Features:
    parts: list[Features] = []
    start, chars = 0, 0
    for i, t in enumerate(texts):
        chars += len(t)
        if chars >= _STEP_CHARS:
            parts.append(step(texts[start : i + 1], long_chars))
            start, chars = i + 1, 0
    if start < len(texts) or not parts:
        parts.append(step(texts[start:], long_chars))
    return parts[0] if len(parts) == 1 else Features.concat(parts)


def featurize_reference(texts: Sequence[str], long_chars: int = LONG_UNIT_CHARS) -> Features:
    """``featurize`` as first written, a string at a time (``unit_text``, then ``normalise``):
    the definition the fast paths are held equal to (tests/test_tokens_fast.py) and timed
    against (benchmarks/tokenise_speed.py)."""
    return _batched(texts, long_chars, _reference_step)


def _featurize_step(texts: Sequence[str], long_chars: int = LONG_UNIT_CHARS) -> Features:
    kernels = _compiled()
    if kernels is not None:
        return _featurize_compiled(texts, long_chars, kernels)
    return _featurize_numpy(texts, long_chars)


def _compiled() -> dict[str, Any] | None:
    from . import _numba

    return _numba.kernels()


def _featurize_numpy(texts: Sequence[str], long_chars: int = LONG_UNIT_CHARS) -> Features:
    """Units cut and tokens found by numpy over the batch's code points (``_cut_numpy``);
    Python only normalises (NFKC) the texts that are not ASCII."""
    tables = char_tables()
    docs = len(texts)
    codes, starts, ends, ascii = _batch_codes(texts)
    multi = np.zeros(docs, dtype=bool)
    _cut_numpy(codes, starts, ends, long_chars, tables, multi)
    if ascii:
        codes = tables.fold[codes].astype(np.uint8)
    else:
        codes = tables.fold[_normalised(tables.decomposed[codes], texts, starts, ends, multi)]
    return _features_of_codes(codes, docs, tables.word)


def _batch_codes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """The batch's texts joined (line break + record separator between them) as a writable
    array of code points (bytes when all ASCII), with each text's start and end in it."""
    joined = (_NL + _SEP).join(texts)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    ends = np.cumsum(lengths + 2) - 2
    starts = ends - lengths
    if joined.isascii():
        return np.frombuffer(joined.encode("ascii"), dtype=np.uint8).copy(), starts, ends, True
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
    return codes, starts, ends, False


def _featurize_compiled(texts: Sequence[str], long_chars: int,
                        kernels: dict[str, Any]) -> Features:
    """Units cut and tokens found by compiled loops over the batch's code points; Python only
    normalises (NFKC) the texts that are not ASCII."""
    tables = char_tables()
    docs = len(texts)
    codes, starts, ends, ascii = _batch_codes(texts)
    multi = np.zeros(docs, dtype=bool)
    kernels["cut_units"](codes, starts, ends, long_chars, tables.classes, tables.word, multi)
    if not ascii:
        codes = _normalised(tables.decomposed[codes], texts, starts, ends, multi)
    numbers = _number_words()
    tops = np.zeros(1024, dtype=np.uint8)  # a first filter: the top 10 bits of those hashes
    tops[numbers >> np.uint64(54)] = 1
    out = kernels["tokenise"](codes, docs, tables.fold_word, numbers, tops, _B, _LEN, _POS)
    return Features(*out)


def _normalised(codes: np.ndarray, texts: Sequence[str], starts: np.ndarray, ends: np.ndarray,
                multi: np.ndarray) -> np.ndarray:
    """The batch's code points with each non-ASCII text (already cut into units) through NFKC,
    and casefold where some character folds to several (``multi``: the texts holding one before
    NFKC), all that ``normalise`` does but the per-character ``CharTables.fold``; ASCII texts,
    and texts NFKC leaves alone, are not copied."""
    pieces: list[np.ndarray] = []
    last = 0
    multi_fold = char_tables().multi_fold
    for d, t in enumerate(texts):
        if t.isascii():
            continue
        s, e = int(starts[d]), int(ends[d])
        unit = codes[s:e].tobytes().decode("utf-32-le", "surrogatepass")
        folded = unicodedata.normalize("NFKC", unit)
        if folded is unit:  # (NFKC's quick check: no character changes or composes)
            if not multi[d]:
                continue
            folded = folded.casefold()
        elif multi_fold.search(folded):
            folded = folded.casefold()
        if folded == unit:
            continue
        pieces.append(codes[last:s])
        pieces.append(np.frombuffer(folded.encode("utf-32-le", "surrogatepass"), np.uint32))
        last = e
    if not pieces:
        return codes
    pieces.append(codes[last:])
    return np.concatenate(pieces)


def _features_of_codes(codes: np.ndarray, docs: int, word_table: np.ndarray | None,
                       ) -> Features:
    """Tokens, lines and articles of normalised code points (articles end at ``_SEP``)."""
    starts, ends, tokens = tokenize_codes(codes, word_table)
    digits = np.zeros(codes.size + 1, dtype=np.int32)
    np.cumsum((codes >= 48) & (codes <= 57), out=digits[1:])
    has_digit = (digits[ends] - digits[starts]) > 0
    has_digit |= np.isin(tokens, _number_words())
    # Article and line of each token: how many separators / line breaks precede its start.
    is_sep = codes == ord(_SEP)
    sep_at = np.flatnonzero(is_sep)
    break_at = np.flatnonzero(is_sep | (codes == ord(_NL)))
    doc_of = np.searchsorted(sep_at, starts)
    line_of = np.searchsorted(break_at, starts)
    token_offsets = np.searchsorted(doc_of, np.arange(docs + 1)).astype(np.int64)
    line_starts, line_sizes = runs(line_of)
    keys = line_keys(tokens, line_starts, line_sizes)
    line_doc = doc_of[line_starts] if line_starts.size else np.zeros(0, np.int64)
    line_offsets = np.searchsorted(line_doc, np.arange(docs + 1)).astype(np.int64)
    # Line identities use the full 64-bit token hashes; shingling needs only 32 bits per word,
    # which halves the largest array a scan holds.
    folded = (tokens ^ (tokens >> np.uint64(32))).astype(np.uint32)
    return Features(folded, token_offsets, keys, line_sizes.astype(np.int64), line_offsets,
                    has_digit)


def _reference_step(texts: Sequence[str], long_chars: int = LONG_UNIT_CHARS) -> Features:
    joined = (_NL + _SEP).join(normalise(unit_text(t.replace(_SEP, " "), long_chars))
                                 for t in texts)
    if joined.isascii():
        codes = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    else:
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return _features_of_codes(codes, len(texts), None)


_SPACE, _MARK, _CLOSER, _SEPARATOR, _BREAK, _MULTI = 1, 2, 4, 8, 16, 32  # CharTables.classes


def _skip(at: np.ndarray, skip: np.ndarray) -> np.ndarray:
    """Each position in ``at`` moved on past the run of ``skip`` positions it starts on."""
    at = at.copy()
    live = np.flatnonzero(at < skip.size)
    while live.size:
        live = live[skip[at[live]]]
        at[live] += 1
        live = live[at[live] < skip.size]
    return at


def _cut_numpy(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray, long_chars: int,
               tables: Any, multi: np.ndarray) -> None:
    """``_numba_text.cut_units`` in numpy: what ``unit_text`` does to each text, in place, over
    the batch's code points (texts joined by ``\\n\\x1e``, so that the character before a text
    is a space and no word, and the one after it a line break)."""
    n = codes.size
    if n == 0:
        return
    cls = tables.classes[codes]
    rs = np.flatnonzero(codes == 0x1E)
    if rs.size:
        rs = rs[~np.isin(rs, starts - 1)]  # a text's own: a space (the joiners stay)
        codes[rs] = 32
    wide = codes.dtype != np.uint8
    if wide:
        flagged = np.flatnonzero(cls & _MULTI)
        multi[np.searchsorted(starts, flagged, "right") - 1] = True
    space = (cls & _SPACE).astype(bool)
    # normalise._SEPARATOR: a run of 3+ "#", or one of "|" and the bullets, between spaces.
    sep = np.flatnonzero(cls & _SEPARATOR)
    if sep.size:
        sep = sep[(sep == 0) | space[np.maximum(sep - 1, 0)]]
        is_hash = codes[sep] == 35
        end = sep + 1
        end[is_hash] = _skip(end[is_hash], codes == 35)
        ok = (~is_hash | (end - sep >= 3)) & ((end == n) | space[np.minimum(end, n - 1)])
        for p, q in zip(sep[ok].tolist(), end[ok].tolist()):
            codes[p] = 10
            codes[p + 1 : q] = 32
        if ok.any():
            cls = tables.classes[codes]
            space = (cls & _SPACE).astype(bool)
    # Lengths of the lines ("\n") holding more than spaces, per text, and U+2028/U+2029.
    newline = np.flatnonzero(codes == 10)
    line_end = np.append(newline, n)
    line_start = np.concatenate(([0], newline + 1))
    line_doc = np.searchsorted(starts, line_end, "right") - 1
    line_start = np.maximum(line_start, starts[line_doc])
    filled_at = np.flatnonzero(~space)
    filled = (np.searchsorted(filled_at, line_end) - np.searchsorted(filled_at, line_start)) > 0
    length = line_end - line_start
    docs = starts.size
    longest = np.full(docs, -1, dtype=np.int64)
    np.maximum.at(longest, line_doc[filled], length[filled])
    shortest = np.full(docs, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(shortest, line_doc[filled], length[filled])
    has_other = np.zeros(docs, dtype=bool)
    if wide:
        other = np.flatnonzero((codes == 0x2028) | (codes == 0x2029))
        has_other[np.searchsorted(starts, other, "right") - 1] = True
    cut = (ends - starts >= long_chars) & (longest >= long_chars)
    if not cut.any():
        return
    one_pass = cut & (shortest >= long_chars) & ~has_other
    # normalise._SENTENCE_END at every end mark of a text that is cut.
    marks = np.flatnonzero(cls & _MARK)
    doc = np.searchsorted(starts, marks, "right") - 1
    keep = cut[doc]
    marks, doc = marks[keep], doc[keep]
    if marks.size == 0:
        return

    def at(offset: int) -> np.ndarray:
        i = marks - offset
        return np.where(i >= 0, codes[np.maximum(i, 0)].astype(np.int64), 10)

    def begins(offset: int) -> np.ndarray:  # \b before the letter at marks - offset
        i = marks - offset - 1
        return (i < 0) | (tables.word[codes[np.maximum(i, 0)]] == 0)

    p1, p2, p3 = at(1), at(2), at(3)
    letter1 = ((p1 >= 65) & (p1 <= 90)) | ((p1 >= 97) & (p1 <= 122))
    abbreviation = letter1 & begins(1)
    two = (((p2 == 77) & ((p1 == 114) | (p1 == 115)))
           | (((p2 == 68) | (p2 == 83) | (p2 == 74)) & ((p1 == 114) | (p1 == 116)))
           | ((p2 == 118) & (p1 == 115)) | ((p2 == 78) & (p1 == 111)))
    abbreviation |= two & begins(2)
    three = (((p3 == 77) & (p2 == 114) & (p1 == 115)) | ((p3 == 71) & (p2 == 111) & (p1 == 118))
             | ((p3 == 83) & (p2 == 101) & (p1 == 110)) | ((p3 == 82) & (p2 == 101) & (p1 == 112))
             | ((p3 == 71) & (p2 == 101) & (p1 == 110)))
    abbreviation |= three & begins(3)
    marks, doc = marks[~abbreviation], doc[~abbreviation]
    # After the closers, a space (j); after the spaces, a character that is no lower-case letter.
    j = _skip(marks + 1, (cls & _CLOSER) > 0)
    ok = j < n
    ok[ok] = space[j[ok]]
    marks, doc, j = marks[ok], doc[ok], j[ok]
    whole = one_pass[doc]
    # One pass over the text: spaces run on over line breaks, up to the text's end; line by
    # line: spaces end at a unit's end (which must come after a character).
    run = space.copy()
    run[cls & _BREAK > 0] = False
    k = np.empty_like(j)
    k[~whole] = _skip(j[~whole] + 1, run)
    k[whole] = _skip(j[whole] + 1, space)
    ok = k < ends[doc]
    kk = np.minimum(k, n - 1)
    ok &= ~((codes[kk] >= 97) & (codes[kk] <= 122)) & ~space[kk]
    # line by line, only in units long_chars long or longer
    breaks = np.flatnonzero(cls & _BREAK)
    at_break = np.searchsorted(breaks, marks)
    bounds = np.concatenate(([-1], breaks, [n]))
    unit_end = bounds[at_break + 1]
    unit_start = np.maximum(bounds[at_break] + 1, starts[doc])
    ok &= whole | (unit_end - unit_start >= long_chars)
    codes[j[ok]] = 10
