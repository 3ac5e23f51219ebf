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


def test_daily8_page_scanned_whole_embeds_its_stories_and_joins_none() -> None:
    docs = corpora.daily8()
    copies = {d["id"] for d in docs if d.get("title") == "What is the coalition of the willing?"}
    result = dupfinder.scan(docs)
    assert clusters_as_sets(result) == {frozenset(copies)}
    (cluster,) = result.clusters
    assert [e.id for e in cluster.embedded_in] == ["page"]
    assert cluster.embedded_in[0].containment >= 0.9


def test_census_csv_scanned_as_the_file_it_is_keeps_identical_rescrapes() -> None:
    # One-line texts, paragraphs joined by " ### ": identical re-scrapes must not vanish as
    # "one line carried by three unrelated articles".
    import csv

    path = corpora.syndication_path("census")
    csv.field_size_limit(2**31 - 1)
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_text: dict[str, list[str]] = {}
    for row in rows:
        by_text.setdefault(row["text"], []).append(row["id"])
    identical = [set(ids) for ids in by_text.values() if len(ids) >= 3]
    assert identical, "the census scrape holds three identical re-scrapes"
    result = dupfinder.scan(str(path))
    sets = clusters_as_sets(result)
    for ids in identical:
        assert any(ids <= s for s in sets), ids


def test_syndication_report_is_the_same_in_any_order() -> None:
    import random

    docs = corpora.syndication()
    first = dupfinder.scan(docs).to_dict()
    shuffled = list(docs)
    random.Random(7).shuffle(shuffled)
    second = dupfinder.scan(shuffled).to_dict()
    for r in (first, second):
        r["stats"].pop("seconds")
    assert first == second


def test_edit_stage_agrees_with_the_text_diff_on_real_scrapes() -> None:
    from dupfinder.result import _edit_summary

    result = dupfinder.scan(corpora.syndication() + corpora.daily8())
    members = [(c, m) for c in result.clusters for m in c.members]
    assert len(members) > 30
    for c, m in members:
        assert m.edits == _edit_summary(c, m), (c.id, m.id)
