"""``scan``: read -> learn boilerplate -> shingle -> MinHash -> candidates -> verify -> cluster.

Every stage is a plain function over a batch; the per-batch work (normalising, shingling,
signatures) runs in worker processes, in batch order, so the result does not depend on the
number of workers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from . import boilerplate as bp
from .agency import has_agency_marker
from .anchors import containment_pairs
from .article import Article
from .cluster import Facts, build_clusters
from .errors import DuplicateIdError, UsageError
from .fields import FieldMap, check_overrides, sort_key_for_date
from .lsh import candidate_pairs, unique_pairs
from .minhash import signatures
from .normalise import line_key, normalised_lines
from .params import Params, resolve_workers
from .readers import ReadContext, read_corpus
from .result import Cluster, Member, ScanResult, Stats
from .shingle import ShingleSets, shingle_batch
from .verify import Thresholds, similarity, verify

BATCH = 2000
# Below this many articles, worker start-up costs more than it saves.
PARALLEL_MIN = 4000

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


# ---- per-batch stage functions (run in workers) ----------------------------------------


def lines_of_batch(texts: Sequence[str]) -> list[bp.DocLines]:
    out = []
    for text in texts:
        lines = normalised_lines(text)
        out.append(
            bp.DocLines(
                np.array([line_key(w) for w in lines], dtype=np.uint64),
                np.array([len(w) for w in lines], dtype=np.int32),
            )
        )
    return out


def shingle_and_sign(
    texts: Sequence[str], shingle: int, boilerplate: set[int], num_perm: int, seed: int
) -> tuple[ShingleSets, np.ndarray]:
    sets = shingle_batch(((t, None) for t in texts), shingle, boilerplate)
    return sets, signatures(sets.hashes, sets.offsets, num_perm, seed)


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Runner:
    """Maps a stage over batches, in order, in-process or on a pool."""

    def __init__(self, workers: int, total: int) -> None:
        self.workers = workers if total >= PARALLEL_MIN else 1
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> _Runner:
        if self.workers > 1:
            self.pool = ProcessPoolExecutor(max_workers=self.workers)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown()

    def map(self, fn: Callable[..., Any], batches: Iterable[Any], *args: Any) -> list[Any]:
        if self.pool is None:
            return [fn(b, *args) for b in batches]
        batches = list(batches)
        return list(self.pool.map(fn, batches, *[[a] * len(batches) for a in args]))


# ---- inputs ----------------------------------------------------------------------------


def _articles_from(source: Any, ctx: ReadContext) -> Iterator[Article]:
    if isinstance(source, (str, Path)):
        yield from read_corpus([source], ctx)
        return
    if _is_dataframe(source):
        records: Iterable[Any] = source.to_dict(orient="records")
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


def _is_dataframe(obj: Any) -> bool:
    return type(obj).__name__ == "DataFrame" and hasattr(obj, "to_dict")


def _check_unique(articles: Sequence[Article]) -> None:
    seen: dict[str, str] = {}
    for a in articles:
        first = seen.get(a.id)
        if first is not None:
            raise DuplicateIdError(
                f"duplicate id {a.id!r} in {first} and {a.source}; ids must be unique "
                "(drop one record, or choose another field with --id-field)"
            )
        seen[a.id] = a.source


# ---- the scan ----------------------------------------------------------------------------


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
    progress: Progress | None = None,
    warn: Callable[[str], None] | None = None,
    **overrides: Any,
) -> ScanResult:
    """Cluster the copies in a corpus.

    ``source`` is a path, a list of paths, a pandas DataFrame, or an iterable of dicts or
    ``Article`` objects. Field names (``text=``, ``id=``, ...) override detection; parameter
    names (``threshold=``, ``containment=``, ...) override ``params``.
    """
    started = time.perf_counter()
    if params is None:
        params = Params()
    if overrides:
        allowed = set(Params.__dataclass_fields__)
        unknown = sorted(set(overrides) - allowed)
        if unknown:
            raise UsageError(
                f"unknown option {unknown[0]!r} for scan(); use one of: {', '.join(sorted(allowed))}"
            )
        params = Params(**{**params.__dict__, **overrides})
    fields = FieldMap(id=id, text=text, title=title, outlet=outlet, url=url, date=date)
    check_overrides(fields)
    say = progress or _quiet
    ctx = ReadContext(fields=fields, on_error=on_error, format=format, warn=warn)

    say("reading")
    articles = list(_articles_from(source, ctx))
    _check_unique(articles)
    say(f"read {len(articles):,} articles")
    n_workers = resolve_workers(workers)
    groups, sets, boiler = _match(articles, params, n_workers, say)

    clusters: list[Cluster] = []
    for g in groups:
        members = [
            Member(articles[m.index], m.jaccard, m.containment, bool(sets.stripped[m.index]),
                   int(sets.words[m.index]))
            for m in g.members
        ]
        clusters.append(Cluster("", articles[g.canonical], g.reason, members, boiler))
    clusters.sort(key=lambda c: (-c.size, c.canonical.id))
    for number, c in enumerate(clusters, start=1):
        c.id = f"c{number}"
    in_clusters = sum(c.size for c in clusters)
    stats = Stats(
        articles=len(articles),
        skipped=len(ctx.skipped),
        clusters=len(clusters),
        articles_in_clusters=in_clusters,
        seconds=time.perf_counter() - started,
    )
    say(f"{len(clusters):,} clusters, {in_clusters:,} articles in clusters")
    return ScanResult(clusters, params, stats, list(ctx.skipped), list(ctx.warnings))


def _match(
    articles: Sequence[Article], params: Params, workers: int, say: Progress
) -> tuple[list[Any], ShingleSets, frozenset[int]]:
    texts = [a.text for a in articles]
    with _Runner(workers, len(texts)) as runner:
        boiler: set[int] = set()
        if params.boilerplate and len(texts) >= bp.BoilerplateRules().min_docs:
            say("learning boilerplate")
            docs: list[bp.DocLines] = []
            for part in runner.map(lines_of_batch, _batches(texts, BATCH)):
                docs.extend(part)
            boiler = bp.learn(docs)
            del docs
            say(f"{len(boiler):,} boilerplate lines")
        say("shingling and signing")
        parts = runner.map(
            shingle_and_sign, _batches(texts, BATCH), params.shingle, boiler, params.num_perm,
            params.seed,
        )
    sets = ShingleSets.concat([p[0] for p in parts])
    sigs = (
        np.concatenate([p[1] for p in parts])
        if parts
        else np.zeros((0, params.num_perm), dtype=np.uint32)
    )
    valid = sets.sizes() > 0
    say("finding candidates")
    lsh = candidate_pairs(sigs, params.lsh_threshold, valid)
    contained = containment_pairs(sets, params.containment, params.min_shingles, valid)
    pairs = unique_pairs([lsh, contained])
    say(f"verifying {len(pairs):,} candidate pairs")
    thresholds = Thresholds(params.threshold, params.containment, params.min_shingles)
    edges = verify(sets, pairs, thresholds)
    sizes = sets.sizes().tolist()
    facts = Facts(
        ids=[a.id for a in articles],
        sizes=sizes,
        dates=[sort_key_for_date(a.published) for a in articles],
        agency=[has_agency_marker(a.text, a.title) for a in articles],
    )

    def score(i: int, j: int) -> tuple[float, float] | None:
        jac, con = similarity(sets, i, j)
        return (jac, con) if thresholds.is_copy(jac, con, min(sizes[i], sizes[j])) else None

    say("clustering")
    return build_clusters(edges, facts, score), sets, frozenset(boiler)
