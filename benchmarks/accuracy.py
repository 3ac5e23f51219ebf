"""Accuracy on labelled real corpora: pairwise precision, recall and F1 on `same` pairs, and the
adjusted Rand index of the clusters, for dupfinder and the anchors' settings, in one table.

    python benchmarks/accuracy.py                 # the table
    python benchmarks/accuracy.py --pin           # re-pin the quality floors (never lower them)
    python benchmarks/accuracy.py --pin --allow-lower   # ... unless asked explicitly

Rows beyond the three corpora are what a user meets: the 2019 scrapes scanned as the CSV files
they are (`syndication-files`, and `census-file`, `spotify-file` one file each), every corpus
with its texts flattened to one line (`*-flat`), and the daily8 aggregator page scanned whole
beside its own stories (`daily8`). Each row is its own name, so each gets its own floor when
pinned; `measure(name)` takes any name in ROWS.

Gold labels are id pairs in benchmarks/gold/ (see its README): `same` pairs are the truth;
`version` and `excerpt` pairs are neither rewarded nor penalised; every other pair is different.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from math import comb
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import dupfinder  # noqa: E402
from benchmarks import corpora  # noqa: E402

GOLD = HERE / "gold"
FLOORS = HERE / "quality_floors.json"
CORPORA = ("syndication", "reuters", "bbc")
PIN_MARGIN = 0.01  # floors sit this far below the measured F1, so noise-free reruns pass


@dataclass(frozen=True)
class Row:
    """One row of the table: the gold file it is scored against, the articles (what the anchors
    run on, and the ids scored), and, for file rows, the 2019 CSVs dupfinder scans as paths."""

    gold: str
    load: Callable[[], list[dict]]
    files: tuple[str, ...] = ()  # corpora.SYNDICATION_FILES prefixes; result ids get "prefix-"


ROWS: dict[str, Row] = {
    "syndication": Row("syndication", corpora.syndication),
    "reuters": Row("reuters", corpora.reuters),
    "bbc": Row("bbc", corpora.bbc),
    "syndication-files": Row("syndication", lambda: corpora.syndication_rows("census", "spotify"),
                             ("census", "spotify")),
    "census-file": Row("syndication", lambda: corpora.syndication_rows("census"), ("census",)),
    "spotify-file": Row("syndication", lambda: corpora.syndication_rows("spotify"), ("spotify",)),
    "syndication-flat": Row("syndication", lambda: corpora.flattened(corpora.syndication())),
    "reuters-flat": Row("reuters", lambda: corpora.flattened(corpora.reuters())),
    "bbc-flat": Row("bbc", lambda: corpora.flattened(corpora.bbc())),
    "daily8": Row("daily8", corpora.daily8),
}


def load_docs(name: str) -> list[dict]:
    return ROWS[name].load()


def gold_file(name: str) -> Path:
    return GOLD / f"{ROWS[name].gold if name in ROWS else name}.json"


def gold_digest(name: str) -> str:
    return hashlib.sha256(gold_file(name).read_bytes()).hexdigest()


def load_gold(name: str, ids: Iterable[str] | None = None
              ) -> tuple[set[frozenset[str]], set[frozenset[str]]]:
    """`same` and neutral pairs of a row's gold; with ids, only the pairs among those ids."""
    data = json.loads(gold_file(name).read_text())
    keep = None if ids is None else set(ids)
    same, neutral = set(), set()
    for a, b, label, *_ in data["pairs"]:
        if keep is not None and not (a in keep and b in keep):
            continue
        if label == "same":
            same.add(frozenset((a, b)))
        elif label in ("version", "excerpt"):
            neutral.add(frozenset((a, b)))
    return same, neutral


def pairs_of(groups: Iterable[Iterable[str]]) -> set[frozenset[str]]:
    out = set()
    for g in groups:
        ids = sorted(set(g))
        out.update(frozenset((ids[i], ids[j])) for i in range(len(ids))
                   for j in range(i + 1, len(ids)))
    return out


def components(ids: list[str], pairs: Iterable[frozenset[str]]) -> list[list[str]]:
    """Groups (of two or more) joined by the pairs, via dupfinder's own component labelling."""
    import numpy as np

    from dupfinder.stages.containment import components as labels_of

    index = {k: n for n, k in enumerate(ids)}
    edges = np.array([[index[a], index[b]] for a, b in (tuple(p) for p in pairs)],
                     dtype=np.int64).reshape(-1, 2)
    groups: dict[int, list[str]] = {}
    for k, label in zip(ids, labels_of(len(ids), edges).tolist()):
        groups.setdefault(label, []).append(k)
    return [g for g in groups.values() if len(g) > 1]


def ari(ids: list[str], truth: list[list[str]], pred: list[list[str]]) -> float:
    def labels(groups: list[list[str]]) -> dict[str, int]:
        out = {i: -k - 1 for k, i in enumerate(ids)}  # singletons
        for k, g in enumerate(groups):
            for i in g:
                out[i] = k
        return out

    t, p = labels(truth), labels(pred)
    table: dict[tuple[int, int], int] = {}
    for i in ids:
        table[(t[i], p[i])] = table.get((t[i], p[i]), 0) + 1
    a: dict[int, int] = {}
    b: dict[int, int] = {}
    for (x, y), n in table.items():
        a[x] = a.get(x, 0) + n
        b[y] = b.get(y, 0) + n
    index = sum(comb(n, 2) for n in table.values())
    sa, sb = sum(comb(n, 2) for n in a.values()), sum(comb(n, 2) for n in b.values())
    expected = sa * sb / comb(len(ids), 2) if len(ids) > 1 else 0.0
    top = (sa + sb) / 2 - expected
    return (index - expected) / top if top else 1.0


def score(ids: list[str], groups: list[list[str]], same: set, neutral: set) -> dict[str, float]:
    pred = pairs_of(groups)
    tp = len(pred & same)
    fp = len(pred - same - neutral)
    fn = len(same - pred)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    truth = components(ids, same)
    return {"precision": precision, "recall": recall, "f1": f1,
            "ari": ari(ids, truth, groups), "tp": tp, "fp": fp, "fn": fn}


def run_dupfinder(docs: list[dict], **params: object) -> list[list[str]]:
    result = dupfinder.scan(docs, **params)
    return [[m.id for m in c.members] for c in result.clusters]


def run_dupfinder_files(prefixes: Iterable[str], known: set[str]) -> list[list[str]]:
    """dupfinder on the 2019 CSVs as files, one scan a file (their ids repeat across the two),
    with no field named: the reader takes id, publisher (outlet), scrape_time and text. Result
    ids become the gold's ``f"{prefix}-{id}"``."""
    groups = []
    for prefix in prefixes:
        result = dupfinder.scan(str(corpora.syndication_path(prefix)))
        for c in result.clusters:
            ids = [f"{prefix}-{m.id}" for m in c.members]
            unknown = sorted(set(ids) - known)
            if unknown:
                raise SystemExit(f"{prefix}: the reader gave ids the file's id column does not "
                                 f"have: {unknown[:3]}")
            groups.append(ids)
    return groups


_WORD = re.compile(r"\w+")


def run_minhash_lsh(docs: list[dict], ngram: int, threshold: float,
                    num_perm: int) -> list[list[str]]:
    """An anchor pipeline: datasketch MinHash + MinHashLSH + union-find, no verification."""
    from datasketch import MinHash, MinHashLSH

    sets = []
    for d in docs:
        w = _WORD.findall(d["text"].lower())
        grams = {" ".join(w[i : i + ngram]).encode() for i in range(max(1, len(w) - ngram + 1))}
        sets.append(list(grams))
    hashes = MinHash.bulk(sets, num_perm=num_perm)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    ids = [d["id"] for d in docs]
    for key, m in zip(ids, hashes):
        lsh.insert(key, m)
    pairs = {frozenset((k, o)) for k, m in zip(ids, hashes) for o in lsh.query(m) if o != k}
    return components(ids, pairs)


DEFAULTS = "dupfinder (defaults)"
METHODS: dict[str, Callable[[list[dict]], list[list[str]]]] = {
    DEFAULTS: lambda docs: run_dupfinder(docs),
    "text-dedup news (2-gram, 0.45, 256)": lambda docs: run_minhash_lsh(docs, 2, 0.45, 256),
    "datasketch (5-gram, 0.5, no verify)": lambda docs: run_minhash_lsh(docs, 5, 0.5, 128),
}


def measure(name: str, method: str = DEFAULTS) -> dict[str, float]:
    """Score one row of ROWS (a corpus, a file row, a flattened corpus or daily8)."""
    row = ROWS[name]
    docs = row.load()
    ids = [d["id"] for d in docs]
    same, neutral = load_gold(name, ids)
    t = time.perf_counter()
    if row.files and method == DEFAULTS:
        groups = run_dupfinder_files(row.files, set(ids))
    else:
        groups = METHODS[method](docs)
    result = score(ids, groups, same, neutral)
    result["seconds"] = time.perf_counter() - t
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pin", action="store_true", help="write the quality floors")
    parser.add_argument("--allow-lower", action="store_true",
                        help="with --pin: allow a floor to go down")
    parser.add_argument("--defaults-only", action="store_true")
    parser.add_argument("--rows", nargs="+", choices=list(ROWS), metavar="ROW",
                        help=f"only these rows (default: all of {', '.join(ROWS)})")
    args = parser.parse_args()
    if not corpora.available():
        print("skipped: ../shared/data is not here")
        return
    methods = list(METHODS)[:1] if args.defaults_only else list(METHODS)
    print(f"{'corpus':<17} {'method':<38} {'P':>6} {'R':>6} {'F1':>6} {'ARI':>6} "
          f"{'TP':>5} {'FP':>5} {'FN':>5} {'s':>6}")
    measured: dict[str, float] = {}
    for name in args.rows or ROWS:
        for method in methods:
            r = measure(name, method)
            if method == methods[0]:
                measured[name] = r["f1"]
            print(f"{name:<17} {method:<38} {r['precision']:>6.3f} {r['recall']:>6.3f} "
                  f"{r['f1']:>6.3f} {r['ari']:>6.3f} {r['tp']:>5} {r['fp']:>5} {r['fn']:>5} "
                  f"{r['seconds']:>6.1f}")
    if args.pin:
        pin(measured, args.allow_lower)


def pin(measured: dict[str, float], allow_lower: bool) -> None:
    floors = json.loads(FLOORS.read_text()) if FLOORS.exists() else {}
    for name, f1 in measured.items():
        new = round(max(0.0, f1 - PIN_MARGIN), 3)
        old = floors.get(name, {}).get("f1_floor")
        if old is not None and new < old:
            if f1 < old and not allow_lower:
                raise SystemExit(
                    f"refusing to lower the {name} floor from {old} to {new} (F1 {f1:.4f}); fix "
                    "the regression, or pass --allow-lower and say why in the commit")
            if not allow_lower:
                new = old  # still clears its floor: the floor stays where it was
        floors[name] = {"f1_floor": new, "gold_sha256": gold_digest(name)}
    FLOORS.write_text(json.dumps(floors, indent=2, sort_keys=True) + "\n")
    print(f"pinned {FLOORS.name}: " + ", ".join(f"{k} {v['f1_floor']}" for k, v in floors.items()))


if __name__ == "__main__":
    main()
