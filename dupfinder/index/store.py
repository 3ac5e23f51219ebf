"""Storage of the index behind one small interface (``Store``), and its SQLite implementation.

The index logic (``dupfinder.index``) asks a store for whole batches: rows by id, rows by row
number, the postings of a batch of keys, the edges and cluster rows of a set of articles. Every
call takes or returns arrays or lists for a whole chunk, so a store answers a chunk in a few
statements, and another store (a key-value service, a columnar file) can follow by implementing
the same methods, as datasketch's storage layer does for its LSH.

Lookup keys are kept as *segments*, the way a log-structured merge tree keeps them: each added
chunk writes one sorted array of (key, row) per kind (LSH band keys, sampled shingles), 32-bit
each, and segments are merged when eight of one level accumulate. Adding a chunk therefore
writes what the chunk brings (not pages all over one B-tree keyed by random hashes, whose cost
grows with the index), and a lookup is a binary search of the batch's sorted keys in each
segment. Postings of deleted rows are dropped at the next merge; ``compact`` merges them all.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, cast

import numpy as np

from ..stages import _numba
from ..stages.arrays import unique_inverse
from .codec import (
    TEXT_BLOCK,
    TOKEN_BLOCK,
    pack_postings,
    pack_tokens,
    unpack_postings,
    unpack_texts,
    unpack_tokens,
)

SCHEMA_VERSION = 4
MERGE_FANIN = 8  # segments of one level merged into one of the next
KINDS = ("bands", "samples")

_SQL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    outlet TEXT, title TEXT, url TEXT, published TEXT,
    published_ts REAL, added_ts REAL NOT NULL,
    source TEXT,
    size INTEGER NOT NULL, samples INTEGER NOT NULL, words INTEGER NOT NULL,
    stripped INTEGER NOT NULL, agency INTEGER NOT NULL, figures BLOB NOT NULL,
    token_block INTEGER NOT NULL, token_at INTEGER NOT NULL,
    text_block INTEGER, text_at INTEGER
);
CREATE TABLE IF NOT EXISTS texts (block INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (block INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS vocab (start INTEGER PRIMARY KEY, hashes BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, reading TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS articles_by_time ON articles (coalesce(published_ts, added_ts));
CREATE TABLE IF NOT EXISTS segments (
    seg INTEGER PRIMARY KEY, kind INTEGER NOT NULL, level INTEGER NOT NULL,
    count INTEGER NOT NULL, keys BLOB NOT NULL, rows BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS boilerplate (
    key INTEGER PRIMARY KEY, articles INTEGER, outlets INTEGER, reason TEXT, text TEXT
);
CREATE TABLE IF NOT EXISTS edges (
    a INTEGER NOT NULL, b INTEGER NOT NULL, jaccard REAL NOT NULL, containment REAL NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS comps (article INTEGER PRIMARY KEY, comp INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS comps_by_comp ON comps (comp);
CREATE TABLE IF NOT EXISTS members (
    article INTEGER PRIMARY KEY, cluster INTEGER NOT NULL, reason TEXT NOT NULL,
    jaccard REAL NOT NULL, containment REAL NOT NULL, shared INTEGER NOT NULL,
    own INTEGER NOT NULL, joined TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS members_by_cluster ON members (cluster);
CREATE TABLE IF NOT EXISTS embedded (
    cluster INTEGER NOT NULL, article INTEGER NOT NULL, containment REAL NOT NULL,
    PRIMARY KEY (cluster, article)
) WITHOUT ROWID;
"""

_ROW_COLUMNS = ("rowid", "id", "outlet", "title", "url", "published", "published_ts",
                "added_ts", "source", "size", "samples", "words", "stripped", "agency",
                "figures", "token_block", "token_at")


class _HashIndex:
    """uint32 keys -> int64 values in an open-addressing table (linear probing, at most half
    full), looked up and filled a whole array at a time."""

    def __init__(self, bits: int = 16) -> None:
        self.keys = np.zeros(1 << bits, dtype=np.uint32)
        self.values = np.full(1 << bits, -1, dtype=np.int64)
        self.count = 0

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        # Token keys are hashes already: their bits, folded, spread over the table.
        return ((keys ^ (keys >> np.uint32(15))) & np.uint32(self.keys.size - 1)).astype(np.intp)

    def insert(self, keys: np.ndarray, values: np.ndarray) -> None:
        """Add keys not yet present (each once)."""
        if 2 * (self.count + keys.size) > self.keys.size:
            size = self.keys.size
            while 2 * (self.count + keys.size) > size:
                size *= 2
            live = self.values >= 0
            old_keys, old_values = self.keys[live], self.values[live]
            self.keys = np.zeros(size, dtype=np.uint32)
            self.values = np.full(size, -1, dtype=np.int64)
            self.count = 0
            self.insert(old_keys, old_values)
        mask = self.keys.size - 1
        slots = self._slots(keys)
        todo = np.arange(keys.size)
        while todo.size:
            free = self.values[slots[todo]] < 0
            # Of several keys aiming at one free slot, the first takes it.
            aim = slots[todo[free]]
            _, first = np.unique(aim, return_index=True)
            placed = todo[free][first]
            self.keys[slots[placed]] = keys[placed]
            self.values[slots[placed]] = values[placed]
            left = np.ones(todo.size, dtype=bool)
            left[np.flatnonzero(free)[first]] = False
            todo = todo[left]
            slots[todo] = (slots[todo] + 1) & mask
        self.count += keys.size

    def find(self, keys: np.ndarray) -> np.ndarray:
        """The value of each key, -1 for keys not present."""
        kernel = _numba.kernel("table_find")
        if kernel is not None:  # a probe loop a key, not rounds of gathers over all of them
            return cast(np.ndarray, kernel(self.keys, self.values, keys.astype(np.uint32)))
        mask = self.keys.size - 1
        slots = self._slots(keys)
        # Most keys sit in their first slot: one gather each for all of them, then the
        # collided ones probe on.
        values = self.values[slots]
        taken = values >= 0
        same = self.keys[slots] == keys
        out = np.where(taken & same, values, -1)
        todo = np.flatnonzero(taken & ~same)
        slots[todo] = (slots[todo] + 1) & mask
        while todo.size:
            at = slots[todo]
            values = self.values[at]
            hit = (values >= 0) & (self.keys[at] == keys[todo])
            out[todo[hit]] = values[hit]
            todo = todo[(values >= 0) & ~hit]  # an empty slot ends the probe: not present
            slots[todo] = (slots[todo] + 1) & mask
        return out


@dataclass
class Segment:
    seg: int
    kind: int
    level: int
    keys: np.ndarray  # uint32, sorted
    rows: np.ndarray  # uint32, aligned with keys (ascending within a key)

    @property
    def count(self) -> int:
        return int(self.keys.size)


def _packed(keys: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Postings as key << 32 | row: sorting them sorts by key, then row."""
    out = keys.astype(np.uint64) << np.uint64(32)
    out |= rows.astype(np.uint64)
    return out


@dataclass
class Rows:
    """Stored articles, one list entry each, in the order asked."""

    rowid: list[int]
    id: list[str]
    outlet: list[str | None]
    title: list[str | None]
    url: list[str | None]
    published: list[str | None]
    published_ts: list[float | None]
    added_ts: list[float]
    source: list[str | None]
    size: list[int]
    samples: list[int]
    words: list[int]
    stripped: list[int]
    agency: list[int]
    figures: list[np.ndarray]
    # The tokens that were shingled (word hashes, boilerplate left out) and their digit flags,
    # when asked for; the index derives the shingles from them (``Index.fetch``).
    tokens: list[np.ndarray] = field(default_factory=list)
    token_figures: list[np.ndarray | None] = field(default_factory=list)
    shingles: list[np.ndarray] = field(default_factory=list)
    # The same tokens as one array in row order (``tokens`` are views of it), with each
    # row's start (one past the last at the end) and the flags alike (None when not kept).
    token_values: np.ndarray | None = None
    token_offsets: np.ndarray | None = None
    token_flags: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.rowid)


@dataclass
class TokenBatch:
    """A chunk's shingled tokens: article i owns ``counts[i]`` of ``tokens`` (uint32 word
    hashes), each with its digit flag in ``figures`` (or None)."""

    tokens: np.ndarray
    counts: np.ndarray
    figures: np.ndarray | None


class Store(Protocol):
    """What the index needs from storage; every call is batched."""

    def transaction(self) -> Any: ...
    def get_meta(self) -> dict[str, str]: ...
    def set_meta(self, items: dict[str, str]) -> None: ...
    def rows_by_id(self, ids: Sequence[str]) -> dict[str, tuple[int, str | None]]: ...
    def insert_articles(self, records: list[tuple[Any, ...]], tokens: TokenBatch,
                        texts: Sequence[bytes] | None = None,
                        order: Sequence[int] | None = None, workers: int = 1) -> list[int]: ...
    def vocab(self) -> np.ndarray: ...
    def delete_articles(self, rowids: Sequence[int]) -> None: ...
    def fetch(self, rowids: Sequence[int], tokens: bool = False) -> Rows: ...
    def texts(self, rowids: Sequence[int]) -> dict[int, str]: ...
    def add_segment(self, kind: int, keys: np.ndarray, rows: np.ndarray) -> None: ...
    def segments(self) -> list[Segment]: ...
    def edges_among(self, rowids: Sequence[int]) -> np.ndarray: ...
    def insert_edges(self, edges: np.ndarray) -> None: ...


class SQLiteStore:
    """One SQLite file in WAL mode; a second writer waits for the first (``busy_timeout``)."""

    def __init__(self, path: Path, timeout: float = 120.0) -> None:
        self.path = path
        self.db = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
        self._initialise(timeout)
        self._segments: dict[int, Segment] = {}
        self._generation = ""
        self._reset_vocab()

    def close(self) -> None:
        self.db.close()

    def _initialise(self, timeout: float) -> None:
        """Switch to WAL and create the tables, waiting out another process doing the same.

        Changing the journal mode, and upgrading a read to a write, can fail at once with
        "database is locked" instead of waiting (SQLite's deadlock avoidance), so retry.
        """
        deadline = time.monotonic() + timeout
        delay = 0.01
        while True:
            try:
                # Large pages pack rows of 1.7 KB and text blocks of 10 KB with little slack
                # (new files only).
                self.db.execute("PRAGMA page_size=65536")
                # Pages freed by merged segments go back to the file (incremental_vacuum).
                self.db.execute("PRAGMA auto_vacuum=INCREMENTAL")
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                self.db.execute("PRAGMA cache_size=-65536")
                self.db.execute("PRAGMA temp_store=MEMORY")
                self.db.execute("BEGIN IMMEDIATE")
                try:
                    for statement in _SQL.split(";"):
                        if statement.strip():
                            self.db.execute(statement)
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

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self._bump()
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            self._segments = {}
            self._generation = ""
            self._reset_vocab()
            raise

    def _bump(self) -> None:
        stamp = f"{time.time_ns()}-{id(self)}"
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (stamp,))
        self._generation = stamp

    # -- meta -----------------------------------------------------------------------------

    def get_meta(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT key, value FROM meta").fetchall())

    def set_meta(self, items: dict[str, str]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", list(items.items()))

    def boilerplate(self) -> tuple[np.ndarray, list[tuple[int, int, int, str, str]]]:
        rows = self.db.execute(
            "SELECT key, articles, outlets, reason, text FROM boilerplate ORDER BY key"
        ).fetchall()
        keys = np.array([r[0] for r in rows], dtype=np.int64).view(np.uint64)
        return np.sort(keys), rows

    def set_boilerplate(self, lines: list[tuple[int, int, int, str, str]]) -> None:
        self.db.execute("DELETE FROM boilerplate")
        self.db.executemany("INSERT INTO boilerplate VALUES (?, ?, ?, ?, ?)", lines)

    # -- articles -------------------------------------------------------------------------

    def _ids_table(self, name: str, values: Sequence[Any]) -> None:
        """A temporary table of the values (joined against, instead of one query each)."""
        kind = "TEXT" if name == "want_ids" else "INTEGER"
        self.db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} (v {kind} PRIMARY KEY)")
        self.db.execute(f"DELETE FROM {name}")
        # One statement: the list parsed by SQLite, not bound row by row (ids as JSON strings:
        # 10k ids in 4 ms, against 25 ms bound one by one).
        self.db.execute(f"INSERT OR IGNORE INTO {name} SELECT value FROM json_each(?)",
                        (json.dumps([int(v) for v in values] if kind == "INTEGER"
                                    else list(values)),))

    def rows_by_id(self, ids: Sequence[str]) -> dict[str, tuple[int, str | None]]:
        self._ids_table("want_ids", ids)
        return {r[0]: (r[1], r[2]) for r in self.db.execute(
            "SELECT a.id, a.rowid, a.source FROM want_ids w CROSS JOIN articles a ON a.id = w.v")}

    def insert_articles(self, records: list[tuple[Any, ...]], tokens: TokenBatch,
                        texts: Sequence[bytes] | None = None,
                        order: Sequence[int] | None = None, workers: int = 1) -> list[int]:
        """Insert rows, and their tokens (as vocabulary ids; their blocks compressed on
        ``workers`` threads) and texts (``pack_text_blocks``
        in the same ``order``) compressed in blocks, in ``order`` (copies side by side
        compress to a fraction of what they take apart); their new row numbers. Call inside a
        transaction."""
        # Row numbers are never reused (a pruned row's postings may linger until a merge).
        got = self.db.execute("SELECT value FROM meta WHERE key='next_row'").fetchone()
        top = self.db.execute("SELECT coalesce(max(rowid), 0) FROM articles").fetchone()[0]
        start = max(int(got[0]) if got else 1, top + 1)
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('next_row', ?)",
                        (str(start + len(records)),))
        rowids = list(range(start, start + len(records)))
        seq = list(order) if order is not None else list(range(len(records)))
        ids = self._encode(tokens.tokens)
        blobs = pack_tokens(ids, tokens.counts, tokens.figures, seq, workers=workers)
        first_tok = self._next_block("tokens")
        self.db.executemany("INSERT INTO tokens VALUES (?, ?)",
                            [(first_tok + n, b) for n, b in enumerate(blobs)])
        tok_places: list[tuple[int, int]] = [(0, 0)] * len(records)
        for at, i in enumerate(seq):
            tok_places[i] = (first_tok + at // TOKEN_BLOCK, at % TOKEN_BLOCK)
        places: list[tuple[int | None, int | None]] = [(None, None)] * len(records)
        if texts is not None:
            first = self._next_block("texts")
            self.db.executemany("INSERT INTO texts VALUES (?, ?)",
                                [(first + n, b) for n, b in enumerate(texts)])
            for at, i in enumerate(seq):
                places[i] = (first + at // TEXT_BLOCK, at % TEXT_BLOCK)
        self.db.executemany(
            "INSERT INTO articles (rowid, id, outlet, title, url, published, published_ts,"
            " added_ts, source, size, samples, words, stripped, agency, figures,"
            " token_block, token_at, text_block, text_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(r, *rec, *tok, *place)
             for r, rec, tok, place in zip(rowids, records, tok_places, places)])
        return rowids

    def _next_block(self, table: str) -> int:
        return int(self.db.execute(f"SELECT coalesce(max(block), 0) FROM {table}"
                                   ).fetchone()[0]) + 1

    # -- the vocabulary: token hashes as small integers, for compact token blocks --------------

    def _reset_vocab(self) -> None:
        self._vocab = np.zeros(0, np.uint32)  # id -> token hash
        self._lookup = _HashIndex()

    def vocab(self) -> np.ndarray:
        """Token hash of each vocabulary id (ids are appended, never changed or reused)."""
        new = self.db.execute("SELECT start, hashes FROM vocab WHERE start >= ? ORDER BY start",
                              (int(self._vocab.size),)).fetchall()
        for start, blob in new:
            if start != self._vocab.size:  # a rolled-back writer's view: read it all again
                self._reset_vocab()
                return self.vocab()
            self._grow_vocab(np.frombuffer(blob, dtype="<u4").astype(np.uint32))
        return self._vocab

    def _grow_vocab(self, hashes: np.ndarray) -> None:
        ids = np.arange(self._vocab.size, self._vocab.size + hashes.size, dtype=np.int64)
        self._vocab = np.concatenate([self._vocab, hashes])
        self._lookup.insert(hashes, ids)

    def _encode(self, tokens: np.ndarray) -> np.ndarray:
        """Vocabulary ids of token hashes; hashes not yet known get new ids, the most frequent
        first (so that common words take one byte). Call inside a transaction."""
        self.vocab()
        tokens = tokens.astype(np.uint32)
        ids = self._lookup.find(tokens)
        miss = ids < 0
        if miss.any():
            fresh, inverse, counts = unique_inverse(tokens[miss])
            order = np.lexsort((fresh, -counts))
            rank = np.empty(order.size, dtype=np.int64)
            rank[order] = np.arange(order.size)
            base = int(self._vocab.size)
            self.db.execute("INSERT INTO vocab VALUES (?, ?)",
                            (base, fresh[order].astype("<u4").tobytes()))
            self._grow_vocab(fresh[order])
            ids[miss] = base + rank[inverse.ravel()]
        return ids

    def delete_articles(self, rowids: Sequence[int]) -> None:
        self._ids_table("drop_rows", rowids)
        for table, column in (("articles", "rowid"), ("comps", "article"),
                              ("members", "article"), ("embedded", "article")):
            self.db.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT v FROM drop_rows)")
        # Edges are kept both ways: the reverse ones first, found from the forward ones.
        self.db.execute("DELETE FROM edges WHERE (a, b) IN (SELECT e.b, e.a FROM drop_rows x"
                        " CROSS JOIN edges e ON e.a = x.v)")
        self.db.execute("DELETE FROM edges WHERE a IN (SELECT v FROM drop_rows)")

    def fetch(self, rowids: Sequence[int], tokens: bool = False) -> Rows:
        """Stored articles in the order asked (unknown rows left out); ``tokens``: with their
        tokens and digit flags, decoded from their blocks."""
        self._ids_table("fetch_rows", rowids)
        cols = ", ".join("a." + c for c in _ROW_COLUMNS)
        got = {r[0]: r for r in self.db.execute(
            f"SELECT {cols} FROM fetch_rows f CROSS JOIN articles a ON a.rowid = f.v")}
        rows = [got[r] for r in rowids if r in got]
        # Column by column (one transposition, not an append per row and field).
        columns: list[tuple[Any, ...]] = (list(zip(*rows)) if rows
                                          else [() for _ in _ROW_COLUMNS])
        out = Rows(**{name: list(c) for name, c in zip(_ROW_COLUMNS[:14], columns)},  # type: ignore[arg-type]
                   figures=[np.frombuffer(b, dtype="<u4").astype(np.uint32)
                            for b in columns[14]])
        if tokens and rows:
            blocks = sorted(set(columns[15]))
            self._ids_table("token_blocks", blocks)
            stored = dict(self.db.execute(
                "SELECT x.block, x.data FROM token_blocks t CROSS JOIN tokens x"
                " ON x.block = t.v").fetchall())
            blocks = [b for b in blocks if b in stored]
            places: dict[int, list[int]] = {}
            for r in rows:
                places.setdefault(r[15], []).append(r[16])
            wanted = [sorted(set(places[b])) for b in blocks]
            ids, offsets, figures, _ = unpack_tokens([stored[b] for b in blocks], wanted)
            hashes = self.vocab()[ids]
            where = {(b, at): k for k, (b, at) in enumerate(
                (b, at) for b, ats in zip(blocks, wanted) for at in ats)}
            # The rows' tokens gathered into row order once: one array the index shingles,
            # each row's tokens a view of it.
            picked = np.array([where[b, at] for b, at in zip(columns[15], columns[16])],
                              dtype=np.int64)
            lengths = offsets[picked + 1] - offsets[picked]
            row_at = np.zeros(picked.size + 1, dtype=np.int64)
            np.cumsum(lengths, out=row_at[1:])
            gather = np.repeat(offsets[picked] - row_at[:-1], lengths) + np.arange(row_at[-1])
            out.token_values, out.token_offsets = hashes[gather], row_at
            out.token_flags = figures[gather] if figures is not None else None
            bounds = list(zip(row_at[:-1].tolist(), row_at[1:].tolist()))
            out.tokens = [out.token_values[lo:hi] for lo, hi in bounds]
            flags = out.token_flags
            out.token_figures = ([flags[lo:hi] for lo, hi in bounds] if flags is not None
                                 else [None] * len(bounds))
        return out

    def texts(self, rowids: Sequence[int]) -> dict[int, str]:
        self._ids_table("text_rows", rowids)
        where = self.db.execute("SELECT a.rowid, a.text_block, a.text_at FROM text_rows t"
                                " CROSS JOIN articles a ON a.rowid = t.v").fetchall()
        blocks = sorted({w[1] for w in where if w[1] is not None})
        self._ids_table("text_blocks", blocks)
        got = {b: unpack_texts(d) for b, d in self.db.execute(
            "SELECT x.block, x.data FROM text_blocks t CROSS JOIN texts x ON x.block = t.v")}
        return {r: got[b][at] for r, b, at in where if b in got}

    def set_files(self, files: dict[str, str]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?)", list(files.items()))

    def files_of(self, rowids: Sequence[int]) -> dict[int, tuple[str | None, str, str | None]]:
        """Row -> (its file, its id, how that file was read)."""
        self._ids_table("file_rows", rowids)
        return {r[0]: (r[1], r[2], r[3]) for r in self.db.execute(
            "SELECT a.rowid, a.source, a.id, f.reading FROM file_rows x CROSS JOIN articles a"
            " ON a.rowid = x.v LEFT JOIN files f ON f.path = a.source")}

    def drop_orphan_texts(self) -> None:
        """Text and token blocks no indexed article points into."""
        self.db.execute("DELETE FROM texts WHERE block NOT IN"
                        " (SELECT text_block FROM articles WHERE text_block IS NOT NULL)")
        self.db.execute("DELETE FROM tokens WHERE block NOT IN"
                        " (SELECT token_block FROM articles)")

    def rows_before(self, cutoff: float) -> list[int]:
        return [r[0] for r in self.db.execute(
            "SELECT rowid FROM articles WHERE coalesce(published_ts, added_ts) < ?", (cutoff,))]

    def rows_between(self, start: float | None, end: float | None) -> list[int]:
        return [r[0] for r in self.db.execute(
            "SELECT rowid FROM articles WHERE coalesce(published_ts, added_ts) >= ?"
            " AND coalesce(published_ts, added_ts) < ? ORDER BY rowid",
            (start if start is not None else -1e18, end if end is not None else 1e18))]

    def all_rowids(self) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT rowid FROM articles ORDER BY rowid")]

    # -- postings -------------------------------------------------------------------------

    def add_segment(self, kind: int, keys: np.ndarray, rows: np.ndarray, level: int = 0) -> None:
        self._add_packed(kind, _packed(keys, rows), level)

    def _add_packed(self, kind: int, packed: np.ndarray, level: int) -> None:
        """A segment from postings packed as key << 32 | row (sorted here, in place: one
        array of 8 bytes a posting, where an argsort and its gathers took three)."""
        packed.sort(kind="stable")  # runs of merged segments are merged, not sorted again
        k = (packed >> np.uint64(32)).astype(np.uint32)
        r = packed.astype(np.uint32)
        del packed
        key_blob, row_blob = pack_postings(k, r)
        cur = self.db.execute(
            "INSERT INTO segments (kind, level, count, keys, rows) VALUES (?,?,?,?,?)",
            (kind, level, int(k.size), key_blob, row_blob))
        seg = int(cur.lastrowid or 0)
        self._segments[seg] = Segment(seg, kind, level, k, r)

    def segments(self) -> list[Segment]:
        """Every segment, loaded once per process and refreshed when another writer wrote."""
        stamp = self.db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        stamp = stamp[0] if stamp else ""
        if stamp != self._generation or not self._segments:
            present = {r[0] for r in self.db.execute("SELECT seg FROM segments")}
            self._segments = {s: v for s, v in self._segments.items() if s in present}
            missing = sorted(present - set(self._segments))
            for seg, kind, level, keys, rows in self._select_segments(missing):
                self._segments[seg] = Segment(seg, kind, level, *unpack_postings(keys, rows))
            self._generation = stamp
        return [self._segments[s] for s in sorted(self._segments)]

    def _select_segments(self, segs: list[int]) -> list[tuple[Any, ...]]:
        if not segs:
            return []
        self._ids_table("want_segs", segs)
        return self.db.execute("SELECT s.seg, s.kind, s.level, s.keys, s.rows FROM want_segs w"
                               " CROSS JOIN segments s ON s.seg = w.v").fetchall()

    def merge_segments(self, alive: np.ndarray | None = None, everything: bool = False) -> None:
        """Merge MERGE_FANIN segments of one level (or all of a kind), dropping dead rows."""
        segs = self.segments()
        for kind in range(len(KINDS)):
            while True:
                mine = [s for s in segs if s.kind == kind]
                if everything:
                    group = mine if len(mine) > 1 or (alive is not None and mine) else []
                else:
                    levels: dict[int, list[Segment]] = {}
                    for s in mine:
                        levels.setdefault(s.level, []).append(s)
                    full = [v for v in levels.values() if len(v) >= MERGE_FANIN]
                    group = full[0] if full else []
                if not group:
                    break
                if alive is None and self._dead() and not everything:
                    alive = np.array(self.all_rowids(), dtype=np.uint32)
                living = None
                if alive is not None:
                    top = max([int(alive.max()) if alive.size else 0]
                              + [int(s.rows.max()) for s in group if s.rows.size])
                    living = np.zeros(top + 1, dtype=bool)
                    living[alive] = True
                before = sum(s.count for s in group)
                parts = []
                for s in group:  # packed a segment at a time, each freed as it is packed
                    part = _packed(s.keys, s.rows)
                    if living is not None:
                        part = part[living[s.rows]]
                    parts.append(part)
                    del self._segments[s.seg]
                    s.keys = s.rows = np.zeros(0, np.uint32)
                packed = np.concatenate(parts) if parts else np.zeros(0, np.uint64)
                del parts
                if living is not None:
                    self.add_dead(-int(before - packed.size))
                self._ids_table("drop_segs", [s.seg for s in group])
                self.db.execute("DELETE FROM segments WHERE seg IN (SELECT v FROM drop_segs)")
                if packed.size:
                    self._add_packed(kind, packed, max(s.level for s in group) + 1)
                del packed
                segs = self.segments_cached()
                self.db.execute("PRAGMA incremental_vacuum")
                if everything:
                    break

    def _dead(self) -> int:
        got = self.db.execute("SELECT value FROM meta WHERE key='dead_keys'").fetchone()
        return int(got[0]) if got else 0

    def add_dead(self, n: int) -> None:
        """Count postings of deleted rows not yet merged away."""
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('dead_keys', ?)",
                        (str(max(0, self._dead() + n)),))

    def postings(self) -> tuple[int, int]:
        """(postings stored, those of deleted rows): cheap, from the segments table."""
        stored = self.db.execute("SELECT coalesce(sum(count), 0) FROM segments").fetchone()[0]
        return int(stored), self._dead()

    def segments_cached(self) -> list[Segment]:
        return [self._segments[s] for s in sorted(self._segments)]

    # -- edges and clusters ---------------------------------------------------------------

    def insert_edges(self, edges: np.ndarray) -> None:
        """``edges``: (n, 4) float64 rows (a, b, jaccard, containment), new pairs (an added
        row's edges are all new); stored both ways."""
        rows = [(int(a), int(b), j, c) for a, b, j, c in edges.tolist()]
        self.db.executemany("INSERT INTO edges VALUES (?,?,?,?)",
                            sorted(rows + [(b, a, j, c) for a, b, j, c in rows]))

    def edges_among(self, rowids: Sequence[int]) -> np.ndarray:
        """Edges with both ends in ``rowids``, once each (a < b), as (n, 4) float64."""
        self._ids_table("among_rows", rowids)
        got = self.db.execute(
            "SELECT e.a, e.b, e.jaccard, e.containment FROM among_rows x"
            " CROSS JOIN edges e ON e.a = x.v WHERE e.a < e.b"
            " AND EXISTS (SELECT 1 FROM among_rows y WHERE y.v = e.b)"
        ).fetchall()
        return np.array(got, dtype=np.float64).reshape(-1, 4)

    def neighbours(self, rowids: Sequence[int]) -> list[int]:
        self._ids_table("nb_rows", rowids)
        return [r[0] for r in self.db.execute(
            "SELECT DISTINCT e.b FROM nb_rows x CROSS JOIN edges e ON e.a = x.v")]

    def comps_of(self, rowids: Sequence[int]) -> list[int]:
        self._ids_table("comp_rows", rowids)
        return [r[0] for r in self.db.execute(
            "SELECT DISTINCT c.comp FROM comp_rows x CROSS JOIN comps c ON c.article = x.v")]

    def comp_map(self, rowids: Sequence[int]) -> dict[int, int]:
        self._ids_table("cmap_rows", rowids)
        return dict(self.db.execute(
            "SELECT c.article, c.comp FROM cmap_rows x CROSS JOIN comps c ON c.article = x.v"))

    def comp_member_map(self, comps: Sequence[int]) -> dict[int, list[int]]:
        self._ids_table("cmem_comps", comps)
        out: dict[int, list[int]] = {}
        for article, comp in self.db.execute(
                "SELECT c.article, c.comp FROM cmem_comps w CROSS JOIN comps c ON c.comp = w.v"):
            out.setdefault(comp, []).append(article)
        return out

    def comp_members(self, comps: Sequence[int]) -> list[int]:
        self._ids_table("want_comps", comps)
        return [r[0] for r in self.db.execute(
            "SELECT c.article FROM want_comps w CROSS JOIN comps c ON c.comp = w.v")]

    def clear_clusters(self, rowids: Sequence[int]) -> None:
        self._ids_table("clear_rows", rowids)
        for table, column in (("comps", "article"), ("members", "article"),
                              ("embedded", "article"), ("embedded", "cluster")):
            self.db.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT v FROM clear_rows)")

    def write_clusters(self, comps: list[tuple[int, int]],
                       members: list[tuple[Any, ...]], embedded: list[tuple[int, int, float]]
                       ) -> None:
        # Plain inserts (OR REPLACE cost five times as much): the caller cleared these rows.
        # In key order: each insert lands beside the one before it.
        self.db.executemany("INSERT INTO comps VALUES (?, ?)", sorted(comps))
        self.db.executemany("INSERT INTO members VALUES (?,?,?,?,?,?,?,?)", sorted(members))
        self.db.executemany("INSERT INTO embedded VALUES (?,?,?)", sorted(embedded))

    def members(self, rowids: Sequence[int] | None = None) -> list[tuple[Any, ...]]:
        """(article, cluster, reason, jaccard, containment, shared, own, joined) rows."""
        if rowids is None:
            return self.db.execute("SELECT * FROM members").fetchall()
        self._ids_table("mem_rows", rowids)
        return self.db.execute("SELECT m.* FROM mem_rows x CROSS JOIN members m"
                               " ON m.article = x.v").fetchall()

    def embedded(self) -> list[tuple[int, int, float]]:
        return self.db.execute("SELECT cluster, article, containment FROM embedded").fetchall()

    # -- upkeep ---------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        one = self.db.execute
        return {
            "articles": one("SELECT count(*) FROM articles").fetchone()[0],
            "edges": one("SELECT count(*) FROM edges").fetchone()[0] // 2,
            "clusters": one("SELECT count(DISTINCT cluster) FROM members").fetchone()[0],
            "articles_in_clusters": one("SELECT count(*) FROM members").fetchone()[0],
            "segments": one("SELECT count(*) FROM segments").fetchone()[0],
            "keys": one("SELECT coalesce(sum(count), 0) FROM segments").fetchone()[0]
            - self._dead(),
        }

    def span(self) -> tuple[float | None, float | None]:
        return self.db.execute("SELECT min(coalesce(published_ts, added_ts)),"
                               " max(coalesce(published_ts, added_ts)) FROM articles").fetchone()

    def bytes_by_part(self) -> dict[str, int]:
        one = self.db.execute
        figures = one("SELECT coalesce(sum(length(figures)), 0) FROM articles").fetchone()[0]
        text = one("SELECT coalesce(sum(length(data)), 0) FROM texts").fetchone()[0]
        tokens = (one("SELECT coalesce(sum(length(data)), 0) FROM tokens").fetchone()[0]
                  + one("SELECT coalesce(sum(length(hashes)), 0) FROM vocab").fetchone()[0])
        keys = one("SELECT coalesce(sum(length(keys) + length(rows)), 0) FROM segments"
                   ).fetchone()[0]
        return {"text": text, "tokens": tokens, "figures": figures, "keys": keys}

    def vacuum(self) -> None:
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def file_bytes(self) -> int:
        """Bytes on disk (after a checkpoint folds the write-ahead log into the file)."""
        try:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.OperationalError:
            pass
        return sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*")
                   if p.is_file())


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
