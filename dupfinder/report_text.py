"""The terminal table of clusters: one row per cluster, widest facts first.

Every field drawn from the scrape goes through ``terminal.clip`` (control and bidi characters
neutralised, one line, cut with an ellipsis inside its own column), and columns are measured in
display columns, so a long or wide (CJK) id never pushes into its neighbour.
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

from .terminal import clip, pad, safe_line, width

if TYPE_CHECKING:
    from .result import Cluster, ScanResult

# The wire original's id gets the width it needs as long as the headline keeps HEADLINE_ROOM
# columns (and never less than ID_MIN); a longer id is clipped with an ellipsis inside its
# column.
ID_MIN = 16
HEADLINE_ROOM = 30
OUTLET_MAX = 24
HEADLINE_MIN = 20


def _terminal_width(width_: int | None) -> int:
    return width_ or max(80, shutil.get_terminal_size((100, 24)).columns)


def _column(values: list[str], header: str, cap: int) -> int:
    return max(width(header), min(cap, max((width(v) for v in values), default=0)))


def cluster_table(result: ScanResult, width: int | None = None) -> str:
    total = _terminal_width(width)
    s = result.stats
    lines = [
        f"{s.clusters} clusters, {s.articles_in_clusters} of {s.articles} articles in clusters"
        + (f", {s.skipped} skipped" if s.skipped else "")
    ]
    if not result.clusters:
        return lines[0] + "\n"
    rows = []
    untitled = [c for c in result.clusters if not c.canonical.title and not c.canonical.text]
    if untitled:
        result.load_texts(untitled)  # the first line stands for a missing headline
    for c in result.clusters:
        headline = c.canonical.title or c.canonical.text.strip().split("\n", 1)[0]
        rows.append((clip(c.id, 40), str(c.size), str(len(c.outlets)), f"{c.min_jaccard:.2f}",
                     clip(c.canonical.id, 10_000), clip(c.canonical_reason, 12),
                     clip(c.canonical.outlet or "?", 10_000), headline))
    id_w = _column([r[0] for r in rows], "cluster", 40)
    why_w = _column([r[5] for r in rows], "chosen by", 12)
    outlet_w = _column([r[6] for r in rows], "outlet", OUTLET_MAX)
    others = id_w + 1 + 4 + 1 + 7 + 1 + 5 + 1 + why_w + 1 + outlet_w + 1
    canon_w = _column([r[4] for r in rows], "wire original",
                      max(ID_MIN, total - others - 1 - HEADLINE_ROOM))
    head_w = max(HEADLINE_MIN, total - others - canon_w - 1)
    lines.append(" ".join([pad("cluster", id_w), "size", "outlets", "min J",
                           pad("wire original", canon_w), pad("chosen by", why_w),
                           pad("outlet", outlet_w), "headline"]))
    for cid, size, outlets, min_j, canon, why, outlet, headline in rows:
        lines.append(" ".join([
            pad(clip(cid, id_w), id_w), pad(size, 4, ">"), pad(outlets, 7, ">"),
            pad(min_j, 5, ">"), pad(clip(canon, canon_w), canon_w), pad(clip(why, why_w), why_w),
            pad(clip(outlet, outlet_w), outlet_w), clip(headline, head_w),
        ]).rstrip())
    embedding = sum(1 for c in result.clusters if c.embedded_in)
    if embedding:
        pages = {e.id for c in result.clusters for e in c.embedded_in}
        lines.append(f"{len(pages)} pages embed the stories of {embedding} clusters "
                     "(live pages, digests, related blocks: listed as embedded_in, not members)")
    return "\n".join(lines) + "\n"


def boilerplate_table(result: ScanResult, width: int | None = None) -> str:
    """The units learned as chrome, most carried first."""
    total = _terminal_width(width)
    lines = [f"{len(result.boilerplate_lines)} boilerplate units learned"]
    if result.boilerplate_lines:
        lines.append(f"{'articles':>8} {'outlets':>7} {'why':<9} unit")
        for line in result.boilerplate_lines:
            lines.append(f"{line.articles:>8} {line.outlets:>7} {line.reason:<9} "
                         f"{clip(line.text, max(20, total - 28))}")
    return "\n".join(lines) + "\n"


def cluster_text(cluster: Cluster, width: int | None = None) -> str:
    """One cluster as text: its wire original, then one line per member with its scores."""
    total = _terminal_width(width)
    c = cluster
    lines = [f"{c.id}: {c.size} articles, {len(c.outlets)} outlets; wire original "
             f"{clip(c.canonical.id, 60)} ({c.canonical_reason}, "
             f"{clip(c.canonical.outlet or '?', OUTLET_MAX)})",
             clip(c.canonical.title or "", total)]
    for m in c.members:
        lines.append(f"  {clip(m.id, 40)}  {clip(m.outlet or '?', OUTLET_MAX)}  "
                     f"J {m.jaccard:.2f}  C {m.containment:.2f}")
    return "\n".join(lines) + "\n"


def timings_table(stages: list[tuple[str, float]]) -> str:
    """Seconds per stage, as ``scan --timings`` prints them; each stage is named by the
    progress message that began it."""
    total = sum(seconds for _, seconds in stages) or 1.0
    w = max([len(name) for name, _ in stages] + [5])
    lines = [f"{'stage':<{w}}  {'seconds':>8}  {'share':>6}"]
    for name, seconds in stages:
        lines.append(f"{safe_line(name):<{w}}  {seconds:>8.2f}  {seconds / total:>6.1%}")
    lines.append(f"{'total':<{w}}  {sum(s for _, s in stages):>8.2f}")
    return "\n".join(lines) + "\n"
