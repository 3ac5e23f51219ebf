"""The gate's configuration: dupfinder.toml or [tool.dupfinder], found walking up from the
working directory as ruff does; the allow-list and the limits, every key checked."""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError
from ..result import Cluster
from .locations import locate_file

CONFIG_KEYS = ("allow", "max-clusters", "max-duplicate-ratio")

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
