"""Edit summaries as a stage: each member against its canonical, computed once from the word
token arrays the scan already holds (the tokens it shingled, chrome left out), never by
re-tokenising text while a report is written.

The full ``Diff`` (surface words with their offsets, for the terminal and HTML views) is still
made on demand by ``dupfinder.diff``; both use the same alignment and the same names for edits
(``align`` / ``classify`` here), and a test holds them equal.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, cast

import numpy as np
from rapidfuzz.distance import Indel

from ..tuning import EditRules
from . import _numba
from .normalise import normalise

MAX_REPLACE_WORDS = 6  # the default of tuning.EditRules.max_replace_words
KINDS = ("headline", "trimmed_start", "trimmed_end", "inserted", "deleted", "replaced",
         "boilerplate")
_DEFAULT = EditRules()


def align(a_keys: Sequence[Any], b_keys: Sequence[Any],
          max_replace: int = MAX_REPLACE_WORDS) -> list[tuple[str, int, int, int, int]]:
    """Word-level opcodes of ``b`` against ``a`` (rapidfuzz ``Indel.opcodes``), with adjacent
    short deletion + insertion pairs merged into ``replace``."""
    ops: list[tuple[str, int, int, int, int]] = []
    # As tuples: an ``Opcode`` object's five attributes cost twice the alignment itself.
    listed = cast(list[tuple[str, int, int, int, int]], Indel.opcodes(a_keys, b_keys).as_list())
    for tag, a0, a1, b0, b1 in listed:
        if tag == "equal" and a1 == a0:
            continue
        # Merge delete+insert at the same place into a short substitution.
        if ops and tag == "insert" and ops[-1][0] == "delete" and ops[-1][2] == a0:
            prev = ops[-1]
            if prev[2] - prev[1] <= max_replace and b1 - b0 <= max_replace:
                ops[-1] = ("replace", prev[1], prev[2], prev[3], b1)
                continue
        if ops and tag == "delete" and ops[-1][0] == "insert" and ops[-1][4] == b0:
            prev = ops[-1]
            if a1 - a0 <= max_replace and prev[4] - prev[3] <= max_replace:
                ops[-1] = ("replace", a0, a1, prev[3], prev[4])
                continue
        ops.append((tag, a0, a1, b0, b1))
    return ops


def classify(ops: Sequence[tuple[str, int, int, int, int]],
             a_len: int) -> list[tuple[str, int, int, int, int]]:
    """Each change named: trimmed_start/trimmed_end (canonical text missing at an end, whatever
    the outlet put there instead), deleted, inserted, replaced."""
    changes = [op for op in ops if op[0] != "equal"]
    out = []
    for index, (tag, a0, a1, b0, b1) in enumerate(changes):
        if tag == "delete":
            if a0 == 0 and all(op[0] == "insert" for op in changes[:index]):
                kind = "trimmed_start"
            elif a1 == a_len and all(op[0] == "insert" for op in changes[index + 1 :]):
                kind = "trimmed_end"
            else:
                kind = "deleted"
        elif tag == "insert":
            kind = "inserted"
        else:
            kind = "replaced"
        out.append((kind, a0, a1, b0, b1))
    return out


def count_words(ops: Sequence[tuple[str, int, int, int, int]]) -> dict[str, int]:
    kept = inserted = deleted = replaced = 0
    for tag, a0, a1, b0, b1 in ops:
        if tag == "equal":
            kept += a1 - a0
        elif tag == "delete":
            deleted += a1 - a0
        elif tag == "insert":
            inserted += b1 - b0
        else:
            replaced += a1 - a0
    return {"words_kept": kept, "words_inserted": inserted, "words_deleted": deleted,
            "words_replaced": replaced}


def headline_changed(title_a: str | None, title_b: str | None) -> bool:
    # The same string normalises the same; and the canonical's title, met once for each of
    # its members, is normalised once (normalising titles was a quarter of the stage).
    if title_a == title_b:
        return False
    return _title_words(title_a or "") != _title_words(title_b or "")


@lru_cache(maxsize=1024)
def _title_words(title: str) -> tuple[str, ...]:
    return tuple(normalise(title).split())


class WordCode:
    """A canonical's word tokens written as a string, one code point a word, and each member's
    in the same code: rapidfuzz aligns two strings about four times faster than two lists of
    ints, with the same opcodes (only which words of one side equal which of the other
    matters, and the code keeps exactly that: a member's words the canonical lacks all get one
    code no canonical word has). Made once a cluster, used for every member."""

    # Code points a string can hold, the surrogates (U+D800-U+DFFF) left out.
    LIMIT = 0x110000 - 0x800

    def __init__(self, a_tokens: np.ndarray) -> None:
        self.a_tokens = a_tokens.astype(np.uint32, copy=False)
        self.kernel = _numba.kernel("code_runs")
        if self.kernel is not None:  # a hash table (the ``fast`` extra): the same equalities
            inverse = self.codes(np.zeros(0, np.uint32), canonical=True)
        else:
            self.vocab, inverse = np.unique(a_tokens, return_inverse=True)
            self.size = int(self.vocab.size)
        self.fits = self.size + 1 < self.LIMIT
        self.canonical: str | list[int] = (_as_text(inverse) if self.fits
                                           else a_tokens.tolist())

    def member(self, b_tokens: np.ndarray) -> str | list[int]:
        return self.members([b_tokens])[0]

    def members(self, tokens: list[np.ndarray]) -> list[str | list[int]]:
        """Several members' words in the code, looked up in one pass (a cluster's members
        come together; one lookup a member would cost as much as the alignment saves)."""
        if not self.fits:
            return [b.tolist() for b in tokens]
        values = np.concatenate(tokens) if tokens else np.zeros(0, np.uint32)
        text = _as_text(self.codes(values))
        out: list[str | list[int]] = []
        at = 0
        for b in tokens:
            out.append(text[at : at + b.size])
            at += b.size
        return out

    def codes(self, values: np.ndarray, canonical: bool = False) -> np.ndarray:
        """Each word's number among the canonical's distinct words (numpy: its rank in sorted
        order; the compiled table: its order of first appearance), or their count for a word
        the canonical lacks; with ``canonical``, the canonical's own numbers."""
        if self.kernel is not None:
            # The canonical and the words as one cluster of ``coded_clusters``' kernel.
            a = self.a_tokens.size
            flat = np.concatenate([self.a_tokens, values.astype(np.uint32, copy=False)])
            codes, distinct = self.kernel(flat, np.array([0, a, flat.size], dtype=np.int64),
                                          np.array([0, 2], dtype=np.int64))
            self.size = int(distinct[0])
            return cast(np.ndarray, codes[:a] if canonical else codes[a:])
        if self.vocab.size == 0:
            return np.zeros(values.size, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.vocab, values), self.vocab.size - 1)
        return np.where(self.vocab[pos] == values, pos, self.vocab.size)


def coded_clusters(clusters: Sequence[tuple[np.ndarray, Sequence[np.ndarray]]]
                   ) -> list[tuple[str | list[int], list[str | list[int]]] | None]:
    """Each (canonical, members) token arrays written in the cluster's word code, as
    ``WordCode`` writes them (the same equalities, so the same alignments): with the
    ``fast`` extra, all the clusters in one compiled pass and one decoding of the codes into
    text, where a code a cluster cost two kernel calls, a join and two decodings, a third of
    the stage. None for each cluster without it (``WordCode`` then, one at a time)."""
    kernel = _numba.kernel("code_runs")
    if kernel is None or not clusters:
        return [None] * len(clusters)
    rows = [t for canonical, members in clusters for t in (canonical, *members)]
    sizes = np.fromiter((t.size for t in rows), dtype=np.int64, count=len(rows))
    offsets = np.zeros(sizes.size + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    firsts = np.zeros(len(clusters) + 1, dtype=np.int64)
    np.cumsum([1 + len(members) for _, members in clusters], out=firsts[1:])
    flat = (np.concatenate(rows).astype(np.uint32, copy=False) if rows
            else np.zeros(0, np.uint32))
    codes, distinct = kernel(flat, offsets, firsts)
    text = _as_text(codes)
    at, first = offsets.tolist(), firsts.tolist()
    out: list[tuple[str | list[int], list[str | list[int]]] | None] = []
    for c, count in enumerate(distinct.tolist()):
        r0, r1 = first[c], first[c + 1]
        if count + 1 < WordCode.LIMIT:
            out.append((text[at[r0] : at[r0 + 1]],
                        [text[at[r] : at[r + 1]] for r in range(r0 + 1, r1)]))
        else:  # more distinct words than a string has code points: the token lists
            out.append((rows[r0].tolist(), [rows[r].tolist() for r in range(r0 + 1, r1)]))
    return out


def warm_up() -> None:
    """Load the code's compiled kernels in this process, so that forked workers inherit them
    rather than each loading them again (a quarter of a second apiece)."""
    WordCode(np.zeros(1, np.uint32)).member(np.zeros(1, np.uint32))
    coded_clusters([(np.zeros(1, np.uint32), [np.zeros(1, np.uint32)])])


def _as_text(codes: np.ndarray) -> str:
    code = codes.astype(np.uint32)
    code[code >= 0xD800] += 0x800  # past the surrogates, which no string may hold
    return code.tobytes().decode("utf-32-le")


def edit_summary(a_tokens: np.ndarray, b_tokens: np.ndarray, title_a: str | None,
                 title_b: str | None, stripped: bool,
                 rules: EditRules = _DEFAULT, code: WordCode | None = None,
                 b_code: str | list[int] | None = None,
                 a_code: str | list[int] | None = None) -> dict[str, Any]:
    """The JSON report's ``edits`` of a member (``b``) against its canonical (``a``).

    ``code`` is the canonical's ``WordCode`` when the caller has it (every member of a cluster
    is aligned against the same canonical, which is then written once), and ``b_code`` the
    member's words in it (``WordCode.members``); or ``a_code`` and ``b_code`` both, as
    ``coded_clusters`` writes them. The opcodes are those of the token lists either way
    (tested)."""
    if a_tokens.size == b_tokens.size and np.array_equal(a_tokens, b_tokens):
        # The canonical itself, or a word-for-word copy: nothing to align.
        ops: list[tuple[str, int, int, int, int]] = (
            [("equal", 0, int(a_tokens.size), 0, int(b_tokens.size))] if a_tokens.size else [])
    elif a_code is not None and b_code is not None:
        ops = align(a_code, b_code, rules.max_replace_words)
    elif code is None:  # one member alone: writing a code would cost more than it saves
        ops = align(a_tokens.tolist(), b_tokens.tolist(), rules.max_replace_words)
    else:
        ops = align(code.canonical, code.member(b_tokens) if b_code is None else b_code,
                    rules.max_replace_words)
    changed = headline_changed(title_a, title_b)
    return {"headline_changed": changed, **summarise(ops, int(a_tokens.size), changed, stripped)}


def summarise(ops: Sequence[tuple[str, int, int, int, int]], a_len: int, headline: bool = False,
              stripped: bool = False) -> dict[str, Any]:
    """``count_words`` of the opcodes and the kinds ``classify`` names in them (with
    "headline" and "boilerplate" when told), in one pass: what a member's summary needs, at
    a third of the Python the two passes and their lists cost (tested equal to them)."""
    kept = inserted = deleted = replaced = 0
    kinds = 0  # a bit per kind, as KINDS orders them
    # ``classify``: a deletion at the start trims it when only insertions come before it; at
    # the end, when only insertions come after it (the last change other than an insertion).
    last = -1
    for index, op in enumerate(ops):
        if op[0] != "equal" and op[0] != "insert":
            last = index
    before = True  # only insertions so far
    for index, (tag, a0, a1, b0, b1) in enumerate(ops):
        if tag == "equal":
            kept += a1 - a0
            continue
        if tag == "insert":
            inserted += b1 - b0
            kinds |= 8
            continue
        if tag == "delete":
            deleted += a1 - a0
            if a0 == 0 and before:
                kinds |= 2
            elif a1 == a_len and index == last:
                kinds |= 4
            else:
                kinds |= 16
        else:
            replaced += a1 - a0
            kinds |= 32
        before = False
    if headline:
        kinds |= 1
    if stripped:
        kinds |= 64
    return {"words_kept": kept, "words_inserted": inserted, "words_deleted": deleted,
            "words_replaced": replaced,
            "kinds": [k for bit, k in enumerate(KINDS) if kinds >> bit & 1]}
