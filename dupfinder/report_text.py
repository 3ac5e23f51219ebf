"""The terminal table of clusters: one row per cluster, widest facts first."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .result import ScanResult


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(0, width - 1)] + "\u2026"


def cluster_table(result: ScanResult, width: int | None = None) -> str:
    width = width or max(80, shutil.get_terminal_size((100, 24)).columns)
    s = result.stats
    lines = [
        f"{s.clusters} clusters, {s.articles_in_clusters} of {s.articles} articles in clusters"
        + (f", {s.skipped} skipped" if s.skipped else "")
    ]
    if not result.clusters:
        return lines[0] + "\n"
    label = "wire original (chosen by)"
    canon_w = min(36, max([len(label)] + [len(f"{c.canonical.id} ({c.canonical_reason})")
                                          for c in result.clusters]))
    head_w = max(20, width - 33 - canon_w)
    lines.append(f"{'cluster':<8} {'size':>4} {'outlets':>7} {'min J':>5} "
                 f"{label:<{canon_w}} headline")
    for c in result.clusters:
        canonical = f"{c.canonical.id} ({c.canonical_reason})"
        headline = c.canonical.title or c.canonical.text.strip().split("\n", 1)[0]
        lines.append(
            f"{c.id:<8} {c.size:>4} {len(c.outlets):>7} {c.min_jaccard:>5.2f} "
            f"{_clip(canonical, canon_w):<{canon_w}} {_clip(headline, head_w)}"
        )
    embedding = sum(1 for c in result.clusters if c.embedded_in)
    if embedding:
        pages = {e.id for c in result.clusters for e in c.embedded_in}
        lines.append(f"{len(pages)} pages embed the stories of {embedding} clusters "
                     "(live pages, digests, related blocks: listed as embedded_in, not members)")
    return "\n".join(lines) + "\n"


def boilerplate_table(result: ScanResult, width: int | None = None) -> str:
    """The units learned as chrome, most carried first."""
    width = width or max(80, shutil.get_terminal_size((100, 24)).columns)
    lines = [f"{len(result.boilerplate_lines)} boilerplate units learned"]
    if result.boilerplate_lines:
        lines.append(f"{'articles':>8} {'outlets':>7} {'why':<9} unit")
        for line in result.boilerplate_lines:
            lines.append(f"{line.articles:>8} {line.outlets:>7} {line.reason:<9} "
                         f"{_clip(line.text, max(20, width - 28))}")
    return "\n".join(lines) + "\n"
