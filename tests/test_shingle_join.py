"""``ShingleJoin`` (the scan joining each batch's shingles as it comes, into arrays allocated
at a bound) gives the arrays of ``ShingleSets.concat``: on real batches, with a bound too small
(the arrays grow), with parts lacking tokens or figure flags, and with empty parts."""

from __future__ import annotations

import numpy as np
import pytest

from dupfinder.stages.shingle_join import ShingleJoin
from dupfinder.stages.shingles import ShingleSets, shingle
from dupfinder.stages.tokens import featurize
from tests import pages
from tests.conftest import sample_records

FIELDS = ("hashes", "offsets", "words", "stripped", "sample_hashes", "sample_docs", "figures",
          "figure_offsets")


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
    # The tokens and their figure flags, read an article at a time (the join keeps them as
    # the parts they came in).
    assert a.has_tokens() == b.has_tokens()
    for i in range(len(b)):
        for x, y in ((a.tokens_of(i), b.tokens_of(i)), (a.token_figures_of(i),
                                                        b.token_figures_of(i))):
            assert (x is None) == (y is None), i
            if x is not None:
                assert x.dtype == y.dtype and np.array_equal(x, y), i


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
    assert not got.has_tokens() and got.token_figures_of(0) is None
    assert np.array_equal(got.hashes, expected.hashes)
    assert np.array_equal(got.sample_docs, expected.sample_docs)


def test_nothing_joined_is_empty() -> None:
    _equal(ShingleJoin(0).result(), ShingleSets.empty())


def test_segments_read_as_one_array() -> None:
    from dupfinder.stages.segments import Segments

    rng = np.random.default_rng(1)
    parts = [rng.integers(0, 99, int(n)).astype(np.uint32) for n in (3, 0, 5, 1, 0, 4)]
    whole = np.concatenate(parts)
    seg = Segments(parts, np.uint32)
    assert seg.size == whole.size
    for lo in range(whole.size + 1):
        for hi in range(lo, whole.size + 1):
            got = seg.read(lo, hi)
            assert got.dtype == np.uint32 and np.array_equal(got, whole[lo:hi]), (lo, hi)
    with pytest.raises(IndexError):
        seg.read(2, whole.size + 1)
