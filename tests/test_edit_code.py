"""The edit stage aligns a canonical and a member written as strings (``edits.WordCode``): the
opcodes must be those of the token lists, on real copies and on adversarial token runs (few
distinct words, so that many alignments tie)."""

from __future__ import annotations

import numpy as np
import pytest

import dupfinder
from dupfinder.engines.local import prepare
from dupfinder.params import Params
from dupfinder.stages.edits import WordCode, align, edit_summary
from tests import pages
from tests.conftest import sample_records


def _pairs(rng: np.random.Generator, alphabet: int, trials: int):
    for _ in range(trials):
        a = rng.integers(0, alphabet, int(rng.integers(0, 60))).astype(np.uint32)
        b = a.copy()
        for _ in range(int(rng.integers(0, 6))):  # outlet edits: cut, insert, replace
            at = int(rng.integers(0, b.size + 1))
            new = rng.integers(0, alphabet + 3, int(rng.integers(0, 8))).astype(np.uint32)
            b = np.concatenate([b[:at], new, b[at + int(rng.integers(0, 5)):]])
        yield a, b


@pytest.mark.parametrize("alphabet", [2, 5, 40, 2**32 - 1])
def test_coded_alignment_equals_list_alignment(alphabet: int) -> None:
    rng = np.random.default_rng(alphabet % 1000)
    for a, b in _pairs(rng, alphabet, 400):
        code = WordCode(a)
        assert align(code.canonical, code.member(b)) == align(a.tolist(), b.tolist())


def test_tokens_past_the_surrogates_and_a_canonical_too_big_to_code() -> None:
    a = np.arange(0xD700, 0xD900, dtype=np.uint32)  # dense ids cross U+D800
    b = np.concatenate([a[:100], np.array([7, 7], np.uint32), a[150:]])
    code = WordCode(a)
    assert align(code.canonical, code.member(b)) == align(a.tolist(), b.tolist())
    code.fits = False  # what a canonical of over a million distinct words falls back to
    code.canonical = a.tolist()
    assert align(code.canonical, code.member(b)) == align(a.tolist(), b.tolist())


def test_every_member_of_real_copies_gets_the_summary_of_the_lists() -> None:
    records = (sample_records() + pages.copy_edited_reprint() + pages.write_through()
               + pages.live_page() + pages.quoted_paragraph_corpus() + pages.caption_twice())
    result = dupfinder.scan(records)
    checked = 0
    prepared = prepare([r["text"] for r in records], Params()).sets
    index = {r["id"]: k for k, r in enumerate(records)}
    for cluster in result.clusters:
        a = prepared.tokens_of(index[cluster.canonical.id])
        code = WordCode(a)
        for m in cluster.members:
            b = prepared.tokens_of(index[m.article.id])
            assert edit_summary(a, b, None, None, False, code=code) == edit_summary(
                a, b, None, None, False, code=_ListCode(a))
            checked += 1
    assert checked > 20


class _ListCode(WordCode):
    """The alignment over plain token lists, as before the code."""

    def __init__(self, a_tokens: np.ndarray) -> None:
        self.fits = False
        self.canonical = a_tokens.tolist()


def test_a_clusters_members_coded_together_as_one_by_one() -> None:
    rng = np.random.default_rng(9)
    for a, b in _pairs(rng, 30, 50):
        members = [b, b[:0], a, b[::-1].copy(), rng.integers(0, 90, 40).astype(np.uint32)]
        code = WordCode(a)
        together = code.members(members)
        assert together == [code.member(m) for m in members]
        assert [align(code.canonical, t) for t in together] == [
            align(a.tolist(), m.tolist()) for m in members]
    empty = WordCode(np.zeros(0, np.uint32))
    assert align(empty.canonical, empty.members([np.arange(3, dtype=np.uint32)])[0]) == align(
        [], [0, 1, 2])


def test_compiled_word_codes_equal_numpys(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hash-table codes of the ``fast`` extra number words by first appearance, numpy by
    sorted rank: one relabelling of the other, the same for every member (so every alignment
    is the same), and a word the canonical lacks gets the one code left over in both."""
    from dupfinder.stages import _numba

    if _numba.kernels() is None:
        pytest.skip("numba is not installed (pip install 'dupfinder[fast]')")
    rng = np.random.default_rng(3)
    cases = [(np.zeros(0, np.uint32), rng.integers(0, 9, 20).astype(np.uint32))]
    for alphabet in (1, 7, 300, 2**32 - 1):
        for size in (1, 50, 3000):
            a = rng.integers(0, alphabet, size, dtype=np.uint64).astype(np.uint32)
            b = np.concatenate([a[::3], rng.integers(0, alphabet, size, dtype=np.uint64)
                                .astype(np.uint32), np.zeros(0, np.uint32)])
            cases.append((a, b))
    compiled = [(WordCode(a), b) for a, b in cases]
    monkeypatch.setenv("DUPFINDER_NUMPY", "1")
    for (code, b), (a, _) in zip(compiled, cases):
        plain = WordCode(a)
        assert code.kernel is not None and plain.kernel is None and code.size == plain.size
        fast_text = code.canonical + "".join(code.members([b, b[:0], a]))
        plain_text = plain.canonical + "".join(plain.members([b, b[:0], a]))
        relabel = dict(zip(fast_text, plain_text))
        assert len(relabel) == len(set(relabel.values()))  # a bijection
        assert "".join(relabel[ch] for ch in fast_text) == plain_text
        lacking = [k for k, v in enumerate(b.tolist()) if v not in set(a.tolist())]
        assert all(ord(code.member(b)[k]) == code.size for k in lacking)
        assert align(code.canonical, code.member(b)) == align(a.tolist(), b.tolist())


@pytest.mark.parametrize("alphabet", [2, 5, 40])
def test_one_pass_summary_equals_classify_and_count_words(alphabet: int) -> None:
    """``summarise`` (counts and kinds in one pass) names what ``classify`` and ``count_words``
    name, on edits of every shape: cut starts and ends, inserts around them, replacements."""
    from dupfinder.stages.edits import KINDS, classify, count_words, summarise

    rng = np.random.default_rng(alphabet)
    seen: set[str] = set()
    for a, b in _pairs(rng, alphabet, 600):
        for cut in (0, 1, 2):  # trims at the start, at the end, none
            if cut == 1:
                b = b[int(rng.integers(1, 9)):]
            elif cut == 2:
                b = b[: max(0, b.size - int(rng.integers(1, 9)))]
            ops = align(a.tolist(), b.tolist())
            headline, stripped = bool(rng.integers(0, 2)), bool(rng.integers(0, 2))
            present = {kind for kind, *_ in classify(ops, int(a.size))}
            present |= {"headline"} if headline else set()
            present |= {"boilerplate"} if stripped else set()
            expected = {**count_words(ops), "kinds": [k for k in KINDS if k in present]}
            assert summarise(ops, int(a.size), headline, stripped) == expected
            seen |= present
    assert seen >= set(KINDS)  # every kind was met


def test_clusters_coded_at_once_as_each_alone() -> None:
    """``coded_clusters`` writes many clusters in one pass: each canonical and member as its
    own ``WordCode`` writes it (so the same alignments), including empty articles and members
    sharing no word with their canonical."""
    from dupfinder.stages import _numba
    from dupfinder.stages.edits import coded_clusters

    rng = np.random.default_rng(11)
    clusters = []
    for a, b in _pairs(rng, 40, 300):
        members = [b, a[::-1].copy(), np.zeros(0, np.uint32),
                   rng.integers(1000, 2000, 5).astype(np.uint32)]
        clusters.append((a, members[: int(rng.integers(1, 5))]))
    got = coded_clusters(clusters)
    assert len(got) == len(clusters)
    if not _numba.available():
        assert got == [None] * len(clusters)
        return
    for (a, members), coded in zip(clusters, got):
        code = WordCode(a)
        assert coded == (code.canonical, code.members(members))
