"""Shared helpers: the sample corpus written by us, and the real corpora in ../shared/data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dupfinder.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample.jsonl"
EXPECTED = ROOT / "data" / "expected_clusters.json"
SHARED = ROOT.parent / "shared"
SHARED_DATA = SHARED / "data"


def sample_records() -> list[dict[str, Any]]:
    return [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]


def by_id(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in records}


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def run(*args: str, input: str | None = None) -> Any:
    """Run the CLI in-process; stdout and stderr are kept apart."""
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def clusters_as_sets(result: Any) -> set[frozenset[str]]:
    return {frozenset(m.id for m in c.members) for c in result.clusters}


@pytest.fixture
def records() -> list[dict[str, Any]]:
    return sample_records()


def need_shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here (the real corpora live in ../shared)")
    return path
