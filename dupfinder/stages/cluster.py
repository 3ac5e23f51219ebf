"""From verified pairs to clusters, each around one canonical wire original.

Connected components alone chain, and a page that carries several stories (a live page with
timed items, a news-in-brief digest, an article page with a related-articles block) contains
every one of them, so it links their copies although they share nothing. A component is
therefore split in three steps:

1. *Embedding pages* are set aside: an article whose smaller neighbours fall into two or more
   groups that share no text with each other carries several stories. It never joins the
   clusters of the stories it embeds; it is listed in each one's ``embedded``, and joins one
   cluster as a member only when that story is most of the page (an outlet's copy with a small
   related-articles block).
2. In what is left, a cluster grows around its canonical: an article joins when it is a copy of
   the canonical, or of more than half of the members so far (measured on a sample of at most
   ``majority_sample`` members). Such majority linkage keeps a copy that fails against an edited
   or shorter canonical alone, and keeps chains out: a copy of one member only does not join.
3. Whatever did not join is clustered again on its own.

The canonical is the version the others derive from (``choose_canonical``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..tuning import ClusterRules
from . import _numba
from .arrays import components, lexsort, stable_argsort
from .verify import Edges, intersection_size

# The rules' numbers are tuning.ClusterRules: hub_checks (only the fullest articles of a
# component are tested for embedding several stories), hub_overlap (two neighbours of a page
# belong to one story when they share this share of the smaller), own_story_share (an embedding
# page joins a story's cluster when that story is at least this share of the page),
# cover_share, majority_sample (how many members a candidate is checked against).
_RULES = ClusterRules()


@dataclass(frozen=True)
class MemberScore:
    index: int
    jaccard: float
    containment: float
    shared: int = 0  # shingles also carried by another member
    own: int = 0  # shingles no other member carries (text this version added)
    # Why it is a member: "canonical", "copy" (a verified copy of the canonical) or "majority"
    # (a verified copy of most members, not of the canonical itself).
    joined: str = "copy"


@dataclass(frozen=True)
class EmbeddedScore:
    index: int  # the page
    containment: float  # share of the story's best-contained member found in the page


@dataclass(frozen=True)
class Group:
    canonical: int
    reason: str
    members: tuple[MemberScore, ...]  # canonical first, then by id
    embedded: tuple[EmbeddedScore, ...] = ()


class Flags(Protocol):
    def __getitem__(self, index: int) -> bool: ...


@dataclass(frozen=True)
class Facts:
    """What the clustering and the canonical rule look at, per article."""

    ids: Sequence[str]
    sizes: Sequence[int]  # shingles after boilerplate removal: how full a version is
    dates: Sequence[float | None]  # UTC timestamps of dates the source states
    agency: Flags  # an agency credit in byline or text (looked up lazily)
    shingles: Callable[[int], np.ndarray]  # sorted unique shingle hashes of an article
    agency_outlet: Sequence[bool] = ()  # published by an agency's own site
    # The shingle rows behind ``shingles`` (hashes, offsets), when they are in memory: the
    # compiled derivation reads them directly.
    rows: tuple[np.ndarray, np.ndarray] | None = None


Adjacency = dict[int, dict[int, tuple[float, float]]]
Score = Callable[[int, int], "tuple[float, float] | None"]


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


def _components(nodes: set[int], adj: Adjacency) -> list[list[int]]:
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


# ---- the canonical ---------------------------------------------------------------------------


def derivation(candidates: Sequence[int], facts: Facts) -> dict[int, tuple[int, int]]:
    """(shared, own) shingle counts of each candidate within the group.

    ``shared``: shingles another candidate also carries (the text the copies have in common);
    ``own``: shingles no other candidate has (a local paragraph, chrome, an ad script).
    """
    if not candidates:
        return {}
    if facts.rows is not None:
        kernel = _numba.kernel("shared_counts")
        if kernel is not None:  # compiled: one hash table of the candidates' shingles
            hashes, offsets = facts.rows
            rows = np.array(candidates, dtype=np.int64)
            shared = kernel(hashes, offsets, rows).tolist()
            sizes_of = (offsets[rows + 1] - offsets[rows]).tolist()
            return {v: (s, size - s) for v, s, size in zip(candidates, shared, sizes_of)}
    sets = [facts.shingles(v) for v in candidates]
    sizes = np.array([s.size for s in sets], dtype=np.int64)
    values = np.concatenate(sets)
    # Each set is unique, so a value seen twice in the whole is carried by two candidates:
    # one sort of everything, no lookup per candidate.
    order = stable_argsort(values)
    ordered = values[order]
    new = np.ones(ordered.size, dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    run = np.cumsum(new) - 1
    carried = np.bincount(run)[run] >= 2
    owner = np.repeat(np.arange(sizes.size), sizes)
    shared_of = np.bincount(owner[order], weights=carried, minlength=sizes.size)
    return {v: (int(shared), int(size) - int(shared))
            for v, shared, size in zip(candidates, shared_of.tolist(), sizes.tolist())}


def choose_canonical(candidates: Sequence[int], facts: Facts,
                     derived: dict[int, tuple[int, int]] | None = None,
                     rules: ClusterRules = _RULES) -> tuple[int, str]:
    """The version the others derive from.

    Among three or more versions: those that carry at least ``cover_share`` of the most shared
    text (a trimmed copy lacks shared text), and of those the ones adding least text of their
    own (an outlet copy adds a local paragraph or chrome; ``covers``). Ties, and a pair (where
    text one side lacks cannot be told from text the other added), go to the earliest date the
    source states (``earliest``), then an agency credit or agency outlet (``agency``), then the
    fullest, then the smallest id (``id``).
    """
    pool = list(candidates)
    if len(pool) >= 3:
        derived = derived or derivation(pool, facts)
        most = max(derived[v][0] for v in pool)
        pool = [v for v in pool if derived[v][0] >= rules.cover_share * most]
        least = min(derived[v][1] for v in pool)
        slack = max(3, int(0.05 * most))
        pool = [v for v in pool if derived[v][1] <= least + slack]
    else:
        fullest = max(facts.sizes[v] for v in pool)
        pool = [v for v in pool if facts.sizes[v] >= rules.cover_share * fullest]
    if len(pool) == 1:
        return pool[0], "covers"
    dated = [v for v in pool if facts.dates[v] is not None]
    if dated:
        earliest = min(facts.dates[v] for v in dated)  # type: ignore[type-var]
        tied = [v for v in dated if facts.dates[v] == earliest]
        if len(tied) == 1:
            return tied[0], "earliest"
        pool = tied
    # The agency's own site first (an identical outlet copy carries the same credit), then a
    # credit in the text.
    own_site = [v for v in pool if facts.agency_outlet and facts.agency_outlet[v]]
    if len(own_site) == 1:
        return own_site[0], "agency"
    pool = own_site or pool
    marked = [v for v in pool if facts.agency[v]]
    if len(marked) == 1:
        return marked[0], "agency"
    pool = marked or pool
    most_size = max(facts.sizes[v] for v in pool)
    fullest_ones = [v for v in pool if facts.sizes[v] == most_size]
    if len(fullest_ones) == 1:
        return fullest_ones[0], "covers"
    return min(fullest_ones, key=lambda v: facts.ids[v]), "id"


# ---- embedding pages -------------------------------------------------------------------------


def _story_groups(page: int, nodes: set[int], adj: Adjacency, facts: Facts,
                  rules: ClusterRules = _RULES) -> list[list[int]]:
    """The page's smaller neighbours, grouped by shared text (fullest first)."""
    size = facts.sizes[page]
    neighbours = sorted((w for w in adj.get(page, {}) if w in nodes and facts.sizes[w] < size),
                        key=lambda w: (-facts.sizes[w], facts.ids[w]))
    groups: list[list[int]] = []
    for w in neighbours:
        sw = facts.shingles(w)
        home = None
        for g in groups:
            for u in g:
                su = facts.shingles(u)
                smaller = min(sw.size, su.size)
                if smaller and intersection_size(sw, su) >= rules.hub_overlap * smaller:
                    home = g
                    break
            if home is not None:
                break
        if home is None:
            groups.append([w])
        else:
            home.append(w)
    return groups


def _degrees(nodes: Iterable[int], inside: set[int], adj: Adjacency,
             whole: bool = False) -> dict[int, int]:
    """Each node's neighbours inside ``inside``; with ``whole`` (``inside`` is a whole
    component, whose nodes have no neighbour outside it) by the lengths of their
    neighbourhoods, not by a test a neighbour."""
    if whole:
        return {v: len(adj.get(v, {})) for v in nodes}
    return {v: sum(1 for w in adj.get(v, {}) if w in inside) for v in nodes}


def find_hubs(nodes: set[int], adj: Adjacency, facts: Facts,
              rules: ClusterRules = _RULES, whole: bool = False) -> set[int]:
    """Articles that carry two or more stories that share no text with each other.

    Checked from the smallest candidate up and repeated until nothing changes, so that two live
    pages quoting the same stories do not hide each other.
    """
    degree = _degrees(nodes, nodes, adj, whole)
    edges = sum(degree.values()) // 2
    if edges == len(nodes) * (len(nodes) - 1) // 2:
        return set()  # every pair is a copy
    by_size = sorted((v for v in nodes if degree[v] >= 2),
                     key=lambda v: (-facts.sizes[v], facts.ids[v]))[:rules.hub_checks]
    hubs: set[int] = set()
    for _ in range(3):
        found = False
        for v in reversed(by_size):
            if v in hubs:
                continue
            if len(_story_groups(v, nodes - hubs, adj, facts, rules)) >= 2:
                hubs.add(v)
                found = True
        if not found:
            break
    return hubs


# ---- growing a cluster -----------------------------------------------------------------------


def _even_sample(items: list[int], k: int) -> list[int]:
    if len(items) <= k:
        return items
    if k <= 1:
        return items[:1]
    step = (len(items) - 1) / (k - 1)
    return [items[round(n * step)] for n in range(k)]


def _grow(piece: list[int], adj: Adjacency, facts: Facts, score: Score,
          derived: dict[int, tuple[int, int]] | None, rules: ClusterRules,
          chosen: tuple[int, str] | None = None, whole: bool = False) -> list[int]:
    """Members of the cluster around the piece's canonical (canonical first; ``chosen``, the
    piece's ``choose_canonical`` when the caller made it)."""
    canonical, _ = chosen or choose_canonical(piece, facts, derived, rules)

    checked: dict[tuple[int, int], bool] = {}

    def copy(a: int, b: int) -> bool:
        if b in adj.get(a, {}):
            return True
        pair = (a, b) if a < b else (b, a)
        known = checked.get(pair)
        if known is None:  # each pair is scored once, however many passes ask
            known = checked[pair] = score(a, b) is not None
        return known

    # The cluster grows from the canonical along verified edges: only articles next to a
    # member are candidates (the frontier), so a long chain costs its length, not its square.
    inside = set(piece)
    degree = _degrees(piece, inside, adj, whole)
    members = [canonical]
    joined = {canonical}
    frontier = {w for w in adj.get(canonical, {}) if w in inside}
    tried_at: dict[int, int] = {}  # candidate -> member count when it last failed
    progress = True
    while progress:
        progress = False
        for v in sorted(frontier - joined, key=lambda v: (-degree[v], facts.ids[v])):
            if tried_at.get(v) == len(members):
                continue  # nothing joined since it last failed
            accept = copy(canonical, v)
            if not accept:
                sample = _even_sample(members, rules.majority_sample)
                accept = 2 * sum(1 for m in sample if copy(m, v)) > len(sample)
            if accept:
                members.append(v)
                joined.add(v)
                frontier.update(w for w in adj.get(v, {}) if w in inside)
                progress = True
            else:
                tried_at[v] = len(members)
    return members


def _group(members: list[int], facts: Facts,
           similarity: Callable[[int, int], tuple[float, float]],
           derived: dict[int, tuple[int, int]] | None = None,
           rules: ClusterRules = _RULES, adj: Adjacency | None = None,
           score: Score | None = None, chosen: tuple[int, str] | None = None) -> Group:
    if derived is None or set(derived) != set(members):
        derived = derivation(members, facts) if len(members) >= 3 else {}
        chosen = None  # (made for other candidates)
    canonical, reason = chosen or choose_canonical(members, facts, derived or None, rules)
    scored = []
    # Canonical first, then by id: the same order whatever the input order.
    for v in [canonical, *sorted((m for m in members if m != canonical),
                                 key=lambda m: facts.ids[m])]:
        known = adj.get(canonical, {}).get(v) if adj is not None else None
        jac, con = (1.0, 1.0) if v == canonical else known or similarity(canonical, v)
        shared, own = derived.get(v, (0, 0))
        if v == canonical:
            joined = "canonical"
        elif known is not None or score is None or score(canonical, v) is not None:
            joined = "copy"
        else:
            joined = "majority"
        scored.append(MemberScore(v, jac, con, shared, own, joined))
    return Group(canonical, reason, tuple(scored))


def build_clusters(
    edges: Edges,
    facts: Facts,
    score: Score,
    similarity: Callable[[int, int], tuple[float, float]],
    rules: ClusterRules = _RULES,
) -> list[Group]:
    """Split the graph of verified copies into clusters around canonicals.

    ``score(i, j)`` returns the exact (jaccard, containment) of a pair when it is a copy, else
    None; it is asked for pairs that candidate generation did not propose. ``similarity`` gives
    the exact scores of any pair, copy or not.
    """
    return split_components(edge_components(edges.pairs), adjacency(edges), facts, score,
                            similarity, rules)


def adjacency(edges: Edges) -> Adjacency:
    """Each article's verified neighbours with the pair's (jaccard, containment)."""
    adj: Adjacency = {}
    for (i, j), jac, con in zip(edges.pairs.tolist(), edges.jaccard.tolist(),
                                edges.containment.tolist()):
        adj.setdefault(i, {})[j] = (jac, con)
        adj.setdefault(j, {})[i] = (jac, con)
    return adj


def split_components(
    components: Sequence[list[int]], adj: Adjacency, facts: Facts, score: Score,
    similarity: Callable[[int, int], tuple[float, float]], rules: ClusterRules = _RULES,
) -> list[Group]:
    """The clusters of each component, in component order. Components are independent, so
    an engine may split the list anywhere and run the parts side by side. Each component is
    a whole connected component of the edges of ``adj`` (as ``edge_components`` gives them):
    no article in it has a neighbour outside it."""
    groups: list[Group] = []
    for component in components:
        groups.extend(_split(component, adj, facts, score, similarity, rules))
    return groups


def edge_components(pairs: np.ndarray) -> list[list[int]]:
    """Connected components of the verified pairs, each sorted, ordered by smallest member
    (numpy labelling: the whole graph at once, not a Python union-find)."""
    if pairs.size == 0:
        return []
    nodes, compact = np.unique(pairs, return_inverse=True)
    labels = components(nodes.size, compact.reshape(-1, 2).astype(np.int64))
    order = lexsort((nodes, labels))
    starts = np.flatnonzero(np.concatenate(([True], labels[order][1:] != labels[order][:-1])))
    ends = np.append(starts[1:], order.size)
    found = [nodes[order[a:b]].tolist() for a, b in zip(starts.tolist(), ends.tolist())]
    return sorted(found, key=lambda g: g[0])


def _split(component: list[int], adj: Adjacency, facts: Facts, score: Score,
           similarity: Callable[[int, int], tuple[float, float]],
           rules: ClusterRules) -> list[Group]:
    if len(component) == 2:  # a pair of copies: what the general path below makes of it
        canonical, reason = choose_canonical(component, facts, None, rules)
        other = component[1] if canonical == component[0] else component[0]
        jac, con = adj[canonical][other]
        return [Group(canonical, reason, (MemberScore(canonical, 1.0, 1.0, 0, 0, "canonical"),
                                          MemberScore(other, jac, con, 0, 0, "copy")))]
    nodes = set(component)
    # (A component from ``edge_components``: no node has a neighbour outside it.)
    hubs = find_hubs(nodes, adj, facts, rules, whole=True) if len(nodes) >= 3 else set()
    found: list[list[int]] = []
    derivations: list[dict[int, tuple[int, int]] | None] = []
    choices: list[tuple[int, str] | None] = []
    # A component is connected by the edges in ``adj``: without hubs it is one piece.
    stack = _components(nodes - hubs, adj) if hubs else [sorted(nodes)]
    while stack:
        piece = stack.pop()
        if len(piece) < 2:
            continue
        derived = derivation(piece, facts) if len(piece) >= 3 else None
        choice = choose_canonical(piece, facts, derived, rules)
        members = _grow(piece, adj, facts, score, derived, rules, choice,
                        whole=not hubs and len(piece) == len(nodes))
        rest = set(piece) - (set(members) if len(members) >= 2 else {members[0]})
        if len(members) >= 2:
            found.append(members)
            derivations.append(derived)
            # The piece's canonical stands for the cluster when the cluster is the piece
            # (the same candidates, the same derivation): not chosen twice.
            choices.append(choice if not rest else None)
        if len(rest) >= 2:
            stack.extend(_components(rest, adj))
    # Each embedding page: a member of the story that is most of it, embedding the others.
    embedded: list[list[EmbeddedScore]] = [[] for _ in found]
    canonical_of: dict[int, int] = {}  # cluster k -> its canonical, until a page joins it
    for page in sorted(hubs, key=lambda v: facts.ids[v]):
        page_set = facts.shingles(page)
        touched = [k for k, members in enumerate(found)
                   if any(m in adj.get(page, {}) for m in members)]
        own, own_share = -1, 0.0
        for k in touched:
            if k not in canonical_of:
                derived = derivations[k]
                if derived is None or set(derived) != set(found[k]):
                    derived = derivations[k] = (derivation(found[k], facts)
                                                if len(found[k]) >= 3 else None)
                canonical_of[k] = choose_canonical(found[k], facts, derived, rules)[0]
            canonical = canonical_of[k]
            share = (intersection_size(page_set, facts.shingles(canonical)) / page_set.size
                     if page_set.size else 0.0)
            if share >= rules.own_story_share and share > own_share and score(canonical, page):
                own, own_share = k, share
        for k in touched:
            if k == own:
                found[k] = [*found[k], page]
                canonical_of.pop(k, None)
                derivations[k] = None
                choices[k] = None
                continue
            best = max(adj[page][m][1] for m in found[k] if m in adj[page])
            embedded[k].append(EmbeddedScore(page, best))
    out = []
    for members, pages, derived, chosen in zip(found, embedded, derivations, choices):
        g = _group(members, facts, similarity, derived, rules, adj, score, chosen)
        out.append(Group(g.canonical, g.reason, g.members, tuple(pages)))
    return out
