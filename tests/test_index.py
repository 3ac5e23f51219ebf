"""`dupfinder index`: add, query, clusters, prune, relearn, stats; safety under kill -9 and
concurrent writers; parameters and tuning stored and checked."""

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
from dupfinder.tuning import Tuning, VerifyRules
from tests.conftest import SAMPLE, run, sample_records, write_jsonl


def _queries(tmp_path: Path) -> Path:
    wanted = ("valleyherald-rates", "metrodaily-flood", "coastalpost-local2")
    records = [dict(r, id="q-" + r["id"]) for r in sample_records() if r["id"] in wanted]
    return write_jsonl(tmp_path / "q.jsonl", records)


def _consistent(db: Path) -> None:
    """Every edge, cluster row and posting names an article that is still indexed."""
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        alive = {r[0] for r in con.execute("SELECT rowid FROM articles")}
        for table, column in (("edges", "a"), ("edges", "b"), ("members", "article"),
                              ("members", "cluster"), ("comps", "article"),
                              ("embedded", "article")):
            rows = {r[0] for r in con.execute(f"SELECT {column} FROM {table}")}
            assert rows <= alive, (table, column)


def test_add_query_prune_and_stats(tmp_path) -> None:
    db = tmp_path / "news.db"
    assert run("index", "add", str(db), str(SAMPLE), "-q").exit_code == 0
    out = run("index", "query", str(db), str(_queries(tmp_path)), "--json", "-")
    assert out.exit_code == 0
    body = json.loads(out.stdout)
    assert body["schema"] == 1
    by_id = {q["id"]: q for q in body["queries"]}
    rates = [m["id"] for m in by_id["q-valleyherald-rates"]["matches"]]
    assert set(rates) == {"valleyherald-rates", "reuters-rates", "marketwire-rates",
                          "metrodaily-rates", "coastalpost-rates"}
    assert rates[0] == "valleyherald-rates"  # best first
    scores = [(m["jaccard"], m["containment"]) for m in by_id["q-valleyherald-rates"]["matches"]]
    assert scores == sorted(scores, reverse=True)
    # The cluster the query would join: the wire original stays the canonical.
    cluster = by_id["q-valleyherald-rates"]["cluster"]
    assert cluster["canonical"] == "reuters-rates" and not cluster["becomes_canonical"]
    assert "q-valleyherald-rates" in cluster["members"] and cluster["size"] == 6
    assert [m["id"] for m in by_id["q-coastalpost-local2"]["matches"]] == ["coastalpost-local2"]
    stats = json.loads(run("index", "stats", str(db)).stdout)
    assert stats["articles"] == 38 and stats["bytes_per_article"] > 0
    assert stats["clusters"] == 5 and stats["boilerplate"]["learned_from"] == 38
    assert set(stats["bytes_per_article_by_part"]) == {"text", "tokens", "figures", "keys"}
    # Everything in the sample is dated 2026; all of it is older than the given date.
    out = run("index", "prune", str(db), "--older-than", "2026-05-01")
    assert out.exit_code == 0 and "left" in out.stdout
    left = json.loads(run("index", "stats", str(db)).stdout)
    assert 0 < left["articles"] < 38 and left["clusters"] < 5
    _consistent(db)
    assert run("index", "prune", str(db), "--older-than", "soon").exit_code == 2
    run("index", "prune", str(db), "--older-than", "1d")
    stats = json.loads(run("index", "stats", str(db)).stdout)
    assert stats["articles"] == 0 and stats["keys"] == 0 and stats["clusters"] == 0
    _consistent(db)


def test_readd_replaces_or_is_refused_and_params_are_checked(tmp_path) -> None:
    db = tmp_path / "news.db"
    with Index(db) as idx:
        idx.add(str(SAMPLE))
        report = idx.add([sample_records()[0]])
        assert report.replaced == 1 and idx.stats()["articles"] == 38
        with pytest.raises(dupfinder.UsageError, match="already in the index"):
            idx.add([sample_records()[0]], replace=False)
        assert idx.stats()["clusters"] == 5
    _consistent(db)
    out = run("index", "query", str(db), str(SAMPLE), "--shingle", "4")
    assert out.exit_code == 2 and "was built with shingle=5" in out.stderr
    with pytest.raises(dupfinder.UsageError, match="threshold=0.5"):
        Index(db, dupfinder.Params(threshold=0.6))
    # Tuning is stored too: other constants are refused, the stored values named.
    other = Tuning(verify=VerifyRules(look_from=0.3))
    with pytest.raises(dupfinder.UsageError, match=r"tuning\.verify\.look_from=0\.4"):
        Index(db, dupfinder.Params(tuning=other))


def test_a_replaced_article_is_found_by_its_new_text_only(tmp_path) -> None:
    records = sample_records()
    old = next(r for r in records if r["id"] == "valleyherald-rates")
    other = next(r for r in records if r["id"] == "coastalpost-local2")
    with Index(tmp_path / "news.db") as idx:
        idx.add(records)
        # The same id, now another story: its old keys linger until a merge, and find nothing.
        idx.add([dict(old, text=other["text"])], replace=True)
        (answer,) = idx.query([dict(old, id="q-old")])
        assert "valleyherald-rates" not in [m.id for m in answer.matches]
        (answer,) = idx.query([dict(other, id="q-new")])
        assert {"valleyherald-rates", "coastalpost-local2"} <= {m.id for m in answer.matches}
        # It left the rates cluster and makes a new one with the story it now carries.
        clusters = {c.canonical.id: {m.id for m in c.members} for c in idx.clusters().clusters}
        assert "valleyherald-rates" not in clusters["reuters-rates"]
        assert {"valleyherald-rates", "coastalpost-local2"} in clusters.values()
    _consistent(tmp_path / "news.db")


def test_query_with_diff(tmp_path) -> None:
    db = tmp_path / "news.db"
    with Index(db) as idx:
        idx.add(str(SAMPLE))
        result = idx.query(str(_queries(tmp_path)), with_diff=True)
    rates = next(r for r in result if r.article.id == "q-valleyherald-rates")
    match = next(m for m in rates.matches if m.id == "reuters-rates")
    assert "trimmed_end" in match.diff.kinds()


def test_a_new_earlier_version_becomes_the_canonical(tmp_path) -> None:
    db = tmp_path / "news.db"
    records = sample_records()
    wire = next(r for r in records if r["id"] == "pa-strike")
    with Index(db) as idx:
        idx.add([r for r in records if r["id"] != "pa-strike"])
        assert {c.canonical.id for c in idx.clusters().clusters} >= {"reuters-rates"}
        (answer,) = idx.query([wire])
    assert answer.cluster is not None and answer.cluster.becomes_canonical
    assert answer.cluster.canonical == "pa-strike"
    assert answer.cluster.was_canonical not in (None, "pa-strike")


def test_an_index_without_texts_reads_them_from_the_files(tmp_path) -> None:
    kept, lean = tmp_path / "kept.db", tmp_path / "lean.db"
    assert run("index", "add", str(kept), str(SAMPLE), "-q").exit_code == 0
    assert run("index", "add", str(lean), str(SAMPLE), "-q", "--no-text").exit_code == 0
    stats = json.loads(run("index", "stats", str(lean)).stdout)
    assert stats["bytes_per_article_by_part"]["text"] == 0
    reports = [json.loads(run("index", "clusters", str(db), "--json", "-").stdout)["clusters"]
               for db in (kept, lean)]
    assert reports[0] == reports[1]  # edits computed from the texts read again
    with Index(lean) as idx:
        with pytest.raises(dupfinder.UsageError, match="records given in memory"):
            idx.add([dict(sample_records()[0], id="fresh")])
        result = idx.query(str(_queries(tmp_path)), with_diff=True)
    rates = next(r for r in result if r.article.id == "q-valleyherald-rates")
    assert "trimmed_end" in next(m for m in rates.matches if m.id == "reuters-rates").diff.kinds()
    out = run("index", "add", str(kept), str(SAMPLE), "--no-text")
    assert out.exit_code == 2 and "was built keeping texts" in out.stderr


def test_bad_input_is_one_clear_line(tmp_path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not a database at all, just text\n" * 200)
    out = run("index", "clusters", str(junk))
    assert out.exit_code == 2 and "not a dupfinder index" in out.stderr
    assert "Traceback" not in out.stderr
    db = tmp_path / "news.db"
    run("index", "add", str(db), str(SAMPLE), "-q")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "fine"}\n{"id": "y", "text": \n')
    out = run("index", "query", str(db), str(bad))
    assert out.exit_code == 2 and "bad.jsonl:2" in out.stderr


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


def _state(db: Path) -> tuple:
    """What an index holds, independent of row numbers: articles, edges, clusters."""
    with sqlite3.connect(db) as con:
        ids = dict(con.execute("SELECT rowid, id FROM articles"))
        edges = sorted(tuple(sorted((ids[a], ids[b]))) + (round(j, 9), round(c, 9))
                       for a, b, j, c in con.execute("SELECT * FROM edges WHERE a < b"))
        members = sorted((ids[a], ids[c], reason, joined) for a, c, reason, joined in
                         con.execute("SELECT article, cluster, reason, joined FROM members"))
        keys = con.execute("SELECT sum(count) - coalesce((SELECT value FROM meta"
                           " WHERE key = 'dead_keys'), 0) FROM segments").fetchone()[0]
    return sorted(ids.values()), edges, members, keys


def test_kill_during_add_leaves_whole_chunks_and_resumes_to_a_fresh_build(tmp_path) -> None:
    corpus = _big_corpus(tmp_path, 1200)
    db = tmp_path / "k.db"
    cmd = [sys.executable, "-m", "dupfinder", "index", "add", str(db), str(corpus),
           "--chunk", "100", "-q", "--workers", "1"]
    proc = subprocess.Popen(cmd)
    deadline = time.time() + 120
    while _count(db) < 300 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done = _count(db)
    assert done > 0 and done % 100 == 0 and done < 1200  # whole chunks only
    _consistent(db)
    first = json.loads(corpus.read_text().splitlines()[0])
    out = run("index", "query", str(db), "-", "--json", "-", input=json.dumps(
        {**first, "id": "query-copy"}) + "\n")
    assert out.exit_code == 0
    assert json.loads(out.stdout)["queries"][0]["matches"][0]["id"] == first["id"]
    assert subprocess.run(cmd).returncode == 0  # adding again completes
    assert _count(db) == 1200
    fresh = tmp_path / "fresh.db"
    assert subprocess.run([*cmd[:5], str(fresh), *cmd[6:]]).returncode == 0
    assert _state(db) == _state(fresh)  # the same keys, edges and clusters as a fresh build


def test_two_concurrent_adders_do_not_corrupt(tmp_path) -> None:
    corpus = _big_corpus(tmp_path, 600)
    lines = corpus.read_text().splitlines()
    a = tmp_path / "a.jsonl"
    b = tmp_path / "b.jsonl"
    a.write_text("\n".join(lines[:300]) + "\n")
    b.write_text("\n".join(lines[300:]) + "\n")
    db = tmp_path / "c.db"
    procs = [subprocess.Popen([sys.executable, "-m", "dupfinder", "index", "add", str(db),
                               str(p), "--chunk", "25", "-q", "--workers", "1"])
             for p in (a, b)]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    assert _count(db) == 600
    _consistent(db)


def test_token_blocks_round_trip_and_give_back_the_shingles(tmp_path) -> None:
    import numpy as np

    from dupfinder.index.codec import decode_ids, encode_ids, pack_tokens, unpack_tokens

    edges = np.array([0, 1, 127, 128, 16383, 16384, (1 << 21) - 1, 1 << 21, (1 << 28) - 1])
    assert np.array_equal(decode_ids(encode_ids(edges)), edges)
    rng = np.random.default_rng(3)
    ids = rng.integers(0, 1 << 22, 500)
    counts = np.array([0, 7, 300, 1, 192])
    figs = rng.random(500) < 0.1
    order = [4, 2, 0, 1, 3]
    for flags in (figs, None):
        blobs = pack_tokens(ids, counts, flags, order, block=2)
        got, offsets, got_flags, sizes = unpack_tokens(blobs)
        assert sizes == [2, 2, 1] and (got_flags is None) == (flags is None)
        # Only some articles of each block: the same arrays as those articles of all.
        some, some_offsets, some_flags, some_sizes = unpack_tokens(blobs, [[1], [], [0]])
        assert some_sizes == [1, 0, 1]
        for n, full in ((0, 1), (1, 4)):
            assert np.array_equal(some[some_offsets[n]:some_offsets[n + 1]],
                                  got[offsets[full]:offsets[full + 1]])
            if flags is not None:
                assert some_flags is not None and got_flags is not None
                assert np.array_equal(some_flags[some_offsets[n]:some_offsets[n + 1]],
                                      got_flags[offsets[full]:offsets[full + 1]])
        at = np.concatenate(([0], np.cumsum(counts)))
        for n, i in enumerate(order):
            assert np.array_equal(got[offsets[n]:offsets[n + 1]], ids[at[i]:at[i + 1]])
            if flags is not None:
                assert got_flags is not None
                assert np.array_equal(got_flags[offsets[n]:offsets[n + 1]], flags[at[i]:at[i + 1]])
    # Shingles derived from the stored tokens are the ones the add computed.
    db = tmp_path / "news.db"
    records = sample_records()
    with Index(db) as idx:
        idx.add(records)
        prepared = idx._prepare([r["text"] for r in records], idx._boilerplate())
        rowids = [idx.store.rows_by_id([r["id"]])[r["id"]][0] for r in records]
        rows = idx.fetch(rowids)
        for i in range(len(records)):
            assert np.array_equal(rows.shingles[i], prepared.sets.of(i))
            assert np.array_equal(rows.tokens[i], prepared.sets.tokens_of(i))
            assert np.array_equal(rows.token_figures[i], prepared.sets.token_figures_of(i))


def test_chunks_read_before_a_bad_record_are_added_whole(tmp_path) -> None:
    """Chunks are prepared a chunk ahead; an error in reading still leaves every chunk read
    before it added, as a chunk-by-chunk add does."""
    records = sample_records()
    db = tmp_path / "news.db"
    with Index(db) as idx:
        idx.add(records[:8])
    path = write_jsonl(tmp_path / "day.jsonl", records[8:33])
    with path.open("a", encoding="utf-8") as out:
        out.write("{not json\n")
    with Index(db) as idx:
        with pytest.raises(dupfinder.InputError):
            idx.add(str(path), chunk=10)
        assert idx.stats()["articles"] == 8 + 20
        idx.add(str(path), chunk=10, on_error="skip")
        assert idx.stats()["articles"] == 33


@pytest.mark.parametrize("numpy_only", [False, True])
def test_the_vocabulary_lookup_agrees_with_a_dict(monkeypatch, numpy_only: bool) -> None:
    """(Both lookups: the compiled probe loop, with numba, and numpy's rounds of gathers.)"""
    import numpy as np

    if numpy_only:
        monkeypatch.setenv("DUPFINDER_NUMPY", "1")

    from dupfinder.index.store import _HashIndex

    rng = np.random.default_rng(5)
    table, plain = _HashIndex(bits=4), {}
    for step in range(6):  # grows past its size several times; colliding slots included
        keys = np.unique(rng.integers(0, 1 << 32, 300 * (step + 1), dtype=np.uint64)
                         ).astype(np.uint32)
        keys = np.array([k for k in keys.tolist() if k not in plain], dtype=np.uint32)
        values = np.arange(len(plain), len(plain) + keys.size)
        table.insert(keys, values)
        plain.update(zip(keys.tolist(), values.tolist()))
        probe = np.concatenate([keys, rng.integers(0, 1 << 32, 500, dtype=np.uint64
                                                   ).astype(np.uint32)])
        assert table.find(probe).tolist() == [plain.get(k, -1) for k in probe.tolist()]


def test_merged_segments_hold_every_live_posting_sorted_by_key_then_row(tmp_path) -> None:
    import numpy as np

    from dupfinder.index.store import MERGE_FANIN, SQLiteStore

    rng = np.random.default_rng(8)
    store = SQLiteStore(tmp_path / "s.db")
    keys, rows = [], []
    with store.transaction():
        for n in range(MERGE_FANIN):
            k = rng.integers(0, 1 << 32, 400, dtype=np.uint64).astype(np.uint32)
            k[:50] = k[50:100]  # shared keys across and within segments
            r = rng.integers(100 * n, 100 * n + 90, 400).astype(np.uint32)
            store.add_segment(0, k, r)
            keys.append(k)
            rows.append(r)
        alive = np.arange(0, 100 * MERGE_FANIN, 2, dtype=np.uint32)
        store.merge_segments(alive)
    (seg,) = [s for s in store.segments() if s.kind == 0]
    k, r = np.concatenate(keys), np.concatenate(rows)
    live = np.isin(r, alive)
    order = np.lexsort((r[live], k[live]))
    assert seg.level == 1
    assert np.array_equal(seg.keys, k[live][order]) and np.array_equal(seg.rows, r[live][order])
    store.close()


def test_the_directory_search_of_large_segments_is_searchsorted(monkeypatch) -> None:
    import numpy as np

    from dupfinder.index import keys as index_keys
    from dupfinder.index.store import Segment

    monkeypatch.setattr(index_keys, "DIRECTORY_MIN", 0)
    rng = np.random.default_rng(4)
    keys = np.sort(rng.integers(0, 1 << 32, 5000, dtype=np.uint64).astype(np.uint32))
    keys[100:400] = keys[100]  # a long run of one key, across buckets
    seg = Segment(1, 0, 0, keys, np.zeros(keys.size, np.uint32))
    needles = np.sort(np.concatenate([
        rng.integers(0, 1 << 32, 3000, dtype=np.uint64).astype(np.uint32),
        keys[rng.integers(0, keys.size, 800)], np.array([0, 2**32 - 1], np.uint32)]))
    for side in ("left", "right"):
        assert np.array_equal(index_keys.search(seg, needles, side),
                              np.searchsorted(keys, needles, side=side))


def test_postings_round_trip_at_the_edges() -> None:
    import numpy as np

    from dupfinder.index.codec import pack_postings, unpack_postings

    rng = np.random.default_rng(1)
    for n in (0, 1, 5, 20000):
        keys = np.sort(rng.integers(0, 1 << 32, n, dtype=np.uint64).astype(np.uint32))
        if n > 3:  # the smallest and largest keys, a repeated key, a gap past 16 bits
            keys[0], keys[-1], keys[2] = 0, 2**32 - 1, keys[1]
        for top in (1000, 1 << 25):  # 3-byte and 4-byte row offsets
            rows = rng.integers(5, top, n).astype(np.uint32)
            got_keys, got_rows = unpack_postings(*pack_postings(keys, rows))
            assert np.array_equal(got_keys, keys) and np.array_equal(got_rows, rows)


@pytest.mark.parametrize("numpy_only", [False, True])
def test_probing_finds_every_owner_row_pair_of_a_shared_key(tmp_path, monkeypatch,
                                                            numpy_only: bool) -> None:
    """(Both searches: the compiled galloping walk, with numba, and numpy's bisections.)"""
    import numpy as np

    if numpy_only:
        monkeypatch.setenv("DUPFINDER_NUMPY", "1")

    rng = np.random.default_rng(6)
    with Index(tmp_path / "p.db") as idx:
        store = idx.store
        segments = []
        with store.transaction():
            for n in range(3):
                keys = rng.integers(0, 60, 200).astype(np.uint32)  # many repeats
                rows = rng.integers(100 * n, 100 * n + 50, 200).astype(np.uint32)
                store.add_segment(1, keys, rows)
                segments.append((keys, rows))
        keys = rng.integers(0, 80, 300).astype(np.uint32)
        owners = rng.integers(0, 40, 300)
        got_o, got_r = idx.keys.probe(1, keys, owners)
        got = sorted(zip(got_o.tolist(), got_r.tolist()))
        want = sorted((int(o), int(r)) for k, o in zip(keys.tolist(), owners.tolist())
                      for seg_keys, seg_rows in segments
                      for sk, r in zip(seg_keys.tolist(), seg_rows.tolist()) if sk == k)
        assert got == want  # with multiplicity: the shared-sample counts rest on it


def test_token_blocks_compressed_on_threads_are_the_same_bytes() -> None:
    import numpy as np

    from dupfinder.index.codec import THREADED_BLOCKS, pack_tokens

    rng = np.random.default_rng(8)
    articles = 16 * (THREADED_BLOCKS + 5)
    counts = rng.integers(0, 60, articles)
    ids = rng.integers(0, 5000, int(counts.sum()))
    flags = rng.random(ids.size) < 0.1
    order = rng.permutation(articles).tolist()
    one = pack_tokens(ids, counts, flags, order)
    assert len(one) > THREADED_BLOCKS
    for workers in (2, 3):
        assert pack_tokens(ids, counts, flags, order, workers=workers) == one
