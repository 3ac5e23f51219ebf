"""Whole-process speed and peak memory: the report users ask for against the anchors' scripts.

    python benchmarks/speed.py [--articles 10000] [--repeat 3]

Every command runs as its own process (start-up and imports included) on the same generated
corpus, interleaved run by run (A B C A B C ...) so a machine whose speed drifts moves them
alike. ``dupfinder scan --json`` writes the full report with every member's edits; the anchors
(a datasketch pipeline and a rensa pipeline: word 5-grams, MinHash, LSH at 0.5, union-find) do
no verification and write no report. The table gives median wall seconds, peak RSS and each
command's speed-up over the datasketch and rensa scripts; then the seconds of each stage of one
more `scan --json --timings` run.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.synthetic import write_jsonl  # noqa: E402


def timed(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one run of ``cmd``."""
    start = time.perf_counter()
    pid = subprocess.Popen(cmd, stdout=subprocess.DEVNULL).pid
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with status {status}")
    return wall, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    corpus = HERE / "_work" / f"synthetic-{args.articles}.jsonl"
    if not corpus.exists():  # the generator is deterministic: an existing file is the same
        write_jsonl(corpus, args.articles)
    size_mb = corpus.stat().st_size / 1e6
    out = HERE / "_work" / "speed-report.json"
    py = sys.executable
    runs = {
        "dupfinder scan --json (edits)": [py, "-m", "dupfinder", "scan", str(corpus), "-q",
                                          "--json", str(out)],
        "dupfinder scan --html": [py, "-m", "dupfinder", "scan", str(corpus), "-q",
                                  "--html", str(HERE / "_work" / "speed-report.html")],
        "dupfinder scan (table)": [py, "-m", "dupfinder", "scan", str(corpus), "-q"],
        "datasketch pipeline": [py, str(HERE / "baseline_datasketch.py"), str(corpus)],
    }
    if importlib.util.find_spec("rensa") is not None:
        runs["rensa pipeline"] = [py, str(HERE / "baseline_rensa.py"), str(corpus)]
    else:
        print("rensa is not installed (pip install rensa): its row is left out")
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    for _ in range(args.repeat):
        for name, cmd in runs.items():
            samples[name].append(timed(cmd))
    wall = {n: statistics.median(s[0] for s in v) for n, v in samples.items()}
    peak = {n: max(s[1] for s in v) for n, v in samples.items()}
    print(f"corpus: {args.articles:,} generated articles, {size_mb:.1f} MB JSONL, "
          f"median of {args.repeat} interleaved runs, {os.cpu_count()} cores")
    head = f"{'command':<32} {'wall s':>8} {'peak MB':>8} {'vs datasketch':>14}"
    if "rensa pipeline" in runs:
        head += f" {'vs rensa':>9}"
    print(head)
    for name in runs:
        line = (f"{name:<32} {wall[name]:>8.2f} {peak[name]:>8.0f} "
                f"{wall['datasketch pipeline'] / wall[name]:>13.2f}x")
        if "rensa pipeline" in runs:
            line += f" {wall['rensa pipeline'] / wall[name]:>8.2f}x"
        print(line)
    # Where the time goes: one more run of the JSON report with the stage clock.
    timed_run = subprocess.run([*runs["dupfinder scan --json (edits)"], "--timings"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               check=True)
    print("\nstages of one `dupfinder scan --json --timings` run:")
    print(timed_run.stderr.rstrip())


if __name__ == "__main__":
    main()
