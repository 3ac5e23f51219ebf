"""The bundled sample corpus clusters exactly as data/expected_clusters.json says."""

from __future__ import annotations

import csv
import io
import json

import dupfinder
import dupfinder.engines.local as local_engine
from tests.conftest import EXPECTED, SAMPLE, clusters_as_sets, run


def test_sample_matches_expected_clusters_and_originals() -> None:
    expected = json.loads(EXPECTED.read_text())
    result = dupfinder.scan(str(SAMPLE))
    assert clusters_as_sets(result) == {frozenset(c) for c in expected["clusters"]}
    assert sorted(c.canonical.id for c in result.clusters) == sorted(expected["canonicals"])
    # The wire copies carry the only agency credit and the earliest date: "earliest" decides.
    assert {c.canonical_reason for c in result.clusters} == {"earliest"}


def test_cli_table_json_and_csv_agree(tmp_path) -> None:
    out = run("scan", str(SAMPLE), "--json", str(tmp_path / "r.json"),
              "--csv", str(tmp_path / "r.csv"), "--table")
    assert out.exit_code == 0, out.stderr
    assert out.stdout.startswith("5 clusters, 26 of 38 articles in clusters")
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["schema"] == 1
    assert set(report["params"]) == {"threshold", "containment", "shingle", "num_perm",
                                     "min_shingles"}
    assert report["stats"]["clusters"] == 5 and report["stats"]["articles"] == 38
    first = report["clusters"][0]
    assert first["id"] == "c1" and first["size"] == len(first["members"])
    canon = next(m for m in first["members"] if m["id"] == first["canonical"])
    assert canon["jaccard"] == 1.0 and canon["containment"] == 1.0
    assert {"headline_changed", "words_kept", "words_inserted", "words_deleted",
            "words_replaced", "kinds"} <= set(first["members"][1]["edits"])
    rows = list(csv.DictReader(io.StringIO((tmp_path / "r.csv").read_text())))
    assert len(rows) == 26
    assert {r["cluster"] for r in rows} == {f"c{i}" for i in range(1, 6)}


def test_json_to_stdout_is_only_json() -> None:
    out = run("scan", str(SAMPLE), "--json", "-")
    assert out.exit_code == 0
    assert json.loads(out.stdout)["stats"]["clusters"] == 5


def test_workers_do_not_change_the_result(monkeypatch) -> None:
    # Force several batches and the thread pool even on a small corpus.
    monkeypatch.setattr(local_engine, "PARALLEL_MIN", 1)
    monkeypatch.setattr(local_engine, "BATCH", 7)
    one = dupfinder.scan(str(SAMPLE), workers=1).to_dict()
    many = dupfinder.scan(str(SAMPLE), workers=4).to_dict()
    for report in (one, many):
        report["stats"].pop("seconds")
    assert one == many


def test_scan_accepts_dicts_and_articles(records) -> None:
    from_dicts = dupfinder.scan(records)
    articles = [dupfinder.Article(id=r["id"], text=r["text"], title=r["title"],
                                  outlet=r["outlet"], published=r["published"]) for r in records]
    from_articles = dupfinder.scan(articles)
    assert clusters_as_sets(from_dicts) == clusters_as_sets(from_articles)
    assert len(from_dicts.clusters) == 5


def test_concurrent_scans_in_one_process_do_not_interfere(monkeypatch, records) -> None:
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(local_engine, "PARALLEL_MIN", 1)
    monkeypatch.setattr(local_engine, "BATCH", 5)
    half = [r for r in records if r["id"].endswith(("-flood", "-rates"))]
    expected = {
        "all": clusters_as_sets(dupfinder.scan(records, workers=2)),
        "half": clusters_as_sets(dupfinder.scan(half, workers=2)),
    }
    with ThreadPoolExecutor(max_workers=4) as pool:
        jobs = [(k, pool.submit(dupfinder.scan, records if k == "all" else half, workers=2))
                for k in ("all", "half") * 3]
        for key, job in jobs:
            assert clusters_as_sets(job.result()) == expected[key]
