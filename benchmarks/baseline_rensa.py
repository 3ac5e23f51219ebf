"""The rensa anchor, as a rensa user would write it: the same regex word 5-gram shingles as the
datasketch baseline, ``RMinHash`` signatures, ``RMinHashLSH`` at Jaccard 0.5, union-find; no
verification, no report.

    python benchmarks/baseline_rensa.py corpus.jsonl
"""

from __future__ import annotations

import json
import re
import sys

from rensa import RMinHash, RMinHashLSH

WORD = re.compile(r"\w+")


def shingles(text: str, n: int = 5) -> list[str]:
    words = WORD.findall(text.lower())
    if len(words) < n:
        return [" ".join(words)] if words else []
    return list({" ".join(words[i : i + n]) for i in range(len(words) - n + 1)})


def main(path: str, threshold: float = 0.5, num_perm: int = 128) -> int:
    texts = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            texts.append(json.loads(line)["text"])
    lsh = RMinHashLSH(threshold=threshold, num_perm=num_perm, num_bands=16)
    hashes = []
    for key, text in enumerate(texts):
        m = RMinHash(num_perm=num_perm, seed=42)
        m.update(shingles(text))
        hashes.append(m)
        lsh.insert(key, m)
    parent = list(range(len(texts)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for key, m in enumerate(hashes):
        for other in lsh.query(m):
            ra, rb = find(key), find(other)
            if ra != rb:
                parent[rb] = ra
    sizes: dict[int, int] = {}
    for k in range(len(texts)):
        root = find(k)
        sizes[root] = sizes.get(root, 0) + 1
    clusters = sum(1 for size in sizes.values() if size > 1)
    print(f"{clusters} clusters")
    return clusters


if __name__ == "__main__":
    main(sys.argv[1], *(float(x) for x in sys.argv[2:3]))
