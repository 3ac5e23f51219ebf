"""The same articles in any order give the same report: clusters, ids, canonicals, members,
embedding pages and learned boilerplate (only the timing differs)."""

from __future__ import annotations

import random
from typing import Any

import pytest

import dupfinder
from tests import pages
from tests.conftest import sample_records


def _report(records: list[dict[str, Any]]) -> dict[str, Any]:
    report = dupfinder.scan(records).to_dict()
    report["stats"].pop("seconds")
    return report


CORPORA = {
    "sample": sample_records,
    "live page": pages.live_page,
    "related block": pages.related_block_page,
    "quoted paragraph": pages.quoted_paragraph_corpus,
    "reprint and write-through": lambda: pages.copy_edited_reprint() + pages.write_through(),
}


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_input_order_does_not_change_the_report(name: str) -> None:
    records = CORPORA[name]()
    expected = _report(records)
    assert expected["clusters"], "the corpus should have clusters"
    for seed in (1, 2, 3):
        shuffled = list(records)
        random.Random(seed).shuffle(shuffled)
        assert _report(shuffled) == expected, (name, seed)
