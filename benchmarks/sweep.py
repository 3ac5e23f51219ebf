"""Sweep the matching parameters on every labelled corpus; write benchmarks/sweep.csv.

    python benchmarks/sweep.py

A grid over shingle size (3-7 words), Jaccard threshold and containment threshold, then one
parameter at a time around the defaults (min_shingles, num_perm, boilerplate learning). The
criterion for a default is the worst F1 over the corpora (a setting must win on all of them),
then the mean.
"""

from __future__ import annotations

import csv
import itertools
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.accuracy import CORPORA, load_docs, load_gold, run_dupfinder, score  # noqa: E402
from benchmarks.corpora import available  # noqa: E402


def main() -> None:
    if not available():
        print("skipped: ../shared/data is not here")
        return
    data = {name: (load_docs(name), *load_gold(name)) for name in CORPORA}
    settings: list[dict] = []
    for shingle, threshold, containment in itertools.product(
            (3, 4, 5, 6, 7), (0.4, 0.5, 0.6), (0.6, 0.7, 0.8)):
        settings.append({"shingle": shingle, "threshold": threshold, "containment": containment})
    for min_shingles in (10, 40):
        settings.append({"min_shingles": min_shingles})
    for num_perm in (64, 256):
        settings.append({"num_perm": num_perm})
    settings.append({"boilerplate": False})
    rows = []
    for s in settings:
        row: dict = {"shingle": 5, "threshold": 0.5, "containment": 0.7, "min_shingles": 20,
                     "num_perm": 128, "boilerplate": True, **s}
        f1s = []
        for name, (docs, same, neutral) in data.items():
            params = {k: row[k] for k in ("shingle", "threshold", "containment", "min_shingles",
                                          "num_perm", "boilerplate")}
            r = score([d["id"] for d in docs], run_dupfinder(docs, **params), same, neutral)
            row[f"{name}_p"] = round(r["precision"], 4)
            row[f"{name}_r"] = round(r["recall"], 4)
            row[f"{name}_f1"] = round(r["f1"], 4)
            f1s.append(r["f1"])
        row["min_f1"] = round(min(f1s), 4)
        row["mean_f1"] = round(sum(f1s) / len(f1s), 4)
        rows.append(row)
        print(", ".join(f"{k}={row[k]}" for k in s), f"-> min F1 {row['min_f1']:.3f}, "
              f"mean {row['mean_f1']:.3f}", flush=True)
    out = HERE / "sweep.csv"
    with open(out, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    best = sorted(rows, key=lambda r: (-r["min_f1"], -r["mean_f1"]))[:5]
    print("\nbest settings (worst-corpus F1, then mean):")
    for r in best:
        print(f"  shingle {r['shingle']}, threshold {r['threshold']}, containment "
              f"{r['containment']}, min_shingles {r['min_shingles']}, num_perm {r['num_perm']}, "
              f"boilerplate {r['boilerplate']}: min {r['min_f1']:.3f}, mean {r['mean_f1']:.3f}")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
