"""``scan``: read -> learn boilerplate -> shingle -> MinHash -> candidates -> verify -> cluster.

This is the face: it reads the corpus (``corpus``, on worker processes for large JSON Lines
files), hands its texts to an engine (``engines.local``, or ``engines.spark`` for some steps)
and turns what comes back into a ``ScanResult``. Each step gives its pieces in order, so the
result depends on neither the engine nor the number of workers.
"""

from __future__ import annotations

import functools
import gc
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import repeat
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from . import corpus
from .article import Article
from .engines import local
from .engines.spill import Spill, release_free_memory
from .errors import DuplicateIdError, UsageError
from .fields import FieldMap, check_overrides, option, sort_key_for_date
from .params import Params, resolve_workers
from .readers import ReadContext, file_of, read_corpus
from .result import BoilerplateLine, Cluster, Embedded, Member, ScanResult, Stats
from .stages.agency import has_agency_marker, is_agency_outlet
from .stages.cluster import Facts
from .stages.shingles import ShingleSets
from .stages.tokens import Features, printed_units
from .tuning import EditRules

# Text held before reading turns lean (see corpus.py); a module setting so tests can lower it.
LEAN_CHARS = corpus.LEAN_CHARS

# ---- inputs ----------------------------------------------------------------------------


def articles_from(source: Any, ctx: ReadContext) -> Iterator[Article]:
    """Articles from a path, a list of paths, a pandas or Spark DataFrame, or records (dicts
    or ``Article`` objects), read by ``ctx``: what ``scan`` and the index read."""
    if isinstance(source, (str, Path)):
        yield from read_corpus([source], ctx)
        return
    if type(source).__module__.startswith("pyspark"):
        from .engines.spark import records as spark_records

        records: Iterable[Any] = spark_records(source)
    elif _is_dataframe(source):
        records = source.to_dict(orient="records")
    else:
        records = source
    items = list(records) if not isinstance(records, list) else records
    if items and all(isinstance(x, (str, Path)) for x in items):
        yield from read_corpus(items, ctx)
        return
    for number, item in enumerate(items, start=1):
        if isinstance(item, Article):
            article = ctx.finish(item)
        else:
            article = ctx.emit(item, f"record {number}", default_id=str(number))
        if article is not None:
            yield article


def _spark_engine(engine: str, spark: Any, master: str | None, partitions: int | None,
                  source: Any) -> Any:
    """The Spark engine for this scan, or None for the local one."""
    from_spark = type(source).__module__.startswith("pyspark")
    if engine not in ("local", "spark"):
        raise UsageError(f"must be 'local' or 'spark', got {engine!r}", option="engine")
    if engine == "local" and spark is None and not from_spark:
        return None
    from .engines import spark as on_spark

    if spark is None:
        spark = source.sparkSession if from_spark else on_spark.session(master)
    return on_spark.SparkEngine(spark, partitions)


def _is_dataframe(obj: Any) -> bool:
    return type(obj).__name__ == "DataFrame" and hasattr(obj, "to_dict")


class _AgencyMarks:
    """Agency credits, looked up only for the articles the canonical rule asks about."""

    def __init__(self, articles: Sequence[Article], known: dict[int, bool] | None = None) -> None:
        self.articles = articles
        self.cache: dict[int, bool] = dict(known or {})

    def __getitem__(self, i: int) -> bool:
        hit = self.cache.get(i)
        if hit is None:
            a = self.articles[i]
            hit = self.cache[i] = has_agency_marker(a.text, a.title)
        return hit

    def __len__(self) -> int:
        return len(self.articles)


def _check_unique(articles: Sequence[Article]) -> None:
    seen: dict[str, str] = {}
    for a in articles:
        first = seen.get(a.id)
        if first is not None:
            raise DuplicateIdError(
                f"duplicate id {a.id!r} in {first} and {a.source}; ids must be unique "
                + (f"(ids repeat across files: qualify them by file with "
                   f"{option('id_from', 'file+id')}, or choose another field with "
                   f"{option('id')})" if file_of(first) != file_of(a.source) else
                   f"(drop one record, or choose another field with {option('id')})")
            )
        seen[a.id] = a.source


# ---- the scan ----------------------------------------------------------------------------


F = TypeVar("F", bound=Callable[..., Any])


def _gc_paused(fn: F) -> F:
    """Pause the cyclic garbage collector for the call.

    A scan allocates millions of small acyclic objects (articles, lists, tuples) and the
    collector's repeated passes over them cost up to a tenth of the run while freeing nothing.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return wrapper  # type: ignore[return-value]


@_gc_paused
def scan(
    source: Any,
    *,
    params: Params | None = None,
    text: str | None = None,
    id: str | None = None,
    title: str | None = None,
    outlet: str | None = None,
    url: str | None = None,
    date: str | None = None,
    workers: int | None = None,
    on_error: str = "fail",
    format: str | None = None,
    id_from: str = "id",
    encoding: str | None = None,
    delimiter: str | None = None,
    exclude: Iterable[str] = (),
    dayfirst: bool = False,
    progress: local.Progress | None = None,
    warn: Callable[[str], None] | None = None,
    engine: str = "local",
    spark: Any = None,
    master: str | None = None,
    partitions: int | None = None,
    edits: bool = True,
    **overrides: Any,
) -> ScanResult:
    """Cluster the copies in a corpus.

    ``source`` is a path, a list of paths, a pandas DataFrame, or an iterable of dicts or
    ``Article`` objects. Field names (``text=``, ``id=``, ...) override detection; parameter
    names (``threshold=``, ``containment=``, ...) override ``params``. Reading: ``format=``
    (every file in that format), ``id_from="file+id"`` (ids qualified by their file, for ids
    that repeat across files), ``encoding=`` (files without a byte-order mark), ``delimiter=``
    (CSV; sniffed otherwise), ``exclude=[globs]`` (files in folders), ``dayfirst=True``
    (01/02/2019 is 1 February). ``engine="spark"`` runs the stages on Spark (``spark=`` an
    existing SparkSession, else one for ``master=``; ``partitions=`` input partitions); a
    Spark DataFrame as ``source`` implies it. The result is the local engine's.
    ``edits=False`` leaves out the members' edit summaries (the JSON report and ``to_pandas``
    then compute them from the texts): for a table or a CI verdict, which show none.
    """
    started = time.perf_counter()
    if params is None:
        params = Params()
    if overrides:
        allowed = set(Params.__dataclass_fields__)
        unknown = sorted(set(overrides) - allowed)
        if unknown:
            raise UsageError(
                f"unknown option {unknown[0]!r} for scan(); "
                f"use one of: {', '.join(sorted(allowed))}"
            )
        params = Params(**{**params.__dict__, **overrides})
    fields = FieldMap(id=id, text=text, title=title, outlet=outlet, url=url, date=date)
    check_overrides(fields)
    marks: list[tuple[str, float]] = []  # each stage's first message and when it came
    shown = progress or local.quiet

    def say(message: str) -> None:
        release_free_memory()  # what the last stage freed, before the next one allocates
        marks.append((message, time.perf_counter()))
        shown(message)

    ctx = ReadContext(fields=fields, on_error=on_error, format=format, warn=warn,
                      id_from=id_from, encoding=encoding, delimiter=delimiter,
                      exclude=tuple(exclude), dayfirst=dayfirst)

    say("reading")
    n_workers = resolve_workers(workers)
    paths = corpus.reloadable_paths(source)
    on_spark = _spark_engine(engine, spark, master, partitions, source)
    count = getattr(progress, "count", None)
    long_chars = params.tuning.units.long_unit_chars
    in_parts = None if on_spark is not None else corpus.parallel_files(source, ctx, n_workers)
    if in_parts is not None:
        loaded = corpus.load_parallel(in_parts, ctx, n_workers, count, LEAN_CHARS, long_chars,
                                      local.SPILL_MIN)
    else:
        loaded = corpus.load(ctx.complete(articles_from(source, ctx)),
                             paths is not None and on_spark is None, local.BATCH, count,
                             LEAN_CHARS, long_chars, n_workers,
                             local.SPILL_MIN if on_spark is None else None)
    articles = loaded.articles
    _check_unique(articles)

    say(f"read {len(articles):,} articles")
    try:
        groups, sets, prepared = _match(articles, params, n_workers, say, loaded, on_spark,
                                        params.tuning.edits if edits else None)
    finally:
        if on_spark is not None:
            on_spark.close()
    boiler = prepared.boilerplate
    reload: Callable[[list[int]], None] | None = None
    if loaded.lean and paths is not None:
        lean_paths = paths

        def reload(indices: list[int]) -> None:
            loaded.reload(indices, lean_paths, ctx)

        # Only the examples of learned chrome now; members' texts when a diff needs them
        # (ScanResult.load_texts): the JSON and CSV reports never do.
        reload([line.example for line in prepared.learned])

    say("the clusters' members")
    clusters: list[Cluster] = []
    # Python lists: an element of a numpy array costs a scalar object per look.
    stripped_of, words_of = sets.stripped.tolist(), sets.words.tolist()
    for canonical, reason, rows, embedded_rows, group_edits in groups:
        members = [Member(articles[i], jaccard, containment, stripped_of[i], words_of[i],
                          shared, own, summary, joined)
                   for (i, jaccard, containment, shared, own, joined), summary
                   in zip(rows, group_edits or repeat(None))]
        embedded = [Embedded(articles[i].id, articles[i].outlet, containment)
                    for i, containment in embedded_rows]
        clusters.append(Cluster("", articles[canonical], reason, members, boiler, embedded))
    clusters.sort(key=lambda c: (-c.size, c.canonical.id))
    for number, c in enumerate(clusters, start=1):
        c.id = f"c{number}"
    in_clusters = sum(c.size for c in clusters)
    say(f"{len(clusters):,} clusters, {in_clusters:,} articles in clusters")
    ended = time.perf_counter()
    stats = Stats(
        articles=len(articles),
        skipped=len(ctx.skipped),
        clusters=len(clusters),
        articles_in_clusters=in_clusters,
        seconds=ended - started,
        stages=[(m, round(t1 - t0, 3)) for (m, t0), (_, t1) in zip(marks, marks[1:])],
    )
    printed = printed_units(((line.example, line.key) for line in prepared.learned),
                            lambda i: articles[i].text)
    lines = [BoilerplateLine(printed[line.example, line.key], line.articles, line.outlets,
                             line.reason) for line in prepared.learned]
    lines.sort(key=lambda line: (-line.articles, -line.outlets, line.text, line.reason))
    return ScanResult(clusters, params, stats, list(ctx.skipped), list(ctx.warnings),
                      articles, boiler, reload, lines)


def _take_features(loaded: corpus.LoadedCorpus | None
                   ) -> tuple[list[Features] | None, tuple[Spill, Spill] | None]:
    """The batches tokenised while reading (and the file their arrays went to, for a large
    read), handed over: ``prepare`` frees each one as soon as it is shingled, which it cannot
    while the loaded corpus still holds them too."""
    if loaded is None:
        return None, None
    features, loaded.features = loaded.features, []
    spills, loaded.spills = loaded.spills, None
    return features, spills


def _match(
    articles: Sequence[Article], params: Params, workers: int, say: local.Progress,
    loaded: corpus.LoadedCorpus | None = None, engine: Any = None,
    edits: EditRules | None = None,
) -> tuple[list[local.Packed], ShingleSets, local.Prepared]:
    """The clusters (``local.Packed``), each with its members' edit summaries (with ``edits``,
    else None)."""
    # Each article's rank by id breaks every tie, so that the report does not depend on the
    # input order.
    ranks = local.id_ranks([a.id for a in articles])
    if engine is not None:
        on_spark = engine.prepare([a.text for a in articles], params,
                                  local.outlet_codes([a.outlet for a in articles],
                                                     len(articles)),
                                  ranks, say)
        prepared = local.Prepared(on_spark[0], np.zeros((0, params.num_perm), np.uint32),
                                  *on_spark[1:])
    else:
        done, done_spills = _take_features(loaded)
        prepared = local.prepare([a.text for a in articles], params, workers, say, done,
                                 outlets=[a.outlet for a in articles], ranks=ranks,
                                 spill_min=local.SPILL_MIN, done_spills=done_spills)
    matches = local.find_matches(prepared, params, say, ranks, engine, workers,
                                 consume=True)
    sets = prepared.sets
    # What only the candidate stages read goes before clustering and edits allocate theirs
    # (at a million articles: 512 MB of signatures, 600 MB of sampled shingles).
    prepared.signatures = np.zeros((0, prepared.signatures.shape[1]), dtype=np.uint32)
    sets.sample_hashes = np.zeros(0, dtype=np.uint32)
    sets.sample_docs = np.zeros(0, dtype=np.int32)
    sets.spilled_samples = None
    facts = Facts(
        ids=[a.id for a in articles],
        sizes=sets.sizes().tolist(),
        dates=[sort_key_for_date(a.published) for a in articles],
        agency=_AgencyMarks(articles, loaded.agency if loaded else None),
        shingles=sets.of,
        agency_outlet=[is_agency_outlet(a.outlet) for a in articles],
        rows=sets.in_memory(),
    )
    say("clustering and edits")
    groups = local.clusters_and_edits(
        matches, sets, facts, params, workers, edits,
        [a.title for a in articles] if edits is not None else (),
        engine.components if engine is not None else None)
    return groups, sets, prepared
