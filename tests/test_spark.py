"""The Spark engine gives the local engine's report, byte for byte apart from timing.

One SparkSession on local[2] is shared by every test here (session-scoped fixture); the tests
skip, saying why, when pyspark or Java is missing. Corpora are small so that the file runs in
a couple of minutes: each scan on Spark costs a few seconds of job scheduling whatever its size.
"""

from __future__ import annotations

import builtins
import json
import random
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dupfinder
from benchmarks.synthetic import generate
from dupfinder.errors import DupfinderError, MissingExtraError, RecordError
from dupfinder.stages.verify import Thresholds, copy_score, pair_score, side
from tests import pages
from tests.conftest import SAMPLE, SHARED_DATA, run, sample_records, write_jsonl


def _why_no_spark() -> str | None:
    try:
        from dupfinder.engines.spark import check_available

        check_available()
    except DupfinderError as error:
        return f"Spark engine unavailable: {error}"
    return None


NO_SPARK = _why_no_spark()
needs_spark = pytest.mark.skipif(NO_SPARK is not None, reason=NO_SPARK or "")
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas")


@pytest.fixture(scope="session")
def spark() -> Any:
    from dupfinder.engines.spark import session, warm_up

    s = session("local[2]")
    s.conf.set("spark.sql.shuffle.partitions", "4")
    warm_up(s)
    yield s
    s.stop()


def _text(result: Any) -> str:
    """The JSON report's text without its timing field: the bytes a user would diff."""
    text = result.to_json()
    timing = re.findall(r'\n *"seconds": [0-9.e+-]+,?', text)
    assert len(timing) == 1
    return text.replace(timing[0], "")


def _same(source: Any, spark: Any, **options: Any) -> dict[str, Any]:
    local = dupfinder.scan(source)
    on_spark = dupfinder.scan(source, engine="spark", spark=spark, **options)
    assert _text(on_spark) == _text(local)
    return json.loads(local.to_json() or "")


@pytest.fixture(scope="module")
def synthetic_2k(tmp_path_factory: Any) -> Path:
    path = tmp_path_factory.mktemp("spark") / "synthetic-2000.jsonl"
    return write_jsonl(path, list(generate(2000, seed=11)))


@pytest.fixture(scope="module")
def synthetic_small() -> list[dict[str, Any]]:
    return list(generate(400, seed=5)) + sample_records()


# ---- identical reports --------------------------------------------------------------------


@needs_spark
def test_sample_corpus_identical(spark: Any) -> None:
    report = _same(str(SAMPLE), spark)
    assert report["clusters"], "the sample corpus has clusters"


@needs_spark
def test_generated_corpus_with_chrome_lines_identical(spark: Any, synthetic_2k: Path) -> None:
    report = _same(str(synthetic_2k), spark, partitions=3)
    # The outlets' chrome sits on its own lines: boilerplate is learned and the copies are
    # signed without it, so this exercises the driver's decision shipped back to executors.
    assert len(report["boilerplate"]) >= 10
    assert any(m["boilerplate"] for c in report["clusters"] for m in c["members"]
               if "boilerplate" in m) or any(
        "boilerplate" in (m.get("edits") or {}).get("kinds", [])
        for c in report["clusters"] for m in c["members"])
    assert len(report["clusters"]) > 100


@needs_spark
@pytest.mark.parametrize(("input_partitions", "shuffle_partitions"),
                         [(1, 1), (3, 4), (7, 1)])
def test_identical_for_any_partitioning(spark: Any, synthetic_small: list[dict[str, Any]],
                                        input_partitions: int, shuffle_partitions: int) -> None:
    spark.conf.set("spark.sql.shuffle.partitions", str(shuffle_partitions))
    try:
        _same(synthetic_small, spark, partitions=input_partitions)
    finally:
        spark.conf.set("spark.sql.shuffle.partitions", "4")


@needs_spark
@pytest.mark.parametrize("joined", [False, True])
def test_identical_with_two_verification_passes(spark: Any, synthetic_2k: Path,
                                                monkeypatch: Any, joined: bool) -> None:
    """Verification first without the tokens, then with them for the pairs it rejected
    (what the engine does past TWO_PASSES_FROM pairs), gives the one-pass edges; with the
    memberships broadcast and packed (below BROADCAST_PAIRS) or joined (above)."""
    from dupfinder.engines import spark as on_spark

    monkeypatch.setattr(on_spark, "TWO_PASSES_FROM", 1)
    if joined:
        monkeypatch.setattr(on_spark, "BROADCAST_PAIRS", 0)
    _same(str(synthetic_2k), spark, partitions=2)


@needs_spark
def test_identical_with_components_cut_into_parts(spark: Any, synthetic_2k: Path,
                                                  monkeypatch: Any) -> None:
    """A candidate component of more pairs than PAIRS_PER_PART is verified in several parts
    (its rows sent to each part they have pairs in): the same report."""
    from dupfinder.engines import spark as on_spark

    monkeypatch.setattr(on_spark, "PAIRS_PER_PART", 2)
    _same(str(synthetic_2k), spark, partitions=3)


def test_pair_parts_keep_a_component_together_and_cut_a_large_one(monkeypatch: Any) -> None:
    from dupfinder.engines import spark as on_spark

    # Two components: {0, 1, 2} (three pairs) and {5, 6} (one).
    pairs = np.array([[0, 1], [0, 2], [1, 2], [5, 6]], dtype=np.int64)
    parts = on_spark.pair_parts(pairs, 64)
    assert parts.dtype == np.int32 and ((parts >= 0) & (parts < 64)).all()
    assert len(set(parts[:3].tolist())) == 1
    assert np.array_equal(on_spark.pair_parts(pairs, 64), parts)  # the same every time
    many = np.array([[0, k] for k in range(1, 400)], dtype=np.int64)
    assert len(set(on_spark.pair_parts(many, 64).tolist())) == 1
    monkeypatch.setattr(on_spark, "PAIRS_PER_PART", 50)
    assert len(set(on_spark.pair_parts(many, 64).tolist())) > 1


@needs_spark
def test_identical_for_shuffled_input(spark: Any, synthetic_small: list[dict[str, Any]]) -> None:
    records = list(synthetic_small)
    random.Random(3).shuffle(records)
    shuffled = _same(records, spark, partitions=5)
    # And the local engine's report does not depend on the input order either.
    assert _text(dupfinder.scan(records)) == _text(dupfinder.scan(synthetic_small))
    assert shuffled["clusters"]


@needs_spark
def test_skewed_corpus_identical(spark: Any) -> None:
    """500 identical articles (one LSH bucket past the pair cap), a stock sentence in many
    unrelated stories (a sampled shingle carried by many groups), texts without a word, one
    huge article and a bridge page carrying two stories."""
    gen = list(generate(300, seed=9))
    story = gen[0]["text"]
    records: list[dict[str, Any]] = [
        {"id": f"same-{k:03d}", "outlet": f"o{k % 30}.example", "text": story}
        for k in range(500)]
    stock = "Officials said the investigation was continuing and declined to comment further."
    records += [{**r, "text": r["text"] + "\n" + stock} for r in gen[1:]]
    records += [{"id": f"dash-{k}", "text": "—— * ——"} for k in range(3)]
    rng = random.Random(1)
    huge = " ".join(rng.choice(story.split()) for _ in range(150_000))
    records.append({"id": "huge", "outlet": "big.example", "text": huge})
    records.append({"id": "bridge", "outlet": "digest.example",
                    "text": gen[1]["text"] + "\n" + gen[2]["text"]})
    report = _same(records, spark, partitions=4)
    sizes = [c["size"] for c in report["clusters"]]
    assert sizes[0] >= 500


@needs_spark
def test_pages_corpora_identical(spark: Any) -> None:
    records = (pages.live_page() + pages.quoted_paragraph_corpus()
               + pages.copy_edited_reprint() + pages.related_block_page())
    _same(records, spark, partitions=2)


@needs_spark
@pytest.mark.parametrize("corpus", ["bbc_news/business", "syndication_2019/census_articles.csv"])
def test_labelled_corpus_identical(spark: Any, corpus: str) -> None:
    path = SHARED_DATA / corpus
    if not path.exists():
        pytest.skip(f"../shared/data/{corpus} absent")
    _same(str(path), spark)


@needs_spark
def test_components_on_dataframes_as_on_the_driver(spark: Any) -> None:
    """Large-star / small-star on DataFrames labels the verified pairs as the driver's numpy
    labelling does: random sparse graphs, a long chain (the slowest to settle), a star and
    a pair, in row ids that are neither dense nor ordered."""
    from dupfinder.engines.spark import edge_components_of
    from dupfinder.stages.cluster import edge_components

    rng = np.random.default_rng(4)
    random_edges = rng.integers(0, 300, size=(200, 2))
    chain = np.stack([np.arange(1000, 1030), np.arange(1001, 1031)], axis=1)[::-1]
    star = np.stack([np.full(20, 5000), np.arange(5001, 5021)], axis=1)
    pairs = np.concatenate([random_edges, chain, star, [[9000, 8999]]])
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    pairs = np.sort(pairs, axis=1)[rng.permutation(len(pairs))]
    expected = edge_components(pairs)
    spark.conf.set("spark.sql.shuffle.partitions", "2")  # each round is a few small shuffles
    try:
        assert edge_components_of(spark, pairs, driver_edges=0) == expected
    finally:
        spark.conf.set("spark.sql.shuffle.partitions", "4")
    assert edge_components_of(spark, pairs) == expected  # below the limit: on the driver
    assert len(expected) > 5


@needs_spark
def test_a_scan_with_components_on_dataframes_is_the_local_scan(
        spark: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scan's own components past the edge limit (set to 0 here): the same report."""
    import dupfinder.engines.spark as on_spark

    monkeypatch.setattr(on_spark, "DRIVER_EDGES", 0)
    spark.conf.set("spark.sql.shuffle.partitions", "2")
    try:
        report = _same(str(SAMPLE), spark)
    finally:
        spark.conf.set("spark.sql.shuffle.partitions", "4")
    assert len(report["clusters"]) == 5


# ---- inputs and outputs --------------------------------------------------------------------


@needs_spark
def test_spark_dataframe_as_input(spark: Any) -> None:
    records = sample_records()
    df = spark.createDataFrame(records).repartition(3)
    on_spark = dupfinder.scan(df)
    ids = sorted(r["id"] for r in records)
    assert sorted(a.id for a in on_spark.articles) == ids
    # The same report as the local engine over the rows in the order Spark gives them.
    rows = [r.asDict() for r in df.toLocalIterator()]
    assert _text(on_spark) == _text(dupfinder.scan(rows))


@needs_spark
def test_bad_record_named_or_skipped_as_locally(spark: Any, tmp_path: Path) -> None:
    lines = SAMPLE.read_text().splitlines()
    lines[4] = "not json at all"
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(RecordError, match=r"bad\.jsonl:5"):
        dupfinder.scan(str(bad), engine="spark", spark=spark)
    skipped = dupfinder.scan(str(bad), engine="spark", spark=spark, on_error="skip")
    assert [s.source for s in skipped.skipped] == [f"{bad}:5"]
    assert _text(skipped) == _text(dupfinder.scan(str(bad), on_error="skip"))


@needs_spark
def test_cli_spark_engine_json_and_parquet(spark: Any, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    local = run("scan", str(SAMPLE), "--json", "-", "--quiet")
    out = run("scan", str(SAMPLE), "--engine", "spark", "--master", "local[2]", "--json", "-",
              "--output-parquet", str(tmp_path / "tables"), "--quiet")
    assert out.exit_code == 0, out.stderr
    a, b = json.loads(local.stdout), json.loads(out.stdout)
    a["stats"].pop("seconds")
    b["stats"].pop("seconds")
    assert a == b
    clusters = pq.read_table(tmp_path / "tables" / "clusters").to_pylist()
    members = pq.read_table(tmp_path / "tables" / "members").to_pylist()
    edits = pq.read_table(tmp_path / "tables" / "edits").to_pylist()
    assert [c["cluster_id"] for c in clusters] == [c["id"] for c in b["clusters"]]
    assert len(members) == sum(c["size"] for c in b["clusters"])
    assert sum(m["is_canonical"] for m in members) == len(clusters)
    by_member = {(m["cluster_id"], m["id"]): m for m in members}
    for c in b["clusters"]:
        for m in c["members"]:
            assert by_member[(c["id"], m["id"])]["jaccard"] == m["jaccard"]
    assert edits and {e["kind"] for e in edits}
    assert all((e["cluster_id"], e["id"]) in by_member for e in edits)


def test_parquet_output_with_the_local_engine(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out = run("scan", str(SAMPLE), "--output-parquet", str(tmp_path / "t"), "--quiet")
    assert out.exit_code == 0, out.stderr
    assert out.stdout == ""
    members = pq.read_table(tmp_path / "t" / "members")
    report = dupfinder.scan(str(SAMPLE))
    assert members.num_rows == sum(c.size for c in report.clusters)


def test_master_without_spark_engine_is_an_error() -> None:
    out = run("scan", str(SAMPLE), "--master", "local[2]")
    assert out.exit_code == 2
    assert "--master needs --engine spark" in out.stderr


# ---- without pyspark or Java ----------------------------------------------------------------


def test_without_pyspark_one_line_naming_the_fix(monkeypatch: Any) -> None:
    real_import = builtins.__import__

    def no_pyspark(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pyspark" or name.startswith("pyspark."):
            raise ImportError("No module named 'pyspark'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyspark)
    with pytest.raises(MissingExtraError, match=r"pip install 'dupfinder\[spark\]'"):
        dupfinder.scan(str(SAMPLE), engine="spark")
    out = run("scan", str(SAMPLE), "--engine", "spark")
    assert out.exit_code == 2
    assert out.stderr.count("\n") == 1
    assert "pip install 'dupfinder[spark]'" in out.stderr


def test_without_java_one_line_naming_the_fix(monkeypatch: Any) -> None:
    pytest.importorskip("pyspark")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    out = run("scan", str(SAMPLE), "--engine", "spark")
    assert out.exit_code == 2
    assert out.stderr.count("\n") == 1
    assert "needs Java" in out.stderr and "JAVA_HOME" in out.stderr


def test_unknown_engine_is_a_usage_error() -> None:
    with pytest.raises(DupfinderError, match="engine"):
        dupfinder.scan(str(SAMPLE), engine="dask")


# ---- the pair function the engine calls ------------------------------------------------------


def test_pair_score_over_both_sides_arrays_agrees_with_copy_score() -> None:
    from dupfinder.engines.local import prepare
    from dupfinder.params import Params

    records = (sample_records() + pages.copy_edited_reprint() + pages.write_through()
               + pages.quoted_paragraph_corpus())
    params = Params()
    sets = prepare([r["text"] for r in records], params).sets
    thresholds = Thresholds(params.threshold, params.containment, params.min_shingles,
                            params.tuning.verify)
    rng = np.random.default_rng(0)
    n = len(sets)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    picked = [pairs[k] for k in rng.choice(len(pairs), size=min(3000, len(pairs)),
                                           replace=False)]
    copies = 0
    for i, j in picked:
        expected = copy_score(sets, i, j, thresholds)
        assert pair_score(side(sets, i), side(sets, j), thresholds) == expected
        assert pair_score(side(sets, j), side(sets, i), thresholds) == (
            copy_score(sets, j, i, thresholds))
        copies += expected is not None
    assert copies > 0
