"""Scan parameters, checked once with messages that say how to fix them.

Messages name the library keyword (``threshold=``); the CLI rewrites them to its flag
(``--threshold``) from ``UsageError.option``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from .errors import UsageError
from .tuning import Tuning


@dataclass(frozen=True)
class Params:
    """What makes two articles copies.

    ``threshold``: Jaccard of the shingle sets at or above which two articles are copies.
    ``containment``: share of the smaller article's shingles found in the larger at or above
    which it is a (trimmed) copy, provided it has at least ``min_shingles`` shingles.
    ``shingle``: words per shingle. ``num_perm``: MinHash permutations. ``seed``: their seed.
    ``lsh_threshold``: the Jaccard the LSH bands aim at, below ``threshold`` so that pairs near
    it are not missed (verification is exact anyway).
    """

    threshold: float = 0.5
    containment: float = 0.7
    shingle: int = 5
    num_perm: int = 128
    min_shingles: int = 20
    seed: int = 1
    lsh_threshold: float = 0.4
    boilerplate: bool = True
    # Every other constant that changes results (recorded in the JSON report).
    tuning: Tuning = field(default_factory=Tuning)

    def __post_init__(self) -> None:
        for name in ("threshold", "containment", "lsh_threshold"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise UsageError(f"must be between 0 and 1 (exclusive of 0), got {value}",
                                 option=name)
        if not 1 <= self.shingle <= 20:
            raise UsageError(f"must be a word count from 1 to 20, got {self.shingle}",
                             option="shingle")
        if not 16 <= self.num_perm <= 1024:
            raise UsageError(f"must be from 16 to 1024, got {self.num_perm}", option="num_perm")
        if self.min_shingles < 1:
            raise UsageError(f"must be at least 1, got {self.min_shingles}",
                             option="min_shingles")

    def report(self) -> dict[str, float | int]:
        d = {k: getattr(self, k) for k in ("threshold", "containment", "shingle", "num_perm",
                                            "min_shingles")}
        keys = ("threshold", "containment", "shingle", "num_perm", "min_shingles")
        return {k: d[k] for k in keys}


def resolve_workers(workers: int | None) -> int:
    """0 or None means every core."""
    if workers is None or workers == 0:
        return max(1, os.cpu_count() or 1)
    if workers < 0:
        raise UsageError(f"must be 0 (all cores) or a positive number, got {workers}",
                         option="workers")
    return workers
