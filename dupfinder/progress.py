"""Progress on stderr: stage lines, and a tqdm bar (when tqdm is installed) for the stages
counted in steps: articles read, clusters rendered into a report.

Only ever on stderr (stdout carries the requested output), only on a terminal, never with
``--quiet``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from .terminal import safe_line


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
        print(f"dupfinder: {safe_line(message)}", file=sys.stderr, flush=True)

    def count(self, done: int) -> None:
        if self._tqdm is None:
            if done % 50_000 == 0:
                print(f"dupfinder: read {done:,} articles", file=sys.stderr, flush=True)
            return
        if self._bar is None:
            self._bar = self._tqdm(desc="reading", unit=" articles", file=sys.stderr,
                                   mininterval=0.5, leave=False)
        self._bar.update(done - self._bar.n)

    def steps(self, desc: str, unit: str = " clusters") -> Callable[[int, int], None]:
        """A tick ``(done, total)`` for a stage counted in steps (clusters rendered): a tqdm
        bar, or without tqdm a line every 10%."""
        state: dict[str, Any] = {"shown": -1}

        def tick(done: int, total: int) -> None:
            if total <= 0:
                return
            if self._tqdm is None:
                tenth = done * 10 // total
                if tenth > state["shown"] and done < total:
                    state["shown"] = tenth
                    print(f"dupfinder: {desc}: {done:,} of {total:,}{unit}", file=sys.stderr,
                          flush=True)
                return
            if self._bar is None:
                self._bar = self._tqdm(desc=desc, total=total, unit=unit, file=sys.stderr,
                                       mininterval=0.5, leave=False)
            self._bar.update(done - self._bar.n)
            if done >= total:
                self.close()

        return tick

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
