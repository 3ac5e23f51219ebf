"""Clusters in the index: the components a change touches built again with
``stages.cluster.build_clusters`` (as ``scan`` builds them), and, for a query, the cluster each
new article would join were it added alone. Components are taken in id order, so the clusters
do not depend on the order articles came in.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..article import Article
from ..stages.arrays import components
from ..stages.cluster import Facts, Group, build_clusters
from ..stages.verify import Edges, Thresholds, overlap
from ..tuning import ClusterRules
from .pool import Pool, Positions
from .records import QueryCluster
from .store import SQLiteStore


class Clustering:
    """Clusters of an index's rows, kept in its store."""

    def __init__(self, store: SQLiteStore, thresholds: Thresholds, rules: ClusterRules) -> None:
        self.store = store
        self.thresholds = thresholds
        self.rules = rules

    def group_components(self, pool: Pool, nodes: list[int], edges: Edges,
                         ) -> tuple[list[int], list[tuple[list[int], list[Group]]]]:
        """build_clusters over pool positions ``nodes`` (ordered by id, so that the answer
        does not depend on the order articles came in), in one call for every component:
        (the ordered nodes, [(a component's positions, its groups)]), each group's indices
        into the ordered nodes. Components are independent and numbered in id order inside,
        so one call gives what a call per component gives."""
        nodes = sorted(set(nodes), key=lambda k: pool.ids[k])
        if edges.pairs.size == 0:
            return nodes, []
        where = np.full(max(nodes) + 1, -1, dtype=np.int64)
        where[np.array(nodes, dtype=np.int64)] = np.arange(len(nodes))
        local = np.sort(where[edges.pairs], axis=1)
        labels = components(len(nodes), local)
        groups = self.cluster(pool, nodes, Edges(local, edges.jaccard, edges.containment))
        touched = np.unique(local)
        order = touched[np.argsort(labels[touched], kind="stable")]
        cut = np.flatnonzero(np.diff(labels[order])) + 1
        by_label: dict[int, list[Group]] = {}
        for g in groups:
            by_label.setdefault(int(labels[g.canonical]), []).append(g)
        out = []
        for part in np.split(order, cut):
            out.append(([nodes[m] for m in part.tolist()],
                        by_label.get(int(labels[part[0]]), [])))
        return nodes, out

    def cluster(self, pool: Pool, positions: list[int], edges: Edges) -> list[Group]:
        sets = [pool.shingles[k] for k in positions]
        sizes = [int(s.size) for s in sets]
        # The positions' shingles as one array of rows, which the compiled derivation reads
        # (the numpy one sorts each group's sets again): as scan's Facts carry them.
        offsets = np.zeros(len(sets) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        hashes = np.concatenate(sets) if sets else np.zeros(0, np.uint32)
        facts = Facts(
            ids=[pool.ids[k] for k in positions],
            sizes=sizes,
            dates=[pool.dates[k] for k in positions],
            agency=Positions(pool.agency, positions),
            shingles=lambda v: pool.shingles[positions[v]],
            agency_outlet=[pool.agency_outlet[k] for k in positions],
            rows=(hashes, offsets),
        )
        thresholds = self.thresholds

        def score(i: int, j: int) -> tuple[float, float] | None:
            return pool.score(positions[i], positions[j], thresholds)

        def similar(i: int, j: int) -> tuple[float, float]:
            return overlap(pool.shingles[positions[i]], pool.shingles[positions[j]])

        return build_clusters(edges, facts, score, similar, self.rules)

    def recluster(self, dirty: set[int], pool: Pool) -> None:
        """Cluster again the components holding any of ``dirty`` (row numbers)."""
        if not dirty:
            return
        store = self.store
        comps = store.comps_of(sorted(dirty))
        nodes = sorted(set(store.comp_members(comps)) | dirty)
        store.clear_clusters(nodes)
        raw = store.edges_among(nodes)
        if raw.size == 0:
            return
        ends = raw[:, :2].astype(np.int64)
        known = np.unique(ends)
        # (an edge's rows are indexed rows, each found: their pool positions by one search)
        at = np.array(pool.add_rows(known.tolist()), dtype=np.int64)
        assert at.size == known.size, "an edge names a row the index does not hold"
        pairs = at[np.searchsorted(known, ends)]
        edges = Edges(pairs, raw[:, 2], raw[:, 3])
        comp_rows: list[tuple[int, int]] = []
        member_rows: list[tuple[Any, ...]] = []
        embedded_rows: list[tuple[int, int, float]] = []
        positions, parts = self.group_components(pool, np.unique(pairs).tolist(), edges)
        for comp_positions, groups in parts:
            rows = [pool.rowid[k] for k in comp_positions]
            label = min(r for r in rows if r is not None)
            comp_rows.extend((int(r), label) for r in rows if r is not None)
            for g in groups:
                canon = pool.row(positions[g.canonical])
                for m in g.members:
                    member_rows.append((pool.row(positions[m.index]), canon, g.reason,
                                        m.jaccard, m.containment, m.shared, m.own, m.joined))
                for e in g.embedded:
                    embedded_rows.append((canon, pool.row(positions[e.index]), e.containment))
        store.write_clusters(comp_rows, member_rows, embedded_rows)

    def query_clusters(self, pool: Pool, batch: list[Article],
                       found: dict[int, list[tuple[int, float, float]]]
                       ) -> dict[int, QueryCluster]:
        """For each query with matches: the cluster it would join, were it added alone.

        Query ``q`` sits at pool position ``q``; its component is the union of the indexed
        components of what it matches (its twin, an indexed article of the same id, left out).
        """
        if not found:
            return {}
        store = self.store
        rows = sorted({pool.row(k) for v in found.values() for k, _, _ in v})
        comp_of = store.comp_map(rows)
        members = store.comp_member_map(sorted(set(comp_of.values())))
        everything = sorted(set(rows) | {r for v in members.values() for r in v})
        pool.add_rows(everything)
        raw = store.edges_among(everything)
        member_comp = {r: c for c, rs in members.items() for r in rs}
        edge_comp = np.array([member_comp.get(int(a), -1) for a in raw[:, 0].tolist()],
                             dtype=np.int64)
        by_comp: dict[int, np.ndarray] = {}
        for c in np.unique(edge_comp).tolist():
            by_comp[c] = raw[edge_comp == c]
        stored_canon = {m[0]: m[1] for m in store.members(everything)}
        # Every query's graph, side by side in one list of pool positions (an indexed article
        # appears once per query graph it is in), each graph's nodes in id order: one
        # build_clusters call gives each graph the groups a call of its own gives.
        positions: list[int] = []
        local: list[np.ndarray] = []
        jacs: list[np.ndarray] = []
        cons: list[np.ndarray] = []
        spans: list[tuple[int, int]] = []  # (query, its local index)
        for q, hits in found.items():
            article = batch[q]
            nodes: set[int] = set()
            comps = set()
            for k, _, _ in hits:
                r = pool.rowid[k]
                if r is None:
                    continue
                nodes.add(r)
                if r in comp_of:
                    comps.add(comp_of[r])
                    nodes.update(members[comp_of[r]])
            twin = next((r for r in nodes if pool.ids[pool.at_row[r]] == article.id), None)
            sub = (np.concatenate([by_comp[c] for c in sorted(comps) if c in by_comp])
                   if any(c in by_comp for c in comps) else np.zeros((0, 4)))
            if twin is not None:
                nodes.discard(twin)
                sub = sub[(sub[:, 0] != twin) & (sub[:, 1] != twin)]
            graph = sorted({pool.at_row[r] for r in nodes} | {q}, key=lambda k: pool.ids[k])
            base = len(positions)
            where = {k: base + n for n, k in enumerate(graph)}
            positions.extend(graph)
            pairs = [(where[pool.at_row[int(a)]], where[pool.at_row[int(b)]])
                     for a, b in sub[:, :2].tolist()]
            pairs += [(where[q], where[k]) for k, _, _ in hits]
            local.append(np.sort(np.array(pairs, dtype=np.int64).reshape(-1, 2), axis=1))
            jacs.append(np.concatenate([sub[:, 2], [h[1] for h in hits]]))
            cons.append(np.concatenate([sub[:, 3], [h[2] for h in hits]]))
            spans.append((q, where[q]))
        groups = self.cluster(pool, positions, Edges(np.concatenate(local),
                                                      np.concatenate(jacs),
                                                      np.concatenate(cons)))
        query_at = {at: q for q, at in spans}
        out = {}
        for g in groups:
            mine = [m.index for m in g.members if m.index in query_at]
            if not mine:
                continue
            q = query_at[mine[0]]
            at = [positions[m.index] for m in g.members]
            canon = positions[g.canonical]
            before = sorted({stored_canon[r] for r in (pool.rowid[k] for k in at)
                             if r is not None and r in stored_canon})
            previous = None
            if before:
                names = sorted(pool.ids[pool.at_row[r]] for r in before if r in pool.at_row)
                previous = names[0] if names else None
            out[q] = QueryCluster(pool.ids[canon], g.reason, tuple(pool.ids[k] for k in at),
                                  canon == q, previous)
        return out
