"""Recall of the candidate stages against brute force on a sample of a large generated corpus.

    python benchmarks/containment_recall.py [--articles 100000] [--sample 2000]

The scan's own stages run over the whole corpus (tokenise, boilerplate, shingle, sign, LSH,
containment, verification). Then a seeded sample of articles is compared exactly with every
article of the corpus (shared shingles counted over the same sets the scan verifies), and every
pair at the default thresholds (Jaccard >= threshold, or containment >= containment for
articles of min_shingles and more) is a true pair. Reported: how many true pairs LSH alone and
LSH + containment propose directly; how many end in one group of verified copies (what
clustering works on: a copy is proposed against its group's fullest article); the seconds and
peak allocation of the containment stage, and its candidate count. At 1M articles this checks
that the stage keeps its recall as samples get common (the old cap on common samples proposed
no pair at all there).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.synthetic import write_jsonl  # noqa: E402
from dupfinder.engines.local import id_ranks, prepare  # noqa: E402
from dupfinder.fields import FieldMap  # noqa: E402
from dupfinder.params import Params  # noqa: E402
from dupfinder.readers import ReadContext, read_corpus  # noqa: E402
from dupfinder.stages.arrays import components  # noqa: E402
from dupfinder.stages.containment import containment_pairs  # noqa: E402
from dupfinder.stages.lsh import candidate_pairs  # noqa: E402
from dupfinder.stages.verify import Thresholds, verify  # noqa: E402


def true_partners(sets, sample: np.ndarray, params: Params) -> set[tuple[int, int]]:  # type: ignore[no-untyped-def]
    """Every (sampled article, article) pair that is a copy by exact shingle counts."""
    sizes = sets.sizes()
    wanted_hash = np.concatenate([sets.of(int(i)) for i in sample])
    wanted_doc = np.repeat(sample, sizes[sample])
    order = np.argsort(wanted_hash, kind="stable")
    wanted_hash, wanted_doc = wanted_hash[order], wanted_doc[order]
    n = len(sets)
    step = 20000
    pairs: set[tuple[int, int]] = set()
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        h = sets.hashes[sets.offsets[lo]: sets.offsets[hi]]
        doc = np.repeat(np.arange(lo, hi), sizes[lo:hi])
        left = np.searchsorted(wanted_hash, h, side="left")
        right = np.searchsorted(wanted_hash, h, side="right")
        width = right - left
        hit = width > 0
        h_doc, left, width = doc[hit], left[hit], width[hit]
        rep = np.repeat(h_doc, width)
        at = np.repeat(left - (np.cumsum(width) - width), width) + np.arange(int(width.sum()))
        other = wanted_doc[at]
        code, shared = np.unique(rep * n + other, return_counts=True)
        a, b = code // n, code % n
        keep = a != b
        a, b, both = a[keep], b[keep], shared[keep].astype(np.float64)
        union = sizes[a] + sizes[b] - both
        smaller = np.minimum(sizes[a], sizes[b])
        copy = (both / union >= params.threshold) | (
            (both / np.maximum(smaller, 1) >= params.containment)
            & (smaller >= params.min_shingles))
        pairs.update((min(x, y), max(x, y)) for x, y in zip(a[copy].tolist(), b[copy].tolist()))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    path = HERE / "_work" / f"synthetic-{args.articles}.jsonl"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        write_jsonl(path, args.articles)
    articles = list(read_corpus([path], ReadContext(fields=FieldMap())))
    params = Params()
    ranks = id_ranks([a.id for a in articles])
    prepared = prepare([a.text for a in articles], params, args.workers,
                       outlets=[a.outlet for a in articles], ranks=ranks)
    del articles
    sets = prepared.sets
    valid = sets.sizes() > 0
    thresholds = Thresholds(params.threshold, params.containment, params.min_shingles,
                            params.tuning.verify)
    t = time.perf_counter()
    lsh = candidate_pairs(prepared.signatures, params.lsh_threshold, valid)
    lsh_seconds = time.perf_counter() - t
    edges = verify(sets, lsh, thresholds)
    tracemalloc.start()
    t = time.perf_counter()
    contained = containment_pairs(sets, params.containment, params.min_shingles, valid,
                                  linked=edges.pairs, ranks=ranks,
                                  sample_share=params.tuning.candidates.sample_share)
    c_seconds = time.perf_counter() - t
    _, c_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rng = np.random.default_rng(11)
    sample = np.sort(rng.choice(len(sets), size=min(args.sample, len(sets)), replace=False))
    truth = true_partners(sets, sample, params)
    merged = edges.merged(verify(sets, contained, thresholds))
    label = components(len(sets), merged.pairs)
    grouped = sum(1 for i, j in truth if label[i] == label[j])
    lsh_set = {tuple(p) for p in lsh.tolist()}
    both = lsh_set | {tuple(p) for p in contained.tolist()}
    lsh_hits = sum(1 for p in truth if p in lsh_set)
    all_hits = sum(1 for p in truth if p in both)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"generated corpus, {len(sets):,} articles; {len(sample):,} sampled articles "
          "compared exactly with all")
    print(f"{'true copy pairs of the sample':<44} {len(truth):>10,}")
    print(f"{'recall, LSH alone':<44} {lsh_hits / max(1, len(truth)):>10.4f}")
    print(f"{'recall, LSH + containment':<44} {all_hits / max(1, len(truth)):>10.4f}")
    print(f"{'recall, pairs in one verified group':<44} {grouped / max(1, len(truth)):>10.4f}")
    print(f"{'LSH candidate pairs / seconds':<44} {len(lsh):>10,} {lsh_seconds:>8.2f}")
    print(f"{'containment candidate pairs / seconds':<44} {len(contained):>10,} {c_seconds:>8.2f}")
    print(f"{'containment stage peak allocation, MB':<44} {c_peak / 1e6:>10.0f}")
    print(f"{'process peak RSS, MB':<44} {rss:>10.0f}")


if __name__ == "__main__":
    main()
