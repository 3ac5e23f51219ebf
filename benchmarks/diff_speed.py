"""Diff and report rendering speed.

    python benchmarks/diff_speed.py

Reports the median time per 600-word member of the edit stage the JSON report uses
(``edits.edit_summary`` over the token arrays the scan holds) and of the full text diff the
views use (``diff_articles``: surface words with offsets), and the time to render (HTML) a
50-member cluster and a cluster whose articles have 20,000 words.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.synthetic import Writer  # noqa: E402
from dupfinder import Article  # noqa: E402
from dupfinder.diff import diff_articles  # noqa: E402
from dupfinder.report_html import render_cluster  # noqa: E402
from dupfinder.result import Cluster, Member  # noqa: E402
from dupfinder.stages.edits import WordCode, edit_summary  # noqa: E402
from dupfinder.stages.tokens import featurize  # noqa: E402


def article_of(words: int, writer: Writer) -> str:
    paras, count = [], 0
    while count < words:
        p = writer.paragraph()
        paras.append(p)
        count += len(p.split())
    return "\n".join(paras)


def edited(text: str, rng: random.Random, writer: Writer) -> str:
    paras = text.split("\n")
    paras = paras[: max(2, int(len(paras) * rng.uniform(0.6, 1.0)))]
    paras.insert(rng.randrange(1, len(paras)), writer.paragraph())
    words = "\n".join(paras).split(" ")
    for _ in range(5):
        words[rng.randrange(len(words))] = rng.choice(writer.words)
    return " ".join(words)


def cluster_of(canonical: Article, members: list[Article]) -> Cluster:
    ms = [Member(canonical, 1.0, 1.0, False, 0)]
    ms += [Member(m, 0.8, 0.9, False, 0) for m in members]
    return Cluster("c1", canonical, "earliest", ms)


def main() -> None:
    writer = Writer(seed=11)
    rng = random.Random(5)
    times, stage = [], []
    for k in range(200):
        base = article_of(600, writer)
        a = Article(id=f"a{k}", text=base, title="Original")
        b = Article(id=f"b{k}", text=edited(base, rng, writer), title="Copy")
        t = time.perf_counter()
        diff_articles(a, b)
        times.append(time.perf_counter() - t)
        tokens = featurize([a.text, b.text])  # the scan has these already
        ta = tokens.tokens[tokens.token_offsets[0] : tokens.token_offsets[1]]
        tb = tokens.tokens[tokens.token_offsets[1] : tokens.token_offsets[2]]
        t = time.perf_counter()
        edit_summary(ta, tb, a.title, b.title, False)
        stage.append(time.perf_counter() - t)
    print(f"{'edit stage, one 600-word member (median of 200)':<50} "
          f"{statistics.median(stage) * 1e3:8.3f} ms")
    # As the scan runs it: the members of one cluster against their canonical, which is
    # written in a code once, its members' words put in that code in one lookup.
    base = article_of(600, writer)
    copies = [edited(base, rng, writer) for _ in range(49)]
    tokens = featurize([base, *copies])
    rows = [tokens.tokens[tokens.token_offsets[k]: tokens.token_offsets[k + 1]]
            for k in range(50)]
    per_cluster = []
    for _ in range(5):
        t = time.perf_counter()
        code = WordCode(rows[0])
        for row, b_code in zip(rows[1:], code.members(rows[1:])):
            edit_summary(rows[0], row, "Wire", "Copy", False, code=code, b_code=b_code)
        per_cluster.append((time.perf_counter() - t) / 49)
    print(f"{'edit stage, a 50-member cluster, per member':<50} "
          f"{statistics.median(per_cluster) * 1e3:8.3f} ms")
    print(f"{'text diff, one 600-word member (median of 200)':<50} "
          f"{statistics.median(times) * 1e3:8.2f} ms")

    base = article_of(600, writer)
    canonical = Article(id="wire", text=base, title="Wire story")
    members = [Article(id=f"m{i}", text=edited(base, rng, writer), title=f"Copy {i}",
                       outlet=f"site{i}.example") for i in range(49)]
    t = time.perf_counter()
    render_cluster(cluster_of(canonical, members), full_page=True)
    print(f"{'render a 50-member cluster (600 words each)':<50} {(time.perf_counter() - t):8.3f} s")

    big = article_of(20000, writer)
    canonical = Article(id="long", text=big, title="Long read")
    copy = Article(id="long-copy", text=edited(big, rng, writer), title="Long read, copied")
    t = time.perf_counter()
    render_cluster(cluster_of(canonical, [copy]), full_page=True)
    print(f"{'render a 20,000-word article and its copy':<50} {(time.perf_counter() - t):8.3f} s")


if __name__ == "__main__":
    main()
