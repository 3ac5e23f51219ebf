"""Tokenising speed: the string-at-a-time reference against the numpy path and the compiled
(numba) path of ``dupfinder.stages.tokens.featurize``, on the same texts, in one process.

    python benchmarks/tokenise_speed.py                      # the 100k synthetic corpus
    python benchmarks/tokenise_speed.py --articles 20000 --real

Prints wall and CPU seconds, chars per CPU second and CPU seconds per 100k articles for each
path (CPU time: the machine may be shared), and checks that every path gives
the reference's arrays. ``--real`` adds the shared corpora (Reuters, BBC, the 2019 syndication
scrapes: curly quotes, dashes, non-breaking spaces, one-line texts), where normalising matters.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dupfinder.stages import _numba, tokens  # noqa: E402
from dupfinder.stages.normalise import LONG_UNIT_CHARS, char_tables  # noqa: E402

WORK = ROOT / "benchmarks" / "_work"
FIELDS = ("tokens", "token_offsets", "line_keys", "line_sizes", "line_offsets", "has_digit")

Path_ = Callable[[Sequence[str]], tokens.Features]


def synthetic_texts(articles: int) -> list[str]:
    path = WORK / f"synthetic-{articles}.jsonl"
    if not path.exists():
        big = WORK / "synthetic-100000.jsonl"
        if not big.exists() or articles > 100_000:
            sys.path.insert(0, str(ROOT / "benchmarks"))
            from synthetic import write_jsonl

            write_jsonl(path, articles)
        else:
            path = big
    out: list[str] = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            out.append(json.loads(line)["text"])
            if len(out) >= articles:
                break
    return out


def real_texts() -> list[str]:
    from benchmarks import corpora

    texts: list[str] = []
    if corpora.available("reuters21578"):
        texts += [d["text"] for d in corpora.reuters()]
    if corpora.available("bbc_news"):
        texts += [d["text"] for d in corpora.bbc()]
    if corpora.available("syndication_2019"):
        rows = [d["text"] for d in corpora.syndication()]
        texts += rows + [t.replace("\n", " ### ") for t in rows]  # as scraped: one line
    return texts


def typeset(text: str) -> str:
    """As an outlet's CMS prints it: curly quotes, accented names, a no-break space."""
    return ("\u201c" + text.replace(". ", ".\u00a0", 2).replace("ana", "\u00e1na")
            .replace(" is", " \u2019is") + "\u201d")


def paths() -> dict[str, Path_]:
    out: dict[str, Path_] = {
        "reference (str at a time)": lambda t: tokens.featurize_reference(t, LONG_UNIT_CHARS),
        "numpy": lambda t: tokens._batched(t, LONG_UNIT_CHARS, tokens._featurize_numpy),
    }
    kernels = _numba.kernels()
    if kernels is not None:
        out["numba"] = lambda t: tokens._batched(
            t, LONG_UNIT_CHARS, lambda b, n: tokens._featurize_compiled(b, n, kernels))
    return out


def timed(fn: Path_, texts: Sequence[str], repeat: int) -> tuple[float, float, tokens.Features]:
    """Best wall and CPU seconds (CPU time is the steadier on a shared machine)."""
    wall, cpu, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        out = fn(texts)
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    assert out is not None
    return wall, cpu, out


def same(a: tokens.Features, b: tokens.Features) -> bool:
    return all(getattr(a, f).dtype == getattr(b, f).dtype
               and np.array_equal(getattr(a, f), getattr(b, f)) for f in FIELDS)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=1, help="best of this many runs a path")
    ap.add_argument("--real", action="store_true", help="also time the shared real corpora")
    ap.add_argument("--typeset", action="store_true",
                    help="also time the synthetic texts typeset: curly quotes, accents, no-break "
                         "spaces (every text non-ASCII, and NFKC changes each)")
    args = ap.parse_args()

    corpora = [(f"synthetic {args.articles:,}", synthetic_texts(args.articles))]
    if args.typeset:
        corpora.append((f"synthetic {args.articles:,} typeset",
                        [typeset(t) for t in corpora[0][1]]))
    if args.real:
        corpora.append(("real (reuters, bbc, syndication)", real_texts()))
    char_tables()
    ways = paths()
    for fn in ways.values():  # compile, load caches, build tables
        fn(["Warm-up. Text \u201cwith\u201d \u00e9 ### and a line.\n" * 20, "plain"])
    print(f"numba: {'yes' if 'numba' in ways else 'no (the numpy path is the default)'}")
    header = ("| corpus | path | chars | wall s | CPU s | M chars/CPU s | CPU s per 100k articles "
              "| speed-up (CPU) | speed-up (wall) |\n|---|---|---|---|---|---|---|---|---|")
    print(header)
    for name, texts in corpora:
        chars = sum(map(len, texts))
        ascii_share = sum(t.isascii() for t in texts) / max(1, len(texts))
        reference_s, reference_cpu, reference = 0.0, 0.0, None
        for way, fn in ways.items():
            seconds, cpu, out = timed(fn, texts, args.repeat)
            if reference is None:
                reference_s, reference_cpu, reference = seconds, cpu, out
                check = ""
            else:
                check = "" if same(out, reference) else "  ** arrays differ **"
            print(f"| {name} ({len(texts):,} texts, {ascii_share:.0%} ASCII) | {way} | "
                  f"{chars:,} | {seconds:.2f} | {cpu:.2f} | {chars / cpu / 1e6:.1f} | "
                  f"{cpu / len(texts) * 100_000:.2f} | {reference_cpu / cpu:.1f}x | "
                  f"{reference_s / seconds:.1f}x |{check}", flush=True)
            del out


if __name__ == "__main__":
    main()
