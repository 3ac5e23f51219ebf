"""Result objects of a scan: what the library returns and every report is drawn from."""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import errno
import io
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .article import Article
from .params import Params
from .readers import Skipped

SCHEMA = 1


@dataclass(frozen=True)
class Member:
    """One article of a cluster, scored against the cluster's canonical."""

    article: Article
    jaccard: float
    containment: float
    boilerplate: bool  # chrome lines were removed from it before matching
    words: int  # word tokens shingled
    shared: int = 0  # shingles another member also carries (0 in a pair: not measured)
    own: int = 0  # shingles no other member carries: text this version added
    # The edit summary against the canonical, computed once by the scan (dupfinder.stages.edits);
    # None when the member was made without one (then it is computed from the texts).
    edits: dict[str, Any] | None = None
    # Why it is a member: "canonical", "copy" (by the shingle rule), "aligned" (by the second
    # look at a copy-edited near miss) or "majority" (a copy of most members, not of the
    # canonical itself); "" when not recorded.
    joined: str = ""

    @property
    def id(self) -> str:
        return self.article.id

    @property
    def outlet(self) -> str | None:
        return self.article.outlet


@dataclass(frozen=True)
class Embedded:
    """A page that carries this story among other stories (a live page, a digest, a
    related-articles block): it contains the story but is not a copy of it."""

    id: str
    outlet: str | None
    containment: float  # share of the story found in the page

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "outlet": self.outlet, "containment": round(self.containment, 4)}


@dataclass(frozen=True)
class BoilerplateLine:
    """A unit learned as chrome, with the evidence: how many articles and outlets carry it, and
    whether it recurs across unrelated articles or is repeated inside one."""

    text: str
    articles: int
    outlets: int
    reason: str  # "recurring" | "repeated"

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "articles": self.articles, "outlets": self.outlets,
                "reason": self.reason}


@dataclass
class Cluster:
    """Copies of one story: the canonical wire original first, then every outlet's copy."""

    id: str
    canonical: Article
    canonical_reason: str
    members: list[Member]
    boilerplate: frozenset[int] = frozenset()  # line keys the scan learned as chrome
    embedded_in: list[Embedded] = field(default_factory=list)
    # Puts back the member texts a lean (large) scan dropped, when a diff needs them: set by
    # the scan; None when every text is kept.
    loader: Callable[[list[Cluster]], None] | None = field(default=None, repr=False,
                                                           compare=False)

    def has_texts(self) -> bool:
        return self.loader is None or all(m.article.text for m in self.members)

    def load_texts(self) -> None:
        if not self.has_texts() and self.loader is not None:
            self.loader([self])

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def outlets(self) -> list[str]:
        seen: list[str] = []
        for m in self.members:
            name = m.outlet or "?"
            if name not in seen:
                seen.append(name)
        return seen

    @property
    def min_jaccard(self) -> float:
        return min(m.jaccard for m in self.members)

    def member(self, article_id: str) -> Member:
        for m in self.members:
            if m.id == article_id:
                return m
        raise KeyError(f"{article_id!r} is not a member of cluster {self.id}")

    def diff(self, member: Member | str) -> Any:
        """Edits of a member against the canonical (see ``dupfinder.diff``)."""
        from .diff import diff_articles

        chosen = self.member(member) if isinstance(member, str) else member
        if not self.has_texts():
            self.load_texts()
            chosen = self.member(chosen.id)
        return diff_articles(self.canonical, chosen.article, self.boilerplate)

    def _repr_html_(self) -> str:
        from .report_html import render_cluster

        return render_cluster(self)

    def to_dict(self, with_edits: bool = True) -> dict[str, Any]:
        members = []
        for m in self.members:
            a = m.article
            entry: dict[str, Any] = {
                "id": a.id,
                "outlet": a.outlet,
                "title": a.title,
                "url": a.url,
                "published": a.published,
                "jaccard": round(m.jaccard, 4),
                "containment": round(m.containment, 4),
                "shingles": {"shared": m.shared, "own": m.own},
                "joined": m.joined or None,
            }
            if with_edits:
                entry["edits"] = m.edits if m.edits is not None else _edit_summary(self, m)
            members.append(entry)
        return {
            "id": self.id,
            "size": self.size,
            "canonical": self.canonical.id,
            "canonical_reason": self.canonical_reason,
            "members": members,
            "embedded_in": [e.to_dict() for e in self.embedded_in],
        }


def _edit_summary(cluster: Cluster, member: Member) -> dict[str, Any]:
    from .diff import diff_articles

    return diff_articles(cluster.canonical, member.article, cluster.boilerplate).summary()


@dataclass
class Stats:
    articles: int
    skipped: int
    clusters: int
    articles_in_clusters: int
    seconds: float
    # (stage, seconds) in order: what ``scan --timings`` prints; not in the JSON report.
    stages: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class ScanResult:
    """Clusters largest first; ``skipped`` lists every record left out, with why."""

    clusters: list[Cluster]
    params: Params
    stats: Stats
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list, repr=False)
    boilerplate: frozenset[int] = field(default_factory=frozenset, repr=False)
    # Puts back the text of articles a lean (large) scan dropped; None when all texts are kept.
    reload: Callable[[list[int]], None] | None = field(default=None, repr=False)
    boilerplate_lines: list[BoilerplateLine] = field(default_factory=list)
    _positions: dict[str, int] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.reload is not None:
            for c in self.clusters:
                c.loader = self.load_texts

    def article(self, article_id: str) -> Article:
        for index, a in enumerate(self.articles):
            if a.id == article_id:
                if not a.text and self.reload is not None:
                    self.reload([index])
                    return self.articles[index]
                return a
        raise KeyError(f"no article with id {article_id!r} in the input; check the id")

    def diff_pair(self, a_id: str, b_id: str) -> Any:
        """B's edits against A, for any two articles of the scan."""
        from .diff import diff_articles

        return diff_articles(self.article(a_id), self.article(b_id), self.boilerplate)

    def load_texts(self, clusters: Iterable[Cluster] | None = None) -> None:
        """Put back the texts a lean scan dropped, for these clusters (all by default), in one
        read of the inputs. Reports that show text (diffs) call it for what they show; JSON and
        CSV reports need none, so a large scan never reads its inputs twice for them."""
        if self.reload is None:
            return
        wanted = [c for c in (self.clusters if clusters is None else clusters)
                  if not all(m.article.text for m in c.members)]
        if not wanted:
            return
        if self._positions is None:
            self._positions = {a.id: k for k, a in enumerate(self.articles)}
        positions = self._positions
        self.reload([positions[m.id] for c in wanted for m in c.members])
        for c in wanted:
            c.members = [dataclasses.replace(m, article=self.articles[positions[m.id]])
                         for m in c.members]
            c.canonical = self.articles[positions[c.canonical.id]]

    def cluster(self, cluster_id: str) -> Cluster:
        for c in self.clusters:
            if c.id == cluster_id:
                return c
        known = ", ".join(c.id for c in self.clusters[:5]) or "none"
        raise KeyError(f"no cluster {cluster_id!r}; clusters are {known}...")

    def to_dict(self, with_edits: bool = True, with_clusters: bool = True) -> dict[str, Any]:
        from ._version import __version__

        out = {
            "schema": SCHEMA,
            "dupfinder_version": __version__,
            "params": self.params.report(),
            "tuning": self.params.tuning.as_dict(),
            "stats": {
                "articles": self.stats.articles,
                "skipped": self.stats.skipped,
                "clusters": self.stats.clusters,
                "articles_in_clusters": self.stats.articles_in_clusters,
                "seconds": round(self.stats.seconds, 3),
            },
            "skipped": [{"source": s.source, "reason": s.reason} for s in self.skipped],
            "warnings": list(self.warnings),
            "boilerplate": [line.to_dict() for line in self.boilerplate_lines],
        }
        if with_clusters:
            out["clusters"] = [c.to_dict(with_edits) for c in self.clusters]
        return out

    def to_json(self, target: str | Path | IO[str] | None = None) -> str | None:
        """The JSON report (``to_dict``, indented by two). Written to ``target`` as a stream,
        one cluster at a time, so a large report is never held whole; returned as a string
        only when there is no target."""
        if target is None:
            return "".join(self.json_chunks())
        _write(target, self.json_chunks())
        return None

    def json_chunks(self) -> Iterator[str]:
        """The JSON report in pieces: the header, then each cluster serialised on its own
        (with orjson when the ``fast`` extra is installed; the text is the same as
        ``json.dumps(to_dict(), ensure_ascii=False, indent=2)``)."""
        head = self.to_dict(with_edits=True, with_clusters=False)
        text = _dumps(head)
        if not self.clusters:
            yield text[:-2] + ',\n  "clusters": []\n}\n'
            return
        yield text[:-2] + ',\n  "clusters": [\n    '
        # A few hundred clusters at a time, serialised inside an object that puts them at
        # the depth the report has them (``{"clusters": [...]}``, its first and last lines
        # cut): no pass over the text to indent it again, a fifth of the writing.
        step = 256
        head_cut, tail_cut = len('{\n  "clusters": [\n    '), len("\n  ]\n}")
        for at in range(0, len(self.clusters), step):
            batch = [c.to_dict(True) for c in self.clusters[at : at + step]]
            body = _dumps({"clusters": batch})[head_cut:-tail_cut]
            yield body + (",\n    " if at + step < len(self.clusters) else "\n  ]\n}\n")

    def to_csv(self, target: str | Path | IO[str] | None = None) -> str | None:
        """One row per clustered article. Written to ``target`` as a stream, a cluster at a
        time; returned as a string only when there is no target."""
        if target is None:
            return "".join(self.csv_chunks())
        _write(target, self.csv_chunks())
        return None

    def csv_chunks(self) -> Iterator[str]:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(
            ["cluster", "size", "canonical", "canonical_reason", "id", "is_canonical", "outlet",
             "title", "url", "published", "jaccard", "containment"]
        )
        for c in self.clusters:
            for m in c.members:
                a = m.article
                writer.writerow(
                    [c.id, c.size, c.canonical.id, c.canonical_reason, a.id,
                     int(a.id == c.canonical.id), a.outlet or "", a.title or "", a.url or "",
                     a.published or "", f"{m.jaccard:.4f}", f"{m.containment:.4f}"]
                )
            if buf.tell() > 1 << 16:
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
        yield buf.getvalue()

    def to_html(self, target: str | Path | None = None, *,
                progress: Callable[[int, int], None] | None = None) -> str:
        """The self-contained HTML report (jinja2 is the ``html`` extra).

        ``progress(done, total)`` is called as each cluster's diffs are rendered.
        """
        from .report_html import render_result

        text = render_result(self, progress=progress)
        _write(target, text)
        return text

    def _repr_html_(self) -> str:
        from .report_html import render_result

        return render_result(self, full_page=False, limit=20)

    def table(self) -> str:
        from .report_text import cluster_table

        return cluster_table(self)

    def to_pandas(self) -> Any:
        """One row per clustered article, typed (pandas is the ``notebook`` extra).

        The columns of ``to_csv`` (``published`` as UTC datetimes, ``is_canonical`` as bool,
        counts as int) and each member's edit summary from the JSON report: ``words_kept``,
        ``words_inserted``, ``words_deleted``, ``words_replaced`` (int), ``headline_changed``
        (bool) and ``kinds`` (a list of edit kinds).
        """
        pd = _pandas("to_pandas()")
        rows: dict[str, list[Any]] = {name: [] for name in PANDAS_COLUMNS}
        for c in self.clusters:
            for m in c.members:
                a = m.article
                edits = m.edits if m.edits is not None else _edit_summary(c, m)
                for name, value in (
                    ("cluster", c.id), ("size", c.size), ("canonical", c.canonical.id),
                    ("canonical_reason", c.canonical_reason), ("id", a.id),
                    ("is_canonical", a.id == c.canonical.id), ("outlet", a.outlet),
                    ("title", a.title), ("url", a.url), ("published", a.published),
                    ("jaccard", m.jaccard), ("containment", m.containment),
                    ("words_kept", edits["words_kept"]),
                    ("words_inserted", edits["words_inserted"]),
                    ("words_deleted", edits["words_deleted"]),
                    ("words_replaced", edits["words_replaced"]),
                    ("headline_changed", bool(edits["headline_changed"])),
                    ("kinds", list(edits["kinds"])),
                ):
                    rows[name].append(value)
        columns: dict[str, Any] = {}
        for name, kind in PANDAS_COLUMNS.items():
            values = rows[name]
            if kind == "datetime":
                columns[name] = _utc_datetimes(pd, values)
            elif kind == "object":
                columns[name] = pd.Series(values, dtype=object)
            else:
                columns[name] = pd.Series(values, dtype=kind)
        return pd.DataFrame(columns)

    def edits_frame(self) -> Any:
        """One row per edit of every member against its canonical (pandas: ``notebook`` extra)."""
        pd = _pandas("edits_frame()")
        types = {"cluster": "string", "canonical": "string", "id": "string", "outlet": "string",
                 "kind": "string", "a_start": "int64", "a_end": "int64", "b_start": "int64",
                 "b_end": "int64", "old": "string", "new": "string"}
        rows = _edit_rows(self)
        return pd.DataFrame({name: pd.Series([r[name] for r in rows], dtype=kind)
                             for name, kind in types.items()})


# to_pandas() columns and their dtypes.
PANDAS_COLUMNS = {
    "cluster": "string", "size": "int64", "canonical": "string", "canonical_reason": "string",
    "id": "string", "is_canonical": "bool", "outlet": "string", "title": "string",
    "url": "string", "published": "datetime", "jaccard": "float64", "containment": "float64",
    "words_kept": "int64", "words_inserted": "int64", "words_deleted": "int64",
    "words_replaced": "int64", "headline_changed": "bool", "kinds": "object",
}


def _pandas(what: str) -> Any:
    try:
        import pandas as pd
    except ImportError as error:
        from .errors import MissingExtraError

        raise MissingExtraError("notebook", what) from error
    return pd


def _utc_datetimes(pd: Any, values: list[str | None]) -> Any:
    """Publication dates as a UTC datetime column: ISO 8601 first (what readers store), any
    other format pandas can read next; a date it cannot read is NaT. Naive times are UTC."""
    raw = pd.Series(values, dtype=object)
    out = pd.to_datetime(raw, utc=True, errors="coerce", format="ISO8601")
    missing = out.isna() & raw.notna()
    if missing.any():
        out[missing] = pd.to_datetime(raw[missing], utc=True, errors="coerce", format="mixed")
    return out


def _edit_rows(result: ScanResult) -> list[dict[str, Any]]:
    rows = []
    for c in result.clusters:
        for m in c.members:
            if m.id == c.canonical.id:
                continue
            d = c.diff(m)
            for e in d.edits:
                rows.append({"cluster": c.id, "canonical": c.canonical.id, "id": m.id,
                             "outlet": m.outlet, "kind": e.kind, "a_start": e.a_start,
                             "a_end": e.a_end, "b_start": e.b_start, "b_end": e.b_end,
                             "old": e.old, "new": e.new})
    return rows


def _dumps(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``, by orjson when it is installed."""
    if _orjson is not None:
        try:
            return str(_orjson.dumps(value, option=_orjson.OPT_INDENT_2).decode("utf-8"))
        except TypeError:  # a value orjson does not take (an int beyond 64 bits): the slow way
            pass
    return json.dumps(value, ensure_ascii=False, indent=2)


_orjson: Any
try:
    import orjson as _orjson
except ImportError:  # the ``fast`` extra is not installed
    _orjson = None


def _write(target: str | Path | IO[str] | None, text: str | Iterable[str]) -> None:
    """Write a report: ``-`` is stdout, a path is written atomically, a stream as it is.
    ``text`` may be an iterable of chunks (a report rendered as it is written)."""
    if target is None:
        return
    chunks = [text] if isinstance(text, str) else text
    if isinstance(target, (str, Path)):
        if str(target) == "-":
            for chunk in chunks:
                sys.stdout.write(chunk)
            sys.stdout.flush()  # a closed pipe shows here, where the CLI ends it quietly
            return
        write_atomic(target, chunks, durable=False)
        return
    for chunk in chunks:
        target.write(chunk)


def write_atomic(path: str | Path, text: str | Iterable[str], durable: bool = True) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and
    ``os.replace``: the path holds the old file or the new one, never half of one, whatever
    interrupts the write (Ctrl-C, a full disk, a crash). A new file gets the usual permissions
    (0666 less the umask), a replaced one keeps its own.

    ``durable`` also syncs the file to disk before the rename (so that a power cut cannot
    leave the new name on an empty file): for a CI baseline, which holds decisions. A report
    can be made again, and syncing a 100 MB JSON report cost a scan 0.2 s."""
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise FileNotFoundError(errno.ENOENT, "no such folder to write into", str(path))
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mode = 0o666 & ~_umask()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise type(error)(error.errno, error.strerror, str(path)) from error
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for chunk in [text] if isinstance(text, str) else text:
                handle.write(chunk)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
