"""Behaviour on the real corpora in ../shared (skipped when that folder is absent)."""

from __future__ import annotations

import pytest

import dupfinder
from benchmarks import corpora
from tests.conftest import clusters_as_sets

pytestmark = pytest.mark.skipif(not corpora.available(), reason="../shared/data is not here")


def test_daily8_related_block_copies_cluster_and_nothing_joins_them() -> None:
    stories = corpora.daily8_stories()
    titles = {s["id"]: s["title"] for s in stories}
    copies = {i for i, t in titles.items() if t == "What is the coalition of the willing?"}
    assert len(copies) == 2 and len(stories) == 4
    result = dupfinder.scan(stories)
    assert clusters_as_sets(result) == {frozenset(copies)}


def test_reuters_candidate_recall_against_brute_force() -> None:
    from benchmarks.lsh_recall import measure

    r = measure(3000)
    assert r["true_pairs"] > 50
    assert r["candidate_recall"] >= 0.98
    assert r["grouped_recall"] >= 0.98


def test_bbc_republished_stories_with_new_headlines_cluster() -> None:
    docs = [d for d in corpora.bbc() if d["id"].split("/")[0] in {"sport", "tech"}]
    result = dupfinder.scan(docs)
    sets = clusters_as_sets(result)
    for a, b in (("sport/312.txt", "sport/416.txt"), ("tech/146.txt", "tech/158.txt")):
        assert any({a, b} <= s for s in sets), (a, b)
