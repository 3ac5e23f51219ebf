"""Index add and query throughput, size on disk per article, and peak memory, as the index grows.

    python benchmarks/index_speed.py [--articles 1000000] [--queries 2000] [--chunk 10000]

Adds generated articles (about 500 words each, benchmarks/synthetic.py) in chunks, --per-add
chunks to an add call (generated before the call, so generating is not timed); at each
checkpoint (10k, 30k, 100k, 300k, 1M: those up to --articles) it prints the add rate of the
chunks since the last checkpoint and the CPU seconds spent per wall second (this process and
its worker processes: 2.0 is two busy cores), then queries the index with generated copies of
indexed stories (two thirds of their paragraphs) and as many unrelated new stories, and prints
the query rate (with the cluster each query would join; "matches/s": matches only) with its CPU
per wall second, how many copies found their source, bytes on disk per article, peak RSS so far
and the machine's load average. A rate that holds from row to row is a rate that does not fall
as the index grows. --timings adds each stage's seconds (Index.timings) under each row.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.synthetic import generate  # noqa: E402
from dupfinder.index import Index  # noqa: E402

CHECKPOINTS = (10_000, 30_000, 100_000, 300_000, 1_000_000, 3_000_000)


def cpu_seconds() -> float:
    """CPU seconds of this process and of its finished worker processes."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def load() -> float:
    return os.getloadavg()[0]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def queries_for(keep: list[dict], n: int, seed: int) -> tuple[list[dict], int]:
    copies = []
    for r in keep[-(n // 2):]:
        paras = r["text"].split("\n")
        kept = "\n".join(paras[: max(2, len(paras) * 2 // 3)])
        copies.append({**r, "id": "q-" + r["id"], "text": kept})
    fresh = [{**r, "id": f"new{seed}-" + r["id"]} for r in generate(n - len(copies), seed=seed)]
    return copies + fresh, len(copies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--chunk", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=0, help="0: every core")
    parser.add_argument("--per-add", type=int, default=10,
                        help="Chunks given to one add call (each call reads them as a day's "
                             "file: the next chunk is prepared while one is stored).")
    parser.add_argument("--timings", action="store_true",
                        help="Print the seconds of each stage of add and query per row.")
    parser.add_argument("--db", default=str(HERE / "_work" / "index.db"))
    parser.add_argument("--no-text", action="store_true",
                        help="Keep no texts (chunks are written to JSON Lines files and added "
                             "from there, where the index reads texts again when it needs them).")
    args = parser.parse_args()
    db = Path(args.db)
    db.parent.mkdir(parents=True, exist_ok=True)
    for p in db.parent.glob(db.name + "*"):
        if p.is_dir():
            shutil.rmtree(p)
        else:
            p.unlink()
    marks = [c for c in CHECKPOINTS if c < args.articles] + [args.articles]
    rng = random.Random(1)
    keep: list[dict] = []
    stats: dict = {}
    print(f"{'articles':>10} {'add/s':>8} {'cpu/s':>6} {'query/s':>8} {'cpu/s':>6} "
          f"{'matches/s':>9} {'found':>9} {'B/article':>10} {'RSS MB':>8} {'load':>5}",
          flush=True)
    work = db.parent / (db.name + ".chunks")
    if args.no_text:
        work.mkdir(exist_ok=True)
    with Index(db, workers=args.workers, keep_text=not args.no_text) as idx:
        added = 0
        since, spent, cpu = 0, 0.0, 0.0
        stream = generate(args.articles, seed=9)
        for mark in marks:
            while added < mark:
                # One add call takes up to --per-add chunks (a day's file), generated first.
                group: list[dict] = []
                want = min(args.per_add * args.chunk, mark - added)
                for record in stream:
                    group.append(record)
                    if rng.random() < 4 * args.queries / args.articles:
                        keep.append(record)
                    if len(group) == want:
                        break
                if not group:
                    break
                source: object = group
                if args.no_text:
                    files = []
                    for at in range(0, len(group), args.chunk):
                        path = work / f"{added + at}.jsonl"
                        with open(path, "w", encoding="utf-8") as out:
                            out.writelines(json.dumps(r) + "\n"
                                           for r in group[at:at + args.chunk])
                        files.append(str(path))
                    source = files
                t, c = time.perf_counter(), cpu_seconds()
                idx.add(source, chunk=args.chunk)
                spent += time.perf_counter() - t
                cpu += cpu_seconds() - c
                since += len(group)
                added += len(group)
            queries, copies = queries_for(keep, args.queries, seed=1000 + mark)
            t, c = time.perf_counter(), cpu_seconds()
            results = idx.query(queries)
            qtime, qcpu = time.perf_counter() - t, cpu_seconds() - c
            found = sum(1 for r in results[:copies]
                        if any(m.id == r.article.id[2:] for m in r.matches))
            t = time.perf_counter()
            idx.query(queries, clusters=False)
            mtime = time.perf_counter() - t
            stats = idx.stats()
            print(f"{stats['articles']:>10,} {since / spent:>8,.0f} {cpu / spent:>6.2f} "
                  f"{len(queries) / qtime:>8,.0f} {qcpu / qtime:>6.2f} "
                  f"{len(queries) / mtime:>9,.0f} "
                  f"{found:>4}/{copies:<4} "
                  f"{stats['bytes_per_article']:>10,} {rss_mb():>8,.0f} {load():>5.1f}",
                  flush=True)
            if args.timings:
                print("    seconds: " + ", ".join(f"{k} {v:.2f}"
                                                  for k, v in idx.timings.items()), flush=True)
                idx.timings.clear()
            since, spent, cpu = 0, 0.0, 0.0
    parts = stats["bytes_per_article_by_part"]
    print("bytes per article by part: " + ", ".join(f"{k} {v:,}" for k, v in parts.items()))
    print(f"clusters {stats['clusters']:,}, articles in clusters "
          f"{stats['articles_in_clusters']:,}, edges {stats['edges']:,}, "
          f"segments {stats['segments']}")


if __name__ == "__main__":
    main()
