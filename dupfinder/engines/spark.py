"""The Spark engine: the local engine's stage functions under ``mapInArrow``, same results.

Split (see the README's "On a Spark cluster" for the shuffles each step costs):

- executors, per row: tokenise (``stages.tokens.featurize``) for the line identities, then
  again to shingle and sign (``stages.shingles.shingle``, ``stages.minhash.signatures``), over
  Arrow batches; every per-row array is one binary value (its elements' bytes);
- driver, small decisions: boilerplate (``stages.boilerplate.learn`` over the articles' line
  identities, collected; the keys are shipped back with the shingling closure);
- executors, pairs: LSH by exploding ``stages.lsh.band_keys`` into rows partitioned by key,
  each partition's buckets found by numpy and their pairs made by
  ``stages.arrays.pairs_within_runs`` exactly as locally; verification with each pair given
  to a part by its candidate component (``pair_parts``), every row's arrays sent once to each
  part it has pairs in and met there in one shuffle by part (past BROADCAST_PAIRS, each
  pair's two memberships joined to the rows and met by pair), where
  ``stages.verify.verify`` scores a partition's pairs at once (in two passes for many pairs,
  the tokens only for what the first rejects);
- driver: containment candidates, components, clusters and edits over the collected shingle
  arrays (the same calls as the local engine; ``dupfinder.pipeline`` drives them);
  ``edge_components_of`` labels components on DataFrames past ``DRIVER_EDGES``.

Rows are keyed by a dense input-order ``row_id`` assigned where the articles are read (never
``monotonically_increasing_id`` arithmetic), and everything collected is put back in ``row_id``
order, so the result depends on neither the number of partitions nor the order rows arrive in.

The session the engine runs in, and a local one's settings, are ``engines.spark_session``'s
(its names are re-exported here); ``warm_up`` is here since it runs the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from ..params import Params
from ..stages import boilerplate as bp
from ..stages.arrays import components, dedupe_pairs, mix64, pairs_within_runs
from ..stages.cluster import edge_components
from ..stages.lsh import MAX_BUCKET_PAIRS, band_keys, band_params
from ..stages.minhash import signatures
from ..stages.shingles import ShingleSets, shingle
from ..stages.tokens import featurize
from ..stages.verify import Edges, Thresholds, verify
from .spark_session import INSTALL as INSTALL
from .spark_session import LOCAL_DRIVER_MEMORY as LOCAL_DRIVER_MEMORY
from .spark_session import LOCAL_JAVA_OPTIONS as LOCAL_JAVA_OPTIONS
from .spark_session import SparkUnavailable as SparkUnavailable
from .spark_session import check_available as check_available
from .spark_session import is_spark_dataframe as is_spark_dataframe
from .spark_session import records as records
from .spark_session import session as session


def warm_up(spark: Any, params: Params | None = None) -> None:
    """Start every executor's Python workers and run each stage once on a few texts (imports,
    compiled kernels), so that the first scan is not charged for it."""
    params = params or Params()
    # ASCII texts and others (the tokeniser's kernels for each width of code point), each
    # four times (pairs to verify), on every partition.
    sample = (["Warm up the workers, one line.\nAnd a second line with 12 figures."] * 4
              + ["Caf\u00e9 au lait in \u201cZ\u00fcrich\u201d \u2014 12 figures.\n"
                 "A second line, with 2 more."] * 4)
    # The driver's own stages (boilerplate learning, the edits) with their kernels loaded,
    # as the executors' are below: a few pages sharing a chrome line.
    from ..stages.edits import warm_up as warm_edits
    from .workers import warm_up as warm_local

    warm_local()
    warm_edits()
    pages = featurize([f"Story {k}: {k * 7} things happened.\nShare this article"
                       for k in range(6)], params.tuning.units.long_unit_chars)
    bp.learn(pages.line_keys, pages.line_sizes, pages.line_offsets,
             np.arange(6, dtype=np.int64), params.tuning.boilerplate)
    engine = SparkEngine(spark, spark.sparkContext.defaultParallelism)
    try:
        engine.prepare(sample, params, np.zeros(len(sample), np.int64), None, lambda _: None)
        engine.verify(engine.lsh_pairs(), Thresholds(params.threshold, params.containment,
                                                     params.min_shingles,
                                                     params.tuning.verify))
    finally:
        engine.close()


# ---- Arrow helpers ----------------------------------------------------------------------
# Every per-row array travels as one binary value: its elements' bytes. Spark copies a binary
# value in one piece where it converts an array<int> element by element (the Arrow batches of
# mapInArrow, the cache, the shuffles), and on the Python side a batch's binary column is its
# values and offsets already, zero copy both ways.


def _blob(values: np.ndarray, offsets: np.ndarray) -> Any:
    """(values, offsets) as an Arrow binary array: row k holds the bytes of
    ``values[offsets[k]:offsets[k+1]]``."""
    import pyarrow as pa

    values = np.ascontiguousarray(values)
    if values.dtype == np.bool_:
        values = values.view(np.uint8)
    byte_offsets = np.ascontiguousarray(offsets, dtype=np.int64) * values.dtype.itemsize
    if byte_offsets[-1] - byte_offsets[0] >= 2**31:
        raise ValueError("spark engine: one batch's array column passed 2 GB")
    byte_offsets = (byte_offsets - byte_offsets[0]).astype(np.int32)
    return pa.Array.from_buffers(pa.binary(), offsets.size - 1,
                                 [None, pa.py_buffer(byte_offsets), pa.py_buffer(values)])


def _unblob(col: Any, dtype: Any) -> tuple[np.ndarray, np.ndarray]:
    """A binary column of ``_blob`` as (values, offsets), without copying."""
    import pyarrow as pa

    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    dtype = np.dtype(dtype)
    n = len(col)
    _, offsets_buf, data_buf = col.buffers()
    byte_offsets = np.frombuffer(offsets_buf, dtype=np.int32, count=n + 1,
                                 offset=col.offset * 4).astype(np.int64)
    if data_buf is None or n == 0:
        return np.zeros(0, dtype), np.zeros(n + 1, np.int64)
    data = np.frombuffer(data_buf, dtype=np.uint8)[byte_offsets[0]:byte_offsets[-1]]
    if dtype.itemsize > 1 and data.ctypes.data % dtype.itemsize:
        data = data.copy()  # unaligned: the compiled kernels want aligned arrays
    return data.view(dtype), (byte_offsets - byte_offsets[0]) // dtype.itemsize


def _numbers(col: Any) -> np.ndarray:
    import pyarrow as pa

    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    return np.asarray(col.to_numpy(zero_copy_only=False))


def _in_row_order(table: Any, rows: int, blobs: dict[str, Any], numbers: Sequence[str]
                  ) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], dict[str, np.ndarray]]:
    """A collected table's columns put back in ``row_id`` order (0 .. rows-1, each once):
    binary columns as (values, offsets) of ``blobs[name]``'s dtype, number columns as arrays.

    Chunk by chunk, each run of consecutive row ids copied as one slice (a partition's rows
    arrive in input order, so a chunk is usually one run), never one index per element."""
    ids = [_numbers(chunk).astype(np.int64) for chunk in table.column("row_id").chunks]
    all_ids = np.concatenate(ids) if ids else np.zeros(0, np.int64)
    if not np.array_equal(np.sort(all_ids), np.arange(rows)):
        raise RuntimeError("spark engine: rows were lost or repeated between stages")
    nums = {}
    for name in numbers:
        chunks = [_numbers(c) for c in table.column(name).chunks]
        values = np.concatenate(chunks) if chunks else np.zeros(0)
        out = np.empty(rows, dtype=values.dtype)
        out[all_ids] = values
        nums[name] = out
    arrays = {}
    for name, dtype in blobs.items():
        parts = [_unblob(c, dtype) for c in table.column(name).chunks]
        lengths = np.zeros(rows, np.int64)
        for (_, offsets), chunk_ids in zip(parts, ids):
            lengths[chunk_ids] = np.diff(offsets)
        out_offsets = np.zeros(rows + 1, np.int64)
        np.cumsum(lengths, out=out_offsets[1:])
        out_values = np.empty(int(out_offsets[-1]), dtype=dtype)
        for (values, offsets), chunk_ids in zip(parts, ids):
            if chunk_ids.size == 0:
                continue
            breaks = np.flatnonzero(np.diff(chunk_ids) != 1) + 1
            starts = np.concatenate(([0], breaks))
            ends = np.concatenate((breaks, [chunk_ids.size]))
            for lo, hi in zip(starts.tolist(), ends.tolist()):
                first = int(chunk_ids[lo])
                dest = out_offsets[first]
                src_lo, src_hi = offsets[lo], offsets[hi]
                out_values[dest:dest + src_hi - src_lo] = values[src_lo:src_hi]
        arrays[name] = (out_values, out_offsets)
    return arrays, nums


# ---- per-row stages (run on executors) ------------------------------------------------------

LINES = "row_id long, line_keys binary, line_sizes binary"
SHINGLES = ("row_id long, size int, shingles binary, words int, stripped boolean, "
            "figures binary, tokens binary, token_figures binary, sig binary")
BANDS = "part int, band binary, key binary, row_id binary"
PAIRS = "a long, b long"


def line_batches(long_chars: int) -> Callable[[Iterator[Any]], Iterator[Any]]:
    """Each text's line identities and sizes (``stages.tokens.featurize``), all that
    boilerplate learning reads."""
    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        for batch in batches:
            f = featurize([t or "" for t in batch.column("text").to_pylist()], long_chars)
            yield pa.RecordBatch.from_arrays(
                [batch.column("row_id"), _blob(f.line_keys, f.line_offsets),
                 _blob(f.line_sizes.astype(np.int64), f.line_offsets)],
                names=["row_id", "line_keys", "line_sizes"])
    return run


def shingle_batches(params: Params, boiler_keys: np.ndarray
                    ) -> Callable[[Iterator[Any]], Iterator[Any]]:
    """Each text tokenised (again: it is cheaper than keeping the tokens), shingled without
    the boilerplate lines and signed: ``featurize``, ``shingle``, ``signatures``."""
    long_chars = params.tuning.units.long_unit_chars
    n, rules, num_perm, seed = (params.shingle, params.tuning.boilerplate, params.num_perm,
                                params.seed)

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        for batch in batches:
            features = featurize([t or "" for t in batch.column("text").to_pylist()],
                                 long_chars)
            sets = shingle(features, n, boiler_keys, rules)
            del features
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
                 _blob(sets.hashes, sets.offsets),
                 pa.array(sets.words.astype(np.int32)),
                 pa.array(sets.stripped),
                 _blob(sets.figures, fig_offsets),
                 _blob(tokens, token_starts),
                 _blob(token_figures, token_starts),
                 _blob(sig.ravel(), np.arange(docs + 1, dtype=np.int64) * num_perm)],
                names=["row_id", "size", "shingles", "words", "stripped", "figures", "tokens",
                       "token_figures", "sig"])
    return run


# Band-key rows a bucketing task takes at most (20 bytes each).
KEYS_PER_TASK = 10_000_000


def band_key_batches(bands: int, rows: int, num_perm: int, parts: int
                     ) -> Callable[[Iterator[Any]], Iterator[Any]]:
    """Each batch's band keys (``stages.lsh.band_keys``) as (band, key, row_id), split by a
    hash of the key into ``parts`` parts, each part one row of three binary columns: the
    shuffle by part then moves a few fat rows, not one per article and band, and still brings
    every row of a key to one task."""
    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        for batch in batches:
            ids = _numbers(batch.column("row_id")).astype(np.int64)
            if ids.size == 0:
                continue
            sig, _ = _unblob(batch.column("sig"), np.uint32)
            sig = sig.reshape(ids.size, num_perm)
            keys = np.concatenate([band_keys(sig, band, rows) for band in range(bands)])
            band = np.repeat(np.arange(bands, dtype=np.int32), ids.size)
            row_id = np.tile(ids, bands)
            part = ((keys * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(40)) % np.uint64(parts)
            order = np.argsort(part, kind="stable")
            part = part[order].astype(np.int32)
            offsets = np.flatnonzero(np.concatenate(([True], part[1:] != part[:-1],
                                                     [True]))).astype(np.int64)
            yield pa.RecordBatch.from_arrays(
                [pa.array(part[offsets[:-1]]), _blob(band[order], offsets),
                 _blob(keys[order], offsets), _blob(row_id[order], offsets)],
                names=["part", "band", "key", "row_id"])
    return run


def bucket_pair_batches(batches: Iterator[Any]) -> Iterator[Any]:
    """The pairs of every bucket of one partition of band keys (partitioned by a hash of the
    key, so a bucket's rows are all here), as ``lsh.pairs_from_groups`` makes them: members
    in row order, all pairs, or a chain past ``MAX_BUCKET_PAIRS``."""
    import pyarrow as pa

    got = [(_unblob(b.column("band"), np.int32)[0], _unblob(b.column("key"), np.uint64)[0],
            _unblob(b.column("row_id"), np.int64)[0]) for b in batches if b.num_rows]
    if not got:
        return
    band, key, ids = (np.concatenate(cols) for cols in zip(*got))
    del got
    # Most keys are one article's: sorted by key alone, only the rows whose key another row
    # shares are sorted by (band, key, row) to find the buckets, members in row order.
    by_key = np.argsort(key)
    sorted_key = key[by_key]
    same = sorted_key[1:] == sorted_key[:-1]
    shared_row = np.zeros(key.size, dtype=bool)
    shared_row[1:] |= same
    shared_row[:-1] |= same
    keep = by_key[shared_row]
    band, key, ids = band[keep], key[keep], ids[keep]
    order = np.lexsort((ids, key, band))
    band, key, ids = band[order], key[order], ids[order].astype(np.int64)
    new = np.ones(ids.size, dtype=bool)
    new[1:] = (band[1:] != band[:-1]) | (key[1:] != key[:-1])
    starts = np.flatnonzero(new)
    sizes = np.diff(np.append(starts, ids.size))
    shared = sizes >= 2
    pairs = pairs_within_runs(ids, starts[shared], sizes[shared], MAX_BUCKET_PAIRS)
    # Pairs repeat across bands; the partition's repeats go here, the rest on the driver.
    pairs = np.unique(pairs, axis=0) if pairs.size else pairs
    step = 1 << 20
    for lo in range(0, len(pairs), step):
        yield pa.RecordBatch.from_arrays([pa.array(pairs[lo:lo + step, 0]),
                                          pa.array(pairs[lo:lo + step, 1])], names=["a", "b"])


# Pair memberships broadcast to every executor (17 bytes each, two a pair) rather than joined
# to the shingles in a shuffle.
BROADCAST_PAIRS = 4_000_000
# Pairs a verification task takes at most (its partition holds both sides' arrays of each).
PAIRS_PER_TASK = 100_000
SIDE_COLUMNS = ("shingles", "words", "figures")
TOKEN_COLUMNS = ("tokens", "token_figures")
# Below this many pairs verification is one pass with every column: a second Spark job costs
# more than the tokens it saves moving.
TWO_PASSES_FROM = 50_000
SCORES = "pair long, jaccard double, containment double"


def side_sets(batch: Any) -> ShingleSets:
    """A batch of pair sides as the ShingleSets ``stages.verify`` reads."""
    hashes, offsets = _unblob(batch.column("shingles"), np.uint32)
    figures, figure_offsets = _unblob(batch.column("figures"), np.uint32)
    tokens = token_figures = None
    if "tokens" in batch.schema.names:
        tokens, _ = _unblob(batch.column("tokens"), np.uint32)
        token_figures, _ = _unblob(batch.column("token_figures"), np.bool_)
    words = _numbers(batch.column("words")).astype(np.int32)
    return ShingleSets(hashes, offsets, words, np.zeros(words.size, bool), figures=figures,
                       figure_offsets=figure_offsets, tokens=tokens,
                       token_figures=token_figures)


def verify_batches(thresholds: Thresholds) -> Callable[[Iterator[Any]], Iterator[Any]]:
    """``stages.verify.verify`` over one partition of pair sides (partitioned by pair, so
    both sides of each pair are here): the partition's rows are one ShingleSets, and each
    pair is the positions of its a side and its b side among them."""

    def run(batches: Iterator[Any]) -> Iterator[Any]:

        got = [(side_sets(b), _numbers(b.column("pair")), _numbers(b.column("side")))
               for b in batches if b.num_rows]
        if not got:
            return
        sets = ShingleSets.concat([g[0] for g in got], consume=True)
        pair = np.concatenate([g[1] for g in got]).astype(np.int64)
        which = np.concatenate([g[2] for g in got])
        del got
        yield from _verified_sides(sets, pair, which, thresholds)
    return run


def _verified_sides(sets: ShingleSets, pair: np.ndarray, which: np.ndarray,
                    thresholds: Thresholds) -> Iterator[Any]:
    """The copies among pairs whose two sides are rows of ``sets`` (``pair`` their pair
    number, ``which`` the side), as one Arrow batch of (pair, jaccard, containment)."""
    import pyarrow as pa

    order = np.lexsort((which, pair))
    if order.size % 2 or not np.array_equal(pair[order[0::2]], pair[order[1::2]]):
        raise RuntimeError("spark engine: a pair's two sides did not meet")
    found = verify(sets, np.stack([order[0::2], order[1::2]], axis=1), thresholds)
    if found.pairs.size:
        yield pa.RecordBatch.from_arrays(
            [pa.array(pair[found.pairs[:, 0]]),
             pa.array(found.jaccard.astype(np.float64)),
             pa.array(found.containment.astype(np.float64))],
            names=["pair", "jaccard", "containment"])


_SIDE_TYPES = {"shingles": np.uint32, "figures": np.uint32, "tokens": np.uint32,
               "token_figures": np.bool_}


def _gather(values: np.ndarray, offsets: np.ndarray, rows: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    """Rows ``rows`` (repeats allowed) of (values, offsets), concatenated in that order."""
    starts, lengths = offsets[rows], offsets[rows + 1] - offsets[rows]
    out_offsets = np.zeros(rows.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=out_offsets[1:])
    index = np.repeat(starts - out_offsets[:-1], lengths) + np.arange(out_offsets[-1])
    return values[index], out_offsets


# Pairs of one candidate component verified in one task, each of its rows sent there once,
# up to this many pairs; a component with more is cut into parts of about this many (its
# rows then sent to each part they have pairs in).
PAIRS_PER_PART = 20_000


def pair_parts(pairs: np.ndarray, tasks: int) -> np.ndarray:
    """The part (0 .. tasks-1) each pair is verified in: its candidate component's (the
    components of the pairs themselves, labelled on the driver), so that each row travels
    once to the task that verifies all its pairs, rather than once for every pair it is in
    (a row of a five-copy story: four times); a component of more than PAIRS_PER_PART pairs
    spread over several parts. Which task verifies a pair does not change its answer."""
    nodes, local = np.unique(pairs, return_inverse=True)
    local = local.reshape(-1, 2).astype(np.int64)
    comp = components(nodes.size, local)[local[:, 0]]
    splits = np.maximum(1, -(-np.bincount(comp) // PAIRS_PER_PART))
    spread = (mix64(np.arange(len(pairs), dtype=np.uint64)) % splits[comp].astype(np.uint64))
    return ((mix64(comp.astype(np.uint64)) + spread) % np.uint64(tasks)).astype(np.int32)


def packed_row_batches(members: Any, parts: int, columns: Sequence[str]
                       ) -> Callable[[Iterator[Any]], Iterator[Any]]:
    """Each cached row's arrays once for every part it has pairs in (``members``: a
    broadcast of the distinct (row_id, part) sorted by row_id), packed into one row per part
    (a few fat rows move in the shuffle, not one per row): per array column, the rows'
    lengths and their values, as binary."""
    arrays = [c for c in columns if c in _SIDE_TYPES]

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        m_rows, m_part = members.value
        for batch in batches:
            ids = _numbers(batch.column("row_id")).astype(np.int64)
            lo = np.searchsorted(m_rows, ids, "left")
            count = np.searchsorted(m_rows, ids, "right") - lo
            total = int(count.sum())
            if total == 0:
                continue
            first = np.cumsum(count) - count
            member = np.repeat(lo - first, count) + np.arange(total)
            src = np.repeat(np.arange(ids.size), count)
            part = m_part[member]
            order = np.argsort(part, kind="stable")
            src, part = src[order], part[order]
            bounds = np.flatnonzero(np.concatenate(([True], part[1:] != part[:-1], [True])))
            out = [pa.array(part[bounds[:-1]].astype(np.int32)), _blob(ids[src], bounds),
                   _blob(_numbers(batch.column("words")).astype(np.int32)[src], bounds)]
            for name in arrays:
                values, offsets = _gather(*_unblob(batch.column(name), _SIDE_TYPES[name]), src)
                out += [_blob(np.diff(offsets), bounds), _blob(values, offsets[bounds])]
            yield pa.RecordBatch.from_arrays(
                out, names=["part", "row", "words"]
                + [f"{n}{suffix}" for n in arrays for suffix in ("_len", "")])
    return run


def packed_row_schema(columns: Sequence[str]) -> str:
    arrays = [c for c in columns if c in _SIDE_TYPES]
    return ", ".join(["part int", "row binary", "words binary"]
                     + [f"{n}{suffix} binary" for n in arrays for suffix in ("_len", "")])


def verify_row_batches(thresholds: Thresholds, columns: Sequence[str], assigned: Any
                       ) -> Callable[[Iterator[Any]], Iterator[Any]]:
    """``stages.verify.verify`` of the pairs assigned to the parts of one partition of
    packed rows (``assigned``: a broadcast of the pairs' (a, b) row ids and parts, sorted by
    part), every row of those pairs present; the copies as (pair, jaccard, containment), a
    pair named by its place among all the pairs."""
    arrays = [c for c in columns if c in _SIDE_TYPES]

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        cols: dict[str, list[np.ndarray]] = {}
        parts: list[np.ndarray] = []
        for b in batches:
            parts.append(_numbers(b.column("part")).astype(np.int32))
            for name in ["row", "words"] + [f"{n}{s}" for n in arrays for s in ("_len", "")]:
                dtype = {"row": np.int64, "words": np.int32}.get(
                    name, np.int64 if name.endswith("_len") else _SIDE_TYPES.get(name))
                cols.setdefault(name, []).append(_unblob(b.column(name), dtype)[0])
        here = np.unique(np.concatenate(parts)) if parts else np.zeros(0, np.int32)
        if not here.size:
            return
        joined = {name: np.concatenate(got) for name, got in cols.items()}
        del cols
        # A row sent to two parts that met in this partition is here twice: one copy kept.
        row_ids, keep = np.unique(joined["row"], return_index=True)

        def picked(name: str) -> tuple[np.ndarray, np.ndarray]:
            lengths = joined[name + "_len"]
            at = np.zeros(lengths.size + 1, dtype=np.int64)
            np.cumsum(lengths, out=at[1:])
            return _gather(joined[name], at, keep)

        hashes, offsets = picked("shingles")
        figures, figure_offsets = picked("figures")
        tokens = token_figures = None
        if "tokens" in joined:
            tokens, _ = picked("tokens")
            token_figures, _ = picked("token_figures")
        sets = ShingleSets(hashes, offsets, joined["words"][keep], np.zeros(keep.size, bool),
                           figures=figures, figure_offsets=figure_offsets, tokens=tokens,
                           token_figures=token_figures)
        p_part, p_a, p_b, p_index = assigned.value
        lo, hi = np.searchsorted(p_part, here, "left"), np.searchsorted(p_part, here, "right")
        mine = np.concatenate([np.arange(a, b, dtype=np.int64)
                               for a, b in zip(lo.tolist(), hi.tolist())])
        a_at, b_at = np.searchsorted(row_ids, p_a[mine]), np.searchsorted(row_ids, p_b[mine])
        if (a_at.size and (a_at.max() >= row_ids.size or b_at.max() >= row_ids.size
                           or not np.array_equal(row_ids[a_at], p_a[mine])
                           or not np.array_equal(row_ids[b_at], p_b[mine]))):
            raise RuntimeError("spark engine: a pair's rows did not meet")
        local = np.stack([a_at, b_at], axis=1)
        found = verify(sets, local, thresholds)
        if found.pairs.size:
            # Back to each copy's pair number: (a, b) positions name one pair.
            key = local[:, 0] * row_ids.size + local[:, 1]
            order = np.argsort(key, kind="stable")
            at = order[np.searchsorted(key[order], found.pairs[:, 0] * row_ids.size
                                       + found.pairs[:, 1])]
            yield pa.RecordBatch.from_arrays(
                [pa.array(p_index[mine][at]), pa.array(found.jaccard.astype(np.float64)),
                 pa.array(found.containment.astype(np.float64))],
                names=["pair", "jaccard", "containment"])
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

    def components(self, pairs: np.ndarray) -> list[list[int]]:
        """Connected components of the verified pairs (``edge_components_of``: on the driver
        below DRIVER_EDGES, on DataFrames above)."""
        return edge_components_of(self.spark, pairs)

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
        # The texts are tokenised twice, for their lines and then to be shingled: featurize
        # costs less than keeping every token in the executors' cache between the two.
        articles = self.articles(texts)
        boiler: set[int] = set()
        learned: list[bp.LearnedLine] = []
        if params.boilerplate and texts:
            say("tokenising (spark) and learning boilerplate")
            lines = articles.mapInArrow(line_batches(tuning.units.long_unit_chars),
                                        LINES).toArrow()
            arrays, _ = _in_row_order(lines, len(texts),
                                      {"line_keys": np.uint64, "line_sizes": np.int64}, ())
            del lines
            (keys, line_offsets), (sizes, _) = arrays["line_keys"], arrays["line_sizes"]
            found = bp.learn(keys, sizes, line_offsets, outlets, tuning.boilerplate,
                             ranks=ranks)
            boiler, learned = set(found.keys), found.lines
            del keys, sizes
            say(f"{len(boiler):,} boilerplate lines")
        boiler |= known_boilerplate
        boiler_keys = np.array(sorted(boiler), dtype=np.uint64)
        say("tokenising, shingling and signing (spark)")
        self._shingles = self._cache(articles.mapInArrow(shingle_batches(params, boiler_keys),
                                                         SHINGLES))
        table = self._shingles.select("row_id", "shingles", "words", "stripped", "figures",
                                      "tokens", "token_figures").toArrow()
        arrays, numbers = _in_row_order(
            table, len(texts), {"shingles": np.uint32, "figures": np.uint32,
                                "tokens": np.uint32, "token_figures": np.bool_},
            ("words", "stripped"))
        del table
        (hashes, offsets), (figures, figure_offsets) = arrays["shingles"], arrays["figures"]
        sets = ShingleSets(hashes, offsets, numbers["words"].astype(np.int32),
                           numbers["stripped"].astype(bool), figures=figures,
                           figure_offsets=figure_offsets, tokens=arrays["tokens"][0],
                           token_figures=arrays["token_figures"][0],
                           ).with_sample(tuning.candidates.sample_rate)
        return sets, frozenset(boiler), learned

    def lsh_pairs(self) -> np.ndarray:
        """Pairs sharing a band: ``stages.lsh.candidate_pairs`` by grouping band keys."""
        from pyspark.sql import functions as F

        assert self.params is not None and self._shingles is not None
        if self._docs < 2:
            return np.zeros((0, 2), dtype=np.int64)
        num_perm = self.params.num_perm
        bands, rows = band_params(round(float(self.params.lsh_threshold), 4), int(num_perm))
        parts = max(int(self.spark.conf.get("spark.sql.shuffle.partitions")),
                    -(-self._docs * bands // KEYS_PER_TASK))
        keys = (self._shingles.where(F.col("size") > 0).select("row_id", "sig")
                .mapInArrow(band_key_batches(bands, rows, num_perm, parts), BANDS))
        # A bucket's rows meet in one partition (by a hash of its key) and its pairs are made
        # there with numpy: one shuffle of a few rows of packed keys, no aggregation. The
        # pairs come to the driver anyway (the containment stage subtracts them), so they are
        # made unique there rather than by one more shuffle.
        buckets = keys.repartition(parts, "part")
        pairs = _sorted_pairs(buckets.mapInArrow(bucket_pair_batches, PAIRS).toArrow())
        return dedupe_pairs(pairs, self._docs) if pairs.size else pairs

    def verify(self, pairs: np.ndarray, thresholds: Thresholds) -> Edges:
        """The pairs that are copies, with their scores, in the order given (sorted pairs)."""
        assert self._shingles is not None
        if pairs.size == 0:
            return Edges(np.zeros((0, 2), np.int64), np.zeros(0), np.zeros(0))
        # Past TWO_PASSES_FROM pairs, first on the shingles and figures alone, then, for the
        # pairs that this rejects (1% of LSH pairs on generated news), with the tokens too:
        # the second look at near misses is the one part of the decision that reads tokens.
        # Without them stages.verify.verify can only reject a pair it would accept, never the
        # reverse, and scores what it accepts as it would with them (pair_score's look needs
        # the tokens; nothing else does), so the union is the one-pass answer for half the
        # bytes moved.
        if len(pairs) < TWO_PASSES_FROM:
            index, jaccard, containment = self._verify_pass(pairs, thresholds,
                                                            SIDE_COLUMNS + TOKEN_COLUMNS)
            order = np.argsort(index, kind="stable")
            return Edges(pairs[index[order]].astype(np.int64), jaccard[order],
                         containment[order])
        index, jaccard, containment = self._verify_pass(pairs, thresholds, SIDE_COLUMNS)
        rejected = np.ones(len(pairs), dtype=bool)
        rejected[index] = False
        again = np.flatnonzero(rejected)
        if again.size:
            late, late_jaccard, late_containment = self._verify_pass(
                pairs[again], thresholds, SIDE_COLUMNS + TOKEN_COLUMNS)
            index = np.concatenate([index, again[late]])
            jaccard = np.concatenate([jaccard, late_jaccard])
            containment = np.concatenate([containment, late_containment])
        # Back in the order the pairs were given (the local verify keeps its input's order).
        order = np.argsort(index, kind="stable")
        return Edges(pairs[index[order]].astype(np.int64), jaccard[order], containment[order])

    def _verify_pass(self, pairs: np.ndarray, thresholds: Thresholds, columns: Sequence[str]
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Positions among ``pairs`` of the copies, their jaccard and containment, reading
        the sides' ``columns``."""
        import pyarrow as pa

        count = len(pairs)
        tasks = max(int(self.spark.conf.get("spark.sql.shuffle.partitions")),
                    -(-count // PAIRS_PER_TASK))
        rows = pairs.astype(np.int64).T.ravel()  # each pair's a side, then each b side
        if count <= BROADCAST_PAIRS:
            # Each pair goes to a part (its candidate component's, ``pair_parts``); the
            # distinct (row_id, part) memberships and the pairs by part are broadcast: every
            # cached row emits its arrays once for each part it has pairs in, packed by part,
            # and each part's rows meet in one shuffle of a few fat rows, where
            # stages.verify.verify scores the part's pairs at once.
            part = pair_parts(pairs, tasks)
            code = np.unique((rows << np.int64(20)) | np.tile(part, 2).astype(np.int64))
            member_rows = code >> np.int64(20)  # sorted, a row once for each of its parts
            by_part = np.argsort(part, kind="stable")
            members = self.spark.sparkContext.broadcast(
                (member_rows, (code & np.int64((1 << 20) - 1)).astype(np.int32)))
            assigned = self.spark.sparkContext.broadcast(
                (part[by_part], pairs[by_part, 0].astype(np.int64),
                 pairs[by_part, 1].astype(np.int64), by_part.astype(np.int64)))
            rows_of = self._shingles.select("row_id", *columns)
            needed = member_rows[np.concatenate(([True], member_rows[1:] != member_rows[:-1]))]
            if needed.size * 2 < self._docs:
                # Few of the rows (the second pass's near misses): only theirs are read out of
                # the cache, by a broadcast join in the JVM, not every row's arrays converted
                # for Python to skip.
                from pyspark.sql import functions as F

                wanted = self.spark.createDataFrame(pa.table({"row_id": pa.array(needed)}))
                rows_of = rows_of.join(F.broadcast(wanted), "row_id")
            try:
                found = (rows_of
                         .mapInArrow(packed_row_batches(members, tasks, columns),
                                     packed_row_schema(columns))
                         .repartition(tasks, "part")
                         .mapInArrow(verify_row_batches(thresholds, columns, assigned), SCORES)
                         .toArrow())
            finally:
                members.unpersist()
                assigned.unpersist()
        else:
            # Too many to broadcast: the memberships are joined to the rows' arrays, then
            # both sides of a pair meet in one shuffle by pair.
            pair = np.tile(np.arange(count, dtype=np.int64), 2)
            side = np.repeat(np.array([0, 1], dtype=np.int8), count)
            frame = self.spark.createDataFrame(pa.table({
                "row_id": pa.array(rows), "pair": pa.array(pair), "side": pa.array(side)}))
            sides = self._shingles.select("row_id", *columns).join(frame, on="row_id")
            found = (sides.repartition(tasks, "pair")
                     .mapInArrow(verify_batches(thresholds), SCORES).toArrow())
        return (_numbers(found.column("pair")).astype(np.int64),
                _numbers(found.column("jaccard")).astype(np.float64),
                _numbers(found.column("containment")).astype(np.float64))


# ---- connected components -------------------------------------------------------------------

# Verified edges past which components are labelled on DataFrames rather than on the driver.
# Below it the driver's numpy labelling (stages.cluster.edge_components) takes a second where
# the DataFrame rounds take tens (the prototype: 53k edges, 1-2 s against 22 s).
DRIVER_EDGES = 20_000_000


def component_labels(edges: Any, max_rounds: int = 64) -> Any:
    """Each node of an edge DataFrame (columns ``a``, ``b``: row ids) with its component's
    smallest member, as a DataFrame (``row_id``, ``component``): large-star / small-star
    (Kiveris et al., "Connected components in MapReduce and beyond", 2014) on DataFrames,
    rounds until a round changes no edge (each round's edges checkpointed, so the plan does
    not grow). The labels are those of ``stages.arrays.components`` over the same edges."""
    from pyspark.sql import functions as F

    def oriented(df: Any) -> Any:
        # (u, v) with v < u, each undirected edge once, no self loops.
        return (df.where(F.col("u") != F.col("v"))
                .select(F.greatest("u", "v").alias("u"), F.least("u", "v").alias("v"))
                .distinct())

    def fingerprint(df: Any) -> tuple[int, int]:
        row = df.agg(F.count(F.lit(1)).alias("n"),
                     F.expr("bit_xor(xxhash64(u, v))").alias("h")).collect()[0]
        return int(row["n"]), int(row["h"] or 0)

    current = oriented(edges.select(F.col("a").alias("u"), F.col("b").alias("v")))
    current = current.localCheckpoint()
    seen = fingerprint(current)
    for _ in range(max_rounds):
        # Large star: every node's larger neighbours join its smallest neighbour (or itself).
        both = current.union(current.select(F.col("v").alias("u"), F.col("u").alias("v")))
        low = both.groupBy("u").agg(F.least(F.min("v"), F.col("u")).alias("m"))
        large = oriented(both.join(low, "u").where(F.col("v") > F.col("u"))
                         .select(F.col("v").alias("u"), F.col("m").alias("v")))
        # Small star: a node and its smaller neighbours join the smallest of them.
        low = large.groupBy("u").agg(F.min("v").alias("m"))
        small = oriented(large.join(low, "u").select(F.col("v").alias("u"), "m")
                         .union(low.select("u", "m"))
                         .select("u", F.col("m").alias("v")))
        current = small.localCheckpoint()
        now = fingerprint(current)
        if now == seen:
            break
        seen = now
    else:
        raise RuntimeError(f"spark engine: components did not settle in {max_rounds} rounds")
    # Settled, every edge joins a node to its component's smallest member.
    return (current.select(F.col("u").alias("row_id"), F.col("v").alias("component"))
            .union(current.select(F.col("v").alias("row_id"), F.col("v").alias("component")))
            .distinct())


def edge_components_of(spark: Any, pairs: np.ndarray,
                       driver_edges: int | None = None) -> list[list[int]]:
    """``stages.cluster.edge_components`` of the verified pairs: on the driver below
    ``driver_edges`` (DRIVER_EDGES), else labelled by ``component_labels`` on DataFrames;
    the same lists either way (each sorted, ordered by smallest member)."""
    import pyarrow as pa

    limit = DRIVER_EDGES if driver_edges is None else driver_edges
    if len(pairs) < limit or pairs.size == 0:
        return edge_components(pairs)
    edges = spark.createDataFrame(pa.table({"a": pa.array(pairs[:, 0].astype(np.int64)),
                                            "b": pa.array(pairs[:, 1].astype(np.int64))}))
    table = component_labels(edges).toArrow()
    nodes = _numbers(table.column("row_id")).astype(np.int64)
    labels = _numbers(table.column("component")).astype(np.int64)
    order = np.lexsort((nodes, labels))
    nodes, labels = nodes[order], labels[order]
    starts = np.flatnonzero(np.concatenate(([True], labels[1:] != labels[:-1])))
    ends = np.append(starts[1:], nodes.size)
    return [nodes[a:b].tolist() for a, b in zip(starts.tolist(), ends.tolist())]
