"""A generated news corpus for speed and scale measurements (not for accuracy claims).

Articles average about 500 words, like BBC News (394 words) and the 2019 US scrapes in
../shared/data (400 to 1,200 words a page).

Wire stories are sequences of sentences drawn from a Zipf-distributed vocabulary; each story is
republished by several outlets with the usual edits: a trimmed ending, an inserted paragraph, a
few substituted words, the outlet's chrome lines. Deterministic for a given seed.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "pe", "da", "ge", "bu", "zo", "hi",
              "an", "er", "ol", "un", "is", "ta"]


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4))))
    return sorted(words)


class Writer:
    def __init__(self, seed: int = 7, vocab: int = 20000) -> None:
        self.rng = random.Random(seed)
        self.words = vocabulary(vocab, self.rng)
        weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(self.words))]
        total = sum(weights)
        self.cum = []
        acc = 0.0
        for w in weights:
            acc += w / total
            self.cum.append(acc)

    def sentence(self) -> str:
        n = self.rng.randint(8, 28)
        picks = self.rng.choices(self.words, cum_weights=self.cum, k=n)
        return " ".join(picks).capitalize() + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(1, 3)))


def generate(articles: int, seed: int = 7, copies_share: float = 0.5) -> Iterator[dict]:
    """Yield about ``articles`` records: wire stories, their copies, and standalone stories."""
    w = Writer(seed)
    rng = w.rng
    outlets = [f"site{k}.example" for k in range(40)]
    chrome = {o: [w.sentence() for _ in range(rng.randint(1, 3))] for o in outlets}
    made = 0
    story = 0
    while made < articles:
        story += 1
        paras = [w.paragraph() for _ in range(rng.randint(8, 18))]
        title = w.sentence()
        wire_id = f"wire-{story}"
        yield {"id": wire_id, "outlet": "wire.example", "title": title,
               "published": f"2026-01-01T{story % 24:02d}:00:00Z", "text": "\n".join(paras)}
        made += 1
        if rng.random() < copies_share:
            for c in range(rng.randint(1, 6)):
                if made >= articles:
                    break
                outlet = rng.choice(outlets)
                body = list(paras[: rng.randint(max(2, len(paras) // 2), len(paras))])
                if rng.random() < 0.4:
                    body.insert(rng.randint(1, len(body)), w.paragraph())
                text = "\n".join(body)
                tokens = text.split(" ")
                for _ in range(rng.randint(0, 4)):
                    tokens[rng.randrange(len(tokens))] = rng.choice(w.words)
                text = " ".join(tokens) + "\n" + "\n".join(chrome[outlet])
                yield {"id": f"{wire_id}-{c}", "outlet": outlet, "title": w.sentence(),
                       "published": f"2026-01-02T{c:02d}:00:00Z", "text": text}
                made += 1


def write_jsonl(path: Path, articles: int, seed: int = 7) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        for record in generate(articles, seed):
            out.write(json.dumps(record) + "\n")
    return path


if __name__ == "__main__":
    import sys

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("benchmarks/_work/synthetic.jsonl")
    write_jsonl(target, n)
    print(target)
