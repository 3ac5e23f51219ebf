"""Reader throughput in MB/s for every input format, and peak memory of a large scan.

    python benchmarks/readers.py [--articles 3000]
    python benchmarks/readers.py --memory 1000     # also: peak RSS of `dupfinder scan` on a
                                                   # generated JSON Lines file of ~1000 MB

Each format holds the same generated articles; the time is ``read_corpus`` end to end (HTML and
WARC include trafilatura's extraction, which dominates them).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.synthetic import generate, write_jsonl  # noqa: E402
from dupfinder.readers import ReadContext, read_corpus  # noqa: E402
from tests.formats import write_all  # noqa: E402


def size_of(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def throughput(articles: int) -> None:
    records = []
    for r in generate(articles, seed=3):
        r["url"] = f"https://{r['outlet']}/{r['id']}"
        records.append(r)
    root = HERE / "_work" / "formats"
    files = write_all(records, root)
    print(f"{articles:,} generated articles in each format")
    print(f"{'format':<12} {'MB':>8} {'seconds':>8} {'MB/s':>8} {'articles/s':>11}")
    for name, path in files.items():
        mb = size_of(path) / 1e6
        t = time.perf_counter()
        n = sum(1 for _ in read_corpus([path], ReadContext()))
        dt = time.perf_counter() - t
        print(f"{name:<12} {mb:>8.1f} {dt:>8.2f} {mb / dt:>8.1f} {n / dt:>11,.0f}")


def peak_memory(megabytes: int) -> None:
    articles = int(megabytes * 1e6 / 3400)
    path = HERE / "_work" / f"synthetic-{articles}.jsonl"
    if not path.exists():
        write_jsonl(path, articles)
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "dupfinder", "scan", str(path), "-q"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", proc.stderr)
    print(f"scan of {path.stat().st_size / 1e6:,.0f} MB JSON Lines ({articles:,} articles): "
          f"peak RSS {rss / 1e6:.2f} GB, wall {wall.group(1) if wall else '?'}; "
          f"{proc.stdout.splitlines()[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--memory", type=int, default=0, help="MB of JSON Lines to scan")
    args = parser.parse_args()
    throughput(args.articles)
    if args.memory:
        peak_memory(args.memory)


if __name__ == "__main__":
    main()
