"""Index build rate, size on disk per article, and query throughput.

    python benchmarks/index_speed.py [--articles 1000000] [--queries 1000]

Builds an index of generated articles (about 500 words each) in chunks, then queries it with
generated copies of indexed stories and with unrelated new stories, half each.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.synthetic import generate  # noqa: E402
from dupfinder.index import Index  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--db", default=str(HERE / "_work" / "index.db"))
    args = parser.parse_args()
    db = Path(args.db)
    db.parent.mkdir(parents=True, exist_ok=True)
    for p in db.parent.glob(db.name + "*"):
        p.unlink()
    rng = random.Random(1)
    keep: list[dict] = []
    started = time.perf_counter()
    with Index(db) as idx:
        chunk: list[dict] = []
        added = 0
        for record in generate(args.articles, seed=9):
            chunk.append(record)
            if rng.random() < args.queries / args.articles:
                keep.append(record)
            if len(chunk) == 10_000:
                idx.add(chunk, chunk=10_000)
                added += len(chunk)
                chunk = []
                rate = added / (time.perf_counter() - started)
                print(f"  {added:,} added, {rate:,.0f} articles/s", file=sys.stderr, flush=True)
        if chunk:
            idx.add(chunk, chunk=10_000)
        build = time.perf_counter() - started
        stats = idx.stats()
        copies = []
        for r in keep[: args.queries // 2]:
            paras = r["text"].split("\n")
            kept = "\n".join(paras[: max(2, len(paras) * 2 // 3)])
            copies.append({**r, "id": "q-" + r["id"], "text": kept})
        fresh = [{**r, "id": "new-" + r["id"]}
                 for r in generate(args.queries - len(copies), seed=12345)]
        queries = copies + fresh
        t = time.perf_counter()
        results = idx.query(queries)
        qtime = time.perf_counter() - t
    found = sum(1 for r in results[: len(copies)]
                if any(m.id == r.article.id[2:] for m in r.matches))
    print(f"index of {stats['articles']:,} generated articles")
    print(f"{'build time':<36} {build:>10.0f} s ({stats['articles'] / build:,.0f} articles/s)")
    print(f"{'size on disk':<36} {stats['bytes'] / 1e9:>10.2f} GB")
    print(f"{'size per article':<36} {stats['bytes_per_article']:>10,} bytes")
    print(f"{'queries':<36} {len(queries):>10,} ({len(copies)} trimmed copies, {len(fresh)} new)")
    print(f"{'query throughput':<36} {len(queries) / qtime:>10,.1f} articles/s")
    print(f"{'trimmed copies matched to their source':<36} {found:>10,} of {len(copies)}")


if __name__ == "__main__":
    main()
