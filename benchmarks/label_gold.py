"""Propose gold labels for article pairs from two independent signals, for a person to read.

    python benchmarks/label_gold.py syndication|reuters|bbc|daily8 [--show-borderline]

Signals (neither is dupfinder's own pipeline):
  A  word 4-gram containment: plain lowercase word 4-grams, no boilerplate removal, the share
     of the shorter article's 4-grams found in the other;
  B  character alignment: rapidfuzz Indel alignment of the two raw texts, the share of the
     shorter text covered by aligned runs of at least 40 characters.

  N  figures: the share of the shorter article's numbers (12, 0.75, 1-1/2) found in the other.

Rules (documented in benchmarks/gold/README.md):
  P  names: the share of the shorter article's capitalised words found in the other.
  different  (Reuters only, whose bare wire text makes N and P meaningful; scraped pages carry
             timestamps and chrome) A >= 0.30 and (N < 0.80 with 1+ numbers, or P < 0.50 with
             1+ names, counting only capitalised words found in at most 0.2% of articles, so
             template words like Qtly, Pay, Record do not count): a template
             report (a price change, a dividend, a weekly statistic) with other figures, or
             about another company, is another story
  same     A >= 0.70 and B >= 0.60     most of the shorter appears nearly verbatim in the other
  version  A >= 0.30 and B >= 0.30     the same story in another write-through or update
  excerpt  B >= 0.20 and A >= 0.10    one carries a passage of the other (a fifth of the shorter
                                       as long verbatim runs: more than a shared quote)
  (unlisted pairs are different)
Borderline pairs (within 0.08 of the `same` cuts, or turned from `same` into `different` by the
Reuters template rule) are printed with --show-borderline to be read, with the words only one
text has; decisions that differ from the rules go in benchmarks/gold/overrides.json, which
always wins.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import re
import sys
from pathlib import Path

from rapidfuzz.distance import Indel

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks import corpora  # noqa: E402

WORD = re.compile(r"\w+")
GOLD = HERE / "gold"


def grams(text: str, n: int = 4) -> set[tuple[str, ...]]:
    w = WORD.findall(text.lower())
    return {tuple(w[i : i + n]) for i in range(max(0, len(w) - n + 1))} or {tuple(w)}


def char_cover(a: str, b: str, run: int = 40) -> float:
    a, b = " ".join(a.split()), " ".join(b.split())
    if not a or not b:
        return 0.0
    covered = sum(op.src_end - op.src_start for op in Indel.opcodes(a, b)
                  if op.tag == "equal" and op.src_end - op.src_start >= run)
    return covered / min(len(a), len(b))


NUMBER = re.compile(r"\d+(?:[.,/-]\d+)*")


def figures(text: str) -> set[str]:
    return set(NUMBER.findall(text))


def number_share(x: str, y: str) -> tuple[float, int]:
    fx, fy = figures(x), figures(y)
    small, large = (fx, fy) if len(fx) <= len(fy) else (fy, fx)
    if not small:
        return 1.0, 0
    return len(small & large) / len(small), len(small)


NAME = re.compile(r"\b[A-Z][A-Za-z]+")


def _names(text: str) -> set[str]:
    """Capitalised words, case-folded (Reuters titles are in capitals)."""
    return {w.lower() for w in NAME.findall(text)}


RARE_NAMES: set[str] | None = None  # set per corpus: capitalised words in few articles


def name_share(x: str, y: str) -> tuple[float, int]:
    nx, ny = _names(x), _names(y)
    if RARE_NAMES is not None:
        nx, ny = nx & RARE_NAMES, ny & RARE_NAMES
    small, large = (nx, ny) if len(nx) <= len(ny) else (ny, nx)
    if not small:
        return 1.0, 0
    return len(small & large) / len(small), len(small)


def label(a: float, b: float, n: float = 1.0, count: int = 0,
          p: float = 1.0, names: int = 0, templates: bool = False) -> str | None:
    if templates and a >= 0.30 and ((count >= 1 and n < 0.80) or (names >= 1 and p < 0.50)):
        return "different"
    if a >= 0.70 and b >= 0.60:
        return "same"
    if a >= 0.30 and b >= 0.30:
        return "version"
    if b >= 0.20 and a >= 0.10:
        return "excerpt"
    return None


def borderline(a: float, b: float, rule: str | None = None) -> bool:
    """Pairs whose label could go either way where it matters: around the `same` cuts, or
    turned from `same` into `different` by the Reuters template rule."""
    textually_same = a >= 0.70 and b >= 0.60
    if rule == "different" and textually_same:
        return True
    return (abs(a - 0.70) < 0.08 and b >= 0.52) or (abs(b - 0.60) < 0.08 and a >= 0.62)


_WORDS = re.compile(r"[\w.,/-]+")


def word_difference(x: str, y: str, most: int = 10) -> tuple[str, str]:
    """The words only one of two texts has, in order: what a reader checks first."""
    wx, wy = _WORDS.findall(x), _WORDS.findall(y)
    sx, sy = set(wx), set(wy)
    only_x = [w for w in dict.fromkeys(wx) if w not in sy][:most]
    only_y = [w for w in dict.fromkeys(wy) if w not in sx][:most]
    return " ".join(only_x), " ".join(only_y)


def load(name: str) -> list[dict]:
    if name == "syndication":
        return corpora.syndication()
    if name == "reuters":
        return corpora.reuters()
    if name == "bbc":
        return corpora.bbc()
    if name == "daily8":
        return corpora.daily8()
    raise SystemExit(f"unknown corpus {name!r}")


def candidate_pairs(docs: list[dict], all_pairs: bool) -> list[tuple[int, int]]:
    if all_pairs:
        return list(itertools.combinations(range(len(docs)), 2))
    # Large corpora: pairs sharing at least three rare 4-grams (an inverted index).
    index: dict[tuple[str, ...], list[int]] = {}
    for i, d in enumerate(docs):
        for g in grams(d["text"]):
            index.setdefault(g, []).append(i)
    shared: dict[tuple[int, int], int] = {}
    for postings in index.values():
        if 2 <= len(postings) <= 30:
            for x, y in itertools.combinations(postings, 2):
                shared[(x, y)] = shared.get((x, y), 0) + 1
    return sorted(p for p, n in shared.items() if n >= 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", choices=["syndication", "reuters", "bbc", "daily8"])
    parser.add_argument("--show-borderline", action="store_true")
    args = parser.parse_args()
    docs = load(args.corpus)
    overrides = json.loads((GOLD / "overrides.json").read_text()).get(args.corpus, {})
    pairs = candidate_pairs(docs, all_pairs=args.corpus in ("syndication", "daily8"))
    global RARE_NAMES
    if args.corpus == "reuters":
        df: dict[str, int] = {}
        for d in docs:
            for w in _names(f"{d['title'] or ''} {d['text']}"):
                df[w] = df.get(w, 0) + 1
        RARE_NAMES = {w for w, c in df.items() if c <= max(3, len(docs) // 500)}
    cache = [grams(d["text"]) for d in docs]
    rows = []
    read = 0
    for i, j in pairs:
        gi, gj = cache[i], cache[j]
        a = len(gi & gj) / min(len(gi), len(gj))
        if a < 0.05:
            continue
        b = char_cover(docs[i]["text"], docs[j]["text"])
        n, count = number_share(docs[i]["text"], docs[j]["text"])
        p, names = name_share(f"{docs[i]['title'] or ''} {docs[i]['text']}",
                              f"{docs[j]['title'] or ''} {docs[j]['text']}")
        key = "|".join(sorted((docs[i]["id"], docs[j]["id"])))
        lab = label(a, b, n, count, p, names, templates=args.corpus == "reuters")
        if borderline(a, b, lab):
            read += 1
            if args.show_borderline:
                only_i, only_j = word_difference(docs[i]["text"], docs[j]["text"])
                print(f"--- {key}  A={a:.2f} B={b:.2f} rule={lab} "
                      f"override={(overrides.get(key) or {}).get('label')}")
                print("   1:", (docs[i]["title"] or "")[:70], "|",
                      " ".join(docs[i]["text"].split())[:150])
                print("   2:", (docs[j]["title"] or "")[:70], "|",
                      " ".join(docs[j]["text"].split())[:150])
                print("   only 1:", only_i, "|| only 2:", only_j)
        if key in overrides:
            lab = overrides[key]["label"]
        if lab:
            ids = sorted((docs[i]["id"], docs[j]["id"]))
            rows.append([ids[0], ids[1], lab, round(a, 3), round(b, 3)])
    rows.sort()
    counts = {k: sum(1 for r in rows if r[2] == k)
              for k in ("same", "version", "excerpt", "different")}
    body = {"corpus": args.corpus, "articles": len(docs), "candidate_pairs": len(pairs),
            "borderline": read, "counts": counts,
            "columns": ["id_a", "id_b", "label", "signal_a", "signal_b"], "pairs": rows}
    text = json.dumps(body, indent=1) + "\n"
    (GOLD / f"{args.corpus}.json").write_text(text)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    print(f"{args.corpus}: {len(docs)} articles, {len(pairs)} candidate pairs, {counts}, "
          f"{read} borderline; digest {digest}", file=sys.stderr)


if __name__ == "__main__":
    main()
