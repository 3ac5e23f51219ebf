"""What an outlet changed: a word-level diff of a copy against its canonical, with each edit named.

Both texts are tokenised on their original surface (so a display shows the real words and their
character offsets) and compared on normalised tokens, with rapidfuzz's ``Indel.opcodes`` over
word lists. Adjacent deletion + insertion pairs that are short become ``replaced`` (a name, a
spelling, "Mr Putin" -> "Putin"); a deletion at either end is a trim.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from .article import Article
from .stages.boilerplate import repeated_mask
from .stages.edits import KINDS, align, classify, count_words, headline_changed
from .stages.normalise import UNIT_RE, normalise, tokens, unit_text
from .stages.tokens import line_keys, word_hashes

_SURFACE_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")

# A substitution is at most this many words on each side; longer ones read better as a
# deletion and an insertion.



class Token(NamedTuple):
    """A word of an article as printed. A named tuple, not a dataclass: a diff makes one a
    word, and a frozen dataclass costs three times as much to make (a 600-word article's
    tokens took 0.84 ms, half of it in ``Token.__init__``)."""

    text: str  # surface form as in the article
    key: str  # normalised form that is compared
    start: int  # character offsets in the article text
    end: int


# Words repeat: a word's normalised form is computed once.
_normal_word = functools.lru_cache(maxsize=1 << 16)(normalise)


def tokenize(
    text: str, drop_lines: frozenset[int] | set[int] = frozenset()
) -> tuple[list[Token], bool]:
    """Tokens with their offsets, leaving out the units the scan left out: learned boilerplate
    and chrome repeated inside this article (``boilerplate.repeated_mask``).

    Returns the tokens and whether any unit was left out. A cluster's views diff every member
    against one canonical: its tokens are kept for the next call (the list is shared: it is
    never changed).
    """
    return _tokenize_cached(text, frozenset(drop_lines))


@functools.lru_cache(maxsize=32)
def _tokenize_cached(text: str, drop_lines: frozenset[int]) -> tuple[list[Token], bool]:
    spans: list[tuple[str, int]] = []  # unit text, offset
    words: list[str] = []
    sizes: list[int] = []
    for match in UNIT_RE.finditer(unit_text(text)):
        line = match.group(0)
        unit_words = tokens(normalise(line))
        if unit_words:
            spans.append((line, match.start()))
            words.extend(unit_words)
            sizes.append(len(unit_words))
    if not spans:
        return [], False
    # Every unit's identity in one vectorised pass (the keys the scan gives them).
    size_arr = np.array(sizes, dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(size_arr)[:-1])).astype(np.int64)
    keys = line_keys(word_hashes(words), starts, size_arr)
    drop = repeated_mask(keys, size_arr, np.zeros(len(spans), dtype=np.int64))
    if drop_lines:
        drop |= np.array([k in drop_lines for k in keys.tolist()], dtype=bool)
    out: list[Token] = []
    for (line, offset), skip in zip(spans, drop.tolist()):
        if skip:
            continue
        for m in _SURFACE_WORD.finditer(line):
            word = m.group(0)
            start, end = m.span()
            out.append(Token(word, _normal_word(word), offset + start, offset + end))
    return out, bool(drop.any())


@dataclass(frozen=True)
class Edit:
    """One named change. Spans are token ranges [start, end) in the canonical (``a``) and the
    member (``b``); ``old``/``new`` are the words as printed."""

    kind: str
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    old: str = ""
    new: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "a": [self.a_start, self.a_end], "b": [self.b_start, self.b_end],
            "old": self.old, "new": self.new,
        }


@dataclass
class Diff:
    """The member's edits against the canonical, and the aligned token streams."""

    canonical: Article
    member: Article
    a_tokens: list[Token]
    b_tokens: list[Token]
    ops: list[tuple[str, int, int, int, int]]  # equal/delete/insert/replace over tokens
    edits: list[Edit] = field(default_factory=list)
    headline_changed: bool = False
    boilerplate: bool = False

    def counts(self) -> dict[str, int]:
        return count_words(self.ops)

    def kinds(self) -> list[str]:
        present = {e.kind for e in self.edits}
        return [k for k in KINDS if k in present]

    def _repr_html_(self) -> str:
        from .report_html import render_diffs

        return render_diffs([self], full_page=False)

    def summary(self) -> dict[str, Any]:
        return {"headline_changed": self.headline_changed, **self.counts(), "kinds": self.kinds()}


def _words(tokens: list[Token], start: int, end: int) -> str:
    return " ".join(t.text for t in tokens[start:end])


def diff_articles(
    canonical: Article, member: Article, boilerplate: frozenset[int] | set[int] = frozenset()
) -> Diff:
    """Align ``member`` against ``canonical``; lines in ``boilerplate`` (line keys learned by the
    scan) are left out of both sides and reported as one ``boilerplate`` edit."""
    a, _ = tokenize(canonical.text, boilerplate)
    b, stripped = tokenize(member.text, boilerplate)
    ops = align([t.key for t in a], [t.key for t in b])
    edits: list[Edit] = []
    changed = headline_changed(canonical.title, member.title)
    if changed:
        edits.append(Edit("headline", 0, 0, 0, 0, canonical.title or "", member.title or ""))
    for kind, a0, a1, b0, b1 in classify(ops, len(a)):
        old = _words(a, a0, a1) if kind != "inserted" else ""
        new = _words(b, b0, b1) if kind in ("inserted", "replaced") else ""
        edits.append(Edit(kind, a0, a1, b0, b1, old, new))
    if stripped:
        edits.append(Edit("boilerplate", 0, 0, 0, 0))
    return Diff(canonical, member, a, b, ops, edits, changed, stripped)
