"""Clustering a long chained component (successive versions of a rolling story, each a copy of
its neighbours only) grows along verified edges: exact scores asked grow linearly with the
chain, not quadratically."""

import numpy as np

from dupfinder.stages.cluster import Facts, build_clusters
from dupfinder.stages.verify import Edges, overlap


def _chain(n: int, width: int = 100, step: int = 10):
    sets = [np.arange(k * step, k * step + width, dtype=np.uint32) for k in range(n)]
    calls = [0]

    def score(i, j):
        calls[0] += 1
        jac, con = overlap(sets[i], sets[j])
        return (jac, con) if jac >= 0.5 or con >= 0.7 else None

    pairs, jac, con = [], [], []
    for i in range(n):
        for j in range(i + 1, min(n, i + 6)):
            s = score(i, j)
            if s is not None:
                pairs.append((i, j))
                jac.append(s[0])
                con.append(s[1])
    calls[0] = 0
    edges = Edges(np.array(pairs, dtype=np.int64), np.array(jac), np.array(con))
    facts = Facts(ids=[f"v{k:06d}" for k in range(n)], sizes=[width] * n, dates=[None] * n,
                  agency=[False] * n, shingles=lambda i: sets[i])
    groups = build_clusters(edges, facts, score, lambda i, j: overlap(sets[i], sets[j]))
    return calls[0], groups


def test_score_calls_grow_linearly_with_chain_length():
    small, _ = _chain(250)
    large, _ = _chain(1000)
    # Linear work would give a ratio near 4 for four times the articles; quadratic gives 16.
    assert large <= 6 * small, (small, large)
