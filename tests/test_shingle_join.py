"""``ShingleJoin`` (the scan joining each batch's shingles as it comes, into arrays allocated
at a bound) gives the arrays of ``ShingleSets.concat``: on real batches, with a bound too small
(the arrays grow), with parts lacking tokens or figure flags, and with empty parts."""

from __future__ import annotations

import numpy as np
import pytest

from dupfinder.stages.shingles import ShingleJoin, ShingleSets, shingle
from dupfinder.stages.tokens import featurize
from tests import pages
from tests.conftest import sample_records

FIELDS = ("hashes", "offsets", "words", "stripped", "sample_hashes", "sample_docs", "figures",
          "figure_offsets", "tokens", "token_figures")


def _parts(batch: int) -> list[ShingleSets]:
    records = sample_records() + pages.copy_edited_reprint() + pages.live_page()
    texts = [r["text"] for r in records] + ["", "short one"]
    return [shingle(featurize(texts[k : k + batch]), 5).with_sample(4)
            for k in range(0, len(texts), batch)]


def _equal(a: ShingleSets, b: ShingleSets) -> None:
    for name in FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        assert (x is None) == (y is None), name
        if x is not None:
            assert x.dtype == y.dtype and np.array_equal(x, y), name


@pytest.mark.parametrize("batch", [1, 7, 1000])
@pytest.mark.parametrize("capacity", [0, 10, None])
def test_join_equals_concat(batch: int, capacity: int | None) -> None:
    expected = ShingleSets.concat(_parts(batch))
    parts = _parts(batch)
    bound = sum(p.tokens.size for p in parts) if capacity is None else capacity
    join = ShingleJoin(bound)
    for p in parts:
        join.add(p)
        assert p.tokens is None and p.hashes.size == 0  # let go once copied
    _equal(join.result(), expected)


def test_a_part_without_tokens_or_flags_leaves_the_whole_without() -> None:
    parts = _parts(5)
    parts[1].token_figures = None
    parts[-1].tokens = None
    expected = ShingleSets.concat(_parts(5))
    join = ShingleJoin(100)
    for p in parts:
        join.add(p)
    got = join.result()
    assert got.tokens is None and got.token_figures is None
    assert np.array_equal(got.hashes, expected.hashes)
    assert np.array_equal(got.sample_docs, expected.sample_docs)


def test_nothing_joined_is_empty() -> None:
    _equal(ShingleJoin(0).result(), ShingleSets.empty())
