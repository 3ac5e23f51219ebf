"""Progress on stderr: a tqdm bar for the read when tqdm is installed, stage lines otherwise.

Only ever on stderr (stdout carries the requested output), only on a terminal, never with
``--quiet``.
"""

from __future__ import annotations

import sys
from typing import Any


class StderrProgress:
    """Callable for stage messages, with ``count(n)`` for articles read so far."""

    def __init__(self) -> None:
        self._bar: Any = None
        try:
            from tqdm import tqdm
        except ImportError:
            self._tqdm = None
        else:
            self._tqdm = tqdm

    def __call__(self, message: str) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        print(f"dupfinder: {message}", file=sys.stderr, flush=True)

    def count(self, done: int) -> None:
        if self._tqdm is None:
            if done % 50_000 == 0:
                print(f"dupfinder: read {done:,} articles", file=sys.stderr, flush=True)
            return
        if self._bar is None:
            self._bar = self._tqdm(desc="reading", unit=" articles", file=sys.stderr,
                                   mininterval=0.5, leave=False)
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
