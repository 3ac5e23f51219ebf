"""Sweep the matching parameters on every labelled corpus; write benchmarks/sweep.csv.

    python benchmarks/sweep.py

A grid over shingle size (3-7 words), Jaccard threshold and containment threshold, then one
parameter at a time around the defaults (min_shingles, num_perm, boilerplate learning), and
character shingles: each line is rewritten as its character n-grams (spaces as "_"), so that
the same pipeline with 1-token shingles compares character n-grams. The
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


def char_grams(text: str, n: int) -> str:
    """Each line as its overlapping character n-grams of lower-cased word characters."""
    out = []
    for line in text.split("\n"):
        flat = "_".join("".join(ch for ch in w if ch.isalnum()) for w in line.lower().split())
        out.append(" ".join(flat[i : i + n] for i in range(max(1, len(flat) - n + 1))))
    return "\n".join(out)


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
    for chars in (5, 7):
        for threshold in (0.5, 0.6):
            settings.append({"chars": chars, "threshold": threshold, "shingle": 1})
    rows = []
    for s in settings:
        row: dict = {"shingle": 5, "threshold": 0.5, "containment": 0.7, "min_shingles": 20,
                     "num_perm": 128, "boilerplate": True, "chars": 0, **s}
        f1s = []
        for name, (docs, same, neutral) in data.items():
            if row["chars"]:
                docs = [dict(d, text=char_grams(d["text"], row["chars"])) for d in docs]
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
        unit = f"{r['chars']}-char" if r["chars"] else f"{r['shingle']}-word"
        print(f"  {unit} shingles, threshold {r['threshold']}, containment "
              f"{r['containment']}, min_shingles {r['min_shingles']}, num_perm {r['num_perm']}, "
              f"boilerplate {r['boilerplate']}: min {r['min_f1']:.3f}, mean {r['mean_f1']:.3f}")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
