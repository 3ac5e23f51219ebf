"""Self-contained HTML reports (``scan --html``, ``diff --html``, notebook views).

Scraped text is hostile input: templates are rendered by jinja2 with autoescape on, no article
text is ever marked safe, and a Content-Security-Policy meta tag forbids every script, so a page
that carries ``<script>`` or ``onerror=`` renders as text. No network fetches: CSS is inline.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
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


def cut_note(words: int) -> str:
    return f"\u2026 {words:,} words cut \u2026"


def pieces(diff: Diff, fold: int = FOLD_WORDS) -> list[Piece]:
    """The diff as runs to render. Long unchanged runs keep ``fold`` words at each end; long
    deletions and trims keep ``fold`` words (a trimmed start its last ones) and a count."""
    out: list[Piece] = []
    a_text, b_text = diff.canonical.text, diff.member.text
    trims = {e.a_start: e.kind for e in diff.edits if e.kind in ("trimmed_start", "trimmed_end")}
    for tag, a0, a1, b0, b1 in diff.ops:
        if tag == "equal":
            if b1 - b0 > 2 * fold + 10:
                head = _span(b_text, diff.b_tokens, b0, b0 + fold)
                tail = _span(b_text, diff.b_tokens, b1 - fold, b1)
                out.append(Piece("equal", "", head))
                out.append(Piece("fold", "",
                                 f"\u2026 {b1 - b0 - 2 * fold} unchanged words \u2026"))
                out.append(Piece("equal", "", tail))
            else:
                out.append(Piece("equal", "", _span(b_text, diff.b_tokens, b0, b1)))
        elif tag == "delete":
            kind = "trim" if a0 in trims else "delete"
            if a1 - a0 <= 2 * fold + 10:
                out.append(Piece(kind, _span(a_text, diff.a_tokens, a0, a1), ""))
            elif trims.get(a0) == "trimmed_start":
                out.append(Piece("cut", "", cut_note(a1 - a0)))
                out.append(Piece(kind, _span(a_text, diff.a_tokens, a1 - fold, a1), ""))
            else:
                out.append(Piece(kind, _span(a_text, diff.a_tokens, a0, a0 + fold), ""))
                out.append(Piece("cut", "", cut_note(a1 - a0)))
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


def _cluster_view(cluster: Cluster,
                  shown: list[tuple[Any, ...]] | None = None) -> dict[str, Any]:
    """What the templates show of a cluster; ``shown``: its members' diffs as ``_shown``
    gives them, when they were made elsewhere (on a worker)."""
    shown = _shown(cluster) if shown is None else shown  # (texts read back first, if lean)
    others = [m for m in cluster.members if m.id != cluster.canonical.id]
    members = [{"member": m, "diff": _Shown(cluster.canonical, m.article, changed),
                "pieces": member_pieces, "counts": counts, "kinds": kinds}
               for m, (member_pieces, counts, kinds, changed) in zip(others, shown)]
    return {"cluster": cluster, "members": members, "spread": _spread(cluster)}


@dataclass(frozen=True)
class _Shown:
    """What a page shows of a diff besides its pieces: the two articles and the headline."""

    canonical: Any
    member: Any
    headline_changed: bool


def _shown(cluster: Cluster) -> list[tuple[Any, ...]]:
    """Each member's diff (but the canonical's) as a page shows it: its pieces, counts,
    kinds and whether the headline changed."""
    out = []
    for m in cluster.members:
        if m.id == cluster.canonical.id:
            continue
        d = cluster.diff(m)
        out.append((pieces(d), d.counts(), d.kinds(), d.headline_changed))
    return out


def plain_view(text: str) -> str:
    """A notebook view without jinja2: the text rendering, escaped, in a <pre>."""
    return ('<pre class="dupfinder-plain" style="white-space: pre-wrap; text-align: left; '
            f'unicode-bidi: isolate">{html.escape(text)}</pre>')


# A full report lists at most LIST_CLUSTERS clusters in its index and shows the edits of the
# DETAIL_CLUSTERS largest; the JSON report has everything. The page is written as it is
# rendered, one cluster's diffs at a time, so memory stays flat whatever the scan's size.
LIST_CLUSTERS = 5000
DETAIL_CLUSTERS = 300


# Clusters a worker diffs at a time when a report's diffs are made on several processes.
DIFF_CHUNK = 10


def _diffed(clusters: list[Cluster], lo: int, hi: int) -> list[list[tuple[Any, ...]]]:
    """``_shown`` of clusters ``lo:hi``, on a forked worker, which has the texts: only the
    pieces and counts come back."""
    return [_shown(c) for c in clusters[lo:hi]]


def _report_chunks(result: ScanResult, full_page: bool, limit: int | None,
                   progress: Callable[[int, int], None] | None,
                   detail: int = DETAIL_CLUSTERS, list_limit: int = LIST_CLUSTERS,
                   workers: int = 1) -> Iterator[str]:
    template = _env().get_template("report.html.j2")
    listed = result.clusters[: list_limit if limit is None else limit]
    detailed = listed[: detail if limit is None else limit]
    result.load_texts(detailed)  # one read of a lean scan's inputs, for the diffs shown
    # The diffs (the report's work: a couple of milliseconds a member) on ``workers``
    # forked processes; the page is the same.
    made = None
    if workers > 1 and len(detailed) > DIFF_CHUNK:
        from .engines.workers import map_ranges

        made = map_ranges(_diffed, detailed, len(detailed), workers, chunk=DIFF_CHUNK)

    def views() -> Iterator[dict[str, Any]]:
        for done, c in enumerate(detailed, start=1):
            yield _cluster_view(c, None if made is None else made[done - 1])
            if progress is not None:
                progress(done, len(detailed))

    return iter(template.generate(
        result=result, listed=listed, detailed=len(detailed), views=views(),
        full_page=full_page, spread=_spread, more=len(result.clusters) - len(listed),
    ))


def render_result(result: ScanResult, full_page: bool = True, limit: int | None = None,
                  progress: Callable[[int, int], None] | None = None) -> str:
    """The report page (``full_page``) or the notebook view of a result (``full_page=False``,
    which falls back to ``plain_view`` of the table when jinja2 is missing).

    ``progress(done, total)`` is called as each cluster's diffs are rendered."""
    try:
        chunks = _report_chunks(result, full_page, limit, progress)
    except MissingExtraError:
        if full_page:
            raise
        return plain_view(result.table())
    return "".join(chunks)


def render_cluster(cluster: Cluster, full_page: bool = False) -> str:
    try:
        template = _env().get_template("cluster.html.j2")
    except MissingExtraError:
        if full_page:
            raise
        from .report_text import cluster_text

        return plain_view(cluster_text(cluster))
    return str(template.render(view=_cluster_view(cluster), full_page=full_page))


def render_diffs(diffs: list[Diff], full_page: bool = True,
                 notes: list[str] | None = None) -> str:
    """Diffs as a page, or the notebook view (``full_page=False``, a plain text view when
    jinja2 is missing). ``notes`` holds one line per diff to print above it (or "")."""
    try:
        template = _env().get_template("diffs.html.j2")
    except MissingExtraError:
        if full_page:
            raise
        from .diff_render import render_text

        return plain_view("".join(render_text(d, color=False) for d in diffs))
    notes = notes or [""] * len(diffs)
    views = [{"diff": d, "pieces": pieces(d), "counts": d.counts(), "kinds": d.kinds(),
              "note": note} for d, note in zip(diffs, notes)]
    return str(template.render(views=views, full_page=full_page))


def write_report(result: ScanResult, path: str | Path,
                 progress: Callable[[int, int], None] | None = None,
                 detail: int = DETAIL_CLUSTERS, list_limit: int = LIST_CLUSTERS,
                 workers: int = 1) -> None:
    """Write the HTML report atomically (``-`` is stdout), streamed as it renders: the
    ``list_limit`` largest clusters in its index, the edits of the ``detail`` largest (their
    diffs made on ``workers`` processes)."""
    from .result import _write

    _write(path, _report_chunks(result, True, None, progress, detail, list_limit, workers))


def write_diffs(diffs: list[Diff], path: str | Path, notes: list[str] | None = None) -> None:
    """Write the diffs page atomically (``-`` is stdout)."""
    from .result import _write

    _write(path, render_diffs(diffs, notes=notes))
