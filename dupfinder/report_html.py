"""Self-contained HTML reports (``scan --html``, ``diff --html``, notebook views).

Scraped text is hostile input: templates are rendered by jinja2 with autoescape on, no article
text is ever marked safe, and a Content-Security-Policy meta tag forbids every script, so a page
that carries ``<script>`` or ``onerror=`` renders as text. No network fetches: CSS is inline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .diff import Diff
from .errors import MissingExtraError

if TYPE_CHECKING:
    from .result import Cluster, ScanResult

# Long unchanged runs are folded to this many words at each end.
FOLD_WORDS = 40


@dataclass(frozen=True)
class Piece:
    """One run of a rendered diff: ``kind`` is equal, delete, insert or replace."""

    kind: str
    old: str
    new: str


def _env() -> Any:
    try:
        import jinja2
    except ImportError as error:
        raise MissingExtraError("html", "The HTML report") from error
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("dupfinder", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def _span(text: str, tokens: list[Any], start: int, end: int) -> str:
    if start >= end:
        return ""
    return text[tokens[start].start : tokens[end - 1].end]


def pieces(diff: Diff, fold: int = FOLD_WORDS) -> list[Piece]:
    out: list[Piece] = []
    a_text, b_text = diff.canonical.text, diff.member.text
    trims = {e.a_start for e in diff.edits if e.kind in ("trimmed_start", "trimmed_end")}
    for tag, a0, a1, b0, b1 in diff.ops:
        if tag == "equal":
            if b1 - b0 > 2 * fold + 10:
                head = _span(b_text, diff.b_tokens, b0, b0 + fold)
                tail = _span(b_text, diff.b_tokens, b1 - fold, b1)
                out.append(Piece("equal", "", head))
                out.append(Piece("fold", "", f"\u2026 {b1 - b0 - 2 * fold} unchanged words \u2026"))
                out.append(Piece("equal", "", tail))
            else:
                out.append(Piece("equal", "", _span(b_text, diff.b_tokens, b0, b1)))
        elif tag == "delete":
            kind = "trim" if a0 in trims else "delete"
            out.append(Piece(kind, _span(a_text, diff.a_tokens, a0, a1), ""))
        elif tag == "insert":
            out.append(Piece("insert", "", _span(b_text, diff.b_tokens, b0, b1)))
        else:
            out.append(Piece("replace", _span(a_text, diff.a_tokens, a0, a1),
                             _span(b_text, diff.b_tokens, b0, b1)))
    return out


def _spread(cluster: Cluster) -> str:
    stamps = []
    for m in cluster.members:
        if m.article.published:
            try:
                stamps.append(datetime.fromisoformat(m.article.published.replace("Z", "+00:00")))
            except ValueError:
                continue
    if len(stamps) < 2:
        return ""
    try:
        span = max(stamps) - min(stamps)
    except TypeError:  # naive and aware dates mixed
        return ""
    hours = span.total_seconds() / 3600
    return f"{hours:.0f} h" if hours < 72 else f"{hours / 24:.0f} days"


def _cluster_view(cluster: Cluster) -> dict[str, Any]:
    members = []
    for m in cluster.members:
        if m.id == cluster.canonical.id:
            continue
        d = cluster.diff(m)
        members.append({"member": m, "diff": d, "pieces": pieces(d), "counts": d.counts(),
                        "kinds": d.kinds()})
    return {"cluster": cluster, "members": members, "spread": _spread(cluster)}


def render_result(result: ScanResult, full_page: bool = True, limit: int | None = None) -> str:
    clusters = result.clusters if limit is None else result.clusters[:limit]
    template = _env().get_template("report.html.j2")
    return str(template.render(
        result=result, views=[_cluster_view(c) for c in clusters], full_page=full_page,
        spread=_spread, more=len(result.clusters) - len(clusters),
    ))


def render_cluster(cluster: Cluster, full_page: bool = False) -> str:
    template = _env().get_template("cluster.html.j2")
    return str(template.render(view=_cluster_view(cluster), full_page=full_page))


def render_diffs(diffs: list[Diff], full_page: bool = True) -> str:
    template = _env().get_template("diffs.html.j2")
    views = [{"diff": d, "pieces": pieces(d), "counts": d.counts(), "kinds": d.kinds()}
             for d in diffs]
    return str(template.render(views=views, full_page=full_page))


def write_report(result: ScanResult, path: str | Path) -> None:
    Path(path).write_text(render_result(result), encoding="utf-8")


def write_diffs(diffs: list[Diff], path: str | Path) -> None:
    Path(path).write_text(render_diffs(diffs), encoding="utf-8")
