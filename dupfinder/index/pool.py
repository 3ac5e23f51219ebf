"""The candidate pool: indexed and new articles as the arrays the copy decision and clustering
read, by pool position (an indexed article's tokens re-derived from its stored text only when a
pair needs them)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..article import Article
from ..fields import sort_key_for_date
from ..stages.agency import has_agency_marker, is_agency_outlet
from ..stages.shingles import ShingleSets
from ..stages.verify import Edges, Side, Thresholds, overlap, pair_score, verify

if TYPE_CHECKING:
    from . import Index


class Pool:
    """Articles as the arrays the copy decision and the clustering read, by pool position.

    Tokens (for the second look at near misses, and for edits) are kept for new articles and
    re-derived from the stored text of indexed ones only when a pair needs them.
    """

    def __init__(self, index: Index) -> None:
        self.index = index
        self.ids: list[str] = []
        self.rowid: list[int | None] = []
        self.shingles: list[np.ndarray] = []
        self.words: list[int] = []
        self.stripped: list[bool] = []
        self.figures: list[np.ndarray] = []
        self.dates: list[float | None] = []
        self.agency = _Agency(self)
        self.texts: dict[int, tuple[str, str | None]] = {}
        self.agency_outlet: list[bool] = []
        self.outlets: list[str | None] = []
        self.tokens: dict[int, tuple[np.ndarray, np.ndarray | None]] = {}
        self.at_row: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def row(self, k: int) -> int:
        """The row number of an indexed article at pool position k."""
        row = self.rowid[k]
        assert row is not None, "a new article has no row"
        return row

    def add_prepared(self, articles: Sequence[Article], sets: ShingleSets,
                     rowids: Sequence[int | None] | None = None,
                     agency: Sequence[bool] | None = None,
                     dates: Sequence[float | None] | None = None) -> list[int]:
        """New articles (``agency``: their credits when known, else looked up when the
        canonical rule asks; ``dates``: their ``sort_key_for_date`` when the caller has them)."""
        out = []
        for i, a in enumerate(articles):
            k = len(self.ids)
            self.ids.append(a.id)
            row = rowids[i] if rowids is not None else None
            self.rowid.append(row)
            if row is not None:
                self.at_row[row] = k
            self.shingles.append(sets.of(i))
            self.words.append(int(sets.words[i]))
            self.stripped.append(bool(sets.stripped[i]))
            self.figures.append(sets.figures_of(i))
            self.dates.append(dates[i] if dates is not None else sort_key_for_date(a.published))
            self.agency.flags.append(agency[i] if agency is not None else None)
            if agency is None:
                self.texts[k] = (a.text, a.title)
            self.agency_outlet.append(is_agency_outlet(a.outlet))
            self.outlets.append(a.outlet)
            tokens = sets.tokens_of(i)
            if tokens is not None:
                self.tokens[k] = (tokens, sets.token_figures_of(i))
            out.append(k)
        return out

    def add_rows(self, rowids: Sequence[int]) -> list[int]:
        """Indexed articles by row number (fetched once each); their pool positions."""
        want = [r for r in dict.fromkeys(rowids) if r not in self.at_row]
        if want:
            rows = self.index.fetch(want)
            for i in range(len(rows)):
                self.tokens[len(self.ids)] = (rows.tokens[i], rows.token_figures[i])
                k = len(self.ids)
                self.ids.append(rows.id[i])
                self.rowid.append(rows.rowid[i])
                self.at_row[rows.rowid[i]] = k
                self.shingles.append(rows.shingles[i])
                self.words.append(rows.words[i])
                self.stripped.append(bool(rows.stripped[i]))
                self.figures.append(rows.figures[i])
                self.dates.append(rows.published_ts[i])
                self.agency.flags.append(None if rows.agency[i] < 0 else bool(rows.agency[i]))
                self.agency_outlet.append(is_agency_outlet(rows.outlet[i]))
                self.outlets.append(rows.outlet[i])
        return [self.at_row[r] for r in rowids if r in self.at_row]

    def load_tokens(self, positions: Iterable[int]) -> None:
        want = [k for k in dict.fromkeys(positions) if k not in self.tokens]
        rows = [self.rowid[k] for k in want]
        stored = [r for r in rows if r is not None]
        if not stored:
            return
        texts = self.index.texts(stored)
        sets = self.index.shingle_texts([texts.get(r, "") for r in stored])
        for n, row in enumerate(stored):
            k = self.at_row[row]
            tokens = sets.tokens_of(n)
            if tokens is not None:
                self.tokens[k] = (tokens, sets.token_figures_of(n))

    def sets(self, positions: Sequence[int], with_tokens: bool = False) -> ShingleSets:
        """A ShingleSets over the given pool positions (local index = place in the list)."""
        sh = [self.shingles[k] for k in positions]
        sizes = np.array([s.size for s in sh], dtype=np.int64)
        offsets = np.zeros(len(sh) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        figs = [self.figures[k] for k in positions]
        fig_offsets = np.zeros(len(figs) + 1, dtype=np.int64)
        np.cumsum([f.size for f in figs], out=fig_offsets[1:])
        out = ShingleSets(
            np.concatenate(sh) if sh else np.zeros(0, np.uint32), offsets,
            np.array([self.words[k] for k in positions], dtype=np.int32),
            np.array([self.stripped[k] for k in positions], dtype=bool),
            figures=np.concatenate(figs) if figs else np.zeros(0, np.uint32),
            figure_offsets=fig_offsets)
        if with_tokens:
            toks = [self.tokens.get(k) for k in positions]
            if all(t is not None for t in toks):
                out.words = np.array([t[0].size for t in toks if t is not None], np.int32)
                out.tokens = (np.concatenate([t[0] for t in toks if t is not None])
                              if toks else np.zeros(0, np.uint32))
                tf = [t[1] for t in toks if t is not None]
                out.token_figures = (np.concatenate([f for f in tf if f is not None])
                                     if tf and all(f is not None for f in tf) else None)
        return out

    # -- the one copy decision (stages.verify), with tokens where the second look may apply --

    def verify(self, pairs: np.ndarray, thresholds: Thresholds) -> Edges:
        """Verified copies among pool-position pairs (the scan's ``verify``)."""
        if pairs.size == 0:
            return Edges(np.zeros((0, 2), np.int64), np.zeros(0), np.zeros(0))
        nodes, local = np.unique(pairs, return_inverse=True)
        local = local.reshape(-1, 2).astype(np.int64)
        if all(int(k) in self.tokens for k in nodes.tolist()):
            # Every side's tokens at hand (new articles', and indexed ones' stored tokens):
            # one verify decides every pair, the second look included.
            once = verify(self.sets(nodes.tolist(), with_tokens=True), local, thresholds)
            return Edges(nodes[once.pairs] if once.pairs.size else once.pairs,
                         once.jaccard, once.containment)
        first = verify(self.sets(nodes.tolist()), local, thresholds)
        found = {tuple(p) for p in first.pairs.tolist()}
        rules = thresholds.rules
        again = []
        for a, b in local.tolist():
            if (a, b) in found:
                continue
            ka, kb = int(nodes[a]), int(nodes[b])
            if min(self.words[ka], self.words[kb]) < rules.look_min_words:
                continue
            _, con = overlap(self.shingles[ka], self.shingles[kb])
            if con >= rules.look_from:
                again.append((a, b))
        if not again:
            return Edges(nodes[first.pairs] if first.pairs.size else first.pairs,
                         first.jaccard, first.containment)
        involved = sorted({x for p in again for x in p})
        self.load_tokens(int(nodes[x]) for x in involved)
        where = {x: n for n, x in enumerate(involved)}
        second = verify(self.sets([int(nodes[x]) for x in involved], with_tokens=True),
                        np.array([(where[a], where[b]) for a, b in again], dtype=np.int64),
                        thresholds)
        back = np.array(involved, dtype=np.int64)
        merged = Edges(first.pairs, first.jaccard, first.containment).merged(
            Edges(back[second.pairs] if second.pairs.size else second.pairs,
                  second.jaccard, second.containment))
        return Edges(nodes[merged.pairs] if merged.pairs.size else merged.pairs,
                     merged.jaccard, merged.containment)

    def side(self, k: int, with_tokens: bool = False) -> Side:
        tokens = self.tokens.get(k) if with_tokens else None
        return Side(self.shingles[k], self.words[k], self.figures[k],
                    tokens[0] if tokens else None, tokens[1] if tokens else None)

    def score(self, a: int, b: int, thresholds: Thresholds) -> tuple[float, float] | None:
        """``verify.pair_score`` of two pool articles, their tokens joined in only when the
        second look at a near miss could apply."""
        got = pair_score(self.side(a), self.side(b), thresholds)
        rules = thresholds.rules
        if got is not None or min(self.words[a], self.words[b]) < rules.look_min_words:
            return got
        if overlap(self.shingles[a], self.shingles[b])[1] < rules.look_from:
            return None
        self.load_tokens([a, b])
        return pair_score(self.side(a, True), self.side(b, True), thresholds)


class _Agency:
    """Agency credits (``stages.agency``), looked up only when the canonical rule asks."""

    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.flags: list[bool | None] = []

    def __getitem__(self, k: int) -> bool:
        flag = self.flags[k]
        if flag is None:
            pool = self.pool
            if k not in pool.texts:
                row = pool.rowid[k]
                assert row is not None
                title = pool.index.store.fetch([row]).title
                pool.texts[k] = (pool.index.texts([row]).get(row, ""),
                                 title[0] if title else None)
            text, title_ = pool.texts[k]
            flag = self.flags[k] = has_agency_marker(text, title_)
        return flag


class Positions:
    """A pool-wide lookup seen through a component's positions."""

    def __init__(self, inner: _Agency, positions: list[int]) -> None:
        self.inner, self.positions = inner, positions

    def __getitem__(self, v: int) -> bool:
        return self.inner[self.positions[v]]


# ---- the index ---------------------------------------------------------------------------------
