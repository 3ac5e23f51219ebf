"""Text normalisation and word tokens.

Outlets re-type wire copy: curly quotes become straight, en dashes become hyphens, ligatures and
full-width forms appear, capitalisation changes in headlines. None of that is an edit a reader
cares about, so it is folded away before anything is compared.
"""

from __future__ import annotations

import re
import unicodedata
from hashlib import blake2b
from typing import Any

_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-",
        "\u00a0": " ", "\u2028": "\n", "\u2029": "\n",
    }
)

# Unicode word characters; an apostrophe inside a word ("don't", "O'Brien") keeps it one token,
# so an outlet that writes "dont" differs by one token, not two.
WORD_RE = re.compile(r"\w+(?:'\w+)*")


def normalise(text: str) -> str:
    """NFKC, quotes and dashes unified, casefolded."""
    if text.isascii():
        # Nothing for NFKC or the quote table to change, and casefold is lower for ASCII.
        return text.lower()
    return unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()


def tokens(text: str) -> list[str]:
    """Word tokens of already-normalised text."""
    return WORD_RE.findall(text)


def stable_hash64(value: str) -> int:
    """A hash that is the same in every process and on every run (unlike ``hash``)."""
    digest = blake2b(value.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


# ---- units: the lines boilerplate is learned on -------------------------------------------
#
# Chrome is learned per *unit*: a line of the page. Many scrapes store a body on one line
# (CSV exports, JSON dumps, the 2019 scrapes joining paragraphs with " ### "), where the whole
# text would be one unit and three identical copies would look like one line carried by three
# unrelated articles. So separators (" ### ", " | ", bullets) end a unit too, and a line longer
# than LONG_UNIT_CHARS (a run-on paragraph, or a whole one-line text) is cut into sentences.
# Boundaries are written as "\n" in place of a whitespace or separator character, so the text
# keeps its length and every offset into it: the scan, the diff and the report see the same
# units at the same places, and word tokens (hence shingles) are unchanged.

LONG_UNIT_CHARS = 320  # the default of tuning.UnitRules.long_unit_chars
_SEPARATOR = re.compile(r"(?:(?<=\s)|^)(?:#{3,}|[|\u2022\u25a0\u25aa\u25c6])(?=\s|$)")
# A sentence ends at . ! or ? (closing quotes and brackets may follow) before whitespace and a
# character that does not start a lower-case word.
# Abbreviations ("R. Kelly", "U.S. officials", "Mr. Ek", "Roe v. Wade") end no sentence. The
# look-behinds follow the end mark so that they run only where a mark is.
_SENTENCE_END = re.compile(
    r"[.!?](?<!\b[A-Za-z][.!?])(?<!\bM[rs][.!?])(?<!\bMrs[.!?])(?<!\b[DSJ][rt][.!?])"
    r"(?<!\bvs[.!?])(?<!\bNo[.!?])(?<!\bGov[.!?])(?<!\bSen[.!?])(?<!\bRep[.!?])"
    r"(?<!\bGen[.!?])"
    r"[\"'\u201d\u2019)\]]*(\s+)(?=[^\sa-z])")
_SEPARATOR_CHARS = ("###", "|", "\u2022", "\u25a0", "\u25aa", "\u25c6")
UNIT_RE = re.compile(r"[^\n\u2028\u2029]+")


def _split_sentences(line: str) -> str:
    out = []
    last = 0
    for m in _SENTENCE_END.finditer(line):
        space = m.start(1)
        out.append(line[last:space])
        out.append("\n")
        last = space + 1
    out.append(line[last:])
    return "".join(out)


def unit_text(text: str, long_chars: int = LONG_UNIT_CHARS) -> str:
    """``text`` with every unit boundary as a line break, the same length as ``text``."""
    if any(c in text for c in _SEPARATOR_CHARS) and _SEPARATOR.search(text):
        text = _SEPARATOR.sub(lambda m: "\n" + " " * (len(m.group(0)) - 1), text)
    if len(text) < long_chars:
        return text
    lengths = [len(line) for line in text.split("\n") if line.strip()]
    if not lengths or max(lengths) < long_chars:
        return text  # (a U+2028 break only sends a text down the exact path below)
    if min(lengths) >= long_chars and "\u2028" not in text and "\u2029" not in text:
        # Every line is long (a one-line text, run-on paragraphs): one pass over the whole text
        # cuts the same sentences as the loop below, line by line.
        return _SENTENCE_END.sub(_break_after, text)
    out: list[str] = []
    last = 0
    for m in UNIT_RE.finditer(text):
        start, end = m.span()
        if end - start >= long_chars:
            out.append(text[last:start])
            out.append(_split_sentences(m.group(0)))
            last = end
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def _break_after(m: re.Match[str]) -> str:
    whole, space = m.group(0), m.start(1) - m.start()
    return whole[:space] + "\n" + whole[space + 1 :]


def unit_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-empty unit of ``text`` (offsets into ``text`` and into
    ``unit_text(text)`` alike; a unit after a separator starts with the separator's residue in
    ``text``)."""
    return [m.span() for m in UNIT_RE.finditer(unit_text(text))]


# ---- character tables for the array tokeniser ----------------------------------------------
#
# The tokeniser (``tokens.featurize``) works on code points, not strings. These tables give it,
# for every code point, what the string functions above would decide: ``\s`` and ``\w`` as ``re``
# has them (``str.isspace``; ``str.isalnum`` or ``_``), and the character that ``normalise``
# maps an already-NFKC character to (casefold, then the quote table: the two commute, character
# by character, tests/test_tokens_fast.py checks every code point). A character whose casefold is
# several characters ("ß" -> "ss") has no entry; a text holding one is casefolded as a string
# first (``CharTables.multi_fold``), after which every character folds to itself.

class CharTables:
    # What a saved copy holds (``arrays``): every table but the ``multi_fold`` pattern, which
    # is built again from the characters of ``multi``.
    ARRAYS = ("word", "space", "fold", "multi", "decomposed", "classes", "fold_word")

    def __init__(self, saved: dict[str, Any] | None = None) -> None:
        """The tables built from this Python's ``unicodedata`` and ``re``, or taken from
        ``saved`` (``arrays()`` of tables built by the same code and Python)."""
        if saved is not None:
            for name in self.ARRAYS:
                setattr(self, name, saved[name])
            self.multi_fold = _multi_fold_of(saved["multi"])
            return
        import numpy as np

        every = np.arange(0x110000, dtype=np.uint32)
        text = every.tobytes().decode("utf-32-le", "surrogatepass")
        self.word = np.zeros(every.size, dtype=np.uint8)
        for m in re.finditer(r"\w+", text):
            self.word[m.start() : m.end()] = 1
        self.space = np.zeros(every.size, dtype=np.uint8)
        for m in re.finditer(r"\s", text):
            self.space[m.start()] = 1
        fold = every.copy()
        multi = []
        for c in range(0x10000):
            folded = chr(c).casefold()
            if len(folded) == 1:
                fold[c] = ord(folded.translate(_QUOTES))
            else:
                multi.append(chr(c))
        astral = text[0x10000:].casefold()  # no astral character folds to several
        if len(astral) == every.size - 0x10000:
            fold[0x10000:] = np.frombuffer(astral.encode("utf-32-le"), dtype=np.uint32)
        else:  # pragma: no cover - a future Unicode version
            for c in range(0x10000, every.size):
                folded = chr(c).casefold()
                fold[c] = ord(folded) if len(folded) == 1 else c
        self.fold = fold
        self.multi = np.zeros(every.size, dtype=bool)
        self.multi[[ord(ch) for ch in multi]] = True
        self.multi_fold = _multi_fold_of(self.multi)
        # A character whose compatibility decomposition is one character, as that one (U+00A0
        # as a space, full-width forms as ASCII): NFKC decomposes character by character, so
        # the text's NFKC is unchanged, and a text that held only those passes NFKC's quick
        # check, where it would have been composed again in full. (BMP only; others as they are.)
        decomposed = every.copy()
        for c in range(0xA0, 0x10000):
            d = unicodedata.normalize("NFKD", chr(c))
            if len(d) == 1:
                decomposed[c] = ord(d)
        self.decomposed = decomposed
        # Classes for cutting units (_numba.cut_units): \s; a sentence's end mark; a closing
        # quote or bracket after it; a separator character; a line break of UNIT_RE.
        classes = self.space.copy()
        for chars, bit in ((".!?", 2), ("\"')]\u201d\u2019", 4), ("#|\u2022\u25a0\u25aa\u25c6", 8),
                           ("\n\u2028\u2029", 16)):
            classes[[ord(ch) for ch in chars]] |= bit
        # And a character whose casefold is several (as it is, or once decomposed), bit 32.
        classes[self.multi | self.multi[self.decomposed]] |= 32
        self.classes = classes
        # The fold with its word bit on top (bit 31; code points take 21): one look-up a
        # character for the compiled tokeniser.
        self.fold_word = fold | (self.word[fold].astype(np.uint32) << np.uint32(31))

    def arrays(self) -> dict[str, Any]:
        """The tables as named arrays, for ``CharTables(saved=...)``."""
        return {name: getattr(self, name) for name in self.ARRAYS}


def _multi_fold_of(multi: Any) -> re.Pattern[str]:
    """The pattern of the characters whose casefold is several, from the ``multi`` table (the
    same characters, in code point order, as the tables' own loop finds them)."""
    import numpy as np

    return re.compile("[" + "".join(chr(c) for c in np.flatnonzero(multi).tolist()) + "]")


_TABLES: CharTables | None = None


def char_tables() -> CharTables:
    global _TABLES
    if _TABLES is None:
        _TABLES = CharTables()
    return _TABLES


def use_char_tables(tables: CharTables) -> None:
    """Use these tables (an engine's saved copy) rather than build them on first use."""
    global _TABLES
    _TABLES = tables
