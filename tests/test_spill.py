"""Tokens kept in a temporary file (large scans) give the same report as tokens in memory,
with one worker and with several, in any batch size; the spill keeps part order whatever
order the threads finish in."""

from __future__ import annotations

import pickle
import random

import numpy as np
import pytest

import dupfinder
import dupfinder.engines.local as local_engine
import dupfinder.pipeline as pipeline
from dupfinder.engines.spill import Spill
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
    monkeypatch.setattr(local_engine, "BATCH", batch)
    monkeypatch.setattr(local_engine, "SPILL_MIN", 1)
    assert _report(records, 1) == in_memory
    monkeypatch.setattr(local_engine, "PARALLEL_MIN", 1)
    assert _report(records, 2) == in_memory


def test_spilled_tokens_are_the_tokens_in_memory() -> None:
    texts = [r["text"] for r in sample_records()]
    params = dupfinder.Params()
    kept = local_engine.prepare(texts, params).sets
    spilled = local_engine.prepare(texts, params, spill_min=0).sets
    assert spilled.tokens is None and spilled.spilled_tokens is not None
    assert kept.has_tokens() and kept.token_figures_of(0) is not None
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


def test_spilled_hashes_read_as_the_hashes_in_memory(monkeypatch) -> None:
    from dupfinder.stages import verify

    texts = [r["text"] for r in sample_records()]
    params = dupfinder.Params()
    kept = local_engine.prepare(texts, params).sets
    spilled = local_engine.prepare(texts, params, spill_min=0).sets
    assert spilled.hashes.size == 0 and spilled.spilled_hashes is not None
    assert spilled.in_memory() is None and kept.in_memory() is not None
    assert spilled.shingle_count() == kept.shingle_count() > 0
    for i in range(len(texts)):
        assert np.array_equal(spilled.of(i), kept.of(i))
    # Rows of any ascending articles, runs of consecutive ones and gaps, held or spilled.
    rng = np.random.default_rng(11)
    for _ in range(20):
        wanted = np.unique(rng.integers(0, len(texts), size=int(rng.integers(1, 12))))
        held_rows, spilled_rows = kept.rows(wanted), spilled.rows(wanted)
        for k, i in enumerate(wanted.tolist()):
            for hashes, offsets in (held_rows, spilled_rows):
                assert np.array_equal(hashes[offsets[k]:offsets[k + 1]], kept.of(i))
    # Verification reads a chunk of pairs' articles at a time: the same counts at any size.
    pairs = np.array([(i, j) for i in range(len(texts)) for j in range(i + 1, len(texts))])
    expected = verify.pair_intersections(kept.hashes, kept.offsets, pairs)
    for chunk in (1, 3, 1000):
        monkeypatch.setattr(verify, "GATHER_PAIRS", chunk)
        assert np.array_equal(verify.set_intersections(spilled, pairs), expected)


@pytest.mark.parametrize("parallel", [False, True])
def test_a_large_read_spills_its_tokens_as_it_reads(tmp_path, monkeypatch,
                                                    parallel: bool) -> None:
    import json

    from dupfinder import corpus

    records = sample_records() + pages.live_page() + pages.quoted_paragraph_corpus()
    path = tmp_path / "scrape.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    expected = _report(str(path), 2)
    monkeypatch.setattr(local_engine, "BATCH", 4)
    monkeypatch.setattr(pipeline, "LEAN_CHARS", 0)  # texts dropped, tokens kept from reading
    monkeypatch.setattr(local_engine, "SPILL_MIN", 9)  # past the second batch: spilled from then
    monkeypatch.setattr(corpus, "PART_BYTES", 2_000)
    monkeypatch.setattr(corpus, "PARALLEL_READ_BYTES", 0 if parallel else 10**12)
    seen: list[object] = []
    real = local_engine.prepare

    def watched(*args, **kwargs):
        seen.append(kwargs.get("done_spills"))
        return real(*args, **kwargs)

    monkeypatch.setattr(local_engine, "prepare", watched)
    assert _report(str(path), 2) == expected
    spills = seen[0]
    assert spills is not None and spills[0].parts >= 2  # the read wrote them out itself


@pytest.mark.parametrize("width", [1, 4, 7, 128])
def test_a_spilled_matrix_reads_any_columns_as_the_matrix(width: int) -> None:
    from dupfinder.engines.spill import ColumnSpill

    rng = np.random.default_rng(width)
    parts = [rng.integers(0, 2**32, size=(int(rng.integers(0, 9)), width), dtype=np.uint32)
             for _ in range(6)]
    spill = ColumnSpill(width, np.uint32)
    for k in [2, 0, 1, 5, 3, 4]:  # out of order, as threads finish
        spill.put(k, parts[k])
    whole = np.concatenate(parts)
    spilled = spill.array()
    assert spilled.shape == whole.shape
    for lo in range(width + 1):
        for hi in range(lo, width + 2):
            assert np.array_equal(spilled[:, lo:hi], whole[:, lo:hi])
    with pytest.raises(IndexError):
        spilled[1:, 0:1]


def test_a_spilling_scan_keeps_signatures_and_samples_outside_memory() -> None:
    from dupfinder.stages.lsh import candidate_pairs

    texts = [r["text"] for r in sample_records()]
    params = dupfinder.Params()
    kept = local_engine.prepare(texts, params)
    spilled = local_engine.prepare(texts, params, spill_min=0)
    assert not isinstance(spilled.signatures, np.ndarray)
    assert np.array_equal(spilled.signature_array(), kept.signatures)
    assert np.array_equal(candidate_pairs(spilled.signatures, params.lsh_threshold),
                          candidate_pairs(kept.signatures, params.lsh_threshold))
    assert spilled.sets.sample_hashes.size == 0 and spilled.sets.spilled_samples is not None
    for got, expected in zip(spilled.sets.samples(), kept.sets.samples()):
        assert np.array_equal(got, expected)
