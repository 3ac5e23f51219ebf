"""The baseline: the accepted clusters, by fingerprint and member ids, written atomically."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError
from ..result import ScanResult, write_atomic
from .fingerprints import _fingerprint_of, fingerprint
from .text import _SURROGATES

BASELINE_SCHEMA = 1  # entries: fingerprint, size, canonical, members (the accepted ids)

@dataclass
class Baseline:
    """Accepted clusters by fingerprint; each entry holds ``size``, ``canonical`` and the
    accepted ``members`` ids. ``lines`` gives the line of each entry in the file read."""

    fingerprints: dict[str, dict[str, Any]] = field(default_factory=dict)
    path: Path | None = None
    lines: dict[str, int] = field(default_factory=dict)

    @staticmethod
    def load(path: str | Path) -> Baseline:
        p = Path(path)
        if not p.exists():
            raise UsageError(
                f"baseline {p} does not exist; create it with --update-baseline"
            )
        try:
            text = p.read_text(encoding="utf-8")
            data = json.loads(text)
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
        for c in clusters:
            members = c.get("members")
            if members is None:
                continue  # an entry without ids still accepts its fingerprint
            if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
                raise InputError(f"{p}: baseline entry {c['fingerprint']}: 'members' must be "
                                 "a list of ids; recreate it with --update-baseline")
            if _fingerprint_of(members) != c["fingerprint"]:
                raise InputError(f"{p}: baseline entry {c['fingerprint']} does not match its "
                                 "members (edited by hand?); recreate it with "
                                 "--update-baseline")
        lines = {}
        for c in clusters:
            at = text.find(f'"{c["fingerprint"]}"')
            if at >= 0:
                lines[c["fingerprint"]] = text.count("\n", 0, at) + 1
        return Baseline({c["fingerprint"]: c for c in clusters}, p, lines)

    @staticmethod
    def previous(path: str | Path) -> Baseline | None:
        """The baseline ``--update-baseline`` replaces: None when missing or unreadable (it is
        recreated, as the load error advises)."""
        try:
            return Baseline.load(path) if Path(path).exists() else None
        except InputError:
            return None

    @staticmethod
    def from_result(result: ScanResult) -> Baseline:
        entries = {}
        for c in result.clusters:
            fp = fingerprint(c)
            entries[fp] = {"fingerprint": fp, "size": c.size, "canonical": c.canonical.id,
                           "members": sorted(m.id for m in c.members)}
        return Baseline(entries)

    def member_ids(self) -> set[str]:
        """Every article id the baseline accepted as part of a cluster."""
        ids: set[str] = set()
        for entry in self.fingerprints.values():
            ids.update(entry.get("members") or ())
        return ids

    def write(self, path: str | Path) -> None:
        """Atomically (``result.write_atomic``): the old baseline or the new one, never half."""
        body = {"schema": BASELINE_SCHEMA,
                "clusters": [self.fingerprints[k] for k in sorted(self.fingerprints)]}
        text = json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        if _SURROGATES.search(text):  # an id with a lone surrogate: escaped, it round-trips
            text = json.dumps(body, indent=2, sort_keys=True) + "\n"
        write_atomic(path, text)
