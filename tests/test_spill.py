"""Tokens kept in a temporary file (large scans) give the same report as tokens in memory,
with one worker and with several, in any batch size; the spill keeps part order whatever
order the threads finish in."""

from __future__ import annotations

import pickle
import random

import numpy as np
import pytest

import dupfinder
import dupfinder.pipeline as pipeline
from dupfinder.engines.local import Spill
from tests import pages
from tests.conftest import sample_records


def _report(records, workers: int) -> dict:
    report = dupfinder.scan(records, workers=workers).to_dict()
    report["stats"].pop("seconds")
    return report


@pytest.mark.parametrize("batch", [5, 64])
def test_spilled_tokens_give_the_same_report(monkeypatch, batch: int) -> None:
    records = sample_records() + pages.live_page() + pages.quoted_paragraph_corpus()
    in_memory = _report(records, 1)
    assert any(m["edits"] for c in in_memory["clusters"] for m in c["members"])
    monkeypatch.setattr(pipeline, "BATCH", batch)
    monkeypatch.setattr(pipeline, "SPILL_MIN", 1)
    assert _report(records, 1) == in_memory
    monkeypatch.setattr(pipeline, "PARALLEL_MIN", 1)
    assert _report(records, 2) == in_memory


def test_spilled_tokens_are_the_tokens_in_memory() -> None:
    texts = [r["text"] for r in sample_records()]
    params = dupfinder.Params()
    kept = pipeline.prepare(texts, params).sets
    spilled = pipeline.prepare(texts, params, spill_min=0).sets
    assert spilled.tokens is None and spilled.spilled_tokens is not None
    assert kept.tokens is not None and kept.token_figures is not None
    for i in range(len(texts)):
        assert np.array_equal(spilled.tokens_of(i), kept.tokens_of(i))
        assert np.array_equal(spilled.token_figures_of(i), kept.token_figures_of(i))
    # A worker that is not forked gets the spilled arrays by pickle, whole.
    copied = pickle.loads(pickle.dumps(spilled))
    last = len(texts) - 1
    assert np.array_equal(copied.tokens_of(last), kept.tokens_of(last))
    assert np.array_equal(copied.token_figures_of(last), kept.token_figures_of(last))


def test_spill_writes_parts_in_order_whatever_order_they_arrive() -> None:
    rng = np.random.default_rng(3)
    parts = [rng.integers(0, 2**32, size=int(rng.integers(0, 50)), dtype=np.uint32)
             for _ in range(40)]
    order = list(range(len(parts)))
    random.Random(5).shuffle(order)
    spill = Spill(np.uint32)
    for k in order:
        spill.put(k, parts[k])
    whole = np.concatenate(parts)
    spilled = spill.array()
    assert np.array_equal(spilled.read(0, whole.size), whole)
    assert np.array_equal(spilled.read(17, 311), whole[17:311])
    for k, part in enumerate(parts):
        assert np.array_equal(spilled.part(k), part)
    with pytest.raises(IndexError, match="outside"):
        spilled.read(0, whole.size + 1)


def test_a_spill_missing_a_part_says_which() -> None:
    spill = Spill(np.bool_)
    spill.put(1, np.ones(3, bool))
    with pytest.raises(RuntimeError, match="part 0"):
        spill.array()
    empty = Spill(np.uint32).array()
    assert empty.size == 0 and empty.read(0, 0).size == 0
