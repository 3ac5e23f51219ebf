"""``dupfinder diff``: pick the pairs to show, then render them as text, JSON or HTML."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click

from .diff import Diff
from .diff_render import render_text
from .errors import UsageError
from .result import ScanResult, _write
from .terminal import safe_line, use_color


def diffs_for(
    result: ScanResult, cluster_id: str | None, pair: tuple[str, str] | None
) -> list[Diff]:
    if cluster_id is not None:
        cluster = result.cluster(cluster_id)
        return [cluster.diff(m) for m in cluster.members if m.id != cluster.canonical.id]
    if pair is None:
        raise UsageError("give exactly one of --cluster ID or --pair ID_A ID_B")
    return [result.diff_pair(pair[0], pair[1])]


@dataclass(frozen=True)
class PairVerdict:
    """Are two articles copies? Decided as the scan decides: the same shingles (the scan's
    learned boilerplate left out) scored by ``verify.copy_score`` with the scan's thresholds."""

    jaccard: float
    containment: float
    copy: bool  # a copy pair by the scan's rule
    cluster: str | None  # the cluster holding both, if any

    def to_dict(self) -> dict[str, Any]:
        return {"jaccard": round(self.jaccard, 4), "containment": round(self.containment, 4),
                "copy": self.copy, "cluster": self.cluster}


def pair_verdict(result: ScanResult, a_id: str, b_id: str) -> PairVerdict:
    import numpy as np

    from .stages.shingles import shingle
    from .stages.tokens import featurize
    from .stages.verify import Thresholds, copy_score, overlap

    a, b = result.article(a_id), result.article(b_id)
    params = result.params
    keys = np.array(sorted(result.boilerplate), dtype=np.uint64)
    sets = shingle(featurize([a.text, b.text]), params.shingle, keys)
    jaccard, containment = overlap(sets.of(0), sets.of(1))
    thresholds = Thresholds(params.threshold, params.containment, params.min_shingles)
    copy = copy_score(sets, 0, 1, thresholds) is not None
    together = next((c.id for c in result.clusters
                     if {a_id, b_id} <= {m.id for m in c.members}), None)
    return PairVerdict(jaccard, containment, copy, together)


def pair_note(a_id: str, b_id: str, verdict: PairVerdict) -> str:
    """One line when the pair is not a copy pair, else ""."""
    if verdict.copy:
        return ""
    figures = f"jaccard {verdict.jaccard:.2f}, containment {verdict.containment:.2f}"
    a, b = safe_line(a_id), safe_line(b_id)
    if verdict.cluster:
        return (f"{a} and {b} are not copies of each other ({figures}); both are in "
                f"cluster {verdict.cluster}, as copies of its wire original")
    return f"{a} and {b} are not copies ({figures})"


def diffs_to_dict(diffs: list[Diff], verdict: PairVerdict | None = None) -> dict[str, Any]:
    entries = []
    for d in diffs:
        entry: dict[str, Any] = {
            "canonical": d.canonical.id,
            "member": d.member.id,
            "outlet": d.member.outlet,
            "summary": d.summary(),
            "edits": [e.to_dict() for e in d.edits],
        }
        if verdict is not None:
            entry["similarity"] = verdict.to_dict()
        entries.append(entry)
    return {"schema": 1, "diffs": entries}


def run_diff(
    result: ScanResult, cluster_id: str | None, pair: tuple[str, str] | None,
    json_out: str | None, html_out: str | None, show_text: bool = False,
    note: Callable[[str], None] | None = None,
    writing: Callable[[str, str], object] | None = None,
) -> None:
    """Write what was asked for: JSON, HTML, and the text view (alone when nothing else is
    asked for, or with ``show_text``; on stderr when stdout carries JSON or HTML). A pair that
    is not a copy pair is said so, on stderr, before anything else. ``writing(what, target)``
    is told as each file is written (progress on a terminal)."""
    diffs = diffs_for(result, cluster_id, pair)
    verdict = pair_verdict(result, *pair) if pair is not None else None
    message = pair_note(pair[0], pair[1], verdict) if pair and verdict else ""
    if message and note is not None:
        note(message)
    if json_out:
        if writing is not None:
            writing("JSON diffs", json_out)
        _write(json_out, json.dumps(diffs_to_dict(diffs, verdict), ensure_ascii=False,
                                    indent=2) + "\n")
    if html_out:
        from .report_html import write_diffs

        if writing is not None:
            writing("HTML diffs", html_out)
        write_diffs(diffs, html_out, notes=[message] * len(diffs) if message else None)
    if (json_out or html_out) and not show_text:
        return
    err = "-" in (json_out, html_out)
    stream = sys.stderr if err else sys.stdout
    color = use_color(stream)
    for d in diffs:
        header = (f"== {safe_line(d.member.id)} ({safe_line(d.member.outlet) or '?'}) "
                  f"against {safe_line(d.canonical.id)}")
        click.echo(click.style(header, bold=True) if color else header, err=err, color=color)
        click.echo(render_text(d, color), nl=False, err=err, color=color)
