"""The local engine: tokenising on worker processes gives the same report as one process, for
any batch size, on the in-memory path and on the lean (large-corpus) path."""

from __future__ import annotations

import pytest

import dupfinder
import dupfinder.engines.local as local_engine
import dupfinder.pipeline as pipeline
from tests import pages
from tests.conftest import SAMPLE, sample_records, write_jsonl


def _report(source, workers: int) -> dict:
    report = dupfinder.scan(source, workers=workers).to_dict()
    report["stats"].pop("seconds")
    return report


@pytest.mark.parametrize("batch", [3, 7, 64])
def test_worker_processes_give_the_same_report(monkeypatch, batch: int) -> None:
    records = sample_records() + pages.live_page() + pages.quoted_paragraph_corpus()
    one = _report(records, 1)
    monkeypatch.setattr(local_engine, "PARALLEL_MIN", 1)  # use the pool even for a small corpus
    monkeypatch.setattr(local_engine, "BATCH", batch)
    assert _report(records, 2) == one
    assert _report(records, 1) == one


def test_lean_reading_on_worker_processes_gives_the_same_report(monkeypatch, tmp_path) -> None:
    full = _report(str(SAMPLE), 1)
    monkeypatch.setattr(pipeline, "LEAN_CHARS", 2000)  # texts dropped while reading
    monkeypatch.setattr(local_engine, "BATCH", 4)
    lean = dupfinder.scan(str(SAMPLE), workers=2)
    assert lean.reload is not None
    report = lean.to_dict()
    report["stats"].pop("seconds")
    assert report == full
    path = write_jsonl(tmp_path / "pages.jsonl", pages.live_page())
    assert _report(str(path), 2) == _report(str(path), 1)


def test_an_unguarded_script_can_scan_on_worker_processes(tmp_path) -> None:
    # Users' scripts rarely have an `if __name__ == "__main__":` guard; the workers must never
    # import the script again.
    import subprocess
    import sys

    script = tmp_path / "plain_script.py"
    script.write_text(
        "import dupfinder, dupfinder.pipeline as p\n"
        "p.PARALLEL_MIN = 1\np.BATCH = 4\n"
        f"r = dupfinder.scan({str(SAMPLE)!r}, workers=2)\n"
        "print(len(r.clusters))\n", encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "5"
