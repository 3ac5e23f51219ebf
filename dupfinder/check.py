"""The CI gate: compare a scan's clusters with an accepted baseline and a policy.

A baseline records accepted clusters by a fingerprint of their member ids, so a cluster that
gains a member is new. An allow-list names syndication that is licensed and expected:

    [tool.dupfinder]            # in pyproject.toml, or top level of dupfinder.toml
    allow = [
        "pa.example",                                   # copies of this wire are licensed
        ["herald.example", "echo.example"],             # these sites share their stories
    ]

A cluster is allowed when its canonical (the wire original) comes from an outlet named alone,
or when all of its outlets belong to one listed group.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from .errors import InputError, UsageError
from .result import Cluster, ScanResult

BASELINE_SCHEMA = 1


def fingerprint(cluster: Cluster) -> str:
    ids = "\n".join(sorted(m.id for m in cluster.members))
    return hashlib.sha256(ids.encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True)
class AllowList:
    outlets: frozenset[str] = frozenset()
    groups: tuple[frozenset[str], ...] = ()

    def allows(self, cluster: Cluster) -> bool:
        if (cluster.canonical.outlet or "") in self.outlets:
            return True
        outlets = {m.outlet or "" for m in cluster.members}
        return any(outlets <= group for group in self.groups)

    @staticmethod
    def parse(entries: Any, where: str) -> AllowList:
        if not isinstance(entries, list):
            raise UsageError(f"{where}: 'allow' must be a list of outlets or lists of outlets")
        outlets: set[str] = set()
        groups: list[frozenset[str]] = []
        for entry in entries:
            if isinstance(entry, str):
                outlets.add(entry)
            elif isinstance(entry, list) and all(isinstance(x, str) for x in entry):
                groups.append(frozenset(entry))
            else:
                raise UsageError(f"{where}: allow entry {entry!r} is neither an outlet nor a "
                                 "list of outlets")
        return AllowList(frozenset(outlets), tuple(groups))


def load_allow_list(config: str | Path | None = None) -> AllowList:
    """From ``config``, else ./dupfinder.toml, else [tool.dupfinder] in ./pyproject.toml."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    candidates = [Path(config)] if config else [Path("dupfinder.toml"), Path("pyproject.toml")]
    for path in candidates:
        if not path.exists():
            if config:
                raise UsageError(f"{path}: no such config file")
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise InputError(f"{path}: not valid TOML ({error})") from error
        section = data.get("tool", {}).get("dupfinder") if path.name == "pyproject.toml" else data
        if section and "allow" in section:
            return AllowList.parse(section["allow"], str(path))
        if config:
            return AllowList()
    return AllowList()


@dataclass
class Baseline:
    fingerprints: dict[str, dict[str, Any]] = field(default_factory=dict)

    @staticmethod
    def load(path: str | Path) -> Baseline:
        p = Path(path)
        if not p.exists():
            raise UsageError(
                f"baseline {p} does not exist; create it with --update-baseline"
            )
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise InputError(f"{p}: baseline is not valid JSON ({error}); "
                             "recreate it with --update-baseline") from error
        if not isinstance(data, dict) or data.get("schema") != BASELINE_SCHEMA:
            found = data.get("schema") if isinstance(data, dict) else type(data).__name__
            raise InputError(f"{p}: baseline schema {found!r} is not {BASELINE_SCHEMA}; "
                             "recreate it with --update-baseline")
        clusters = data.get("clusters")
        if not isinstance(clusters, list) or not all(
            isinstance(c, dict) and isinstance(c.get("fingerprint"), str) for c in clusters
        ):
            raise InputError(f"{p}: baseline 'clusters' must be a list of objects with a "
                             "fingerprint; recreate it with --update-baseline")
        return Baseline({c["fingerprint"]: c for c in clusters})

    @staticmethod
    def from_result(result: ScanResult) -> Baseline:
        entries = {}
        for c in result.clusters:
            fp = fingerprint(c)
            entries[fp] = {"fingerprint": fp, "size": c.size, "canonical": c.canonical.id,
                           "members": sorted(m.id for m in c.members)}
        return Baseline(entries)

    def write(self, path: str | Path) -> None:
        """Atomically: a temporary file in the same folder, then a rename."""
        p = Path(path)
        body = {"schema": BASELINE_SCHEMA,
                "clusters": [self.fingerprints[k] for k in sorted(self.fingerprints)]}
        text = json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        handle, tmp = tempfile.mkstemp(prefix=f".{p.name}.", dir=p.parent or Path("."))
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, p)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


@dataclass
class Verdict:
    """What the gate found; ``failed`` decides the exit code, never the output format."""

    new: list[Cluster]
    allowed: list[Cluster]
    accepted: list[Cluster]
    problems: list[str]
    articles: int
    duplicates: int  # articles that are a copy of another (members beyond each canonical)

    @property
    def failed(self) -> bool:
        return bool(self.new or self.problems)

    @property
    def duplicate_ratio(self) -> float:
        return self.duplicates / self.articles if self.articles else 0.0


def evaluate(
    result: ScanResult, baseline: Baseline | None, allow: AllowList,
    max_clusters: int | None = None, max_duplicate_ratio: float | None = None,
) -> Verdict:
    known = baseline.fingerprints if baseline else {}
    new, allowed, accepted = [], [], []
    for c in result.clusters:
        if allow.allows(c):
            allowed.append(c)
        elif fingerprint(c) in known:
            accepted.append(c)
        else:
            new.append(c)
    counted = [c for c in result.clusters if c not in allowed]
    duplicates = sum(c.size - 1 for c in counted)
    verdict = Verdict(new, allowed, accepted, [], result.stats.articles, duplicates)
    if max_clusters is not None and len(counted) > max_clusters:
        verdict.problems.append(f"{len(counted)} clusters, more than --max-clusters "
                                f"{max_clusters}")
    if max_duplicate_ratio is not None and verdict.duplicate_ratio > max_duplicate_ratio:
        verdict.problems.append(f"duplicate ratio {verdict.duplicate_ratio:.3f}, above "
                                f"--max-duplicate-ratio {max_duplicate_ratio}")
    return verdict


def _describe(c: Cluster) -> str:
    title = (c.canonical.title or c.canonical.id).replace("\n", " ")
    return (f"{c.id}: {c.size} copies of {c.canonical.id!r} ({title[:80]}) "
            f"across {', '.join(c.outlets)}")


def render(verdict: Verdict, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({
            "schema": 1, "failed": verdict.failed, "problems": verdict.problems,
            "articles": verdict.articles, "duplicates": verdict.duplicates,
            "duplicate_ratio": round(verdict.duplicate_ratio, 4),
            "new": [{"id": c.id, "fingerprint": fingerprint(c), "size": c.size,
                     "canonical": c.canonical.id, "members": [m.id for m in c.members]}
                    for c in verdict.new],
            "accepted": [fingerprint(c) for c in verdict.accepted],
            "allowed": [fingerprint(c) for c in verdict.allowed],
        }, indent=2, ensure_ascii=False) + "\n"
    if fmt == "junit":
        return _junit(verdict)
    if fmt == "github":
        lines = []
        for c in verdict.new:
            props = []
            source = (c.canonical.source or "").rsplit(":", 1)
            if source[0]:
                props.append(f"file={_gh_property(source[0])}")
                if len(source) == 2 and source[1].isdigit():
                    props.append(f"line={source[1]}")
            props.append(f"title={_gh_property(f'dupfinder: new cluster {c.id}')}")
            lines.append(f"::error {','.join(props)}::{_gh_message(_describe(c))}")
        for p in verdict.problems:
            lines.append(f"::error title=dupfinder policy::{_gh_message(p)}")
        if not lines:
            lines.append("::notice title=dupfinder::no new clusters")
        return "\n".join(lines) + "\n"
    lines = [
        f"dupfinder check: {'FAIL' if verdict.failed else 'ok'} - {len(verdict.new)} new, "
        f"{len(verdict.accepted)} in baseline, {len(verdict.allowed)} allowed; "
        f"duplicate ratio {verdict.duplicate_ratio:.3f}"
    ]
    lines += [f"  new {_describe(c)}" for c in verdict.new]
    lines += [f"  policy: {p}" for p in verdict.problems]
    return "\n".join(lines) + "\n"


def _gh_message(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_message(text).replace(":", "%3A").replace(",", "%2C")


def _junit(verdict: Verdict) -> str:
    cases = []
    for c in verdict.new:
        cases.append(
            f'  <testcase classname="dupfinder.clusters" name={quoteattr(c.id)}>\n'
            f'    <failure message={quoteattr("new cluster: " + _describe(c))}>'
            f"{escape(chr(10).join(m.id for m in c.members))}</failure>\n  </testcase>")
    for c in verdict.accepted + verdict.allowed:
        cases.append(f'  <testcase classname="dupfinder.clusters" name={quoteattr(c.id)}/>')
    for p in verdict.problems:
        cases.append(f'  <testcase classname="dupfinder.policy" name={quoteattr(p)}>\n'
                     f"    <failure message={quoteattr(p)}/>\n  </testcase>")
    failures = len(verdict.new) + len(verdict.problems)
    return (f'<?xml version="1.0" encoding="utf-8"?>\n'
            f'<testsuite name="dupfinder" tests="{len(cases)}" failures="{failures}">\n'
            + "\n".join(cases) + ("\n" if cases else "") + "</testsuite>\n")


def accept(result: ScanResult, allow: AllowList) -> Baseline:
    """The baseline that accepts every current cluster that the allow-list does not cover."""
    base = Baseline.from_result(result)
    for c in result.clusters:
        if allow.allows(c):
            base.fingerprints.pop(fingerprint(c), None)
    return base


__all__: Sequence[str] = ("AllowList", "Baseline", "Verdict", "accept", "evaluate",
                          "fingerprint", "load_allow_list", "render")
