"""The anchor pipeline, as a user would write it with datasketch alone.

5-word shingles, ``MinHash.bulk``, ``MinHashLSH`` at threshold 0.5, union-find over the query
results. No boilerplate handling, no verification, no canonical, no diff. Prints the number of
clusters so the run cannot be optimised away.
"""

from __future__ import annotations

import json
import re
import sys

from datasketch import MinHash, MinHashLSH

WORD = re.compile(r"\w+")


def shingles(text: str, n: int = 5) -> list[bytes]:
    words = WORD.findall(text.lower())
    if len(words) < n:
        return [" ".join(words).encode()] if words else []
    return list({" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)})


def main(path: str, threshold: float = 0.5, num_perm: int = 128) -> int:
    ids, texts = [], []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            ids.append(record["id"])
            texts.append(record["text"])
    sets = [shingles(t) for t in texts]
    minhashes = MinHash.bulk(sets, num_perm=num_perm)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    for key, m in zip(ids, minhashes):
        lsh.insert(key, m)
    parent = {k: k for k in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for key, m in zip(ids, minhashes):
        for other in lsh.query(m):
            ra, rb = find(key), find(other)
            if ra != rb:
                parent[rb] = ra
    groups: dict[str, int] = {}
    for k in ids:
        root = find(k)
        groups[root] = groups.get(root, 0) + 1
    clusters = sum(1 for size in groups.values() if size > 1)
    print(f"{clusters} clusters")
    return clusters


if __name__ == "__main__":
    main(sys.argv[1], *(float(x) for x in sys.argv[2:3]))
