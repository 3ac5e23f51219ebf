"""`dupfinder index`: add, query, prune, safety under kill -9 and concurrent writers."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import dupfinder
from dupfinder.index import Index
from tests.conftest import SAMPLE, run, sample_records, write_jsonl


def _queries(tmp_path: Path) -> Path:
    wanted = ("valleyherald-rates", "metrodaily-flood", "coastalpost-local2")
    records = [dict(r, id="q-" + r["id"]) for r in sample_records() if r["id"] in wanted]
    return write_jsonl(tmp_path / "q.jsonl", records)


def test_add_query_prune_and_stats(tmp_path) -> None:
    db = tmp_path / "news.db"
    assert run("index", "add", str(db), str(SAMPLE), "-q").exit_code == 0
    out = run("index", "query", str(db), str(_queries(tmp_path)), "--json", "-")
    assert out.exit_code == 0
    body = json.loads(out.stdout)
    assert body["schema"] == 1
    by_id = {q["id"]: q["matches"] for q in body["queries"]}
    rates = [m["id"] for m in by_id["q-valleyherald-rates"]]
    assert set(rates) == {"valleyherald-rates", "reuters-rates", "marketwire-rates",
                          "metrodaily-rates", "coastalpost-rates"}
    assert rates[0] == "valleyherald-rates"  # best first
    scores = [(m["jaccard"], m["containment"]) for m in by_id["q-valleyherald-rates"]]
    assert scores == sorted(scores, reverse=True)
    assert [m["id"] for m in by_id["q-coastalpost-local2"]] == ["coastalpost-local2"]
    stats = json.loads(run("index", "stats", str(db)).stdout)
    assert stats["articles"] == 38 and stats["bytes_per_article"] > 0
    # Everything in the sample is dated 2026; all of it is older than the given date.
    out = run("index", "prune", str(db), "--older-than", "2026-05-01")
    assert out.exit_code == 0
    left = json.loads(run("index", "stats", str(db)).stdout)["articles"]
    assert 0 < left < 38
    assert run("index", "prune", str(db), "--older-than", "soon").exit_code == 2
    run("index", "prune", str(db), "--older-than", "1d")
    assert json.loads(run("index", "stats", str(db)).stdout)["articles"] == 0
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM keys").fetchone()[0] == 0


def test_readd_replaces_or_is_refused_and_params_are_checked(tmp_path) -> None:
    db = tmp_path / "news.db"
    with Index(db) as idx:
        idx.add(str(SAMPLE))
        report = idx.add([sample_records()[0]])
        assert report.replaced == 1 and idx.stats()["articles"] == 38
        with pytest.raises(dupfinder.UsageError, match="already in the index"):
            idx.add([sample_records()[0]], replace=False)
    out = run("index", "query", str(db), str(SAMPLE), "--shingle", "4")
    assert out.exit_code == 2 and "was built with shingle=5" in out.stderr
    with pytest.raises(dupfinder.UsageError):
        Index(db, dupfinder.Params(threshold=0.6))


def test_query_with_diff(tmp_path) -> None:
    db = tmp_path / "news.db"
    with Index(db) as idx:
        idx.add(str(SAMPLE))
        result = idx.query(str(_queries(tmp_path)), with_diff=True)
    rates = next(r for r in result if r.article.id == "q-valleyherald-rates")
    match = next(m for m in rates.matches if m.id == "reuters-rates")
    assert "trimmed_end" in match.diff.kinds()


def _big_corpus(tmp_path: Path, n: int) -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks.synthetic import write_jsonl as synth

    return synth(tmp_path / f"big{n}.jsonl", n, seed=5)


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=30) as con:
            return con.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_kill_during_add_leaves_whole_chunks_and_a_usable_index(tmp_path) -> None:
    corpus = _big_corpus(tmp_path, 3000)
    db = tmp_path / "k.db"
    cmd = [sys.executable, "-m", "dupfinder", "index", "add", str(db), str(corpus),
           "--chunk", "100", "-q"]
    proc = subprocess.Popen(cmd)
    deadline = time.time() + 120
    while _count(db) < 300 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done = _count(db)
    assert done > 0 and done % 100 == 0 and done < 3000  # whole chunks only
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        orphans = con.execute(
            "SELECT count(*) FROM keys WHERE article NOT IN (SELECT rowid FROM articles)"
        ).fetchone()[0]
        assert orphans == 0
    first = json.loads(corpus.read_text().splitlines()[0])
    out = run("index", "query", str(db), "-", "--json", "-", input=json.dumps(
        {**first, "id": "query-copy"}) + "\n")
    assert out.exit_code == 0
    assert json.loads(out.stdout)["queries"][0]["matches"][0]["id"] == first["id"]
    assert subprocess.run(cmd).returncode == 0  # adding again completes
    assert _count(db) == 3000


def test_two_concurrent_adders_do_not_corrupt(tmp_path) -> None:
    corpus = _big_corpus(tmp_path, 1200)
    lines = corpus.read_text().splitlines()
    a = tmp_path / "a.jsonl"
    b = tmp_path / "b.jsonl"
    a.write_text("\n".join(lines[:600]) + "\n")
    b.write_text("\n".join(lines[600:]) + "\n")
    db = tmp_path / "c.db"
    procs = [subprocess.Popen([sys.executable, "-m", "dupfinder", "index", "add", str(db),
                               str(p), "--chunk", "50", "-q"]) for p in (a, b)]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    assert _count(db) == 1200
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
