"""The verdict: which clusters are new (and which of their articles made them new), which
baseline entries are stale, and whether the policy holds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..result import Cluster, ScanResult
from .baseline import Baseline
from .config import AllowList
from .fingerprints import fingerprint
from .text import _line


@dataclass
class NewCluster:
    """A cluster not in the baseline; ``new_ids`` are its members in no accepted cluster,
    ``previous`` the baseline entries that held any of its members."""

    cluster: Cluster
    fingerprint: str
    new_ids: list[str]
    previous: list[str]

    def is_new(self, article_id: str) -> bool:
        return article_id in self._new

    def __post_init__(self) -> None:
        self._new = set(self.new_ids)


@dataclass
class Stale:
    """A baseline entry that matches no current cluster; ``now_in`` names the current
    clusters (by canonical id) that hold any of its articles."""

    fingerprint: str
    entry: dict[str, Any]
    now_in: list[str]
    line: int | None = None


@dataclass
class Verdict:
    """What the gate found; ``failed`` decides the exit code, never the output format."""

    new: list[NewCluster]
    allowed: list[Cluster]
    accepted: list[Cluster]
    problems: list[str]
    articles: int
    duplicates: int  # articles that are a copy of another (members beyond each canonical)
    stale: list[Stale] = field(default_factory=list)
    baseline_path: Path | None = None

    @property
    def failed(self) -> bool:
        return bool(self.new or self.problems)

    @property
    def duplicate_ratio(self) -> float:
        return self.duplicates / self.articles if self.articles else 0.0

    @property
    def new_articles(self) -> int:
        return sum(len(n.new_ids) for n in self.new)


def evaluate(
    result: ScanResult, baseline: Baseline | None, allow: AllowList,
    max_clusters: int | None = None, max_duplicate_ratio: float | None = None,
) -> Verdict:
    known = baseline.fingerprints if baseline else {}
    accepted_ids = baseline.member_ids() if baseline else set()
    holder: dict[str, list[str]] = {}
    for fp, entry in known.items():
        for article_id in entry.get("members") or ():
            holder.setdefault(article_id, []).append(fp)
    new: list[NewCluster] = []
    allowed: list[Cluster] = []
    accepted: list[Cluster] = []
    present: set[str] = set()
    for c in result.clusters:
        fp = fingerprint(c)
        present.add(fp)
        if allow.allows(c):
            allowed.append(c)
        elif fp in known:
            accepted.append(c)
        else:
            ids = [m.id for m in c.members]
            previous = sorted({p for i in ids for p in holder.get(i, ())})
            new.append(NewCluster(c, fp, [i for i in ids if i not in accepted_ids], previous))
    where = {m.id: c.canonical.id for c in result.clusters for m in c.members}
    stale = []
    for fp in sorted(set(known) - present):
        entry = known[fp]
        now_in = sorted({where[i] for i in entry.get("members") or () if i in where})
        stale.append(Stale(fp, entry, now_in, baseline.lines.get(fp) if baseline else None))
    counted = [c for c in result.clusters if c not in allowed]
    duplicates = sum(c.size - 1 for c in counted)
    verdict = Verdict(new, allowed, accepted, [], result.stats.articles, duplicates, stale,
                      baseline.path if baseline else None)
    if max_clusters is not None and len(counted) > max_clusters:
        verdict.problems.append(f"{len(counted)} clusters, more than --max-clusters "
                                f"{max_clusters}")
    if max_duplicate_ratio is not None and verdict.duplicate_ratio > max_duplicate_ratio:
        verdict.problems.append(f"duplicate ratio {verdict.duplicate_ratio:.3f}, above "
                                f"--max-duplicate-ratio {max_duplicate_ratio}")
    return verdict


def accept(result: ScanResult, allow: AllowList) -> Baseline:
    """The baseline that accepts every current cluster that the allow-list does not cover."""
    base = Baseline.from_result(result)
    for c in result.clusters:
        if allow.allows(c):
            base.fingerprints.pop(fingerprint(c), None)
    return base


def update_report(path: str | Path, old: Baseline | None, new: Baseline,
                  result: ScanResult) -> str:
    """What ``--update-baseline`` did: accepted clusters, stale entries dropped."""
    before = old.fingerprints if old else {}
    added = [fp for fp in new.fingerprints if fp not in before]
    dropped = sorted(set(before) - set(new.fingerprints))
    lines = [f"dupfinder check: baseline {path} now accepts {len(new.fingerprints)} clusters "
             f"({len(added)} added, {len(dropped)} stale "
             f"{'entry' if len(dropped) == 1 else 'entries'} dropped)"]
    for c in result.clusters:
        fp = fingerprint(c)
        if fp in new.fingerprints:
            mark = "accepted" if fp in before else "added"
            lines.append(f"  {mark} {_line(c.canonical.id)!r} ({c.id}): {c.size} copies, "
                         f"fingerprint {fp[:12]}")
    for fp in dropped:
        entry = before[fp]
        lines.append(f"  dropped stale entry {fp[:12]}: {entry.get('size', '?')} copies of "
                     f"{_line(str(entry.get('canonical', '?')))!r}")
    return "\n".join(lines) + "\n"


def nothing_read(paths: Sequence[str], result: ScanResult) -> str:
    """The one-line error for a check that read no article: nothing read is no finding."""
    from ..readers import format_of

    parts = []
    for raw in paths[:3]:
        if raw == "-":
            parts.append("stdin holds no article")
            continue
        path = Path(raw)
        if not path.is_dir():
            parts.append(f"no article in {raw}")
            continue
        files = [f for f in sorted(path.rglob("*")) if f.is_file()
                 and not any(p.startswith(".") for p in f.relative_to(path).parts)]
        if not files:
            parts.append(f"{raw} is an empty folder")
            continue
        unsupported = [f for f in files if format_of(f) is None]
        if len(unsupported) < len(files):
            parts.append(f"no article in the {len(files) - len(unsupported)} supported files "
                         f"of {raw}")
            continue
        counts: dict[str, int] = {}
        for f in unsupported:
            counts[f.suffix.lower() or "no suffix"] = counts.get(f.suffix.lower() or
                                                                 "no suffix", 0) + 1
        kinds = ", ".join(f"{n} {s}" for s, n in sorted(counts.items(), key=lambda x: -x[1])[:4])
        parts.append(f"{raw} holds no supported file ({kinds})")
    if len(paths) > 3:
        parts.append(f"and {len(paths) - 3} more paths")
    message = "nothing to check: " + "; ".join(parts)
    if result.skipped:
        first = result.skipped[0]
        message += f" ({len(result.skipped)} records skipped, first {first.source}: " \
                   f"{first.reason})"
    return (message + "; give check the scrape's files (.jsonl, .json, .csv, .tsv, .txt, "
            ".parquet, .html, .warc, optionally .gz)")
