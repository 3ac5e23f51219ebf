"""Whole-process speed: ``dupfinder scan`` against a plain datasketch pipeline, same corpus.

    python benchmarks/speed.py [--articles 10000] [--repeat 3]

Both run as separate processes (start-up and imports included) on the same generated corpus;
the table reports the median wall time of each and the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.synthetic import write_jsonl  # noqa: E402


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    corpus = write_jsonl(HERE / "_work" / f"synthetic-{args.articles}.jsonl", args.articles)
    size_mb = corpus.stat().st_size / 1e6
    py = sys.executable
    runs = {
        "dupfinder scan": [py, "-m", "dupfinder", "scan", str(corpus), "--quiet"],
        "dupfinder scan --workers 1": [py, "-m", "dupfinder", "scan", str(corpus), "--quiet",
                                       "--workers", "1"],
        "datasketch baseline": [py, str(HERE / "baseline_datasketch.py"), str(corpus)],
    }
    times: dict[str, float] = {}
    for name, cmd in runs.items():
        times[name] = statistics.median(timed(cmd) for _ in range(args.repeat))
    base = times["datasketch baseline"]
    print(f"corpus: {args.articles:,} generated articles, {size_mb:.1f} MB, "
          f"median of {args.repeat} runs")
    print(f"{'pipeline':<30} {'seconds':>8} {'speed-up vs baseline':>22}")
    for name, t in times.items():
        print(f"{name:<30} {t:>8.2f} {base / t:>21.1f}x")


if __name__ == "__main__":
    main()
