"""The index's add path: articles read, checked for ids already indexed, prepared (on a second
thread, beside the storing of the chunk before), stored, their candidates verified and their
components clustered again, a chunk a transaction. ``Index`` takes it as a mixin: the
operations that read (query, clusters, stats) stay in ``index/__init__.py``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from ..article import Article
from ..engines.local import Prepared, id_ranks, prepare
from ..errors import DuplicateIdError, UsageError
from ..fields import FieldMap, option, sort_key_for_date
from ..readers import STDIN_LABEL, ReadContext, file_of
from ..stages.agency import agency_marks
from ..stages.shingles import ShingleSets
from .codec import pack_text_blocks
from .keys import BANDS, SAMPLES
from .pool import Pool
from .records import AddReport
from .store import TokenBatch

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from ..params import Params
    from ..stages.verify import Thresholds
    from . import Index
    from .clustering import Clustering
    from .keys import LookupKeys
    from .store import SQLiteStore


class Adding:
    """``Index.add`` and the steps of storing a chunk (a mixin of ``Index``, whose state and
    helpers it uses)."""

    if TYPE_CHECKING:
        store: SQLiteStore
        params: Params
        keys: LookupKeys
        clustering: Clustering
        thresholds: Thresholds
        workers: int
        keep_text: bool
        bands: int

        def _laps(self) -> Callable[[str], None]: ...
        def _clock(self, stage: str) -> AbstractContextManager[None]: ...
        def _read(self, source: Any, fields: FieldMap | None, on_error: str,
                  format: str | None, reading: dict[str, Any]
                  ) -> tuple[ReadContext, Iterator[Article]]: ...
        def _boilerplate(self) -> np.ndarray | None: ...
        def _store_boilerplate(self, prepared: Prepared, texts: Sequence[str],
                               articles: int) -> np.ndarray: ...
        def _prepare(self, texts: Sequence[str], boiler: np.ndarray) -> Prepared: ...

    def add(self, source: Any, replace: bool | None = None, chunk: int = 1000,
            fields: FieldMap | None = None, on_error: str = "fail",
            format: str | None = None, **reading: Any) -> AddReport:
        """Add articles; one transaction per ``chunk``. ``reading``: the reader options of
        ``scan`` (``id_from=``, ``encoding=``, ``delimiter=``, ``exclude=``, ``dayfirst=``).

        The add that builds the index learns its boilerplate from all of its articles first
        (as ``scan`` does from a corpus); later adds apply it. An id already indexed is
        replaced when it comes again from the same file (a re-run of the same day's add). From
        another file it is an error unless ``replace=True``: two files reusing ids must not
        overwrite each other's articles (``id_from="file+id"`` keeps them apart).
        ``replace=False`` refuses every id already indexed.
        """
        if chunk < 1:
            raise UsageError(f"must be at least 1, got {chunk}", option="chunk")
        ctx, stream = self._read(source, fields, on_error, format, reading)
        report = AddReport()
        seen: dict[str, str] = {}
        how = json.dumps({"fields": dataclasses.asdict(ctx.fields), "format": ctx.format,
                          "id_from": ctx.id_from, "encoding": ctx.encoding,
                          "delimiter": ctx.delimiter, "dayfirst": ctx.dayfirst},
                         sort_keys=True)
        files: dict[str, str] = {}

        def checked(articles: Iterable[Article]) -> Iterator[Article]:
            for a in articles:
                first = seen.setdefault(a.id, a.source)
                if first != a.source:
                    raise DuplicateIdError(_duplicate(a.id, first, a.source))
                origin = _origin(a.source)
                if not self.keep_text:
                    if origin is None or origin == STDIN_LABEL:
                        raise UsageError(
                            f"{a.source}: this index keeps no texts (built with --no-text), so "
                            "it reads them again from the added files; records given in memory"
                            " or on stdin have none: add files, or use an index that keeps "
                            "texts")
                    if origin not in files:
                        files[origin] = how
                        with self.store.transaction():
                            self.store.set_files({origin: how})
                yield a

        boiler = self._boilerplate()
        if boiler is None:
            everything = list(checked(stream))
            if not everything:
                report.skipped = list(ctx.skipped)
                return report
            boiler, prepared = self._build(everything)
            for start in range(0, len(everything), chunk):
                end = min(start + chunk, len(everything))
                self._add_chunk(everything[start:end], replace, report, self._ready(
                    everything[start:end], boiler, _slice(prepared, start, end)))
        else:
            self._add_overlapped(_chunks(checked(stream), chunk), boiler, replace, report)
        report.skipped = list(ctx.skipped)
        return report

    def _add_overlapped(self, chunks: Iterator[list[Article]], boiler: np.ndarray,
                        replace: bool | None, report: AddReport) -> None:
        """Add chunk after chunk, each tokenised, shingled, signed and its texts compressed
        (work that runs in worker processes or lets go of the GIL) on a second thread while
        the chunk before it is stored, verified and clustered. A chunk is added whole before
        an error in reading the next one is raised, as without the overlap."""
        from concurrent.futures import Future, ThreadPoolExecutor

        pending: tuple[list[Article], Future[_Ready]] | None = None
        with ThreadPoolExecutor(1) as ahead:
            try:
                for batch in chunks:
                    coming = ahead.submit(self._ready, batch, boiler)
                    if pending is not None:
                        self._add_chunk(pending[0], replace, report, pending[1].result())
                    pending = (batch, coming)
            except Exception:
                if pending is not None:
                    self._add_chunk(pending[0], replace, report, pending[1].result())
                raise
            if pending is not None:
                self._add_chunk(pending[0], replace, report, pending[1].result())

    def _ready(self, batch: list[Article], boiler: np.ndarray,
               prepared: Prepared | None = None) -> _Ready:
        """A chunk's prepared arrays, its storage order (copies side by side: by their
        signatures' first values) and its compressed texts."""
        if prepared is None:
            prepared = self._prepare([a.text for a in batch], boiler)
        sigs = prepared.signature_array()
        order = (np.lexsort((sigs[:, 1], sigs[:, 0])).tolist() if sigs.shape[1] > 1
                 else list(range(len(batch))))
        with self._clock("compress texts"):
            texts = (pack_text_blocks([a.text for a in batch], order, self.workers)
                     if self.keep_text else None)
        # (credits found here, beside the next chunk's storing: the compiled needle pass lets
        # go of the interpreter)
        credits = agency_marks([a.text for a in batch], [a.title for a in batch])
        return _Ready(prepared, order, texts, list(credits))

    def _build(self, articles: list[Article]) -> tuple[np.ndarray, Prepared]:
        """Learn the boilerplate from every article of the building add (as scan does)."""
        texts = [a.text for a in articles]
        if self.params.boilerplate:
            prepared = prepare(texts, self.params, self.workers,
                               outlets=[a.outlet for a in articles],
                               ranks=id_ranks([a.id for a in articles]))
        else:
            prepared = self._prepare(texts, np.zeros(0, np.uint64))
        with self.store.transaction():
            if "boilerplate_digest" in self.store.get_meta():  # another writer built it
                boiler = self._boilerplate()
                assert boiler is not None
                return boiler, self._prepare(texts, boiler)
            boiler = self._store_boilerplate(prepared, texts, len(articles))
        return boiler, prepared

    def _add_chunk(self, batch: list[Article], replace: bool | None, report: AddReport,
                   ready: _Ready, added_ts: Sequence[float] | None = None) -> None:
        prepared = ready.prepared
        sets, sigs = prepared.sets, prepared.signature_array()
        now = time.time()
        store = self.store
        lap = self._laps()
        with store.transaction():
            old = store.rows_by_id([a.id for a in batch])
            drop = []
            for a in batch:
                hit = old.get(a.id)
                if hit is None:
                    continue
                origin = _origin(a.source)
                if replace is False:
                    raise UsageError(f"{a.source}: id {a.id!r} is already in the index; "
                                     f"re-adding is refused with {option('replace', False)}")
                if replace is None and hit[1] and origin and hit[1] != origin:
                    raise DuplicateIdError(
                        f"{a.source}: id {a.id!r} is already in the index from {hit[1]}; "
                        "an article from another file is not replaced: qualify ids by "
                        f"file with {option('id_from', 'file+id')}, or replace it with "
                        f"{option('replace', True)}")
                drop.append(hit[0])
            dirty = self._drop_rows(drop)
            report.replaced += len(drop)
            sizes = sets.sizes()
            samples = np.bincount(sets.sample_docs, minlength=len(batch))
            lap("replace")
            credits = ready.credits
            dates = [sort_key_for_date(a.published) for a in batch]
            # Each article's figures as bytes cut from one array's, the numbers as Python
            # values in one conversion each (a call per article and field was a fifth of
            # storing the rows).
            fig_offsets = sets.figure_offsets
            fig_bytes = sets.figures.astype("<u4").tobytes() if fig_offsets is not None else b""
            fig_at = ((fig_offsets * 4).tolist() if fig_offsets is not None
                      else [0] * (len(batch) + 1))
            records = [
                (a.id, a.outlet, a.title, a.url, a.published, date,
                 added_ts[i] if added_ts is not None else now, _origin(a.source),
                 size, sample, words, stripped, credit, fig_bytes[fig_at[i]:fig_at[i + 1]])
                for i, (a, date, size, sample, words, stripped, credit) in enumerate(zip(
                    batch, dates, sizes.tolist(), samples.tolist(), sets.words.tolist(),
                    sets.stripped.astype(np.int64).tolist(),
                    np.asarray(credits, np.int64).tolist()))]
            tokens, token_figures = sets.token_arrays()
            assert tokens is not None
            rowids = store.insert_articles(
                records, TokenBatch(tokens, sets.words, token_figures),
                ready.texts, ready.order, self.workers)
            lap("store rows")
            rows = np.array(rowids, dtype=np.int64)
            bk, bo, sk, so = self.keys.of(sigs, sets)
            store.add_segment(BANDS, bk, rows[bo])
            store.add_segment(SAMPLES, sk, rows[so])
            lap("store keys")
            owner, other = self.keys.candidates(sigs, sets, (bk, bo, sk, so))
            lap("candidates")
            mine = rows[owner]
            keep = mine != other
            owner, other, mine = owner[keep], other[keep], mine[keep]
            # A pair inside the chunk is found from both sides: keep it once.
            inside = np.isin(other, rows)
            keep = ~inside | (mine < other)
            owner, other = owner[keep], other[keep]
            pool = Pool(cast("Index", self))
            local = pool.add_prepared(batch, sets, rowids, credits, dates)
            pool.add_rows(np.unique(other).tolist())
            pairs = np.stack([np.array(local, dtype=np.int64)[owner],
                              np.array([pool.at_row.get(int(r), -1) for r in other.tolist()],
                                       dtype=np.int64)], axis=1) if owner.size else \
                np.zeros((0, 2), np.int64)
            pairs = pairs[pairs[:, 1] >= 0]
            lap("pool")
            edges = pool.verify(pairs, self.thresholds)
            lap("verify")
            if edges.pairs.size:
                a_rows = np.array([pool.rowid[k] for k in edges.pairs[:, 0].tolist()])
                b_rows = np.array([pool.rowid[k] for k in edges.pairs[:, 1].tolist()])
                store.insert_edges(np.stack([np.minimum(a_rows, b_rows),
                                             np.maximum(a_rows, b_rows),
                                             edges.jaccard, edges.containment], axis=1))
                dirty |= set(a_rows.tolist()) | set(b_rows.tolist())
            lap("store edges")
            self.clustering.recluster(dirty, pool)
            lap("cluster")
            store.merge_segments()
            stored, dead = store.postings()
            if dead > 0.25 * stored:
                store.merge_segments(np.array(store.all_rowids(), dtype=np.uint32),
                                     everything=True)
            lap("merge keys")
            report.added += len(batch)
        lap("commit")

    def _drop_rows(self, rowids: Sequence[int]) -> set[int]:
        """Delete rows with their edges and cluster rows; the rows whose clusters must be
        computed again (the rest of their components)."""
        if not rowids:
            return set()
        store = self.store
        comps = store.comps_of(rowids)
        others = set(store.comp_members(comps)) | set(store.neighbours(rowids))
        gone = store.fetch(rowids)
        store.add_dead(sum(gone.samples) + self.bands * sum(1 for s in gone.size if s > 0))
        store.delete_articles(rowids)
        return others - set(rowids)


@dataclasses.dataclass
class _Ready:
    """A chunk made ready for storing: its arrays, the order its rows' token and text
    blocks take, its compressed texts (None when the index keeps none) and credits."""

    prepared: Prepared
    order: list[int]
    texts: list[bytes] | None
    credits: list[bool]  # each article's agency credit (``stages.agency``)


def _slice(p: Prepared, start: int, end: int) -> Prepared:
    s = p.sets
    lo, hi = int(s.offsets[start]), int(s.offsets[end])
    keep = (s.sample_docs >= start) & (s.sample_docs < end)
    fo = s.figure_offsets
    tok_starts = np.zeros(s.words.size + 1, dtype=np.int64)
    np.cumsum(s.words, out=tok_starts[1:])
    t0, t1 = int(tok_starts[start]), int(tok_starts[end])
    tokens, token_figures = s.token_arrays(t0, t1)
    sets = ShingleSets(
        s.hashes[lo:hi], s.offsets[start:end + 1] - lo, s.words[start:end],
        s.stripped[start:end], s.sample_hashes[keep],
        (s.sample_docs[keep] - start).astype(np.int32),
        s.figures[int(fo[start]):int(fo[end])] if fo is not None else s.figures[:0],
        fo[start:end + 1] - fo[start] if fo is not None else None,
        tokens, token_figures)
    return Prepared(sets, p.signature_array()[start:end], p.boilerplate)


def _origin(source: str) -> str | None:
    """The file an article was read from, as an absolute path (None for in-memory records)."""
    name = file_of(source)
    if not name or name == STDIN_LABEL:
        return name or None
    # (resolved once a file, not once an article: ``resolve`` is a system call a component)
    return _resolved(name, "" if os.path.isabs(name) else os.getcwd())


@lru_cache(maxsize=256)
def _resolved(name: str, cwd: str) -> str:
    return str(Path(cwd, name).resolve())


def _duplicate(ident: str, first: str, second: str) -> str:
    fix = (f"qualify ids by file with {option('id_from', 'file+id')}"
           if file_of(first) != file_of(second) else "drop one record")
    return (f"duplicate id {ident!r} in {first} and {second}; ids must be unique ({fix}, or "
            f"choose another field with {option('id')})")


def _chunks(stream: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for a in stream:
        batch.append(a)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
