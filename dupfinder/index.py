"""A persistent index of articles for daily scrapes: one SQLite file.

``add`` stores each article's id, outlet, title, dates, MinHash signature, sorted shingle
hashes (compact uint32 blobs) and compressed text, plus its lookup keys: one per LSH band and
one per sampled shingle (the same two candidate generators ``scan`` uses). ``query`` looks the
keys of new articles up, then verifies every candidate exactly, as ``scan`` does.

Safety: articles are added one transaction per chunk, so a killed process leaves whole
articles only; SQLite's write lock makes a second writer wait (``busy_timeout``) instead of
corrupting the file. The index records its parameters, and refuses others.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np

from .article import Article
from .errors import DuplicateIdError, InputError, UsageError
from .fields import FieldMap, option, sort_key_for_date
from .params import Params
from .pipeline import _articles_from, prepare
from .readers import STDIN_LABEL, ReadContext, Skipped, file_of
from .stages.arrays import mix64
from .stages.lsh import band_keys, band_params
from .stages.shingles import ShingleSets
from .stages.verify import Thresholds, figure_arrays_agree, overlap

SCHEMA_VERSION = 2
_BAND_SALT = np.uint64(0x51AF_D7ED_558C_CD00)
_SAMPLE_SALT = np.uint64(0x2545_F491_4F6C_DD1D)

_SQL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    outlet TEXT, title TEXT, url TEXT, published TEXT,
    published_ts REAL, added_ts REAL NOT NULL,
    samples INTEGER NOT NULL,
    words INTEGER NOT NULL,
    figures BLOB NOT NULL,
    signature BLOB NOT NULL,
    shingles BLOB NOT NULL,
    text BLOB,
    source TEXT
);
CREATE INDEX IF NOT EXISTS articles_by_time ON articles (coalesce(published_ts, added_ts));
CREATE TABLE IF NOT EXISTS keys (
    key INTEGER NOT NULL, article INTEGER NOT NULL, PRIMARY KEY (key, article)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS boilerplate (key INTEGER PRIMARY KEY);
"""


def _signed(h: np.ndarray) -> list[int]:
    return h.astype(np.uint64).view(np.int64).tolist()


@dataclass(frozen=True)
class Match:
    id: str
    outlet: str | None
    jaccard: float
    containment: float
    diff: Any = None

    def to_dict(self) -> dict[str, Any]:
        out = {"id": self.id, "outlet": self.outlet, "jaccard": round(self.jaccard, 4),
               "containment": round(self.containment, 4)}
        if self.diff is not None:
            out["edits"] = self.diff.summary()
        return out


@dataclass
class QueryResult:
    article: Article
    matches: list[Match]


@dataclass
class AddReport:
    added: int = 0
    replaced: int = 0
    skipped: list[Skipped] = field(default_factory=list)


def parse_age(text: str, now: datetime | None = None) -> float:
    """'30m', '12h', '7d' or an ISO date: the UTC timestamp before which articles are old."""
    now = now or datetime.now(timezone.utc)
    m = re.fullmatch(r"\s*(\d+)\s*([mhdw])\s*", text)
    if m:
        unit = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[m.group(2)]
        return (now - timedelta(**{unit: int(m.group(1))})).timestamp()
    stamp = sort_key_for_date(text.strip())
    if stamp is None:
        raise UsageError(f"{text!r}: use 30m, 12h, 7d, 2w or an ISO date", option="older_than")
    return stamp


class Index:
    """``Index(path)`` opens or creates an index; ``params`` must match an existing one."""

    def __init__(self, path: str | Path, params: Params | None = None,
                 timeout: float = 120.0) -> None:
        self.path = Path(path)
        try:
            self.db = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None)
            self._initialise(timeout)
        except sqlite3.DatabaseError as error:
            raise InputError(f"{self.path}: not a dupfinder index ({error})") from error
        self.params = self._settle_params(params)
        self.bands, self.rows = band_params(round(self.params.lsh_threshold, 4),
                                            self.params.num_perm)

    def _initialise(self, timeout: float) -> None:
        """Switch to WAL and create the tables, waiting out another process doing the same.

        Changing the journal mode, and upgrading a read to a write, can fail at once with
        "database is locked" instead of waiting (SQLite's deadlock avoidance), so retry.
        """
        deadline = time.monotonic() + timeout
        delay = 0.01
        while True:
            try:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                self.db.execute("BEGIN IMMEDIATE")
                try:
                    for statement in _SQL.split(";"):
                        if statement.strip():
                            self.db.execute(statement)
                    columns = {r[1] for r in self.db.execute("PRAGMA table_info(articles)")}
                    if "source" not in columns:  # an index built before files were recorded
                        self.db.execute("ALTER TABLE articles ADD COLUMN source TEXT")
                    self.db.execute("COMMIT")
                except BaseException:
                    self.db.execute("ROLLBACK")
                    raise
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
                if time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- parameters ------------------------------------------------------------------------

    def _settle_params(self, params: Params | None) -> Params:
        row = self.db.execute("SELECT value FROM meta WHERE key='params'").fetchone()
        if row is None:
            chosen = params or Params()
            self.db.execute("BEGIN IMMEDIATE")
            row = self.db.execute("SELECT value FROM meta WHERE key='params'").fetchone()
            if row is None:
                self.db.executemany("INSERT INTO meta VALUES (?, ?)", [
                    ("schema", str(SCHEMA_VERSION)),
                    ("params", json.dumps(_params_dict(chosen), sort_keys=True)),
                ])
            self.db.execute("COMMIT")
            if row is None:
                return chosen
        schema = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if schema is None or schema[0] != str(SCHEMA_VERSION):
            raise InputError(f"{self.path}: index schema {schema and schema[0]!r} is not "
                             f"{SCHEMA_VERSION}; build a new index")
        stored = Params(**json.loads(row[0]))
        if params is not None and _params_dict(params) != _params_dict(stored):
            differ = [k for k, v in _params_dict(params).items() if _params_dict(stored)[k] != v]
            raise UsageError(
                f"{self.path} was built with "
                + ", ".join(f"{k}={_params_dict(stored)[k]}" for k in differ)
                + "; query it with the same parameters, or build a new index"
            )
        return stored

    # -- keys ------------------------------------------------------------------------------

    def _keys(self, sigs: np.ndarray, sets: ShingleSets) -> list[list[int]]:
        """Lookup keys of each article: its LSH band keys and its sampled shingles."""
        return [b + s for b, s in self._split_keys(sigs, sets)]

    def _split_keys(self, sigs: np.ndarray, sets: ShingleSets
                    ) -> list[tuple[list[int], list[int]]]:
        n = sigs.shape[0]
        per_band = [
            mix64(band_keys(sigs, b, self.rows)
                 ^ np.uint64((int(_BAND_SALT) * (b + 1)) & 0xFFFFFFFFFFFFFFFF))
            for b in range(self.bands)
        ]
        bands = np.stack(per_band, axis=1) if per_band else np.zeros((n, 0), np.uint64)
        samples = mix64(sets.sample_hashes.astype(np.uint64) ^ _SAMPLE_SALT)
        bounds = np.searchsorted(sets.sample_docs, np.arange(n + 1))
        return [(_signed(np.unique(bands[i])), _signed(np.unique(samples[bounds[i]:bounds[i + 1]])))
                for i in range(n)]

    def _boilerplate(self) -> frozenset[int]:
        rows = self.db.execute("SELECT key FROM boilerplate").fetchall()
        return frozenset(int(np.int64(r[0]).view(np.uint64)) for r in rows)

    def _prepare(self, articles: list[Article]) -> tuple[ShingleSets, np.ndarray, frozenset[int]]:
        prepared = prepare([a.text for a in articles], self.params,
                           known_boilerplate=self._boilerplate())
        return prepared.sets, prepared.signatures, prepared.boilerplate

    # -- add -------------------------------------------------------------------------------

    def add(self, source: Any, replace: bool | None = None, chunk: int = 1000,
            fields: FieldMap | None = None, on_error: str = "fail",
            format: str | None = None, **reading: Any) -> AddReport:
        """Add articles; one transaction per ``chunk``. ``reading``: the reader options of
        ``scan`` (``id_from=``, ``encoding=``, ``delimiter=``, ``exclude=``, ``dayfirst=``).

        An id already indexed is replaced when it comes again from the same file (a re-run of
        the same day's add). From another file it is an error unless ``replace=True``: two
        files reusing ids (row numbers, a CMS's counters) must not overwrite each other's
        articles; ``id_from="file+id"`` keeps them apart. ``replace=False`` refuses every id
        already indexed.
        """
        ctx = _read_context(fields, on_error, format, reading)
        report = AddReport()
        seen: dict[str, str] = {}
        for batch in _chunks(ctx.complete(_articles_from(source, ctx)), chunk):
            for a in batch:
                first = seen.setdefault(a.id, a.source)
                if first != a.source:
                    raise DuplicateIdError(_duplicate(a.id, first, a.source))
            self._add_chunk(batch, replace, report)
        report.skipped = list(ctx.skipped)
        return report

    def _add_chunk(self, batch: list[Article], replace: bool | None,
                   report: AddReport) -> None:
        sets, sigs, boiler = self._prepare(batch)
        keys = self._keys(sigs, sets)
        now = time.time()
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("INSERT OR IGNORE INTO boilerplate VALUES (?)",
                           [(k,) for k in _signed(np.array(sorted(boiler), dtype=np.uint64))])
            for i, a in enumerate(batch):
                origin = _origin(a.source)
                old = db.execute("SELECT rowid, source FROM articles WHERE id=?",
                                 (a.id,)).fetchone()
                if old is not None:
                    if replace is False:
                        raise UsageError(f"{a.source}: id {a.id!r} is already in the index; "
                                         f"re-adding is refused with {option('replace', False)}")
                    if replace is None and old[1] and origin and old[1] != origin:
                        raise DuplicateIdError(
                            f"{a.source}: id {a.id!r} is already in the index from {old[1]}; "
                            "an article from another file is not replaced: qualify ids by "
                            f"file with {option('id_from', 'file+id')}, or replace it with "
                            f"{option('replace', True)}")
                    self._delete_rowid(old[0])
                    report.replaced += 1
                cur = db.execute(
                    "INSERT INTO articles (id, outlet, title, url, published, published_ts,"
                    " added_ts, samples, words, figures, signature, shingles, text, source)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (a.id, a.outlet, a.title, a.url, a.published,
                     sort_key_for_date(a.published), now,
                     int(np.count_nonzero(sets.sample_docs == i)), int(sets.words[i]),
                     sets.figures_of(i).astype("<u4").tobytes(),
                     sigs[i].astype("<u4").tobytes(), sets.of(i).astype("<u4").tobytes(),
                     zlib.compress(a.text.encode("utf-8", "surrogatepass"), 6), origin),
                )
                db.executemany("INSERT OR IGNORE INTO keys VALUES (?, ?)",
                               [(k, cur.lastrowid) for k in keys[i]])
                report.added += 1
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _delete_rowid(self, rowid: int) -> None:
        row = self.db.execute("SELECT signature, shingles FROM articles WHERE rowid=?",
                              (rowid,)).fetchone()
        sig = np.frombuffer(row[0], dtype="<u4").astype(np.uint32)[None, :]
        hashes = np.frombuffer(row[1], dtype="<u4").astype(np.uint32)
        sets = ShingleSets(hashes, np.array([0, hashes.size]), np.zeros(1, np.int32),
                           np.zeros(1, bool)).with_sample()
        for k in self._keys(sig, sets)[0]:
            self.db.execute("DELETE FROM keys WHERE key=? AND article=?", (k, rowid))
        self.db.execute("DELETE FROM articles WHERE rowid=?", (rowid,))

    # -- query -----------------------------------------------------------------------------

    def query(self, source: Any, limit: int = 20, with_diff: bool = False,
              fields: FieldMap | None = None, on_error: str = "fail",
              format: str | None = None, **reading: Any) -> list[QueryResult]:
        """Indexed articles that are copies of each new article, best first."""
        ctx = _read_context(fields, on_error, format, reading)
        out: list[QueryResult] = []
        thresholds = Thresholds(self.params.threshold, self.params.containment,
                                self.params.min_shingles)
        for batch in _chunks(ctx.complete(_articles_from(source, ctx)), 1000):
            sets, sigs, _ = self._prepare(batch)
            keys = self._split_keys(sigs, sets)
            for i, article in enumerate(batch):
                out.append(QueryResult(article, self._matches(
                    article, sets.of(i), keys[i], int(np.count_nonzero(sets.sample_docs == i)),
                    thresholds, limit, with_diff, (sets.figures_of(i), int(sets.words[i])))))
        return out

    def _candidates(self, keys: tuple[list[int], list[int]], samples: int) -> list[int]:
        """Articles sharing an LSH band, or a fair share of sampled shingles (see anchors)."""
        bands, sampled = keys
        found: set[int] = set()
        if bands:
            marks = ",".join("?" * len(bands))
            found.update(r[0] for r in self.db.execute(
                f"SELECT DISTINCT article FROM keys WHERE key IN ({marks})", bands))
        if sampled:
            marks = ",".join("?" * len(sampled))
            rows = self.db.execute(
                f"SELECT k.article, count(*), a.samples FROM keys k JOIN articles a"
                f" ON a.rowid = k.article WHERE k.key IN ({marks}) GROUP BY k.article", sampled)
            for rowid, shared, theirs in rows:
                need = max(1, int(0.5 * self.params.containment * min(samples, theirs)))
                if shared >= need:
                    found.add(rowid)
        return sorted(found)

    def _matches(self, article: Article, shingles: np.ndarray,
                 keys: tuple[list[int], list[int]], samples: int,
                 thresholds: Thresholds, limit: int, with_diff: bool,
                 figures: tuple[np.ndarray, int]) -> list[Match]:
        if shingles.size == 0:
            return []
        found: list[Match] = []
        for rowid in self._candidates(keys, samples):
            row = self.db.execute(
                "SELECT id, outlet, shingles, samples, title, url, published, text, figures,"
                " words FROM articles WHERE rowid=?", (rowid,)).fetchone()
            if row is None or row[0] == article.id:
                continue
            other = np.frombuffer(row[2], dtype="<u4").astype(np.uint32)
            jac, con = overlap(shingles, other)
            if not thresholds.is_copy(jac, con, min(shingles.size, other.size)):
                continue
            theirs = np.frombuffer(row[8], dtype="<u4").astype(np.uint32)
            if not figure_arrays_agree(figures[0], theirs, figures[1], int(row[9])):
                continue
            diff = None
            if with_diff:
                from .diff import diff_articles

                stored = Article(id=row[0], outlet=row[1], title=row[4], url=row[5],
                                 published=row[6],
                                 text=zlib.decompress(row[7]).decode("utf-8", "surrogatepass")
                                 if row[7] else "")
                diff = diff_articles(stored, article, self._boilerplate())
            found.append(Match(row[0], row[1], jac, con, diff))
        found.sort(key=lambda m: (-m.jaccard, -m.containment, m.id))
        return found[:limit]

    # -- upkeep ----------------------------------------------------------------------------

    def prune(self, older_than: str) -> int:
        """Drop articles published (or, undated, added) before the cutoff; returns how many."""
        cutoff = parse_age(older_than)
        rows = self.db.execute(
            "SELECT rowid FROM articles WHERE coalesce(published_ts, added_ts) < ?", (cutoff,)
        ).fetchall()
        db = self.db
        for start in range(0, len(rows), 1000):
            db.execute("BEGIN IMMEDIATE")
            try:
                for (rowid,) in rows[start : start + 1000]:
                    self._delete_rowid(rowid)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return len(rows)

    def stats(self) -> dict[str, Any]:
        count, oldest, newest = self.db.execute(
            "SELECT count(*), min(coalesce(published_ts, added_ts)),"
            " max(coalesce(published_ts, added_ts)) FROM articles").fetchone()
        keys = self.db.execute("SELECT count(*) FROM keys").fetchone()[0]
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*"))

        def iso(ts: float | None) -> str | None:
            return datetime.fromtimestamp(ts, timezone.utc).isoformat() if ts else None

        return {"articles": count, "keys": keys, "bytes": size,
                "bytes_per_article": round(size / count) if count else 0,
                "oldest": iso(oldest), "newest": iso(newest),
                "params": _params_dict(self.params)}


def _params_dict(p: Params) -> dict[str, Any]:
    return {"threshold": p.threshold, "containment": p.containment, "shingle": p.shingle,
            "num_perm": p.num_perm, "min_shingles": p.min_shingles, "seed": p.seed,
            "lsh_threshold": p.lsh_threshold, "boilerplate": p.boilerplate}


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


def _origin(source: str) -> str | None:
    """The file an article was read from, as an absolute path (None for in-memory records)."""
    name = file_of(source)
    if not name or name == STDIN_LABEL:
        return name or None
    return str(Path(name).resolve())


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
