"""Where an article is, for people and for CI annotations: ``file:line`` relative to the
working directory (a record of Parquet or WARC as ``path:record``)."""

from __future__ import annotations

import bisect
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any


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
    from ..readers import open_binary

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


def locate_file(path: str | Path) -> str:
    """A path as shown in reports: relative to the working directory."""
    return Locator()._relative(str(path))
