"""LSH candidates made unique a few bands at a time are the candidates of all bands at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import dupfinder.stages.lsh as lsh
from dupfinder.params import Params
from dupfinder.pipeline import prepare
from tests import pages
from tests.conftest import sample_records


@pytest.mark.parametrize("at_once", [1, 3, 4, 1000])
def test_candidates_do_not_depend_on_bands_at_once(monkeypatch: pytest.MonkeyPatch,
                                                   at_once: int) -> None:
    records = (sample_records() + pages.live_page() + pages.quoted_paragraph_corpus()
               + pages.one_line_copies(5) + pages.copy_edited_reprint())
    sigs = prepare([r["text"] for r in records], Params()).signatures
    valid = np.ones(len(sigs), dtype=bool)
    valid[3] = False
    monkeypatch.setattr(lsh, "BANDS_AT_ONCE", 10**6)
    whole = lsh.candidate_pairs(sigs, 0.5, valid)
    monkeypatch.setattr(lsh, "BANDS_AT_ONCE", at_once)
    got = lsh.candidate_pairs(sigs, 0.5, valid)
    assert np.array_equal(got, whole) and got.dtype == np.int64
    with ThreadPoolExecutor(3) as pool:  # the bands on threads, as the engine runs them
        assert np.array_equal(lsh.candidate_pairs(sigs, 0.5, valid, pool.map), whole)
    assert len(whole) > 20 and not np.isin(3, whole)
