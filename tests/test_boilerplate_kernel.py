"""Boilerplate learning with the compiled weighted merge (the ``fast`` extra) learns exactly
what the numpy path learns: the same units, the same evidence, on corpora with chrome of every
kind (outlets' lines on generated copies, live pages, related blocks, quoted wire paragraphs)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dupfinder.stages.boilerplate as bp
from benchmarks.synthetic import generate
from dupfinder.engines.local import id_ranks, outlet_codes
from dupfinder.stages import _numba
from dupfinder.stages.tokens import featurize
from tests import pages
from tests.conftest import sample_records

pytestmark = pytest.mark.skipif(not _numba.available(),
                                reason="numba (the fast extra) is missing")


def _learn(records: list[dict[str, Any]]) -> tuple[list[int], list[bp.LearnedLine]]:
    features = featurize([r["text"] for r in records], 320)
    found = bp.learn(features.line_keys, features.line_sizes, features.line_offsets,
                     outlet_codes([r.get("outlet") for r in records], len(records)),
                     ranks=id_ranks([str(r["id"]) for r in records]))
    return sorted(found.keys), found.lines


CORPORA = {
    "generated": lambda: list(generate(3000, seed=7)),
    "pages": lambda: (sample_records() + pages.live_page() + pages.related_block_page()
                      + pages.related_block_wire_page() + pages.quoted_paragraph_corpus()
                      + pages.caption_twice() + pages.copy_edited_reprint()),
}


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_compiled_merge_learns_what_numpy_learns(monkeypatch: pytest.MonkeyPatch,
                                                 corpus: str) -> None:
    records = CORPORA[corpus]()
    monkeypatch.setattr(bp, "COMPILED_MIN_PAIRS", 0)  # the kernels, however few pairs
    monkeypatch.setattr(bp, "COMPILED_PARALLEL_PAIRS", 200)  # both of them
    monkeypatch.setattr(bp, "COMPILED_MIN_UNITS", 0)
    compiled = _learn(records)
    monkeypatch.setenv("DUPFINDER_NUMPY", "1")
    reference = _learn(records)
    assert compiled == reference
    assert len(reference[0]) >= 3  # chrome was learned: the merges decided something


def test_weighted_merge_equals_intersection() -> None:
    """The kernel on its own: the weight of the first row's values found in the second."""
    rng = np.random.default_rng(3)
    rows = [np.unique(rng.integers(0, 400, int(rng.integers(0, 60))).astype(np.uint64))
            for _ in range(80)]
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([r.size for r in rows], out=offsets[1:])
    keys = np.concatenate(rows)
    weights = rng.integers(0, 30, keys.size).astype(np.float64)
    pairs = rng.integers(0, len(rows), (700, 2)).astype(np.int64)
    kernels = _numba.kernels()
    assert kernels is not None
    expected = []
    for i, j in pairs.tolist():
        lo = int(offsets[i])
        _, at, _ = np.intersect1d(rows[i], rows[j], assume_unique=True, return_indices=True)
        expected.append(float(weights[lo + at].sum()))
    for name in ("merge_weights", "merge_weights_serial"):
        assert kernels[name](keys, weights, offsets, pairs).tolist() == expected


@pytest.mark.parametrize("seed", range(6))
def test_compiled_repeats_equal_numpys(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    """``repeated_mask`` article by article, compiled, on articles of few distinct units (long
    runs of repeats, past the short-run sort), heavy and light units, pages that are mostly
    one repeated caption, and articles without units between others."""
    rng = np.random.default_rng(seed)
    docs = 150
    lengths = rng.integers(0, 90, docs)
    lengths[::10] = 0
    entry_doc = np.repeat(np.arange(docs), lengths)
    alphabet = rng.integers(2, 60, docs)[entry_doc]  # per article: how few units it reuses
    keys = (rng.integers(0, 2**62, entry_doc.size) % alphabet).astype(np.uint64) * np.uint64(
        0x9E3779B97F4A7C15) + entry_doc.astype(np.uint64) % np.uint64(7)
    words = rng.integers(1, 40, entry_doc.size)
    words[rng.random(entry_doc.size) < 0.05] = 300  # a unit too heavy to be a caption
    rules = bp.BoilerplateRules()
    monkeypatch.setattr(bp, "COMPILED_MIN_UNITS", 0)
    compiled = bp.repeated_mask(keys, words, entry_doc, rules)
    monkeypatch.setenv("DUPFINDER_NUMPY", "1")
    reference = bp.repeated_mask(keys, words, entry_doc, rules)
    assert np.array_equal(compiled, reference)
    assert reference.any() and not reference.all()



@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_units_sorted_in_parts_of_the_key_space_learn_the_same(
        monkeypatch: pytest.MonkeyPatch, corpus: str) -> None:
    """A large corpus's (unit, carrier) entries are sorted a part of the key space at a
    time: the same entries, in the same order, as one sort, so the same chrome learned."""
    records = CORPORA[corpus]()
    features = featurize([r["text"] for r in records], 320)
    ranks = id_ranks([str(r["id"]) for r in records])
    args = (features.line_keys, features.line_sizes, features.line_offsets, ranks)
    whole = bp.count_units(*args).hand_over()
    expected = _learn(records)
    for lines in (1000, 37):  # a few parts, and the most there are (256)
        monkeypatch.setattr(bp, "UNIT_PART_LINES", lines)
        parts = bp.count_units(*args).hand_over()
        for got, want in zip(parts, whole):
            assert got.dtype == want.dtype and np.array_equal(got, want)
        assert _learn(records) == expected


def test_handed_over_entries_keep_no_hold_on_the_arrays() -> None:
    """The decide step frees each entry array when done with it (at a million articles they
    are 600 MB): once handed over, the counted entries hold nothing of them, not even a view."""
    records = CORPORA[sorted(CORPORA)[0]]()
    features = featurize([r["text"] for r in records], 320)
    entries = bp.count_units(features.line_keys, features.line_sizes, features.line_offsets,
                             id_ranks([str(r["id"]) for r in records]))
    arrays = entries.hand_over()
    assert all(a.size for a in arrays)
    for left, taken in zip((entries.keys, entries.docs, entries.carried, entries.words),
                           arrays):
        assert left.size == 0 and left.base is None and not np.shares_memory(left, taken)
