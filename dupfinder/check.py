"""The CI gate: compare a scan's clusters with an accepted baseline and a policy.

A baseline records accepted clusters by a fingerprint of their member ids (and the ids
themselves), so a cluster that gains a member is new, and the member it gained is named: the
articles of a new cluster that are in no accepted cluster are its *new articles*, each reported
with its id, outlet and ``file:line``. Baseline entries that match no current cluster are
*stale*; they are listed and ``--update-baseline`` drops them.

The configuration is the first ``dupfinder.toml``, or ``pyproject.toml`` with a
``[tool.dupfinder]`` table, found walking up from the working directory (as ruff does)::

    [tool.dupfinder]            # in pyproject.toml, or top level of dupfinder.toml
    allow = [
        "pa.example",                                   # copies of this wire are licensed
        ["herald.example", "echo.example"],             # these sites share their stories
    ]
    max-clusters = 50                                   # --max-clusters
    max-duplicate-ratio = 0.2                           # --max-duplicate-ratio

A cluster is allowed when its canonical (the wire original) comes from an outlet named alone,
or when all of its outlets belong to one listed group. Any other key is an error.
"""

from __future__ import annotations

import bisect
import difflib
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from .errors import InputError, UsageError
from .result import Cluster, ScanResult, write_atomic
from .terminal import safe_line

BASELINE_SCHEMA = 1  # entries: fingerprint, size, canonical, members (the accepted ids)
REPORT_SCHEMA = 2  # the JSON report of `check`: clusters keyed by canonical id

CONFIG_KEYS = ("allow", "max-clusters", "max-duplicate-ratio")

FORMATS = ("text", "json", "junit", "github")


def fingerprint(cluster: Cluster) -> str:
    return _fingerprint_of(m.id for m in cluster.members)


def _fingerprint_of(ids: Iterable[str]) -> str:
    text = "\n".join(sorted(ids))
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()[:24]


# --- configuration ---------------------------------------------------------------------------


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


@dataclass(frozen=True)
class Config:
    """What the config file says; ``path`` is None when no file was found."""

    allow: AllowList = field(default_factory=AllowList)
    max_clusters: int | None = None
    max_duplicate_ratio: float | None = None
    path: Path | None = None


def check_ratio(value: Any, name: str) -> float:
    """A share from 0 to 1; ``name`` is the key or flag the message names."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UsageError(f"{name} must be a number from 0 to 1, got {value!r}")
    if not 0.0 <= value <= 1.0:
        raise UsageError(f"{name} must be a share from 0 to 1 (0.2 is 20%), got {value}")
    return float(value)


def check_count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise UsageError(f"{name} must be a whole number of 0 or more, got {value!r}")
    return value


def _shown(path: Path) -> str:
    return locate_file(path)


def _toml() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    return tomllib


def _read_toml(path: Path) -> dict[str, Any]:
    tomllib = _toml()
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"{_shown(path)}: not valid TOML ({error})") from error
    return data


def _section(path: Path, data: dict[str, Any]) -> dict[str, Any] | None:
    """The dupfinder table of a parsed file: top level of dupfinder.toml (or any --config
    file), ``[tool.dupfinder]`` of a pyproject.toml (None when it has none)."""
    if path.name != "pyproject.toml":
        return data
    tool = data.get("tool")
    section = tool.get("dupfinder") if isinstance(tool, dict) else None
    if section is not None and not isinstance(section, dict):
        raise UsageError(f"{_shown(path)}: [tool.dupfinder] must be a table")
    return section


def find_config(start: str | Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """Walk up from ``start`` (the working directory): in each folder ``dupfinder.toml`` wins,
    then a ``pyproject.toml`` that has a ``[tool.dupfinder]`` table; the first found is used."""
    here = Path(start) if start is not None else Path.cwd()
    here = here.resolve()
    for folder in (here, *here.parents):
        own = folder / "dupfinder.toml"
        if own.is_file():
            return own, _read_toml(own)
        project = folder / "pyproject.toml"
        if project.is_file():
            data = _read_toml(project)
            section = _section(project, data)
            if section is not None:
                return project, section
    return None


def load_config(config: str | Path | None = None, start: str | Path | None = None) -> Config:
    """From ``config`` when given, else the first config found walking up from ``start``."""
    if config:
        path = Path(config)
        if not path.is_file():
            raise UsageError(f"{path}: no such config file")
        section = _section(path, _read_toml(path))
        if section is None:
            return Config(path=path)
    else:
        found = find_config(start)
        if found is None:
            return Config()
        path, section = found
    where = _shown(path) + (" [tool.dupfinder]" if path.name == "pyproject.toml" else "")
    for key in section:
        if key not in CONFIG_KEYS:
            close = difflib.get_close_matches(key.replace("_", "-"), CONFIG_KEYS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise UsageError(f"{where}: unknown key {key!r}; {hint}known keys are "
                             f"{', '.join(CONFIG_KEYS)}")
    allow = AllowList.parse(section["allow"], where) if "allow" in section else AllowList()
    max_clusters = max_ratio = None
    if "max-clusters" in section:
        max_clusters = check_count(section["max-clusters"], f"{where}: max-clusters")
    if "max-duplicate-ratio" in section:
        max_ratio = check_ratio(section["max-duplicate-ratio"], f"{where}: max-duplicate-ratio")
    return Config(allow, max_clusters, max_ratio, path)


def load_allow_list(config: str | Path | None = None) -> AllowList:
    """The allow-list of ``load_config(config)``."""
    return load_config(config).allow


# --- where an article is ---------------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    """An article's place in the input: ``path`` relative to the working directory, the
    ``line`` it starts on, or for formats without lines (Parquet, WARC) the ``record``
    (counted from 1). ``label`` is ``path:line`` (``path:record`` for those formats)."""

    path: str | None
    line: int | None = None
    record: int | None = None
    compressed: bool = False

    @property
    def label(self) -> str:
        number = self.line if self.line is not None else self.record
        if self.path is None:
            return f"record {number}" if number is not None else "?"
        return f"{self.path}:{number}" if number is not None else self.path

    @property
    def annotation_line(self) -> int | None:
        """The line a GitHub annotation can sit on: a line of a plain text file."""
        return None if self.compressed else self.line

    def to_dict(self) -> dict[str, Any]:
        return {"location": self.label, "file": self.path, "line": self.line,
                "record": self.record}


_AT_LINE = re.compile(r"^(?P<path>.+):(?P<n>\d+)$")
_AT_RECORD = re.compile(r"^(?P<path>.+)#(?P<n>\d+)$")
_IN_MEMORY = re.compile(r"^record (?P<n>\d+)$")


class Locator:
    """Turns ``Article.source`` (``file:line``, ``file#record`` or ``file``) into a Location.

    A record of a JSON array is given the line its object starts on (the file is read again,
    once, for the articles reported); a file that is one article (.txt, .html, a JSON object)
    is at line 1.
    """

    def __init__(self, cwd: str | Path | None = None) -> None:
        self.cwd = os.path.abspath(cwd if cwd is not None else os.getcwd())
        self._json_lines: dict[str, list[int]] = {}

    def __call__(self, source: str) -> Location:
        if not source:
            return Location(None)
        match = _IN_MEMORY.match(source)
        if match:  # a record given to the library, not read from a file
            return Location(None, record=int(match["n"]))
        if source.startswith("<"):  # <stdin>:3, <stdin>#3: no file to point at
            match = _AT_LINE.match(source) or _AT_RECORD.match(source)
            if match and source[match.end("path")] == ":":
                return Location(match["path"], line=int(match["n"]))
            if match:
                return Location(match["path"], record=int(match["n"]))
            return Location(source)
        match = _AT_LINE.match(source)
        if match:
            path = match["path"]
            return Location(self._relative(path), line=int(match["n"]),
                            compressed=_compressed(path))
        match = _AT_RECORD.match(source)
        if match:
            path, record = match["path"], int(match["n"])
            if _suffix(path) == ".json":
                lines = self._lines_of_json_array(path)
                if 0 < record <= len(lines):
                    return Location(self._relative(path), line=lines[record - 1],
                                    compressed=_compressed(path))
            return Location(self._relative(path), record=record, compressed=_compressed(path))
        return Location(self._relative(source), line=1, compressed=_compressed(source))

    def _relative(self, path: str) -> str:
        try:
            return Path(os.path.relpath(os.path.abspath(path), self.cwd)).as_posix()
        except ValueError:  # another drive on Windows
            return Path(path).as_posix()

    def _lines_of_json_array(self, path: str) -> list[int]:
        if path not in self._json_lines:
            try:
                self._json_lines[path] = _json_array_lines(Path(path))
            except (OSError, EOFError, ValueError):
                self._json_lines[path] = []
        return self._json_lines[path]


def _suffix(path: str) -> str:
    suffixes = [s.lower() for s in Path(path).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def _compressed(path: str) -> bool:
    return path.lower().endswith(".gz")


_WS = re.compile(r"[ \t\n\r]*")


def _json_array_lines(path: Path) -> list[int]:
    """The line each element of a top-level JSON array starts on."""
    from .readers import open_binary

    with open_binary(path) as handle:
        data = handle.read().decode("utf-8", errors="replace")
    pos = 1 if data.startswith("\ufeff") else 0
    pos = _WS.match(data, pos).end()  # type: ignore[union-attr]
    if data[pos:pos + 1] != "[":
        return []
    decoder = json.JSONDecoder()
    starts: list[int] = []
    pos += 1
    while True:
        pos = _WS.match(data, pos).end()  # type: ignore[union-attr]
        if data[pos:pos + 1] in ("]", ""):
            break
        starts.append(pos)
        _, pos = decoder.raw_decode(data, pos)
        pos = _WS.match(data, pos).end()  # type: ignore[union-attr]
        if data[pos:pos + 1] != ",":
            break
        pos += 1
    newlines = [m.start() for m in re.finditer("\n", data)]
    return [bisect.bisect_left(newlines, start) + 1 for start in starts]


# --- the baseline ----------------------------------------------------------------------------


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


# --- the verdict -----------------------------------------------------------------------------


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
    from .readers import format_of

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


# --- rendering -------------------------------------------------------------------------------

# Terminal and annotation text: one line, no control or bidi characters from scraped titles.
_BLANKS = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]+")
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# Characters XML 1.0 does not allow anywhere (even as character references).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def _line(text: str) -> str:
    # The shared terminal neutraliser first (escape sequences dropped whole, bidi controls
    # removed), then what is left of controls and surrogates replaced.
    return _UNPRINTABLE.sub("\ufffd", safe_line(_BLANKS.sub(" ", text)))


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _json_safe(value: Any) -> Any:
    """Lone surrogates (a JSON input's ``\\ud800``) cannot be written as UTF-8."""
    if isinstance(value, str):
        return _SURROGATES.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_json_safe(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


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


def locate_file(path: str | Path) -> str:
    """A path as shown in reports: relative to the working directory."""
    return Locator()._relative(str(path))


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


__all__: Sequence[str] = ("AllowList", "Baseline", "Config", "Location", "Locator",
                          "NewCluster", "Stale", "Verdict", "accept", "evaluate",
                          "find_config", "fingerprint", "load_allow_list", "load_config",
                          "nothing_read", "render", "update_report")
