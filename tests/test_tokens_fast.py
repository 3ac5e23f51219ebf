"""The fast tokenisers (numpy, and the compiled kernels of the ``fast`` extra) against the
reference, a string at a time (``featurize_reference``: ``unit_text`` then ``normalise`` per
text): every array equal, on random Unicode (NFKC and casefold changing lengths and token
boundaries, lone surrogates, CRLF, separators, long lines, empty texts) and on real articles."""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable, Sequence

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dupfinder.stages import _numba, tokens
from dupfinder.stages.normalise import _QUOTES, char_tables
from dupfinder.stages.tokens import Features, featurize, featurize_reference

FIELDS = ("tokens", "token_offsets", "line_keys", "line_sizes", "line_offsets", "has_digit")

Path = Callable[[Sequence[str], int], Features]


def _numpy_path(texts: Sequence[str], long_chars: int) -> Features:
    return tokens._batched(texts, long_chars, tokens._featurize_numpy)


def _compiled_path(texts: Sequence[str], long_chars: int) -> Features:
    kernels = _numba.kernels()
    assert kernels is not None
    return tokens._batched(texts, long_chars,
                           lambda t, n: tokens._featurize_compiled(t, n, kernels))


PATHS: list[Path] = [_numpy_path, featurize]
if _numba.available():
    PATHS.append(_compiled_path)


def assert_same(got: Features, want: Features) -> None:
    for name in FIELDS:
        a, b = getattr(got, name), getattr(want, name)
        assert a.dtype == b.dtype, name
        np.testing.assert_array_equal(a, b, err_msg=name)


def check(texts: Sequence[str], long_chars: int = 320) -> None:
    want = featurize_reference(texts, long_chars)
    for path in PATHS:
        assert_same(path(texts, long_chars), want)


# ---- the character tables, for every code point ---------------------------------------------

def test_tables_hold_what_the_string_functions_decide_for_every_code_point() -> None:
    t = char_tables()
    np.testing.assert_array_equal(t.fold_word, t.fold | (t.word[t.fold].astype(np.uint32) << 31))
    word, space, fold = t.word.tolist(), t.space.tolist(), t.fold.tolist()
    decomposed = t.decomposed.tolist()
    multi = t.multi_fold
    for c in range(0x110000):
        ch = chr(c)
        assert word[c] == (ch.isalnum() or ch == "_"), hex(c)
        assert space[c] == ch.isspace(), hex(c)
        # normalise: translate, then casefold; the fast paths casefold (as a string when some
        # character folds to several), then map each character through ``fold``.
        want = ch.translate(_QUOTES).casefold()
        folded = ch.casefold() if multi.search(ch) else ch
        assert "".join(chr(fold[ord(x)]) for x in folded) == want, hex(c)
        # Decomposed where NFKD is one character: NFKC's result stays the same.
        if decomposed[c] != c:
            assert unicodedata.normalize("NFKD", ch) == chr(decomposed[c]), hex(c)
        # The batch's separators survive the string functions, and nothing becomes one (U+2028
        # and U+2029 become line breaks only in ``fold``, as in ``normalise``'s table).
        strings = unicodedata.normalize("NFKC", ch) + ch.casefold()
        if c not in (0x0A, 0x1E):
            assert "\n" not in strings and "\x1e" not in strings, hex(c)


# ---- random texts ---------------------------------------------------------------------------

PIECES = ["Word", "two.", "Three!", "why?", " ### ", "###", "#", " | ", "|", " \u2022 ", "\u25a0",
          "\n", "\r\n", "\r", " ", "  ", "\t", "x" * 50, "Mr.", "Mrs.", "Ms.", "Dr.", "St.", "Jr.",
          "U.S.", "R.", "Gov.", "Sen.", "Rep.", "Gen.", "vs.", "No.", "éMr.", "\u201d", "\u2019",
          '"', "'", ")", "]", "don't", "O'Brien", "''", "é", "e\u0301", "\u0301", "ß", "\ufb01",
          "\uff21", "\uff0e", "\u0130", "\u2028", "\u2029", "\u00a0", "\u3000", "\x85", "\x1e",
          "\u2026", "12", "7", "\uff17", "ten", "Twenty", "Σ", "ΟΔΟΣ", "\U0001d400", "\U00010400",
          "\ud800", "\u1100\u1161", "\u1100", "\u1161", "_", "a_b", "\u2013", "\u00ab", "Ｍr."]

piece_text = st.lists(st.sampled_from(PIECES), max_size=120).map("".join)
unicode_text = st.text(max_size=400)
any_char_text = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF),
                        max_size=200)
texts_strategy = st.lists(piece_text | unicode_text | any_char_text, max_size=8)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts_strategy, st.sampled_from([1, 8, 40, 120, 320]))
def test_fast_paths_equal_the_reference_on_random_text(texts: list[str], long_chars: int) -> None:
    check(texts, long_chars)


# What cuts units (marks, closers, abbreviations, separators, breaks) and ends tokens; each
# text is written in a few of these pieces, so that short texts meet every branch.
CUTTING = ["#", "##", "###", " ", "  ", "\n", "\t", "\r", ".", "!", "?", ". ", "\u201d", "'",
           ")", "]", '"', "A", "a", "b", "Mr", "Mrs", "Ms", "Dr", "St", "Jr", "vs", "No", "Gov",
           "Sen", "Rep", "Gen", "e", "|", "\u2022", "\u25c6", "\u2028", "\u2029", "\x1e", "\u00e9",
           "\u00df", "1", "_", "\u00a0", "\u3000"]
cutting_text = st.lists(st.sampled_from(CUTTING), min_size=1, max_size=6).flatmap(
    lambda pieces: st.lists(st.sampled_from(pieces), max_size=150).map("".join))


@settings(max_examples=200, deadline=None)
@given(st.lists(cutting_text, max_size=4), st.sampled_from([1, 4, 12, 30, 60]))
def test_fast_paths_equal_the_reference_where_units_are_cut(texts: list[str],
                                                           long_chars: int) -> None:
    check(texts, long_chars)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([
    "The minister said. ", "Mr. Ek said so! ", "U.S. officials agreed? ", "(Reuters) - ",
    "\u201cIt is over,\u201d he said. ", "\u2019Tis done. ", "Prices rose 4.5 pct. ",
    " ### ", " | ", "\n", "\n\n", "\r\n", "  \n  ", "a" * 30, ". \n Next", "end.\u2028Next ",
]), max_size=200).map("".join), st.sampled_from([20, 60, 320]))
def test_long_lines_cut_like_the_reference(text: str, long_chars: int) -> None:
    check([text, text.upper(), text.replace(" ", "\u00a0")], long_chars)


# Every short text over a few alphabets, in one batch each: what random texts may miss.
EXHAUSTIVE = [
    ([" ", "#", "|", "x", "\n"], 6, [1, 3]),  # separators
    ([" ", "#", "\u2022", "x", "\x1e"], 5, [1, 320]),
    (["Mr", "vs", "No", "Gov", "A", "a", ".", "?", " ", "\n", "\u201d", "\u00e9"], 4, [1, 3]),
    ([".", " ", "z", "B", ")", "\u2028", "\n", "'", "\t"], 5, [1, 4]),  # breaks and ends
    ([".", " ", "bb", "B", "\n", "\u2028"], 6, [5]),  # a unit exactly long_chars long
    (["x", "'", "1", "ten", " ", "\u2019", "_", "\u0301"], 5, [1, 320]),  # tokens
]


@pytest.mark.parametrize("alphabet,size,long_chars", EXHAUSTIVE)
def test_fast_paths_equal_the_reference_on_every_short_text(alphabet: list[str], size: int,
                                                           long_chars: list[int]) -> None:
    texts = ["".join(p) for n in range(size + 1) for p in itertools.product(alphabet, repeat=n)]
    for n in long_chars:
        check(texts, n)


def test_edge_cases() -> None:
    check([])
    check([""])
    check(["", "", ""])
    check(["\x1e", "a\x1eb", "\n\x1e\n"])
    check(["word"] * 3 + [""])
    check(["A. B. C. " * 100, "x" * 1000, " " * 500, "." * 500, "Mr. " * 200])
    check(["\u00df" * 10 + " \ufb01x", "\u0130stanbul", "e\u0301t\u00e9 \uff21\uff22\uff23"])
    # A text's first line one short of long_chars, after another text: not long.
    check(["x", "bb. B\nbb. Bx"], 6)
    check(["x", "bb. B\nbb. Bx", "bb. B\u2028bb. Bx"], 6)


def test_batches_that_cross_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = ["One line. Another line.\n" * (i % 7) + "\u201cQuote\u201d " * (i % 3)
             for i in range(300)]
    want = featurize_reference(texts)
    monkeypatch.setattr(tokens, "_STEP_CHARS", 997)
    for path in PATHS:
        assert_same(path(texts, 320), want)


# ---- real articles --------------------------------------------------------------------------

def test_sample_and_test_pages_equal_the_reference() -> None:
    import pages
    from conftest import sample_records

    records = sample_records()
    for name in dir(pages):
        fn = getattr(pages, name)
        if callable(fn) and not name.startswith("_") and getattr(fn, "__module__", "") == "pages":
            try:
                made = fn()
            except TypeError:
                continue
            if isinstance(made, list):
                records += [r for r in made if isinstance(r, dict)]
    texts = [r.get("text") or "" for r in records]
    assert len(texts) > 20
    check(texts)
    check(texts, 60)


def test_real_corpora_equal_the_reference() -> None:
    from benchmarks import corpora

    if not corpora.available():
        pytest.skip("the shared corpora are missing")
    texts = [d["text"] for d in corpora.reuters(limit=1500)]
    if corpora.available("bbc_news"):
        texts += [d["text"] for d in corpora.bbc()[:800]]
    if corpora.available("syndication_2019"):
        rows = [d["text"] for d in corpora.syndication()[:1500]]
        texts += rows + [t.replace("\n", " ### ") for t in rows[:500]]  # as scraped: one line
    assert any(not t.isascii() for t in texts)
    check(texts)
