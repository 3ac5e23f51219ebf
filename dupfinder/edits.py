"""Edit summaries as a stage: each member against its canonical, computed once from the word
token arrays the scan already holds (the tokens it shingled, chrome left out), never by
re-tokenising text while a report is written.

The full ``Diff`` (surface words with their offsets, for the terminal and HTML views) is still
made on demand by ``dupfinder.diff``; both use the same alignment and the same names for edits
(``diff.align`` / ``diff.classify``), and a test holds them equal.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .diff import KINDS, align, classify, count_words, headline_changed
from .tuning import EditRules

_DEFAULT = EditRules()


def edit_summary(a_tokens: np.ndarray, b_tokens: np.ndarray, title_a: str | None,
                 title_b: str | None, stripped: bool,
                 rules: EditRules = _DEFAULT) -> dict[str, Any]:
    """The JSON report's ``edits`` of a member (``b``) against its canonical (``a``)."""
    if a_tokens.size == b_tokens.size and np.array_equal(a_tokens, b_tokens):
        # The canonical itself, or a word-for-word copy: nothing to align.
        ops: list[tuple[str, int, int, int, int]] = (
            [("equal", 0, int(a_tokens.size), 0, int(b_tokens.size))] if a_tokens.size else [])
    else:
        ops = align(a_tokens.tolist(), b_tokens.tolist(), rules.max_replace_words)
    present = {kind for kind, *_ in classify(ops, int(a_tokens.size))}
    changed = headline_changed(title_a, title_b)
    if changed:
        present.add("headline")
    if stripped:
        present.add("boilerplate")
    return {"headline_changed": changed, **count_words(ops),
            "kinds": [k for k in KINDS if k in present]}
