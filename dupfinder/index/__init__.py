"""A persistent index of articles for daily scrapes, on the same stage functions as ``scan``.

``add`` tokenises, shingles and signs each chunk with ``engines.local.prepare`` against the index's
fixed boilerplate; stores each article's shingles (compressed gaps), figures and compressed
text; writes its lookup keys (one per LSH band, one per sampled shingle: the same two candidate
generators ``scan`` uses) as one sorted segment per chunk; finds the chunk's candidates among
everything indexed (the chunk included), verifies them with ``stages.verify`` and keeps the
verified edges; then re-clusters only the components the chunk touched, with
``stages.cluster.build_clusters``. ``query`` does the same for new articles without storing
them, and says for each which cluster it would join, that cluster's canonical, and whether the
new article would become it.

What an answer depends on: the articles, the parameters and ``Tuning`` (stored, and a query with
others is refused naming the stored values), and the boilerplate, which is learned once, from
every article of the ``add`` that builds the index (or again by ``relearn``, which re-derives
the rows it changes), stored with a digest, and never learned from a query. The candidate rule
is a property of a pair alone (a shared band key, or enough shared sampled shingles: the
containment rule of ``stages.containment``), so the edges, and with them the clusters, do not
depend on chunking, add order, query batches or an interrupted add; and a query of an indexed
article finds exactly the articles whose queries find it.

Safety: one transaction per chunk, so a killed process leaves whole chunks; SQLite's write
lock makes a second writer wait (``busy_timeout``) instead of corrupting the file.

This module holds the operations (add, query, clusters, relearn, prune, stats); beside it:
``keys`` (the lookup keys and the candidate rule), ``clustering`` (the clusters kept as rows
change, and the cluster a query would join), ``store`` (the SQL), ``pool`` (articles as the
arrays the copy decision reads), ``records`` (what the operations return) and ``settings``
(stored parameters, digest, ages and dates).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace as replaced
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from ..article import Article
from ..engines.local import Prepared, id_ranks, prepare
from ..errors import InputError, UsageError
from ..fields import FieldMap
from ..params import Params, resolve_workers
from ..pipeline import articles_from
from ..readers import ReadContext, read_corpus
from ..result import BoilerplateLine, Cluster, Embedded, Member, ScanResult, Stats
from ..stages.cluster import Group
from ..stages.edits import edit_summary
from ..stages.lsh import band_params
from ..stages.shingles import ShingleSets, shingle
from ..stages.tokens import Features, featurize
from ..stages.verify import Edges, Thresholds
from .adding import Adding, _chunks
from .clustering import Clustering
from .keys import LookupKeys
from .pool import Pool
from .records import AddReport, Match, QueryCluster, QueryResult
from .settings import (
    boilerplate_digest,
    flat_params,
    params_dict,
    params_from,
    parse_age,
    parse_date,
)
from .store import SCHEMA_VERSION, Rows, SQLiteStore

__all__ = ["AddReport", "Index", "Match", "QueryCluster", "QueryResult", "parse_age"]

class Index(Adding):
    """``Index(path)`` opens or creates an index; ``params`` must match an existing one."""

    def __init__(self, path: str | Path, params: Params | None = None,
                 timeout: float = 120.0, workers: int | None = 1,
                 keep_text: bool | None = None) -> None:
        """``keep_text=False`` (a new index only) keeps no texts: what needs them (the texts
        of reports and diffs, agency credits not stored, relearn) reads them again from the
        added files. The second look at a near miss and edit summaries read the stored
        tokens."""
        self.path = Path(path)
        self.workers = resolve_workers(workers)
        try:
            self.store = SQLiteStore(self.path, timeout)
            self.params = self._settle_params(params, keep_text)
        except Exception as error:
            import sqlite3

            if isinstance(error, sqlite3.DatabaseError):
                raise InputError(f"{self.path}: not a dupfinder index ({error}); give an index "
                                 "file made by dupfinder index add") from error
            raise
        self.bands, self.rows = band_params(round(self.params.lsh_threshold, 4),
                                            self.params.num_perm)
        self.thresholds = Thresholds(self.params.threshold, self.params.containment,
                                     self.params.min_shingles, self.params.tuning.verify)
        self.keys = LookupKeys(self.store, self.params, self.bands, self.rows)
        self.clustering = Clustering(self.store, self.thresholds, self.params.tuning.cluster)
        # Wall seconds spent per stage since the index was opened (benchmarks print them).
        self.timings: dict[str, float] = {}

    def _laps(self) -> Callable[[str], None]:
        """``lap(stage)`` adds the seconds since the last lap (or this call) to ``stage``."""
        last = [time.perf_counter()]

        def lap(stage: str) -> None:
            now = time.perf_counter()
            self.timings[stage] = self.timings.get(stage, 0.0) + now - last[0]
            last[0] = now

        return lap

    @contextmanager
    def _clock(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = (self.timings.get(stage, 0.0)
                                   + time.perf_counter() - started)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- parameters and boilerplate -----------------------------------------------------------

    def _settle_params(self, params: Params | None, keep_text: bool | None) -> Params:
        meta = self.store.get_meta()
        if "params" not in meta:
            chosen = params or Params()
            with self.store.transaction():
                meta = self.store.get_meta()
                if "params" not in meta:
                    self.store.set_meta({"schema": str(SCHEMA_VERSION),
                                         "params": json.dumps(params_dict(chosen),
                                                              sort_keys=True),
                                         "text": "sources" if keep_text is False else "kept"})
                    self.keep_text = keep_text is not False
                    return chosen
        self.keep_text = meta.get("text", "kept") == "kept"
        if keep_text is not None and keep_text != self.keep_text:
            raise UsageError(f"{self.path} was built {'keeping' if self.keep_text else 'without'}"
                             " texts; add to it " + ("without --no-text" if self.keep_text
                                                     else "with --no-text")
                             + ", or build a new index")
        if meta.get("schema") != str(SCHEMA_VERSION):
            raise InputError(f"{self.path}: index schema {meta.get('schema')!r} is not "
                             f"{SCHEMA_VERSION}; build a new index with dupfinder index add")
        stored = json.loads(meta["params"])
        if params is not None and params_dict(params) != stored:
            mine, theirs = flat_params(params_dict(params)), flat_params(stored)
            differ = [k for k in sorted(theirs) if mine.get(k) != theirs[k]]
            raise UsageError(
                f"{self.path} was built with "
                + ", ".join(f"{k}={theirs[k]}" for k in differ)
                + "; query it with the same parameters, or build a new index")
        return params_from(stored)

    def _boilerplate(self) -> np.ndarray | None:
        """The index's boilerplate keys, or None before the index is built."""
        meta = self.store.get_meta()
        if "boilerplate_digest" not in meta:
            return None
        keys, _ = self.store.boilerplate()
        if boilerplate_digest(keys) != meta["boilerplate_digest"]:
            raise InputError(f"{self.path}: the stored boilerplate does not match its digest; "
                             "the file was changed outside dupfinder: run dupfinder index "
                             "relearn")
        return keys

    def _store_boilerplate(self, prepared: Prepared, texts: Sequence[str], articles: int
                           ) -> np.ndarray:
        from ..stages.tokens import printed_units

        keys = np.array(sorted(prepared.boilerplate), dtype=np.uint64)
        info = {line.key: line for line in prepared.learned}
        printed = printed_units(((line.example, line.key) for line in prepared.learned),
                                texts.__getitem__)
        lines = []
        for k in keys.tolist():
            line = info.get(k)
            lines.append((int(np.uint64(k).view(np.int64)),
                          line.articles if line else 0, line.outlets if line else 0,
                          line.reason if line else "recurring",
                          printed[line.example, k] if line else ""))
        self.store.set_boilerplate(lines)
        self.store.set_meta({"boilerplate_digest": boilerplate_digest(keys),
                             "boilerplate_learned_from": str(articles),
                             "boilerplate_learned_at": datetime.now(timezone.utc).isoformat()})
        return keys

    def _prepare(self, texts: Sequence[str], boiler: np.ndarray) -> Prepared:
        """Tokens, shingles, samples and signatures with the index's fixed boilerplate."""
        fixed = replaced(self.params, boilerplate=False)
        with self._clock("prepare"):
            return prepare(list(texts), fixed, self.workers,
                           known_boilerplate=frozenset(boiler.tolist()))

    def texts(self, rowids: Sequence[int]) -> dict[int, str]:
        """Stored texts, or (``--no-text``) the texts read again from the added files."""
        got = self.store.texts(rowids)
        missing = [r for r in rowids if r not in got]
        if not missing:
            return got
        by_file: dict[str, dict[str, int]] = {}
        reading: dict[str, str | None] = {}
        for row, (path, ident, how) in self.store.files_of(missing).items():
            if path is None:
                continue
            by_file.setdefault(path, {})[ident] = row
            reading[path] = how
        for path, wanted in by_file.items():
            texts = self._file_texts(path, reading[path])
            for ident, row in wanted.items():
                if ident in texts:
                    got[row] = texts[ident]
        return got

    def _file_texts(self, path: str, how: str | None) -> dict[str, str]:
        """Every text of an added file by id, read again (the last few files are kept)."""
        cache: dict[str, dict[str, str]] = self.__dict__.setdefault("_reread", {})
        if path in cache:
            cache[path] = cache.pop(path)  # most recently used last
            return cache[path]
        options = json.loads(how or "{}")
        fields = FieldMap(**options.pop("fields", {}))
        ctx = ReadContext(fields=fields, on_error="skip", **options)
        try:
            texts = {a.id: a.text for a in read_corpus([path], ctx)}
        except (OSError, InputError) as error:
            raise InputError(f"{path}: the index keeps no texts (built with --no-text) and "
                             f"cannot read them again from this file ({error}); put the file "
                             "back where it was added from") from error
        cache[path] = texts
        while len(cache) > 4:
            cache.pop(next(iter(cache)))
        return texts

    def fetch(self, rowids: Sequence[int]) -> Rows:
        """Stored articles with their tokens and the shingles derived from them (the
        tokens that were shingled, so ``stages.shingles.shingle`` gives the same hashes)."""
        rows = self.store.fetch(rowids, tokens=True)
        if not len(rows):
            return rows
        assert rows.token_values is not None and rows.token_offsets is not None
        offsets = rows.token_offsets
        digits = rows.token_flags
        feats = Features(rows.token_values, offsets, np.zeros(0, np.uint64),
                         np.zeros(0, np.int64), np.zeros(offsets.size, np.int64),
                         digits if digits is not None and digits.size == offsets[-1]
                         else np.zeros(0, bool))
        sets = shingle(feats, self.params.shingle, None, self.params.tuning.boilerplate)
        rows.shingles = [sets.of(i) for i in range(len(rows))]
        return rows

    def shingle_texts(self, texts: Sequence[str]) -> ShingleSets:
        """Shingle sets with tokens, for stored texts re-read for a second look or edits."""
        boiler = self._boilerplate()
        keys = boiler if boiler is not None else np.zeros(0, np.uint64)
        feats = featurize(list(texts), self.params.tuning.units.long_unit_chars)
        return shingle(feats, self.params.shingle, keys, self.params.tuning.boilerplate)

    # -- reading ------------------------------------------------------------------------------

    def _read(self, source: Any, fields: FieldMap | None, on_error: str, format: str | None,
              reading: dict[str, Any]) -> tuple[ReadContext, Iterator[Article]]:
        ctx = _read_context(fields, on_error, format, reading)
        return ctx, ctx.complete(articles_from(source, ctx))

    # -- add --------------------------------------------------------------------------------

    # -- clusters ---------------------------------------------------------------------------

    # -- query ------------------------------------------------------------------------------

    def query(self, source: Any, limit: int = 20, with_diff: bool = False,
              fields: FieldMap | None = None, on_error: str = "fail",
              format: str | None = None, batch: int = 5000, clusters: bool = True,
              **reading: Any) -> list[QueryResult]:
        """Indexed articles that are copies of each new article, best first, and (unless
        ``clusters=False``) the cluster it would join. Each answer depends on that article
        and the index alone."""
        ctx, stream = self._read(source, fields, on_error, format, reading)
        boiler = self._boilerplate()
        if boiler is None:
            boiler = np.zeros(0, np.uint64)
        out: list[QueryResult] = []
        for part in _chunks(stream, batch):
            out.extend(self._query_batch(part, boiler, limit, with_diff, clusters))
        return out

    def _query_batch(self, batch: list[Article], boiler: np.ndarray, limit: int,
                     with_diff: bool, clusters_too: bool = True) -> list[QueryResult]:
        prepared = self._prepare([a.text for a in batch], boiler)
        sets, sigs = prepared.sets, prepared.signature_array()
        lap = self._laps()
        owner, other = self.keys.candidates(sigs, sets)
        lap("query candidates")
        pool = Pool(self)
        local = pool.add_prepared(batch, sets)
        pool.add_rows(np.unique(other).tolist())
        # Pool positions of the candidate rows (a deleted row has none), the queried article
        # itself (an indexed article of the same id) left out.
        known = np.array(sorted(pool.at_row), dtype=np.int64)
        at = np.searchsorted(known, other)
        hit = ((at < known.size) & (known[np.minimum(at, known.size - 1)] == other)
               if known.size else np.zeros(other.size, dtype=bool))
        positions = np.array([pool.at_row[int(r)] for r in known.tolist()], dtype=np.int64)
        where = np.where(hit, positions[np.minimum(at, max(known.size - 1, 0))]
                         if known.size else -1, -1)
        twins = self.store.rows_by_id([a.id for a in batch])
        if twins:
            twin_of = np.full(len(batch), -1, dtype=np.int64)
            for q, a in enumerate(batch):
                if a.id in twins:
                    twin_of[q] = twins[a.id][0]
            hit &= other != twin_of[owner]
        pairs = np.stack([np.array(local, dtype=np.int64)[owner[hit]], where[hit]], axis=1) \
            if owner.size else np.zeros((0, 2), np.int64)
        lap("query pool")
        edges = pool.verify(pairs.reshape(-1, 2), self.thresholds)
        lap("query verify")
        found: dict[int, list[tuple[int, float, float]]] = {}
        for (a, b), jac, con in zip(edges.pairs.tolist(), edges.jaccard.tolist(),
                                    edges.containment.tolist()):
            q, k = (a, b) if a < len(batch) else (b, a)
            found.setdefault(q, []).append((k, jac, con))
        clusters = self.clustering.query_clusters(pool, batch, found) if clusters_too else {}
        lap("query clusters")
        texts: dict[int, str] = {}
        if with_diff:
            rows = sorted({pool.rowid[k] for v in found.values() for k, _, _ in v
                           if pool.rowid[k] is not None})  # type: ignore[type-var]
            texts = self.texts(rows)  # type: ignore[arg-type]
        results = []
        for q, article in enumerate(batch):
            matches = []
            for k, jac, con in found.get(q, []):
                diff = None
                if with_diff:
                    from ..diff import diff_articles

                    row = self.store.fetch([pool.rowid[k]])  # type: ignore[list-item]
                    stored = Article(id=row.id[0], outlet=row.outlet[0], title=row.title[0],
                                     url=row.url[0], published=row.published[0],
                                     text=texts.get(row.rowid[0], ""))
                    diff = diff_articles(stored, article, frozenset(boiler.tolist()))
                matches.append(Match(pool.ids[k], pool.outlets[k], jac, con, diff))
            matches.sort(key=lambda m: (-m.jaccard, -m.containment, m.id))
            results.append(QueryResult(article, matches[:limit], clusters.get(q)))
        lap("query answers")
        return results

    # -- reports ----------------------------------------------------------------------------

    def clusters(self, since: str | None = None, until: str | None = None) -> ScanResult:
        """The clusters of everything indexed (or of the articles dated in [since, until)),
        as the ``ScanResult`` a scan of the same articles gives (the index's boilerplate)."""
        started = time.perf_counter()
        store = self.store
        pool = Pool(self)
        start = parse_date(since, "since") if since else None
        end = parse_date(until, "until") if until else None
        groups: list[tuple[list[int], Group]] = []
        if start is None and end is None:
            total = store.counts()["articles"]
            rows_m = store.members()
            pool.add_rows(sorted({r[0] for r in rows_m}))
            emb = store.embedded()
            pool.add_rows(sorted({e[1] for e in emb}))
            by_cluster: dict[int, list[tuple[Any, ...]]] = {}
            for r in rows_m:
                by_cluster.setdefault(r[1], []).append(r)
            emb_by: dict[int, list[tuple[int, int, float]]] = {}
            for e in emb:
                emb_by.setdefault(e[0], []).append(e)
            from ..stages.cluster import EmbeddedScore, MemberScore

            for canon, rows in by_cluster.items():
                positions = [pool.at_row[canon]] + sorted(
                    (pool.at_row[r[0]] for r in rows if r[0] != canon),
                    key=lambda k: pool.ids[k])
                where = {pool.rowid[k]: n for n, k in enumerate(positions)}
                scores = {r[0]: r for r in rows}
                members = tuple(MemberScore(where[pool.rowid[k]], *scores[pool.rowid[k]][3:8])
                                for k in positions)
                extra = [pool.at_row[e[1]] for e in emb_by.get(canon, [])]
                all_positions = positions + extra
                embedded = tuple(EmbeddedScore(len(positions) + n, e[2])
                                 for n, e in enumerate(emb_by.get(canon, [])))
                groups.append((all_positions, Group(0, rows[0][2], members, embedded)))
        else:
            rows_in = store.rows_between(start, end)
            total = len(rows_in)
            raw = store.edges_among(rows_in)
            if raw.size:
                pool.add_rows(np.unique(raw[:, :2].astype(np.int64)).tolist())
                pairs = np.array([[pool.at_row[int(a)], pool.at_row[int(b)]]
                                  for a, b in raw[:, :2].tolist()], dtype=np.int64)
                positions, parts = self.clustering.group_components(
                    pool, np.unique(pairs).tolist(), Edges(pairs, raw[:, 2], raw[:, 3]))
                groups.extend((positions, g) for _, found in parts for g in found)
        return self._result(pool, groups, total, time.perf_counter() - started)

    def _result(self, pool: Pool, groups: list[tuple[list[int], Group]], total: int,
                seconds: float) -> ScanResult:
        store = self.store
        lists = {id(positions): positions for positions, _ in groups}  # often one shared list
        everything = sorted({pool.row(k) for positions in lists.values() for k in positions})
        rows = store.fetch(everything)
        texts = self.texts(everything)
        articles = {r: Article(id=rows.id[i], text=texts.get(r, ""), title=rows.title[i],
                               outlet=rows.outlet[i], url=rows.url[i],
                               published=rows.published[i], source=rows.source[i] or "")
                    for i, r in enumerate(rows.rowid)}
        pool.load_tokens(pool.at_row[r] for r in everything)
        boiler, lines = store.boilerplate()
        boiler_set = frozenset(boiler.tolist())
        tuning = self.params.tuning
        clusters: list[Cluster] = []
        for positions, g in groups:
            canon_k = positions[g.canonical]
            canon = articles[pool.row(canon_k)]
            canon_tokens = pool.tokens.get(canon_k, (None, None))[0]
            members = []
            for m in g.members:
                k = positions[m.index]
                a = articles[pool.row(k)]
                tokens = pool.tokens.get(k, (None, None))[0]
                stripped = pool.stripped[k]
                summary = (edit_summary(canon_tokens, tokens, canon.title, a.title, stripped,
                                        tuning.edits)
                           if canon_tokens is not None and tokens is not None else None)
                joined = m.joined
                if joined == "copy" and not self.thresholds.is_copy(
                        m.jaccard, m.containment,
                        int(min(pool.shingles[canon_k].size, pool.shingles[k].size))):
                    joined = "aligned"
                members.append(Member(a, m.jaccard, m.containment, stripped, pool.words[k],
                                      m.shared, m.own, summary, joined))
            embedded = [Embedded(pool.ids[positions[e.index]],
                                 articles[pool.row(positions[e.index])].outlet, e.containment)
                        for e in g.embedded]
            clusters.append(Cluster("", canon, g.reason, members, boiler_set, embedded))
        clusters.sort(key=lambda c: (-c.size, c.canonical.id))
        for number, c in enumerate(clusters, start=1):
            c.id = f"c{number}"
        in_clusters = sum(c.size for c in clusters)
        learned = [BoilerplateLine(text, n, outlets, reason)
                   for _, n, outlets, reason, text in lines if text]
        learned.sort(key=lambda line: (-line.articles, -line.outlets, line.text, line.reason))
        stats = Stats(articles=total, skipped=0, clusters=len(clusters),
                      articles_in_clusters=in_clusters, seconds=seconds)
        return ScanResult(clusters, self.params, stats, [], [], list(articles.values()),
                          boiler_set, None, learned)

    # -- upkeep -----------------------------------------------------------------------------

    def relearn(self) -> dict[str, Any]:
        """Learn the boilerplate again from every indexed article (as a scan of them would),
        store it, and re-derive the rows whose shingles it changes."""
        store = self.store
        rowids = store.all_rowids()
        if not rowids:
            return {"articles": 0, "changed": 0, "boilerplate": 0}
        rows = self.fetch(rowids)
        texts = self.texts(rowids)
        articles = [Article(id=rows.id[i], text=texts.get(r, ""), title=rows.title[i],
                            outlet=rows.outlet[i], url=rows.url[i], published=rows.published[i],
                            source=rows.source[i] or "") for i, r in enumerate(rows.rowid)]
        if self.params.boilerplate:
            prepared = prepare([a.text for a in articles], self.params, self.workers,
                               outlets=[a.outlet for a in articles],
                               ranks=id_ranks([a.id for a in articles]))
        else:
            prepared = self._prepare([a.text for a in articles], np.zeros(0, np.uint64))
        sets = prepared.sets
        changed = [i for i in range(len(articles))
                   if not np.array_equal(sets.of(i), rows.shingles[i])
                   or not np.array_equal(sets.tokens_of(i), rows.tokens[i])  # type: ignore[arg-type]
                   or int(sets.words[i]) != rows.words[i]
                   or bool(sets.stripped[i]) != bool(rows.stripped[i])]
        with store.transaction():
            boiler = self._store_boilerplate(prepared, [a.text for a in articles],
                                             len(articles))
        report = AddReport()
        for start in range(0, len(changed), 1000):
            part = changed[start:start + 1000]
            batch = [articles[i] for i in part]
            self._add_chunk(batch, True, report, self._ready(batch, boiler),
                            added_ts=[rows.added_ts[i] for i in part])
        return {"articles": len(articles), "changed": len(changed),
                "boilerplate": int(boiler.size)}

    def prune(self, older_than: str) -> int:
        """Drop articles published (or, undated, added) before the cutoff, with their keys,
        edges and cluster rows; the clusters they were in are computed again."""
        cutoff = parse_age(older_than)
        store = self.store
        rows = store.rows_before(cutoff)
        for start in range(0, len(rows), 5000):
            with store.transaction():
                part = rows[start:start + 5000]
                dirty = self._drop_rows(part)
                self.clustering.recluster(dirty, Pool(self))
        if rows:
            with store.transaction():
                store.merge_segments(np.array(store.all_rowids(), dtype=np.uint32),
                                     everything=True)
                store.drop_orphan_texts()
            store.vacuum()
        return len(rows)

    def stats(self) -> dict[str, Any]:
        store = self.store
        counts = store.counts()
        oldest, newest = store.span()
        size = store.file_bytes()
        n = counts["articles"]
        parts = store.bytes_by_part()
        meta = store.get_meta()

        def iso(ts: float | None) -> str | None:
            return datetime.fromtimestamp(ts, timezone.utc).isoformat() if ts else None

        boiler, _ = store.boilerplate()
        return {
            **counts, "bytes": size, "bytes_per_article": round(size / n) if n else 0,
            "bytes_per_article_by_part": {k: round(v / n) if n else 0 for k, v in parts.items()},
            "oldest": iso(oldest), "newest": iso(newest),
            "boilerplate": {"lines": int(boiler.size),
                            "digest": meta.get("boilerplate_digest"),
                            "learned_from": int(meta.get("boilerplate_learned_from", 0)),
                            "learned_at": meta.get("boilerplate_learned_at")},
            "params": params_dict(self.params),
        }


_READING = ("id_from", "encoding", "delimiter", "exclude", "dayfirst")


def _read_context(fields: FieldMap | None, on_error: str, format: str | None,
                  reading: dict[str, Any]) -> ReadContext:
    unknown = sorted(set(reading) - set(_READING))
    if unknown:
        raise UsageError(f"unknown option {unknown[0]!r}; reader options are: "
                         + ", ".join(_READING))
    if "exclude" in reading:
        reading = {**reading, "exclude": tuple(reading["exclude"])}
    return ReadContext(fields=fields or FieldMap(), on_error=on_error, format=format, **reading)
