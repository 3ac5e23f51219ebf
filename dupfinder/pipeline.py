"""``scan``: read -> learn boilerplate -> shingle -> MinHash -> candidates -> verify -> cluster.

Every stage is a plain function over a batch; tokenising runs on ``workers`` processes
(``engines.workers.TokenisePool``: it is Python work that holds the GIL), shingling and
signatures on ``workers`` threads (numpy and numba release it), clustering and edits on forked
processes, always in order, so the result does not depend on the number of workers.
"""

from __future__ import annotations

import functools
import gc
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import groupby, repeat
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from . import corpus
from .article import Article
from .engines.spill import ColumnSpill, ReadTokens, Spill, release_free_memory
from .engines.workers import TokenisePool, imap_threads, map_ranges
from .errors import DuplicateIdError, UsageError
from .fields import FieldMap, check_overrides, option, sort_key_for_date
from .params import Params, resolve_workers
from .readers import ReadContext, file_of, read_corpus
from .result import BoilerplateLine, Cluster, Embedded, Member, ScanResult, Stats
from .stages import boilerplate as bp
from .stages.agency import has_agency_marker, is_agency_outlet
from .stages.arrays import isin
from .stages.cluster import Facts, adjacency, edge_components, split_components
from .stages.containment import containment_pairs
from .stages.edits import WordCode, coded_clusters, edit_summary
from .stages.edits import warm_up as warm_edits
from .stages.lsh import Signatures, candidate_pairs
from .stages.minhash import signatures
from .stages.shingle_join import ShingleJoin
from .stages.shingles import SAMPLE_PARTS, ShingleSets, shingle
from .stages.tokens import Features, printed_units
from .stages.verify import Edges, Thresholds, copy_score, similarity, verify
from .tuning import EditRules

BATCH = 2048
# Below this many articles, worker start-up and shipping texts cost more than they save.
PARALLEL_MIN = 5000
# From this many articles the shingled tokens and the shingle hashes go to temporary files as
# they are made (see engines.spill.Spill): 0.5 GB each at 250k articles, 2 to 2.5 GB at a
# million.
SPILL_MIN = 250_000
# Text held before reading turns lean (see corpus.py); a module setting so tests can lower it.
LEAN_CHARS = corpus.LEAN_CHARS

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


# ---- batches --------------------------------------------------------------------------


def _ranges(total: int, size: int) -> list[tuple[int, int]]:
    return [(start, min(start + size, total)) for start in range(0, total, size)]


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
    progress: Progress | None = None,
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
    shown = progress or _quiet

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
                                      SPILL_MIN)
    else:
        loaded = corpus.load(ctx.complete(articles_from(source, ctx)),
                             paths is not None and on_spark is None, BATCH, count,
                             LEAN_CHARS, long_chars, n_workers,
                             SPILL_MIN if on_spark is None else None)
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


def _edit_summaries(sets: ShingleSets, pairs: list[tuple[int, int]],
                    titles: list[tuple[str | None, str | None]],
                    rules: EditRules) -> list[dict[str, Any] | None]:
    """Edit summaries of the members ``pairs`` (canonical, member; a cluster's members
    together) from the shingled tokens."""
    out: list[dict[str, Any] | None] = []
    if not sets.has_tokens():
        return [None] * len(pairs)

    def tokens(i: int) -> np.ndarray:
        found = sets.tokens_of(i)
        assert found is not None  # every article's tokens are kept
        return found

    # Only these articles' flags and word counts, as Python values (not the corpus's arrays
    # a call: a worker's range is a small share of them).
    canon = np.fromiter((a for a, _ in pairs), dtype=np.int64, count=len(pairs))
    member = np.fromiter((b for _, b in pairs), dtype=np.int64, count=len(pairs))
    stripped = sets.stripped[member].tolist()
    canon_words, member_words = sets.words[canon].tolist(), sets.words[member].tolist()

    def summarised(runs: list[list[int]]) -> None:
        clusters = [(tokens(pairs[run[0]][0]), [tokens(pairs[k][1]) for k in run])
                    for run in runs]
        for run, (a_tokens, members), coded in zip(runs, clusters, coded_clusters(clusters)):
            if coded is None:
                code = WordCode(a_tokens)
                a_code, b_codes = code.canonical, code.members(members)
            else:
                a_code, b_codes = coded
            for k, b_tokens, b_code in zip(run, members, b_codes):
                title_a, title_b = titles[k]
                out.append(edit_summary(a_tokens, b_tokens, title_a, title_b,
                                        bool(stripped[k]), rules, b_code=b_code,
                                        a_code=a_code))

    # A cluster's members come together: its canonical is written in a code once, and all
    # its members' words are put in that code; the clusters a few thousand articles at a
    # time (``coded_clusters``: one compiled pass each, and bounded memory).
    batch: list[list[int]] = []
    held = 0
    for _, group in groupby(range(len(pairs)), key=lambda k: pairs[k][0]):
        run = list(group)
        batch.append(run)
        held += canon_words[run[0]] + sum(member_words[k] for k in run)
        if held >= EDIT_BATCH_WORDS:
            summarised(batch)
            batch, held = [], 0
    if batch:
        summarised(batch)
    return out


# Words a batch of clusters holds when ``_edit_summaries`` codes it (8 MB of codes).
EDIT_BATCH_WORDS = 1 << 20


@dataclass
class Prepared:
    """Everything the matching stages need, per article, as arrays."""

    sets: ShingleSets
    signatures: Signatures  # an array, or for a large scan one kept in a file
    boilerplate: frozenset[int]
    learned: list[bp.LearnedLine] = field(default_factory=list)

    def signature_array(self) -> np.ndarray:
        """The signatures as one array (read back whole when a large scan spilled them)."""
        sig = self.signatures
        return sig if isinstance(sig, np.ndarray) else sig[:, 0 : sig.shape[1]]


@dataclass
class Matches:
    """Verified copy pairs, and the candidate pairs each generator proposed."""

    edges: Edges
    lsh: np.ndarray
    containment: np.ndarray


def prepare(
    texts: Sequence[str], params: Params, workers: int = 1, say: Progress = _quiet,
    done: list[Features] | None = None, known_boilerplate: frozenset[int] = frozenset(),
    outlets: Sequence[str | None] | None = None, ranks: np.ndarray | None = None,
    spill_min: int | None = None, done_spills: tuple[Spill, Spill] | None = None,
) -> Prepared:
    """Tokenise, learn boilerplate, shingle and sign every text.

    ``done`` holds batches already tokenised while reading, in order, for the first texts;
    only the rest is tokenised here. It is emptied: the batches are freed as they are
    shingled. From ``spill_min`` texts (the scan passes ``SPILL_MIN``) the shingled tokens
    are kept in a temporary file rather than in memory, and so are the shingle hashes;
    ``done_spills`` holds the arrays of ``done``'s first batches when reading already wrote
    them out. The result is the same.
    """
    threads = workers if len(texts) >= PARALLEL_MIN else 1
    tuning = params.tuning
    say("tokenising")
    done = done if done is not None else []
    covered = sum(len(f) for f in done)
    ranges = [(a + covered, b + covered) for a, b in _ranges(len(texts) - covered, BATCH)]
    with TokenisePool(threads if len(ranges) > 1 else 1,
                      tuning.units.long_unit_chars) as pool:
        fresh = list(pool.map(texts[a:b] for a, b in ranges))
    batches: list[Features | None] = [*done, *fresh]
    done.clear()  # handed over: each batch is freed as soon as it is shingled
    del fresh
    spilled = (spill_min is not None and len(texts) >= spill_min) or done_spills is not None
    # No article keeps more tokens or shingles than it read: the bound the join allocates.
    capacity = sum(int(b.token_offsets[-1]) for b in batches if b is not None)
    # A large scan's read tokens wait in a file while boilerplate is learned from the lines
    # (at a million articles 2.5 GB, beside learning's own 2 GB); each batch reads its own
    # back when it is shingled. A large read has written out the batches it tokenised as
    # they came (``done_spills``); the rest follow them here.
    read_back = None
    if spilled:
        read_spills = ReadTokens(None, [b for b in batches if b is not None],
                                 done_spills).spill_all()
        read_back = (read_spills[0].array(), read_spills[1].array())
    boiler: set[int] = set()
    learned: list[bp.LearnedLine] = []
    if params.boilerplate and batches:
        say("learning boilerplate")
        lines = Features.concat_lines([b for b in batches if b is not None])
        found = bp.learn(lines.line_keys, lines.line_sizes, lines.line_offsets,
                         outlet_codes(outlets, len(texts)), tuning.boilerplate, ranks=ranks)
        boiler, learned = found.keys, found.lines
        del lines
        say(f"{len(boiler):,} boilerplate lines")
    boiler |= known_boilerplate
    boiler_keys = np.array(sorted(boiler), dtype=np.uint64)
    say("shingling and signing")
    spills = (Spill(np.uint32), Spill(np.bool_)) if spilled else None
    unflagged: list[int] = []  # parts without figure flags (then the whole has none)

    def shingle_and_sign(index: int) -> tuple[ShingleSets, np.ndarray]:
        features = batches[index]
        batches[index] = None  # freed as soon as it is shingled
        assert features is not None
        if read_back is not None:
            features.tokens = read_back[0].part(index)
            features.has_digit = read_back[1].part(index)
        if index % 8 == 7:
            # The read's token arrays, freed batch by batch, back to the system: the
            # allocator would keep them while the threads allocate the shingles elsewhere.
            release_free_memory()
        sets = shingle(features, params.shingle, boiler_keys, tuning.boilerplate).with_sample(
            tuning.candidates.sample_rate)
        if spills is not None:
            assert sets.tokens is not None
            if sets.token_figures is None:
                unflagged.append(index)
            spills[0].put(index, sets.tokens)
            spills[1].put(index, sets.token_figures if sets.token_figures is not None
                          else np.zeros(0, np.bool_))
            sets.tokens = sets.token_figures = None
        return sets, signatures(sets.hashes, sets.offsets, params.num_perm, params.seed)

    # Each part is joined as it comes, while the threads shingle the next ones.
    join = ShingleJoin(capacity, Spill(np.uint32) if spilled else None,
                       [(Spill(np.uint32), Spill(np.int32)) for _ in range(SAMPLE_PARTS)]
                       if spilled else None)
    sigs = np.empty((0 if spilled else len(texts), params.num_perm), dtype=np.uint32)
    sig_spill = ColumnSpill(params.num_perm, np.uint32) if spilled else None
    at = 0
    for k, (part, part_sigs) in enumerate(imap_threads(shingle_and_sign,
                                                       list(range(len(batches))), threads)):
        join.add(part)
        if sig_spill is not None:
            sig_spill.put(k, part_sigs)
        else:
            sigs[at : at + len(part_sigs)] = part_sigs
        at += len(part_sigs)
        del part, part_sigs
        if k % 16 == 15:
            release_free_memory()
    assert at == len(texts)
    sets = join.result()
    del join
    release_free_memory()
    if spills is not None:
        sets.spilled_tokens = spills[0].array()
        sets.spilled_figures = None if unflagged else spills[1].array()
    return Prepared(sets, sig_spill.array() if sig_spill is not None else sigs,
                    frozenset(boiler), learned)


def outlet_codes(outlets: Sequence[str | None] | None, n: int) -> np.ndarray:
    """Each article's outlet as an integer (articles without an outlet share one code)."""
    if outlets is None:
        return np.zeros(n, dtype=np.int64)
    names = sorted({o.casefold() for o in outlets if o})
    index = {name: k + 1 for k, name in enumerate(names)}
    return np.array([index[o.casefold()] if o else 0 for o in outlets], dtype=np.int64)


def id_ranks(ids: Sequence[str]) -> np.ndarray:
    """Each article's position in id order."""
    order = sorted(range(len(ids)), key=ids.__getitem__)
    ranks = np.empty(len(ids), dtype=np.int64)
    ranks[np.array(order, dtype=np.int64)] = np.arange(len(ids), dtype=np.int64)
    return ranks


def find_matches(prepared: Prepared, params: Params, say: Progress = _quiet,
                 ranks: np.ndarray | None = None, engine: Any = None,
                 workers: int = 1, consume: bool = False) -> Matches:
    """Candidates from LSH (Jaccard) and sampled shingles (containment), verified exactly
    (LSH and verification on ``engine``, the Spark engine, when given); their independent
    pieces (bands, parts of the hash space) on ``workers`` threads. With ``consume`` the
    signatures are let go once LSH has read them (at a million articles 512 MB, which
    containment would otherwise allocate beside)."""
    sets, n = prepared.sets, len(prepared.sets)
    threads = workers if n >= PARALLEL_MIN else 1

    def on_threads(fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        return imap_threads(fn, list(items), threads)

    valid = sets.sizes() > 0
    say("finding candidates (LSH) and verifying them")
    thresholds = Thresholds(params.threshold, params.containment, params.min_shingles,
                            params.tuning.verify)
    if engine is not None:
        lsh = engine.lsh_pairs()
        edges = engine.verify(lsh, thresholds)
    else:
        lsh = candidate_pairs(prepared.signatures, params.lsh_threshold, valid, on_threads)
        if consume:
            prepared.signatures = np.zeros((0, params.num_perm), dtype=np.uint32)
        edges = verify(sets, lsh, thresholds)
    say(f"verified {len(lsh):,} LSH pairs; finding containment candidates")
    # Unique (i < j) rows, sorted.
    extra = containment_pairs(
        sets, params.containment, params.min_shingles, valid, linked=edges.pairs, ranks=ranks,
        sample_share=params.tuning.candidates.sample_share, map=on_threads,
    )
    if extra.size and lsh.size:
        # Only pairs LSH did not already propose.
        extra = extra[~isin(extra[:, 0] * n + extra[:, 1], lsh[:, 0] * n + lsh[:, 1])]
    say(f"verifying {len(extra):,} containment pairs")
    late = engine.verify(extra, thresholds) if engine is not None else verify(sets, extra,
                                                                               thresholds)
    return Matches(edges.merged(late), lsh, extra)


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
    articles: Sequence[Article], params: Params, workers: int, say: Progress,
    loaded: corpus.LoadedCorpus | None = None, engine: Any = None,
    edits: EditRules | None = None,
) -> tuple[list[_Packed], ShingleSets, Prepared]:
    """The clusters (``_Packed``), each with its members' edit summaries (with ``edits``,
    else None)."""
    # Each article's rank by id breaks every tie, so that the report does not depend on the
    # input order.
    ranks = id_ranks([a.id for a in articles])
    if engine is not None:
        on_spark = engine.prepare([a.text for a in articles], params,
                                  outlet_codes([a.outlet for a in articles], len(articles)),
                                  ranks, say)
        prepared = Prepared(on_spark[0], np.zeros((0, params.num_perm), np.uint32),
                            *on_spark[1:])
    else:
        done, done_spills = _take_features(loaded)
        prepared = prepare([a.text for a in articles], params, workers, say, done,
                           outlets=[a.outlet for a in articles], ranks=ranks,
                           spill_min=SPILL_MIN, done_spills=done_spills)
    matches = find_matches(prepared, params, say, ranks, engine, workers, consume=True)
    sets = prepared.sets
    # What only the candidate stages read goes before clustering and edits allocate theirs
    # (at a million articles: 512 MB of signatures, 600 MB of sampled shingles).
    prepared.signatures = np.zeros((0, prepared.signatures.shape[1]), dtype=np.uint32)
    sets.sample_hashes = np.zeros(0, dtype=np.uint32)
    sets.sample_docs = np.zeros(0, dtype=np.int32)
    sets.spilled_samples = None
    thresholds = Thresholds(params.threshold, params.containment, params.min_shingles,
                            params.tuning.verify)
    sizes = sets.sizes().tolist()
    facts = Facts(
        ids=[a.id for a in articles],
        sizes=sizes,
        dates=[sort_key_for_date(a.published) for a in articles],
        agency=_AgencyMarks(articles, loaded.agency if loaded else None),
        shingles=sets.of,
        agency_outlet=[is_agency_outlet(a.outlet) for a in articles],
        rows=sets.in_memory(),
    )

    def score(i: int, j: int) -> tuple[float, float] | None:
        return copy_score(sets, i, j, thresholds)

    def similar(i: int, j: int) -> tuple[float, float]:
        return similarity(sets, i, j)

    say("clustering and edits")
    comps = (engine.components(matches.edges.pairs) if engine is not None
             else edge_components(matches.edges.pairs))
    forks = workers if len(articles) >= PARALLEL_MIN else 1
    if edits is not None and forks > 1:
        warm_edits()
    state = (comps, adjacency(matches.edges), facts, score, similar, params.tuning.cluster,
             thresholds, (sets, articles, edits) if edits is not None else None)
    groups = map_ranges(_split_range, state, len(comps), forks, chunk=1000)
    return groups, sets, prepared


# A cluster as a worker sends it back: (canonical, reason, its members as (index, jaccard,
# containment, shared, own, joined), its embedding pages as (index, containment), the
# members' edit summaries or None). Plain tuples: pickled both ways at a fifth of the cost
# of the stage's dataclasses, which the scan would only take apart again.
_Packed = tuple[int, str, list[tuple[int, float, float, int, int, str]],
                list[tuple[int, float]], "list[dict[str, Any] | None] | None"]


def _split_range(state: tuple[Any, ...], lo: int, hi: int) -> list[_Packed]:
    """Clusters of components ``lo:hi``, each with its members' edit summaries when asked
    (on a forked worker, which inherits ``state``): a cluster's edits are made where it is,
    in the same round of workers, not in a second one that waits for all the clusters."""
    comps, adj, facts, score, similar, rules, thresholds, edits = state
    groups = split_components(comps[lo:hi], adj, facts, score, similar, rules)
    flat: list[dict[str, Any] | None] | None = None
    if edits is not None:
        sets, articles, edit_rules = edits
        pairs = [(g.canonical, m.index) for g in groups for m in g.members]
        titles = [(articles[a].title, articles[b].title) for a, b in pairs]
        flat = _edit_summaries(sets, pairs, titles, edit_rules)
    sizes = facts.sizes
    out: list[_Packed] = []
    at = 0
    for g in groups:
        rows = []
        for m in g.members:
            joined = m.joined
            # A member joined by the second look at a near miss, not by the shingle rule.
            if joined == "copy" and not thresholds.is_copy(
                    m.jaccard, m.containment, min(sizes[g.canonical], sizes[m.index])):
                joined = "aligned"
            rows.append((m.index, m.jaccard, m.containment, m.shared, m.own, joined))
        out.append((g.canonical, g.reason, rows, [(e.index, e.containment) for e in g.embedded],
                    flat[at : at + len(rows)] if flat is not None else None))
        at += len(rows)
    return out
