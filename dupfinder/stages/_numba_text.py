"""The tokeniser's two passes over a batch's code points (``tokens._featurize_compiled``), the
``fast`` extra: imported only when numba is there (``_numba.kernels``).

``cut_units`` writes in place what ``normalise.unit_text`` returns for each text (separators
and sentence ends as line breaks); ``tokenise`` finds ``normalise.WORD_RE``'s tokens in the
normalised text and computes what ``tokens._featurize_numpy`` computes from them.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

u64 = np.uint64
SPACE, MARK, CLOSER, SEPARATOR, BREAK, MULTI = 1, 2, 4, 8, 16, 32  # CharTables.classes
WORD_BIT, CODE = np.uint32(1 << 31), np.uint32((1 << 31) - 1)  # normalise.CharTables.fold_word


@numba.njit(cache=True, inline="always")
def mix(h: Any) -> Any:
    h ^= h >> u64(33)
    h *= u64(0xFF51AFD7ED558CCD)
    h ^= h >> u64(33)
    h *= u64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> u64(33))


@numba.njit(cache=True, inline="always")
def letter(x: Any) -> bool:
    return (65 <= x <= 90) or (97 <= x <= 122)


@numba.njit(cache=True, inline="always")
def starts_word(c: Any, q: int, lo: int, word: Any) -> bool:
    """``\b`` before c[q] (a word character) in a string that begins at ``lo``."""
    return q == lo or word[c[q - 1]] == 0


@numba.njit(cache=True, inline="always")
def abbreviation(c: Any, i: int, lo: int, word: Any) -> bool:
    """The look-behinds of ``normalise._SENTENCE_END`` for the mark at c[i]."""
    if i - 1 >= lo and letter(c[i - 1]) and starts_word(c, i - 1, lo, word):
        return True  # R. Kelly, U.S.
    if i - 2 >= lo:
        a, b = c[i - 2], c[i - 1]
        if (a == 77 and (b == 114 or b == 115)) or (
            (a == 68 or a == 83 or a == 74) and (b == 114 or b == 116)) or (
            a == 118 and b == 115) or (a == 78 and b == 111):  # Mr Ms Dr Sr Jr St vs No
            if starts_word(c, i - 2, lo, word):
                return True
    if i - 3 >= lo:
        a, b, d = c[i - 3], c[i - 2], c[i - 1]
        if (a == 77 and b == 114 and d == 115) or (a == 71 and b == 111 and d == 118) or (
            a == 83 and b == 101 and d == 110) or (a == 82 and b == 101 and d == 112) or (
            a == 71 and b == 101 and d == 110):  # Mrs Gov Sen Rep Gen
            if starts_word(c, i - 3, lo, word):
                return True
    return False


@numba.njit(cache=True)
def sentences(c: Any, lo: int, hi: int, cls: Any, word: Any) -> None:
    """``normalise._SENTENCE_END`` over c[lo:hi]: the first space after each end, a break."""
    for i in range(lo, hi):
        if cls[c[i]] & MARK == 0 or abbreviation(c, i, lo, word):
            continue
        j = i + 1
        while j < hi and cls[c[j]] & CLOSER:
            j += 1
        if j < hi and cls[c[j]] & SPACE:
            k = j + 1
            while k < hi and cls[c[k]] & SPACE:
                k += 1
            if k < hi and not (97 <= c[k] <= 122):
                c[j] = 10  # (the next mark is past k: no match overlaps this one)


@numba.njit(cache=True, nogil=True)
def cut_units(c: Any, starts: Any, ends: Any, long_chars: int, cls: Any, word: Any,
              multi: Any) -> None:
    """Units cut in place; ``multi[d]``: text d holds a character whose casefold is several."""
    for d in range(starts.size):
        s, e = starts[d], ends[d]
        # One pass: the batch's own separator (a space), normalise._SEPARATOR (###, | and
        # bullets between spaces: a break), and the lengths of the lines holding more than
        # spaces, as they are after that.
        longest, shortest, other_breaks = -1, -1, False
        # ``filled``: the line so far holds more than spaces (nonzero); ``seen``: the classes
        # of those characters. Kept by arithmetic, not branches, in the run of plain
        # characters, where a branch on each space is mispredicted (a third of the pass).
        line, filled, seen = s, 0, 0
        i = s
        while i <= e:
            while i < e:
                x = c[i]
                if x == 0x1E:
                    c[i] = x = 32
                k = cls[x]
                if k & (SEPARATOR | BREAK):
                    break
                plain = (k & SPACE) ^ SPACE  # SPACE is bit 0: 1 for a character not a space
                filled |= plain
                seen |= k * plain
                i += 1
            x = 10 if i == e else c[i]
            k = cls[x]
            j = i + 1
            if k & SEPARATOR and (i == s or cls[c[i - 1]] & SPACE):
                if x == 35:
                    while j < e and c[j] == 35:
                        j += 1
                if (x != 35 or j - i >= 3) and (j == e or cls[c[j]] & SPACE):
                    c[i] = x = 10
                    for q in range(i + 1, j):
                        c[q] = 32
                else:
                    filled = 1
                    i = j
                    continue
            elif k & SEPARATOR:
                filled = 1
                i += 1
                continue
            if x == 10:
                if filled:
                    n = i - line
                    longest = max(longest, n)
                    shortest = n if shortest < 0 else min(shortest, n)
                line, filled = i + 1, 0
            else:  # U+2028, U+2029
                other_breaks = True
            i = j
        if seen & MULTI:
            multi[d] = True
        if e - s < long_chars or longest < long_chars:
            continue
        if shortest >= long_chars and not other_breaks:
            sentences(c, s, e, cls, word)
            continue
        a = s
        for i in range(s, e + 1):
            if i == e or cls[c[i]] & BREAK:
                if i - a >= long_chars:
                    sentences(c, a, i, cls, word)
                a = i + 1


@numba.njit(cache=True, nogil=True)
def tokenise(c: Any, docs: int, fold_word: Any, numbers: Any, number_tops: Any,
             base: Any, length_mul: Any, pos_mul: Any) -> Any:
    """Tokens of normalised code points (``fold_word``: ``CharTables.fold_word``)."""
    n = c.size
    cap = n // 2 + 1
    tokens = np.empty(cap, dtype=np.uint32)
    digit = np.zeros(cap, dtype=np.bool_)
    keys = np.empty(cap, dtype=np.uint64)
    sizes = np.empty(cap, dtype=np.int64)
    token_offsets = np.empty(docs + 1, dtype=np.int64)
    line_offsets = np.empty(docs + 1, dtype=np.int64)
    token_offsets[0] = 0
    line_offsets[0] = 0
    nt, nl, doc = 0, 0, 0
    acc = u64(0)
    in_line = 0
    i = 0
    while i < n:
        v = fold_word[c[i]]
        if v == 10 or v == 0x1E:
            if in_line:
                keys[nl] = mix(acc + u64(in_line))
                sizes[nl] = in_line
                nl += 1
                acc = u64(0)
                in_line = 0
            if v == 0x1E:
                doc += 1
                token_offsets[doc] = nt
                line_offsets[doc] = nl
            i += 1
            continue
        if v < WORD_BIT:
            i += 1
            continue
        x = v & CODE
        # A token: word characters, and an apostrophe between two of them.
        h = u64(0)
        power = u64(1)
        has = False
        j = i
        while True:
            h += u64(x) * power
            power *= base
            if 48 <= x <= 57:
                has = True
            j += 1
            if j >= n:
                break
            v = fold_word[c[j]]
            if v >= WORD_BIT:
                x = v & CODE
                continue
            if v == 39 and j + 1 < n and fold_word[c[j + 1]] >= WORD_BIT:
                x = v
                continue
            break
        h = mix(h ^ (u64(j - i) * length_mul))
        if not has and number_tops[h >> u64(54)]:  # spelled-out numbers count as figures
            lo, hi = 0, numbers.size
            while lo < hi:
                mid = (lo + hi) // 2
                if numbers[mid] < h:
                    lo = mid + 1
                else:
                    hi = mid
            has = lo < numbers.size and numbers[lo] == h
        tokens[nt] = u64(h ^ (h >> u64(32))) & u64(0xFFFFFFFF)
        digit[nt] = has
        nt += 1
        acc += mix(h ^ (u64(in_line) * pos_mul))
        in_line += 1
        i = j
    if in_line:
        keys[nl] = mix(acc + u64(in_line))
        sizes[nl] = in_line
        nl += 1
    for d in range(doc + 1, docs + 1):
        token_offsets[d] = nt
        line_offsets[d] = nl
    return (tokens[:nt].copy(), token_offsets, keys[:nl].copy(), sizes[:nl].copy(),
            line_offsets, digit[:nt].copy())


@numba.njit(cache=True, nogil=True)
def needles(c: Any, starts: Any, ends: Any, first: Any, needle_codes: Any,
            needle_offsets: Any) -> Any:
    """Which places ``c[starts[p]:ends[p]]`` hold one of the needles (``agency._NEEDLES``, as
    code points ``needle_codes[needle_offsets[k]:needle_offsets[k + 1]]``), case-sensitive:
    one pass over the places for all the needles, where ``in`` makes one per needle."""
    out = np.zeros(starts.size, dtype=np.bool_)
    for p in range(starts.size):
        e = ends[p]
        for i in range(starts[p], e):
            x = c[i]
            if x >= first.size or not first[x]:
                continue
            found = False
            for k in range(needle_offsets.size - 1):
                lo, hi = needle_offsets[k], needle_offsets[k + 1]
                if needle_codes[lo] != x or i + (hi - lo) > e:
                    continue
                found = True
                for q in range(1, hi - lo):
                    if c[i + q] != needle_codes[lo + q]:
                        found = False
                        break
                if found:
                    break
            if found:
                out[p] = True
                break
    return out
