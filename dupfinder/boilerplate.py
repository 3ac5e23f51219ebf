"""Learn boilerplate lines from the corpus itself.

Boilerplate is a line that recurs across articles that are otherwise unrelated: a newsletter
prompt on every page of one outlet, "Advertisement" everywhere, an agency copyright footer. A
wire paragraph also recurs, but only among copies of one story, and those copies share much more
than that line. So a recurring line is boilerplate when the articles carrying it fall into at
least ``min_groups`` groups that share little else; relatedness is measured on the other lines
the articles have in common, after removing lines already known to be boilerplate (two rounds,
so that heavy chrome cannot make two unrelated pages look related).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BoilerplateRules:
    """How much evidence makes a line boilerplate."""

    min_docs: int = 3
    min_groups: int = 3
    related: float = 0.3
    sample: int = 24
    rounds: int = 2


@dataclass
class DocLines:
    """Per-article line identities and their word counts (the only thing learning needs)."""

    keys: np.ndarray  # uint64 line hashes, in order of appearance
    words: np.ndarray  # int32 word count of each line


def learn(docs: Sequence[DocLines], rules: BoilerplateRules | None = None) -> set[int]:
    """Return the line hashes that are boilerplate in this corpus."""
    rules = rules or BoilerplateRules()
    if len(docs) < rules.min_docs:
        return set()
    counts = [np.unique(d.keys) for d in docs]
    lengths = np.fromiter((c.size for c in counts), dtype=np.int64, count=len(counts))
    if lengths.sum() == 0:
        return set()
    flat_keys = np.concatenate(counts)
    flat_docs = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
    order = np.argsort(flat_keys, kind="stable")
    flat_keys = flat_keys[order]
    flat_docs = flat_docs[order]
    uniq, starts, df = np.unique(flat_keys, return_index=True, return_counts=True)
    candidates = np.nonzero(df >= rules.min_docs)[0]
    if candidates.size == 0:
        return set()

    weights: list[dict[int, int] | None] = [None] * len(docs)

    def line_weights(i: int) -> dict[int, int]:
        cached = weights[i]
        if cached is None:
            cached = {}
            for key, n in zip(docs[i].keys.tolist(), docs[i].words.tolist()):
                cached[key] = cached.get(key, 0) + n
            weights[i] = cached
        return cached

    boiler: set[int] = set()
    for _ in range(rules.rounds):
        found: set[int] = set()
        overlap_cache: dict[tuple[int, int], tuple[int, int, int]] = {}

        def related(i: int, j: int, key: int) -> bool:
            """Do i and j share enough besides ``key`` and known boilerplate?"""
            pair = (i, j) if i < j else (j, i)
            wi, wj = line_weights(pair[0]), line_weights(pair[1])
            cached = overlap_cache.get(pair)
            if cached is None:
                small, large = (wi, wj) if len(wi) <= len(wj) else (wj, wi)
                shared = sum(min(n, large[k]) for k, n in small.items()
                             if k in large and k not in boiler)
                size_i = sum(n for k, n in wi.items() if k not in boiler)
                size_j = sum(n for k, n in wj.items() if k not in boiler)
                cached = (shared, size_i, size_j)
                overlap_cache[pair] = cached
            shared, size_i, size_j = cached
            if key not in boiler:
                ni, nj = wi.get(key, 0), wj.get(key, 0)
                shared -= min(ni, nj)
                size_i -= ni
                size_j -= nj
            smaller = min(size_i, size_j)
            return smaller > 0 and shared / smaller >= rules.related

        for c in candidates.tolist():
            key = int(uniq[c])
            start = int(starts[c])
            members = flat_docs[start : start + int(df[c])]
            if members.size > rules.sample:
                # An even spread over the carriers, deterministic.
                pick = np.linspace(0, members.size - 1, rules.sample).astype(np.int64)
                members = members[pick]
            reps: list[int] = []
            for doc in members.tolist():
                if not any(related(doc, rep, key) for rep in reps):
                    reps.append(doc)
                    if len(reps) >= rules.min_groups:
                        found.add(key)
                        break
        if found == boiler:
            break
        boiler = found
    return boiler
