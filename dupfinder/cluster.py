"""From verified pairs to clusters, each around one canonical wire original.

Connected components alone chain: a page that carries story A and, in its related-articles
block, story B links A's copies to B's. So a component is split around canonicals: the canonical
is chosen by the design's rule among members that are not *bridges* (articles whose copies fall
into groups that are not copies of each other), and only articles that are themselves verified
copies of the canonical join its cluster. The rest are clustered again on their own, or stand
alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from .verify import Edges

# Only the fullest articles of a large component are tested for being a bridge: the test costs
# the edges among an article's neighbours.
_BRIDGE_CHECKS = 24
COVER_SHARE = 0.8


@dataclass(frozen=True)
class MemberScore:
    index: int
    jaccard: float
    containment: float


@dataclass(frozen=True)
class Group:
    canonical: int
    reason: str
    members: tuple[MemberScore, ...]  # canonical first, then by article order


class Flags(Protocol):
    def __getitem__(self, index: int) -> bool: ...


@dataclass(frozen=True)
class Facts:
    """What the canonical rule looks at, per article."""

    ids: Sequence[str]
    sizes: Sequence[int]  # shingles after boilerplate removal: how full a version is
    dates: Sequence[float | None]  # UTC timestamps where published parsed
    agency: Flags  # an agency marker in byline or text (looked up lazily)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra


def _components(nodes: set[int], adj: dict[int, dict[int, tuple[float, float]]]) -> list[list[int]]:
    uf = _UnionFind()
    for v in nodes:
        uf.find(v)
        for w in adj.get(v, {}):
            if w in nodes:
                uf.union(v, w)
    groups: dict[int, list[int]] = {}
    for v in sorted(nodes):
        groups.setdefault(uf.find(v), []).append(v)
    return sorted(groups.values(), key=lambda g: g[0])


def _is_bridge(v: int, nodes: set[int], adj: dict[int, dict[int, tuple[float, float]]]) -> bool:
    neighbours = [w for w in adj.get(v, {}) if w in nodes]
    if len(neighbours) < 2:
        return False
    inner = set(neighbours)
    return len(_components(inner, adj)) >= 2


def choose_canonical(candidates: Sequence[int], facts: Facts) -> tuple[int, str]:
    """The design's rule: fullest versions, then earliest date, agency marker, smallest id."""
    fullest = max(facts.sizes[v] for v in candidates)
    eligible = [v for v in candidates if facts.sizes[v] >= COVER_SHARE * fullest]
    if len(eligible) == 1:
        return eligible[0], "covers"
    dated = [v for v in eligible if facts.dates[v] is not None]
    if dated:
        earliest = min(facts.dates[v] for v in dated)  # type: ignore[type-var]
        tied = [v for v in dated if facts.dates[v] == earliest]
        if len(tied) == 1:
            return tied[0], "earliest"
    else:
        most = max(facts.sizes[v] for v in eligible)
        tied = [v for v in eligible if facts.sizes[v] == most]
        if len(tied) == 1:
            return tied[0], "covers"
    marked = [v for v in tied if facts.agency[v]]
    if len(marked) == 1:
        return marked[0], "agency"
    pool = marked or tied
    return min(pool, key=lambda v: facts.ids[v]), "id"


def build_clusters(
    edges: Edges,
    facts: Facts,
    score: Callable[[int, int], tuple[float, float] | None],
) -> list[Group]:
    """Split the graph of verified copies into clusters around canonicals.

    ``score(i, j)`` returns the exact (jaccard, containment) of a pair when it is a copy, else
    None; it is asked for pairs that candidate generation did not propose, so that membership is
    always decided against the canonical itself.
    """
    adj: dict[int, dict[int, tuple[float, float]]] = {}
    for (i, j), jac, con in zip(edges.pairs.tolist(), edges.jaccard.tolist(),
                                edges.containment.tolist()):
        adj.setdefault(i, {})[j] = (jac, con)
        adj.setdefault(j, {})[i] = (jac, con)

    groups: list[Group] = []
    queue = _components(set(adj), adj)
    while queue:
        piece = queue.pop(0)
        if len(piece) < 2:
            continue
        nodes = set(piece)
        bridges: set[int] = set()
        degree_sum = sum(sum(1 for w in adj[v] if w in nodes) for v in piece)
        if degree_sum < len(piece) * (len(piece) - 1):
            # Not every pair is a copy: look for articles that join otherwise separate groups.
            by_size = sorted(piece, key=lambda v: (-facts.sizes[v], facts.ids[v]))
            checked = by_size[:_BRIDGE_CHECKS]
            bridges = {v for v in checked if _is_bridge(v, nodes, adj)}
        candidates = [v for v in piece if v not in bridges]
        if not candidates:
            candidates = list(piece)
        canonical, reason = choose_canonical(candidates, facts)
        members = [MemberScore(canonical, 1.0, 1.0)]
        for v in piece:
            if v == canonical:
                continue
            pair = adj[canonical].get(v)
            if pair is None:
                pair = score(canonical, v)
            if pair is not None:
                members.append(MemberScore(v, pair[0], pair[1]))
        taken = {m.index for m in members}
        if len(members) >= 2:
            groups.append(Group(canonical, reason, tuple(members)))
        else:
            # The canonical has no verified copy left here: drop it and split the rest.
            taken = {canonical}
        rest = nodes - taken
        if len(rest) >= 2:
            queue.extend(_components(rest, adj))
    return groups
