"""``dupfinder diff``: pick the pairs to show, then render them as text, JSON or HTML."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from .diff import Diff
from .diff_render import render_text
from .errors import UsageError
from .result import ScanResult, _write


def diffs_for(
    result: ScanResult, cluster_id: str | None, pair: tuple[str, str] | None
) -> list[Diff]:
    if cluster_id is not None:
        cluster = result.cluster(cluster_id)
        return [cluster.diff(m) for m in cluster.members if m.id != cluster.canonical.id]
    if pair is None:
        raise UsageError("give exactly one of --cluster ID or --pair ID_A ID_B")
    return [result.diff_pair(pair[0], pair[1])]


def diffs_to_dict(diffs: list[Diff]) -> dict[str, Any]:
    return {
        "schema": 1,
        "diffs": [
            {
                "canonical": d.canonical.id,
                "member": d.member.id,
                "outlet": d.member.outlet,
                "summary": d.summary(),
                "edits": [e.to_dict() for e in d.edits],
            }
            for d in diffs
        ],
    }


def run_diff(
    result: ScanResult, cluster_id: str | None, pair: tuple[str, str] | None,
    json_out: str | None, html_out: str | None,
) -> None:
    diffs = diffs_for(result, cluster_id, pair)
    if json_out:
        _write(json_out, json.dumps(diffs_to_dict(diffs), ensure_ascii=False, indent=2) + "\n")
    if html_out:
        from .report_html import write_diffs

        write_diffs(diffs, html_out)
    if json_out == "-":
        return
    color = sys.stdout.isatty()
    for d in diffs:
        header = f"== {d.member.id} ({d.member.outlet or '?'}) against {d.canonical.id}"
        click.echo(click.style(header, bold=True) if color else header)
        click.echo(render_text(d, color), nl=False)
