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


def on_terminal(args: list[str], tty: str = "stderr", cwd: Any = None,
                env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run ``python -m dupfinder ARGS`` with ``tty`` ("stdout" or "stderr") on a pseudo-terminal
    and the other stream piped; returns (exit code, stdout, stderr) as text."""
    import os
    import pty
    import subprocess
    import sys

    master, slave = pty.openpty()
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    streams[tty] = slave
    proc = subprocess.Popen([sys.executable, "-m", "dupfinder", *args], cwd=cwd, env=env,
                            text=True, **streams)
    os.close(slave)
    out, err = proc.communicate(timeout=120)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    seen = b"".join(chunks).decode(errors="replace")
    return (proc.returncode, seen, err or "") if tty == "stdout" else (proc.returncode,
                                                                       out or "", seen)


def chromium() -> str:
    """The headless browser's path, or skip the test that needs it."""
    import shutil

    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("headless Chromium is not installed (apt-get install chromium)")


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
