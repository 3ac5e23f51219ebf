"""The verdict as text, JSON, JUnit XML or GitHub annotations: one line per finding, scraped
text neutralised, XML 1.0 well formed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from ..errors import UsageError
from ..result import Cluster
from .fingerprints import fingerprint
from .locations import Location, Locator, locate_file
from .text import _json_safe, _line, _xml
from .verdict import NewCluster, Stale, Verdict

REPORT_SCHEMA = 2  # the JSON report of `check`: clusters keyed by canonical id
FORMATS = ("text", "json", "junit", "github")

def _title(c: Cluster) -> str:
    return _line(c.canonical.title or c.canonical.id)[:80]


def _name(c: Cluster) -> str:
    """The cluster's stable name in CI output: its canonical's id."""
    return _line(c.canonical.id)


def _describe(c: Cluster) -> str:
    return (f"{c.size} copies of {_name(c)!r} ({_title(c)}) across "
            f"{', '.join(_line(o) for o in c.outlets)}")


def _article(member_id: str, outlet: str | None, where: Location) -> str:
    return f"{_line(member_id)} ({_line(outlet or '?')}) at {where.label}"


def _new_summary(n: NewCluster, locate: Locator) -> str:
    """One line: which articles made the cluster new."""
    c = n.cluster
    if not n.new_ids:
        came = ", ".join(p[:12] for p in n.previous) or "none"
        return (f"cluster {_name(c)!r} regrouped accepted articles (no new article; "
                f"accepted entries {came})")
    named = [_article(m.id, m.outlet, locate(m.article.source))
             for m in c.members if n.is_new(m.id)]
    shown = "; ".join(named[:5]) + (f"; and {len(named) - 5} more" if len(named) > 5 else "")
    what = "new copy" if len(named) == 1 else f"{len(named)} new articles"
    return f"{what} in {_name(c)!r}: {shown}"


def render(verdict: Verdict, fmt: str, cwd: str | Path | None = None) -> str:
    locate = Locator(cwd)
    if fmt == "json":
        return _json(verdict, locate)
    if fmt == "junit":
        return _junit(verdict, locate)
    if fmt == "github":
        return _github(verdict, locate)
    if fmt != "text":
        raise UsageError(f"unknown report format {fmt!r}; use one of: {', '.join(FORMATS)}")
    return _text(verdict, locate)


def _text(verdict: Verdict, locate: Locator) -> str:
    lines = [
        f"dupfinder check: {'FAIL' if verdict.failed else 'ok'} - {len(verdict.new)} new, "
        f"{len(verdict.accepted)} in baseline, {len(verdict.allowed)} allowed, "
        f"{len(verdict.stale)} stale; duplicate ratio {verdict.duplicate_ratio:.3f}"
    ]
    for n in verdict.new:
        c = n.cluster
        lines.append(f"  new cluster {_name(c)!r} ({c.id}, fingerprint {n.fingerprint[:12]}): "
                     f"{_describe(c)}")
        for m in c.members:
            if n.is_new(m.id):
                where = locate(m.article.source)
                lines.append(f"    new article {_article(m.id, m.outlet, where)}")
        if not n.new_ids:
            lines.append(f"    {_new_summary(n, locate)}")
    for s in verdict.stale:
        lines.append(f"  stale {_stale_text(s, verdict)}")
    lines += [f"  policy: {p}" for p in verdict.problems]
    return "\n".join(lines) + "\n"


def _stale_text(s: Stale, verdict: Verdict) -> str:
    entry = s.entry
    at = ""
    if verdict.baseline_path is not None:
        where = locate_file(verdict.baseline_path)
        at = f" at {where}:{s.line}" if s.line else f" in {where}"
    now = (f"its articles are now in {', '.join(repr(_line(x)) for x in s.now_in)}"
           if s.now_in else "its articles are no longer in any cluster")
    return (f"baseline entry {s.fingerprint[:12]} ({entry.get('size', '?')} copies of "
            f"{_line(str(entry.get('canonical', '?')))!r}){at}: {now}; "
            "--update-baseline drops it")


def _json(verdict: Verdict, locate: Locator) -> str:
    clusters: dict[str, Any] = {}
    new_of = {id(n.cluster): n for n in verdict.new}
    status = {id(c): "accepted" for c in verdict.accepted}
    status.update({id(c): "allowed" for c in verdict.allowed})
    ordered = [n.cluster for n in verdict.new] + verdict.accepted + verdict.allowed
    for c in sorted(ordered, key=lambda c: int(c.id[1:]) if c.id[1:].isdigit() else 0):
        n = new_of.get(id(c))
        members = []
        for m in c.members:
            members.append({"id": m.id, "outlet": m.outlet, "title": m.article.title,
                            **locate(m.article.source).to_dict(),
                            "new": bool(n and n.is_new(m.id))})
        clusters[c.canonical.id] = {
            "status": "new" if n else status[id(c)],
            "fingerprint": n.fingerprint if n else fingerprint(c),
            "scan_id": c.id, "size": c.size, "canonical": c.canonical.id,
            "title": c.canonical.title, "outlets": c.outlets,
            "new_articles": list(n.new_ids) if n else [],
            "previous": list(n.previous) if n else [],
            "members": members,
        }
    stale = {s.fingerprint: {"size": s.entry.get("size"), "canonical": s.entry.get("canonical"),
                             "members": s.entry.get("members"), "now_in": s.now_in,
                             "line": s.line}
             for s in verdict.stale}
    body = {
        "schema": REPORT_SCHEMA, "failed": verdict.failed, "problems": verdict.problems,
        "articles": verdict.articles, "duplicates": verdict.duplicates,
        "duplicate_ratio": round(verdict.duplicate_ratio, 4),
        "new": [n.cluster.canonical.id for n in verdict.new],
        "accepted": [c.canonical.id for c in verdict.accepted],
        "allowed": [c.canonical.id for c in verdict.allowed],
        "new_articles": [i for n in verdict.new for i in n.new_ids],
        "clusters": clusters,
        "stale": stale,
    }
    return json.dumps(_json_safe(body), indent=2, ensure_ascii=False) + "\n"


def _gh_message(text: str) -> str:
    return _line(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_message(text).replace(":", "%3A").replace(",", "%2C")


def _gh_annotation(level: str, where: Location | None, title: str, message: str) -> str:
    props = []
    if where is not None and where.path and not where.path.startswith("<"):
        props.append(f"file={_gh_property(where.path)}")
        if where.annotation_line is not None:
            props.append(f"line={where.annotation_line}")
    props.append(f"title={_gh_property(title)}")
    return f"::{level} {','.join(props)}::{_gh_message(message)}"


def _github(verdict: Verdict, locate: Locator) -> str:
    lines = []
    for n in verdict.new:
        c = n.cluster
        if not n.new_ids:
            where = locate(c.canonical.source)
            lines.append(_gh_annotation(
                "error", where, f"dupfinder: cluster {_name(c)} regrouped",
                f"{_new_summary(n, locate)}; now {_describe(c)}"))
            continue
        for m in c.members:
            if not n.is_new(m.id):
                continue
            where = locate(m.article.source)
            record = f" (record {where.record})" if where.record is not None else ""
            lines.append(_gh_annotation(
                "error", where, f"dupfinder: new copy of {_name(c)}",
                f"{_line(m.id)} ({_line(m.outlet or '?')}){record} is a new copy in cluster "
                f"{_name(c)!r}: now {_describe(c)}. Accept with --update-baseline, or allow "
                "the outlet in dupfinder.toml"))
    for p in verdict.problems:
        lines.append(f"::error title=dupfinder policy::{_gh_message(p)}")
    for s in verdict.stale:
        entry_at = (Location(locate_file(verdict.baseline_path), line=s.line)
                    if verdict.baseline_path is not None else None)
        lines.append(_gh_annotation("warning", entry_at, "dupfinder: stale baseline entry",
                                    _stale_text(s, verdict)))
    if not verdict.new and not verdict.problems:
        lines.append("::notice title=dupfinder::no new clusters")
    return "\n".join(lines) + "\n"


def _junit(verdict: Verdict, locate: Locator) -> str:
    """One test case per cluster, named by its canonical id (stable across runs, so CI
    history follows a story), one per stale baseline entry (skipped), and ``policy``."""
    cases = []
    for n in verdict.new:
        c = n.cluster
        body = [f"{'NEW' if n.is_new(m.id) else '   '} "
                f"{_article(m.id, m.outlet, locate(m.article.source))}" for m in c.members]
        body.append(f"cluster {c.id} of this scan, fingerprint {n.fingerprint}: {_describe(c)}")
        body.append(f"headline of the original: {_line(c.canonical.title or '')}")
        message = f"{_new_summary(n, locate)} - now {_describe(c)}"
        cases.append(
            f'  <testcase classname="dupfinder.clusters" name={quoteattr(_xml(c.canonical.id))}>'
            f'\n    <failure type="new-cluster" message={quoteattr(_xml(message))}>'
            f"{escape(_xml(chr(10).join(body)))}</failure>\n  </testcase>")
    for c in verdict.accepted + verdict.allowed:
        cases.append(f'  <testcase classname="dupfinder.clusters" '
                     f'name={quoteattr(_xml(c.canonical.id))}/>')
    for s in verdict.stale:
        cases.append(
            f'  <testcase classname="dupfinder.baseline" name={quoteattr(s.fingerprint)}>\n'
            f"    <skipped message={quoteattr(_xml('stale ' + _stale_text(s, verdict)))}/>\n"
            "  </testcase>")
    policy = "; ".join(verdict.problems)
    cases.append('  <testcase classname="dupfinder" name="policy"'
                 + (f">\n    <failure type=\"policy\" message={quoteattr(_xml(policy))}/>\n"
                    "  </testcase>" if policy else "/>"))
    failures = len(verdict.new) + (1 if policy else 0)
    return (f'<?xml version="1.0" encoding="utf-8"?>\n'
            f'<testsuite name="dupfinder check" tests="{len(cases)}" failures="{failures}" '
            f'errors="0" skipped="{len(verdict.stale)}">\n'
            + "\n".join(cases) + "\n</testsuite>\n")
