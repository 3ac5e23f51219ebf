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

from dataclasses import dataclass

import numpy as np

from .arrays import runs


@dataclass(frozen=True)
class BoilerplateRules:
    """How much evidence makes a line boilerplate."""

    min_docs: int = 3
    min_groups: int = 3
    related: float = 0.3
    sample: int = 24
    rounds: int = 2


def learn(
    line_keys: np.ndarray,
    line_words: np.ndarray,
    line_offsets: np.ndarray,
    rules: BoilerplateRules | None = None,
) -> set[int]:
    """Return the line keys that are boilerplate in this corpus.

    ``line_keys``/``line_words`` hold every line of every article (its identity and word count);
    article i owns ``line_offsets[i]:line_offsets[i+1]``.
    """
    rules = rules or BoilerplateRules()
    docs = line_offsets.size - 1
    if docs < rules.min_docs or line_keys.size == 0:
        return set()
    flat_docs = np.repeat(np.arange(docs, dtype=np.int64), np.diff(line_offsets))
    order = np.lexsort((flat_docs, line_keys))
    flat_keys = line_keys[order]
    flat_docs = flat_docs[order]
    # One entry per (line, article): a line repeated inside one article counts once.
    first = np.ones(flat_keys.size, dtype=bool)
    first[1:] = (flat_keys[1:] != flat_keys[:-1]) | (flat_docs[1:] != flat_docs[:-1])
    flat_keys = flat_keys[first]
    flat_docs = flat_docs[first]
    starts, df = runs(flat_keys)
    uniq = flat_keys[starts]
    candidates = np.nonzero(df >= rules.min_docs)[0]
    if candidates.size == 0:
        return set()

    # Group candidate lines by the exact set of articles carrying them.
    mixed_docs = (flat_docs.astype(np.uint64) + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)
    mixed_docs ^= mixed_docs >> np.uint64(29)
    carrier_hash = np.add.reduceat(mixed_docs, starts)
    groups_by_set: dict[tuple[int, int], list[int]] = {}
    for c in candidates.tolist():
        groups_by_set.setdefault((int(carrier_hash[c]), int(df[c])), []).append(c)
    carrier_groups = list(groups_by_set.values())
    # Word count of each line (the same wherever it appears).
    weight_of = line_words[order][first][starts]

    weights: dict[int, dict[int, int]] = {}

    def line_weights(i: int) -> dict[int, int]:
        cached = weights.get(i)
        if cached is None:
            cached = {}
            lo, hi = int(line_offsets[i]), int(line_offsets[i + 1])
            for key, n in zip(line_keys[lo:hi].tolist(), line_words[lo:hi].tolist()):
                cached[key] = cached.get(key, 0) + n
            weights[i] = cached
        return cached

    def one_round(boiler: set[int]) -> set[int]:
        """Boilerplate lines, judging relatedness without the lines in ``boiler``."""
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

        def is_boiler(c: int, key: int) -> bool:
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
                        return True
            return False

        # Lines carried by exactly the same articles (the paragraphs of one wire story) are
        # decided together: first with the heaviest line left out, the case least likely to
        # look related; only if that says boilerplate is each line decided on its own.
        for group in carrier_groups:
            heaviest = max(group, key=lambda c: (int(weight_of[c]), int(uniq[c])))
            if not is_boiler(heaviest, int(uniq[heaviest])):
                continue
            for c in group:
                key = int(uniq[c])
                if c == heaviest or is_boiler(c, key):
                    found.add(key)
        return found

    boiler: set[int] = set()
    for _ in range(rules.rounds):
        found = one_round(boiler)
        if found == boiler:
            break
        boiler = found
    return boiler
