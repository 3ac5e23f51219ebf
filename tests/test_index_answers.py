"""The index's answers depend on the articles alone: not on batch neighbours, add order,
chunking or history; they are symmetric; and its clusters are the clusters ``scan`` gives."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import dupfinder
from dupfinder.index import Index
from tests.conftest import sample_records, write_jsonl

ROOT = Path(__file__).resolve().parents[1]


def _synthetic(n: int, seed: int) -> list[dict]:
    sys.path.insert(0, str(ROOT))
    from benchmarks.synthetic import generate

    return [dict(r, id=f"s{seed}-{r['id']}") for r in generate(n, seed=seed)]


def _answers(results: list) -> list:
    return sorted((r.article.id, [(m.id, m.jaccard, m.containment) for m in r.matches],
                   r.cluster.to_dict() if r.cluster else None) for r in results)


def _report(idx: Index) -> list:
    return idx.clusters().to_dict()["clusters"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    records = sample_records() + _synthetic(400, seed=3)
    return write_jsonl(tmp_path_factory.mktemp("c") / "corpus.jsonl", records)


def test_clusters_equal_scan_of_the_same_articles(corpus, tmp_path) -> None:
    with Index(tmp_path / "i.db") as idx:
        idx.add(str(corpus), chunk=97)
        report = _report(idx)
        # Recomputed from the stored edges (a date range covering everything) as well.
        assert idx.clusters(since="1900-01-01").to_dict()["clusters"] == report
    scanned = dupfinder.scan(str(corpus), workers=1).to_dict()["clusters"]
    assert len(report) > 40
    assert report == scanned


def test_a_query_answer_does_not_depend_on_its_batch(tmp_path) -> None:
    records = sample_records()
    with Index(tmp_path / "i.db") as idx:
        idx.add(records[:30])
        # Six new pages sharing a new chrome line: learning from the batch would strip it.
        chrome = "Sign up for our breaking news alerts and follow us on every platform today."
        batch = [dict(r, id="q-" + r["id"], text=r["text"] + "\n" + chrome)
                 for r in records[30:]] + [dict(records[1], id="q-copy")]
        together = _answers(idx.query(batch))
        alone = sorted(a for r in batch for a in _answers(idx.query([r])))
        assert together == alone
        assert [a for a in together if a[0] == "q-copy"][0][1]  # the copy is found


def test_add_order_and_chunking_do_not_change_anything(corpus, tmp_path) -> None:
    records = [r for r in (sample_records() + _synthetic(400, seed=3))]
    base, x, y = records[:150], records[150:300], records[300:]
    states = []
    for name, parts, chunk in (("xy", (base, x, y), 1000), ("yx", (base, y, x), 1000),
                               ("chunked", (base, x, y), 13)):
        with Index(tmp_path / f"{name}.db") as idx:
            for part in parts:
                idx.add(part, chunk=chunk)
            stats = idx.stats()
            states.append((_report(idx), _answers(idx.query(records[::7])),
                           stats["edges"], stats["keys"], stats["clusters"]))
    assert states[0] == states[1] == states[2]


def test_queries_are_symmetric_for_indexed_articles(corpus, tmp_path) -> None:
    with Index(tmp_path / "i.db") as idx:
        idx.add(str(corpus))
        results = idx.query(str(corpus))
    finds = {(r.article.id, m.id) for r in results for m in r.matches}
    assert finds and all((b, a) in finds for a, b in finds)
    scores = {(r.article.id, m.id): (m.jaccard, m.containment) for r in results
              for m in r.matches}
    assert all(scores[a, b] == scores[b, a] for a, b in finds)


def test_boilerplate_is_fixed_until_relearned(tmp_path) -> None:
    records = sample_records()
    # A later day: one outlet's new, unrelated stories, each with its newsletter prompt.
    chrome = "Read more stories like this one in our free morning newsletter every day."
    later = [dict(r, id="late-" + r["id"], outlet="newsite.example",
                  text=r["text"] + "\n" + chrome)
             for r in _synthetic(200, seed=11) if r["outlet"] == "wire.example"][:12]
    copy = dict(later[0], id="copy-of-late", outlet="other.example",
                text=later[0]["text"].rsplit("\n", 1)[0])
    with Index(tmp_path / "i.db") as idx:
        idx.add(records)
        digest = idx.stats()["boilerplate"]["digest"]
        idx.add(later)  # a later add applies the stored boilerplate, never learns its own
        assert idx.stats()["boilerplate"]["digest"] == digest
        (before,) = idx.query([copy])
        report = idx.relearn()
        assert report["articles"] == 50 and report["changed"] >= 12
        assert idx.stats()["boilerplate"]["digest"] != digest
        (after,) = idx.query([copy])
        # Now the index's boilerplate is what a scan of everything learns: the same clusters.
        both = write_jsonl(tmp_path / "all.jsonl", records + later)
        assert _report(idx) == dupfinder.scan(str(both), workers=1).to_dict()["clusters"]
    assert before.matches[0].id == after.matches[0].id == later[0]["id"]
    assert before.matches[0].jaccard < 1.0 == after.matches[0].jaccard


def test_prune_keeps_clusters_as_a_recount_gives(corpus, tmp_path) -> None:
    with Index(tmp_path / "i.db") as idx:
        idx.add(str(corpus))
        dropped = idx.prune("2026-01-02T03:00:00Z")
        assert dropped > 0
        report = _report(idx)
        assert report == idx.clusters(since="1900-01-01").to_dict()["clusters"]
        assert idx.stats()["articles_in_clusters"] == sum(c["size"] for c in report)
