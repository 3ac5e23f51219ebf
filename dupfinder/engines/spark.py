"""The Spark engine: the local engine's stage functions under ``mapInArrow``, same results.

Split (see the README's "On a Spark cluster" for the shuffles each step costs):

- executors, per row: tokenise (``stages.tokens.featurize``), shingle and sign
  (``stages.shingles.shingle``, ``stages.minhash.signatures``) over Arrow batches;
- driver, small decisions: boilerplate (``stages.boilerplate.learn`` over the articles' line
  identities, collected; the keys are shipped back with the shingling closure);
- executors, pairs: LSH by exploding ``stages.lsh.band_keys`` and grouping by (band, key), each
  bucket's pairs by ``stages.arrays.pairs_within_runs`` exactly as locally; verification by
  joining both sides' arrays to each pair and calling ``stages.verify.pair_score``;
- driver: containment candidates, clusters and edits over the collected shingle arrays (the same
  calls as the local engine; ``dupfinder.pipeline`` drives them).

Rows are keyed by a dense input-order ``row_id`` assigned where the articles are read (never
``monotonically_increasing_id`` arithmetic), and everything collected is put back in ``row_id``
order, so the result depends on neither the number of partitions nor the order rows arrive in.
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from ..errors import DupfinderError, MissingExtraError
from ..params import Params
from ..stages import boilerplate as bp
from ..stages.arrays import dedupe_pairs, pairs_within_runs
from ..stages.lsh import MAX_BUCKET_PAIRS, band_keys, band_params
from ..stages.minhash import signatures
from ..stages.shingles import ShingleSets, shingle
from ..stages.tokens import Features, featurize
from ..stages.verify import Edges, Side, Thresholds, pair_score

INSTALL = "pip install 'dupfinder[spark]'"
# The JVM heap of a local session this module starts (it is the executor as well).
LOCAL_DRIVER_MEMORY = "6g"


class SparkUnavailable(DupfinderError):
    """pyspark or Java is missing: the message names the fix."""


def check_available() -> None:
    """Raise a one-line error naming the fix when pyspark or Java is missing."""
    try:
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as error:
        raise MissingExtraError("spark", "the Spark engine") from error
    java_home = os.environ.get("JAVA_HOME")
    java = (os.path.join(java_home, "bin", "java") if java_home else None) or shutil.which("java")
    if not java or not os.path.exists(java):
        raise SparkUnavailable(
            "the Spark engine needs Java 17 or later: install a JDK (for example "
            "apt-get install openjdk-17-jre-headless) or set JAVA_HOME; pyspark comes with "
            f"{INSTALL}")


def session(master: str | None = None, app: str = "dupfinder") -> Any:
    """The active SparkSession, or a new one (``master`` as given, else the one spark-submit
    set, else local[*])."""
    check_available()
    # pyspark warns about pandas 3 on every Arrow call; the engine uses Arrow only.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    from pyspark import SparkConf
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    local = master is None or master.startswith("local")
    if local:
        # Executors of a local master run this interpreter, so they see this environment.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app)
    if master is not None:
        builder = builder.master(master)
    elif not SparkConf().contains("spark.master"):
        builder = builder.master("local[*]")
    builder = (builder.config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true"))
    conf = SparkConf()
    if local:
        # 200 shuffle partitions cost a task each on every shuffle, for a few cores' worth of
        # work; the driver's JVM is the executor too, and receives every article's shingles
        # and tokens (about 5 KB an article), so Spark's 1 GB default is too small for 100k
        # articles. On a cluster the user's settings (or Spark's) stand.
        for key, value in (("spark.sql.shuffle.partitions", str(2 * (os.cpu_count() or 1))),
                           ("spark.driver.memory", LOCAL_DRIVER_MEMORY),
                           ("spark.driver.maxResultSize", "0")):
            if not conf.contains(key):
                builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def warm_up(spark: Any, params: Params | None = None) -> None:
    """Start every executor's Python workers and run each per-row stage once on a few texts
    (imports, compiled kernels), so that the first scan is not charged for it."""
    sample = ["Warm up the workers, one line.\nAnd a second line with 12 figures."] * 4
    engine = SparkEngine(spark, spark.sparkContext.defaultParallelism)
    try:
        engine.prepare(sample, params or Params(), np.zeros(len(sample), np.int64), None,
                       lambda _: None)
        engine.lsh_pairs()
    finally:
        engine.close()


def is_spark_dataframe(obj: Any) -> bool:
    return type(obj).__name__ == "DataFrame" and type(obj).__module__.startswith("pyspark")


def records(df: Any) -> Iterator[dict[str, Any]]:
    """A Spark DataFrame's rows as dicts, in its partition order (the record numbers)."""
    for row in df.toLocalIterator():
        yield row.asDict(recursive=True)


# ---- Arrow helpers ----------------------------------------------------------------------


def _flat(col: Any, dtype: Any) -> tuple[np.ndarray, np.ndarray]:
    """A list column as (values, offsets): row k owns ``values[offsets[k]:offsets[k+1]]``."""
    import pyarrow as pa

    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    lengths = col.value_lengths().fill_null(0).to_numpy(zero_copy_only=False)
    offsets = np.zeros(len(col) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    values = col.flatten().to_numpy(zero_copy_only=False)
    if values.dtype != dtype:
        values = values.view(dtype) if values.dtype.itemsize == np.dtype(dtype).itemsize \
            else values.astype(dtype)
    return values, offsets


def _lists(values: np.ndarray, offsets: np.ndarray, as_type: Any) -> Any:
    """(values, offsets) as an Arrow list array of ``as_type`` (unsigned viewed as signed)."""
    import pyarrow as pa

    if values.dtype == np.uint32:
        values = values.view(np.int32)
    elif values.dtype == np.uint64:
        values = values.view(np.int64)
    return pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)),
                                    pa.array(values, type=as_type))


def _numbers(col: Any) -> np.ndarray:
    import pyarrow as pa

    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    return np.asarray(col.to_numpy(zero_copy_only=False))


# ---- per-row stages (run on executors) ------------------------------------------------------

FEATURES = ("row_id long, tokens array<int>, has_digit array<boolean>, line_keys array<long>, "
            "line_sizes array<long>")
SHINGLES = ("row_id long, size int, shingles array<int>, words int, stripped boolean, "
            "figures array<int>, tokens array<int>, token_figures array<boolean>, "
            "sig array<int>")
BANDS = "band int, key long, row_id long"
PAIRS = "a long, b long"
EDGES = "a long, b long, jaccard double, containment double"


def featurize_batches(long_chars: int) -> Callable[[Iterator[Any]], Iterator[Any]]:
    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        for batch in batches:
            texts = [t or "" for t in batch.column("text").to_pylist()]
            f = featurize(texts, long_chars)
            yield pa.RecordBatch.from_arrays(
                [batch.column("row_id"),
                 _lists(f.tokens, f.token_offsets, pa.int32()),
                 _lists(f.has_digit if f.has_digit.size == f.tokens.size
                        else np.zeros(f.tokens.size, bool), f.token_offsets, pa.bool_()),
                 _lists(f.line_keys, f.line_offsets, pa.int64()),
                 _lists(f.line_sizes.astype(np.int64), f.line_offsets, pa.int64())],
                names=["row_id", "tokens", "has_digit", "line_keys", "line_sizes"])
    return run


def features_of(batch: Any) -> Features:
    tokens, token_offsets = _flat(batch.column("tokens"), np.uint32)
    has_digit, _ = _flat(batch.column("has_digit"), np.bool_)
    line_keys, line_offsets = _flat(batch.column("line_keys"), np.uint64)
    line_sizes, _ = _flat(batch.column("line_sizes"), np.int64)
    return Features(tokens, token_offsets, line_keys, line_sizes, line_offsets, has_digit)


def shingle_batches(params: Params, boiler_keys: np.ndarray
                    ) -> Callable[[Iterator[Any]], Iterator[Any]]:
    n, rules, num_perm, seed = (params.shingle, params.tuning.boilerplate, params.num_perm,
                                params.seed)

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        for batch in batches:
            sets = shingle(features_of(batch), n, boiler_keys, rules)
            sig = signatures(sets.hashes, sets.offsets, num_perm, seed)
            docs = len(sets)
            token_starts = np.zeros(docs + 1, dtype=np.int64)
            np.cumsum(sets.words, out=token_starts[1:])
            tokens = sets.tokens if sets.tokens is not None else np.zeros(0, np.uint32)
            token_figures = (sets.token_figures if sets.token_figures is not None
                             else np.zeros(tokens.size, bool))
            fig_offsets = (sets.figure_offsets if sets.figure_offsets is not None
                           else np.zeros(docs + 1, np.int64))
            yield pa.RecordBatch.from_arrays(
                [batch.column("row_id"),
                 pa.array(sets.sizes().astype(np.int32)),
                 _lists(sets.hashes, sets.offsets, pa.int32()),
                 pa.array(sets.words.astype(np.int32)),
                 pa.array(sets.stripped),
                 _lists(sets.figures, fig_offsets, pa.int32()),
                 _lists(tokens, token_starts, pa.int32()),
                 _lists(token_figures, token_starts, pa.bool_()),
                 _lists(sig.ravel(), np.arange(docs + 1, dtype=np.int64) * num_perm,
                        pa.int32())],
                names=["row_id", "size", "shingles", "words", "stripped", "figures", "tokens",
                       "token_figures", "sig"])
    return run


def band_key_batches(bands: int, rows: int, num_perm: int
                     ) -> Callable[[Iterator[Any]], Iterator[Any]]:
    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        for batch in batches:
            ids = _numbers(batch.column("row_id")).astype(np.int64)
            if ids.size == 0:
                continue
            sig, _ = _flat(batch.column("sig"), np.uint32)
            sig = sig.reshape(ids.size, num_perm)
            keys = np.concatenate([band_keys(sig, band, rows) for band in range(bands)])
            yield pa.RecordBatch.from_arrays(
                [pa.array(np.repeat(np.arange(bands, dtype=np.int32), ids.size)),
                 pa.array(keys.view(np.int64)), pa.array(np.tile(ids, bands))],
                names=["band", "key", "row_id"])
    return run


def bucket_pair_batches(batches: Iterator[Any]) -> Iterator[Any]:
    """Each bucket's pairs, as ``lsh.pairs_from_groups`` makes them: members in row order,
    all pairs, or a chain past ``MAX_BUCKET_PAIRS``."""
    import pyarrow as pa

    for batch in batches:
        ids, offsets = _flat(batch.column("ids"), np.int64)
        if ids.size == 0:
            continue
        sizes = np.diff(offsets)
        bucket = np.repeat(np.arange(sizes.size), sizes)
        members = ids[np.lexsort((ids, bucket))]
        pairs = pairs_within_runs(members, offsets[:-1], sizes, MAX_BUCKET_PAIRS)
        # Pairs repeat across bands; the batch's repeats go here, the rest on the driver.
        pairs = np.unique(pairs, axis=0) if pairs.size else pairs
        yield pa.RecordBatch.from_arrays([pa.array(pairs[:, 0]), pa.array(pairs[:, 1])],
                                         names=["a", "b"])


# Pairs shipped whole to every executor (16 bytes each) rather than shuffled against the shingles.
BROADCAST_PAIRS = 4_000_000
SIDE_COLUMNS = ("shingles", "words", "figures", "tokens", "token_figures")


def verify_batches(thresholds: Thresholds) -> Callable[[Iterator[Any]], Iterator[Any]]:
    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        for batch in batches:
            a_ids = _numbers(batch.column("a")).astype(np.int64)
            b_ids = _numbers(batch.column("b")).astype(np.int64)
            sides = []
            for p in ("a_", "b_"):
                sh, sh_o = _flat(batch.column(p + "shingles"), np.uint32)
                fi, fi_o = _flat(batch.column(p + "figures"), np.uint32)
                to, to_o = _flat(batch.column(p + "tokens"), np.uint32)
                tf, _ = _flat(batch.column(p + "token_figures"), np.bool_)
                words = _numbers(batch.column(p + "words")).astype(np.int64)
                sides.append((sh, sh_o, fi, fi_o, to, to_o, tf, words))
            keep: list[int] = []
            jac: list[float] = []
            con: list[float] = []
            for k in range(a_ids.size):
                pair = []
                for sh, sh_o, fi, fi_o, to, to_o, tf, words in sides:
                    pair.append(Side(sh[sh_o[k]:sh_o[k + 1]], int(words[k]),
                                     fi[fi_o[k]:fi_o[k + 1]], to[to_o[k]:to_o[k + 1]],
                                     tf[to_o[k]:to_o[k + 1]]))
                score = pair_score(pair[0], pair[1], thresholds)
                if score is not None:
                    keep.append(k)
                    jac.append(score[0])
                    con.append(score[1])
            if keep:
                chosen = np.array(keep, dtype=np.int64)
                yield pa.RecordBatch.from_arrays(
                    [pa.array(a_ids[chosen]), pa.array(b_ids[chosen]),
                     pa.array(np.array(jac, dtype=np.float64)),
                     pa.array(np.array(con, dtype=np.float64))],
                    names=["a", "b", "jaccard", "containment"])
    return run


# ---- the engine -------------------------------------------------------------------------------


def _sorted_pairs(table: Any) -> np.ndarray:
    """The (a, b) columns of a collected table, sorted."""
    a = _numbers(table.column("a")).astype(np.int64)
    b = _numbers(table.column("b")).astype(np.int64)
    order = np.lexsort((b, a))
    return np.stack([a[order], b[order]], axis=1) if a.size else np.zeros((0, 2), np.int64)


class SparkEngine:
    """Prepares a corpus on Spark and answers the matching stages' questions over it.

    ``prepare`` runs the per-row stages and keeps their output cached on the executors;
    ``lsh_pairs`` and ``verify`` then work on the cached shingles. ``close`` frees them.
    """

    def __init__(self, spark: Any, partitions: int | None = None) -> None:
        self.spark = spark
        self.partitions = partitions
        self.params: Params | None = None
        self._cached: list[Any] = []
        self._shingles: Any = None
        self._docs = 0

    def __enter__(self) -> SparkEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for df in self._cached:
            df.unpersist()
        self._cached.clear()

    def _cache(self, df: Any) -> Any:
        from pyspark import StorageLevel

        df = df.persist(StorageLevel.MEMORY_AND_DISK)
        self._cached.append(df)
        return df

    def articles(self, texts: Sequence[str]) -> Any:
        """The texts as a DataFrame keyed by their dense input-order row_id."""
        import pyarrow as pa

        table = pa.table({"row_id": pa.array(np.arange(len(texts), dtype=np.int64)),
                          "text": pa.array(list(texts), type=pa.string())})
        df = self.spark.createDataFrame(table)
        if self.partitions:
            df = df.repartition(self.partitions)
        return df

    def prepare(self, texts: Sequence[str], params: Params, outlets: np.ndarray,
                ranks: np.ndarray | None, say: Callable[[str], None],
                known_boilerplate: frozenset[int] = frozenset(),
                ) -> tuple[ShingleSets, frozenset[int], list[bp.LearnedLine]]:
        """Tokenise, learn boilerplate, shingle and sign: the local ``prepare`` on Spark."""
        import pyarrow as pa  # noqa: F401

        self.params = params
        self._docs = len(texts)
        tuning = params.tuning
        say("tokenising (spark)")
        feats = self._cache(self.articles(texts).mapInArrow(
            featurize_batches(tuning.units.long_unit_chars), FEATURES))
        boiler: set[int] = set()
        learned: list[bp.LearnedLine] = []
        if params.boilerplate and texts:
            say("learning boilerplate")
            lines = feats.select("row_id", "line_keys", "line_sizes").toArrow()
            lines = lines.take(np.argsort(_numbers(lines.column("row_id")), kind="stable"))
            keys, line_offsets = _flat(lines.column("line_keys"), np.uint64)
            sizes, _ = _flat(lines.column("line_sizes"), np.int64)
            found = bp.learn(keys, sizes, line_offsets, outlets, tuning.boilerplate,
                             ranks=ranks)
            boiler, learned = set(found.keys), found.lines
            del lines, keys, sizes
            say(f"{len(boiler):,} boilerplate lines")
        boiler |= known_boilerplate
        boiler_keys = np.array(sorted(boiler), dtype=np.uint64)
        say("shingling and signing (spark)")
        self._shingles = self._cache(feats.mapInArrow(shingle_batches(params, boiler_keys),
                                                      SHINGLES))
        table = self._shingles.select("row_id", "shingles", "words", "stripped", "figures",
                                      "tokens", "token_figures").toArrow()
        row_ids = _numbers(table.column("row_id"))
        order = np.argsort(row_ids, kind="stable")
        if not np.array_equal(row_ids[order], np.arange(len(texts))):
            raise RuntimeError("spark engine: rows were lost or repeated between stages")
        table = table.take(order)
        hashes, offsets = _flat(table.column("shingles"), np.uint32)
        figures, figure_offsets = _flat(table.column("figures"), np.uint32)
        tokens, _ = _flat(table.column("tokens"), np.uint32)
        token_figures, _ = _flat(table.column("token_figures"), np.bool_)
        sets = ShingleSets(hashes, offsets,
                           _numbers(table.column("words")).astype(np.int32),
                           _numbers(table.column("stripped")).astype(bool),
                           figures=figures, figure_offsets=figure_offsets, tokens=tokens,
                           token_figures=token_figures).with_sample(tuning.candidates.sample_rate)
        return sets, frozenset(boiler), learned

    def lsh_pairs(self) -> np.ndarray:
        """Pairs sharing a band: ``stages.lsh.candidate_pairs`` by grouping band keys."""
        from pyspark.sql import functions as F

        assert self.params is not None and self._shingles is not None
        if self._docs < 2:
            return np.zeros((0, 2), dtype=np.int64)
        num_perm = self.params.num_perm
        bands, rows = band_params(round(float(self.params.lsh_threshold), 4), int(num_perm))
        keys = (self._shingles.where(F.col("size") > 0).select("row_id", "sig")
                .mapInArrow(band_key_batches(bands, rows, num_perm), BANDS))
        buckets = (keys.groupBy("band", "key").agg(F.collect_list("row_id").alias("ids"))
                   .where(F.size("ids") >= 2).select("ids"))
        # The pairs come to the driver anyway (the containment stage subtracts them), so they
        # are made unique there rather than by one more shuffle.
        pairs = _sorted_pairs(buckets.mapInArrow(bucket_pair_batches, PAIRS).toArrow())
        return dedupe_pairs(pairs, self._docs) if pairs.size else pairs

    def verify(self, pairs: np.ndarray, thresholds: Thresholds) -> Edges:
        """The pairs that are copies, with their scores, in the order given (sorted pairs)."""
        import pyarrow as pa

        assert self._shingles is not None
        if pairs.size == 0:
            return Edges(np.zeros((0, 2), np.int64), np.zeros(0), np.zeros(0))
        df = self.spark.createDataFrame(pa.table({"a": pa.array(pairs[:, 0].astype(np.int64)),
                                                  "b": pa.array(pairs[:, 1].astype(np.int64))}))
        # Each side's arrays meet their pair: the pairs go to the shingles (broadcast, below
        # BROADCAST_PAIRS, so that only the rows a pair touches move), then the two halves
        # meet by (a, b) in one shuffle.
        if len(pairs) <= BROADCAST_PAIRS:
            from pyspark.sql import functions as F

            df = F.broadcast(df)
        sides = self._shingles.select("row_id", *SIDE_COLUMNS)
        halves = []
        for p in ("a", "b"):
            side_df = sides.select(sides.row_id.alias(p),
                                   *[sides[c].alias(f"{p}_{c}") for c in SIDE_COLUMNS])
            halves.append(side_df.join(df, on=p))
        df = halves[0].join(halves[1], on=["a", "b"])
        found = df.mapInArrow(verify_batches(thresholds), EDGES).toArrow()
        a = _numbers(found.column("a")).astype(np.int64)
        b = _numbers(found.column("b")).astype(np.int64)
        # Back in the order the pairs were given (the local verify keeps its input's order):
        # each found pair's position among the given ones, by its code a * docs + b.
        docs = max(self._docs, 1)
        given = pairs[:, 0].astype(np.int64) * docs + pairs[:, 1]
        by_code = np.argsort(given, kind="stable")
        where = by_code[np.searchsorted(given[by_code], a * docs + b)]
        order = np.argsort(where, kind="stable")
        return Edges(np.stack([a[order], b[order]], axis=1),
                     _numbers(found.column("jaccard")).astype(np.float64)[order],
                     _numbers(found.column("containment")).astype(np.float64)[order])
