"""The Spark engine against the local engine and Spark MLlib's MinHashLSH, on generated news.

    python benchmarks/spark.py [--sizes 10000,100000] [--master local[2]] [--no-mllib]

Every run is its own process (imports and, for Spark, the session's start included), one after
another on the same generated corpus (benchmarks/synthetic.py, in benchmarks/_work/). For each:
wall and CPU seconds of the whole process and of the scan alone ("session" is the imports and,
for Spark, the session's start and ``engines.spark.warm_up``; CPU is summed over the process
and its descendants: the JVM and Spark's Python workers), peak RSS of the driver's Python and
of the JVM, the seconds of the main stages, and whether the report equals the local engine's
(apart from timing). At the first size the Spark process scans a second time in its session
(the JVM then warm: the steady state of a long-lived session, a notebook's). MLlib (at the
first size only): ``MinHashLSH`` with 5 hash tables over our
own shingle sets (so it sees what we verify), ``approxSimilarityJoin`` at Jaccard distance
1 - lsh_threshold, timed from the vectors to the collected pairs, in a session with the JVM's
default JIT (ours run on the client compiler only, see ``engines.spark.LOCAL_JAVA_OPTIONS``,
which slows MLlib's long join down); its recall is the share of our verified copy pairs (local
engine) that it returns. The load average is printed before and after each size.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.synthetic import write_jsonl  # noqa: E402


def _tree_cpu() -> float:
    """CPU seconds of this process and every live descendant (and their reaped children)."""
    tick = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        parent[int(entry)] = int(fields[1])
        cpu[int(entry)] = sum(int(x) for x in fields[11:15]) / tick
    me = os.getpid()
    total = 0.0
    for pid in cpu:
        p = pid
        while p > 1:
            if p == me:
                total += cpu[pid]
                break
            p = parent.get(p, 1)
    return total


def _jvm_peak_mb() -> float:
    """Peak RSS of the JVM this process started (0 when there is none)."""
    me = str(os.getpid())
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            if stat[stat.rindex(")") + 2:].split()[1] != me:
                continue
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        if "java" in Path(f"/proc/{entry}/comm").read_text():
            hwm = re.search(r"VmHWM:\s+(\d+)", status)
            return int(hwm.group(1)) / 1024 if hwm else 0.0
    return 0.0


def _report_text(result: Any) -> str:
    text = result.to_json()
    return re.sub(r'\n *"seconds": [0-9.e+-]+,?', "", text)


class _Stages:
    """Seconds spent in the stages the issue asks about, by wrapping their functions."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def wrap(self, owner: Any, name: str, label: str) -> None:
        fn = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - start

        setattr(owner, name, timed)


def child(mode: str, corpus: str, master: str, out: str) -> None:
    again = mode == "spark2"  # a second scan in the same session: the JVM warm
    mode = "spark" if again else mode
    t0 = time.perf_counter()
    import dupfinder
    import dupfinder.engines.local as local_engine

    stages = _Stages()
    stages.wrap(local_engine, "containment_pairs", "containment")
    record: dict[str, Any] = {"mode": mode}
    spark = None
    if mode in ("spark", "mllib"):
        from dupfinder.engines import spark as engine

        stages.wrap(engine.SparkEngine, "prepare", "prepare")
        stages.wrap(engine.SparkEngine, "lsh_pairs", "lsh")
        stages.wrap(engine.SparkEngine, "verify", "verify")
        if mode == "mllib":
            # MLlib's join is long-running JVM code: it gets the JVM's own JIT (both
            # compilers), not the client compiler dupfinder's local sessions use.
            from dupfinder.engines import spark_session

            spark_session.LOCAL_JAVA_OPTIONS = ""  # where session() reads it
        spark = engine.session(master)
        engine.warm_up(spark)  # executors' Python workers started, kernels compiled
    else:
        stages.wrap(local_engine, "prepare", "prepare")
        stages.wrap(local_engine, "candidate_pairs", "lsh")
        stages.wrap(local_engine, "verify", "verify")
    stages.seconds.clear()  # the warm-up ran the stages once
    record["session_s"] = time.perf_counter() - t0
    cpu0, t1 = _tree_cpu(), time.perf_counter()
    if mode == "mllib":
        record.update(_mllib(spark, corpus))
    else:
        result = (dupfinder.scan(corpus, engine="spark", spark=spark) if mode == "spark"
                  else dupfinder.scan(corpus))
        record["scan_s"] = time.perf_counter() - t1
        record["scan_cpu_s"] = _tree_cpu() - cpu0
        record["clusters"] = len(result.clusters)
        record["report"] = _report_text(result)
        if again:
            first = dict(stages.seconds)
            stages.seconds.clear()
            cpu1, t2 = _tree_cpu(), time.perf_counter()
            second = dupfinder.scan(corpus, engine="spark", spark=spark)
            record["again"] = {"scan_s": time.perf_counter() - t2,
                               "scan_cpu_s": _tree_cpu() - cpu1, "stages": stages.seconds,
                               "same": _report_text(second) == record["report"]}
            stages.seconds = first
    record["stages"] = stages.seconds if mode != "mllib" else {}
    record["total_cpu_s"] = _tree_cpu()
    record["jvm_peak_mb"] = _jvm_peak_mb()
    record["driver_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if spark is not None:
        spark.stop()
    record["total_s"] = time.perf_counter() - t0
    Path(out).write_text(json.dumps(record))


def _mllib(spark: Any, corpus: str) -> dict[str, Any]:
    """MinHashLSH over our shingle sets; its recall of the pairs we verify."""
    import numpy as np
    from pyspark.ml.feature import MinHashLSH
    from pyspark.ml.linalg import SparseVector, VectorUDT
    from pyspark.sql.types import LongType, StructField, StructType

    import dupfinder.engines.local as local_engine
    from dupfinder.params import Params

    articles = [json.loads(line) for line in open(corpus, encoding="utf-8")]
    params = Params()
    prepared = local_engine.prepare([a["text"] for a in articles], params)
    ranks = local_engine.id_ranks([a["id"] for a in articles])
    ours = local_engine.find_matches(prepared, params, ranks=ranks).edges.pairs
    ours_set = {(int(a), int(b)) for a, b in ours.tolist()}
    sets = prepared.sets
    dims = 1 << 30  # MLlib MinHashLSH refuses dimensions past its hash prime (2,038,074,743)
    rows = []
    for i in range(len(sets)):
        h = np.unique(sets.of(i).astype(np.int64) % dims)
        if h.size:
            rows.append((i, SparseVector(dims, h.tolist(), [1.0] * h.size)))
    schema = StructType([StructField("row", LongType()), StructField("features", VectorUDT())])
    start, cpu0 = time.perf_counter(), _tree_cpu()
    df = spark.createDataFrame(rows, schema).cache()
    model = MinHashLSH(inputCol="features", outputCol="hashes", numHashTables=5, seed=1).fit(df)
    joined = model.approxSimilarityJoin(df, df, 1.0 - params.lsh_threshold, distCol="distance")
    found = {(int(r["a"]), int(r["b"])) for r in joined.selectExpr(
        "datasetA.row as a", "datasetB.row as b").where("a < b").collect()}
    wall, cpu = time.perf_counter() - start, _tree_cpu() - cpu0
    return {"scan_s": wall, "scan_cpu_s": cpu, "mllib_pairs": len(found),
            "our_pairs": len(ours_set),
            "recall": len(ours_set & found) / len(ours_set) if ours_set else 1.0}


def run(mode: str, corpus: Path, master: str) -> dict[str, Any]:
    out = HERE / "_work" / f"spark-bench-{mode}.json"
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, "--child", mode, str(corpus), master,
                           str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{mode} on {corpus} failed:\n{proc.stderr[-3000:]}")
    record: dict[str, Any] = json.loads(out.read_text())
    record["process_s"] = time.perf_counter() - start
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--no-mllib", action="store_true")
    parser.add_argument("--child", nargs=4, metavar=("MODE", "CORPUS", "MASTER", "OUT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    header = (f"{'articles':>8} {'engine':<7} {'session':>8} {'scan':>7} {'scan cpu':>9} "
              f"{'process':>8} {'proc cpu':>9} {'driver MB':>10} {'JVM MB':>7}  "
              f"{'prepare':>7} {'lsh':>6} {'verify':>6} {'contain':>7}  same")
    print(f"master {args.master}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    print(header)
    for k, n in enumerate(sizes):
        corpus = HERE / "_work" / f"synthetic-{n}.jsonl"
        if not corpus.exists():
            write_jsonl(corpus, n)
        modes = ["local", "spark"] + (["mllib"] if k == 0 and not args.no_mllib else [])
        records = {mode: run("spark2" if mode == "spark" and k == 0 else mode, corpus,
                             args.master) for mode in modes}
        for mode, r in records.items():
            st = r.get("stages", {})
            same = ("" if mode == "local" else "-" if mode == "mllib"
                    else str(r["report"] == records["local"]["report"]))
            print(f"{n:>8} {mode:<7} {r['session_s']:>8.1f} {r['scan_s']:>7.1f} "
                  f"{r['scan_cpu_s']:>9.1f} {r['process_s']:>8.1f} {r['total_cpu_s']:>9.1f} "
                  f"{r['driver_peak_mb']:>10.0f} {r['jvm_peak_mb']:>7.0f}  "
                  + " ".join(f"{st.get(s, float('nan')):>{w}.1f}" for s, w in
                             (("prepare", 7), ("lsh", 6), ("verify", 6), ("containment", 7)))
                  + f"  {same}", flush=True)
            if "again" in r:
                a, st = r["again"], r["again"]["stages"]
                print(f"{n:>8} {'spark':<7} {'(2nd scan in the session)':>26} {a['scan_s']:>7.1f} "
                      f"{a['scan_cpu_s']:>9.1f} {'':>8} {'':>9} {'':>10} {'':>7}  "
                      + " ".join(f"{st.get(s, float('nan')):>{w}.1f}" for s, w in
                                 (("prepare", 7), ("lsh", 6), ("verify", 6),
                                  ("containment", 7)))
                      + f"  {a['same'] and same == 'True'}", flush=True)
        print(f"  load after {n}: {os.getloadavg()[0]:.1f}", flush=True)
        if "mllib" in records:
            m, s = records["mllib"], records["spark"]
            print(f"  MLlib MinHashLSH (5 tables, distance <= 1 - lsh_threshold): "
                  f"{m['mllib_pairs']:,} pairs, recall of our {m['our_pairs']:,} verified "
                  f"pairs {m['recall']:.1%}; our Spark scan {m['scan_s'] / s['scan_s']:.1f}x "
                  f"faster than its join alone (our second scan in a session "
                  f"{m['scan_s'] / s['again']['scan_s']:.1f}x)", flush=True)


if __name__ == "__main__":
    main()
