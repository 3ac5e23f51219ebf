"""Recall of the candidate stage against brute force, on a sample of Reuters-21578.

    python benchmarks/lsh_recall.py [--articles 4000]

Every pair of the sample is scored exactly (sparse matrix product over the same shingle sets
the scan uses), and the pairs that are copies at the default thresholds are the truth. Two
recalls are reported: of the pairs proposed directly (LSH or the containment sample), and of the
pairs that end up in one connected group of verified copies (what clustering then works on,
since each member is verified against its group's canonical directly).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpora import available, reuters  # noqa: E402
from dupfinder.engines.local import find_matches, prepare  # noqa: E402
from dupfinder.params import Params  # noqa: E402
from dupfinder.stages.containment import components  # noqa: E402
from dupfinder.stages.verify import figures_agree  # noqa: E402


def brute_force_pairs(sets, params: Params) -> set[tuple[int, int]]:  # type: ignore[no-untyped-def]
    from scipy import sparse

    n = len(sets)
    sizes = sets.sizes()
    _, cols = np.unique(sets.hashes, return_inverse=True)
    rows = np.repeat(np.arange(n), sizes)
    ones = np.ones(rows.size, dtype=np.int32)
    x = sparse.csr_matrix((ones, (rows, cols)), shape=(n, cols.max() + 1))
    inter = sparse.triu(x @ x.T, k=1).tocoo()
    i, j, both = inter.row, inter.col, inter.data.astype(np.float64)
    union = sizes[i] + sizes[j] - both
    smaller = np.minimum(sizes[i], sizes[j])
    jac = both / union
    con = both / np.maximum(smaller, 1)
    contained = (con >= params.containment) & (smaller >= params.min_shingles)
    copy = (jac >= params.threshold) | contained
    # The same decision as verification, figure agreement for short notices included.
    return {(a, b) for a, b in zip(i[copy].tolist(), j[copy].tolist())
            if figures_agree(sets, a, b)}


def measure(articles: int) -> dict[str, float]:
    docs = reuters(limit=articles)
    params = Params()
    t = time.perf_counter()
    prepared = prepare([d["text"] for d in docs], params)
    matches = find_matches(prepared, params)
    seconds = time.perf_counter() - t
    truth = brute_force_pairs(prepared.sets, params)
    proposed = {tuple(p) for p in np.concatenate([matches.lsh, matches.containment]).tolist()}
    label = components(len(docs), matches.edges.pairs)
    direct = sum(1 for p in truth if p in proposed)
    grouped = sum(1 for i, j in truth if label[i] == label[j])
    lsh_only = {tuple(p) for p in matches.lsh.tolist()}
    return {
        "articles": len(docs),
        "true_pairs": len(truth),
        "lsh_recall": sum(1 for p in truth if p in lsh_only) / max(1, len(truth)),
        "candidate_recall": direct / max(1, len(truth)),
        "grouped_recall": grouped / max(1, len(truth)),
        "candidates": len(proposed),
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=4000)
    args = parser.parse_args()
    if not available("reuters21578"):
        print("skipped: ../shared/data/reuters21578 is not here")
        return
    r = measure(args.articles)
    print(f"Reuters-21578, first {r['articles']:,} stories with a body, default parameters")
    print(f"{'true copy pairs (brute force)':<40} {r['true_pairs']:>10,}")
    print(f"{'candidate pairs proposed':<40} {r['candidates']:>10,}")
    print(f"{'recall, LSH alone':<40} {r['lsh_recall']:>10.4f}")
    print(f"{'recall, LSH + containment sample':<40} {r['candidate_recall']:>10.4f}")
    print(f"{'recall, pairs in one verified group':<40} {r['grouped_recall']:>10.4f}")
    print(f"{'seconds (prepare + candidates + verify)':<40} {r['seconds']:>10.2f}")


if __name__ == "__main__":
    main()
