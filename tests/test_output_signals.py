"""Ctrl-C and closed pipes end a run in one line or none, and never leave half a report.

Reports are written to a temporary file in the target's folder and moved into place with
``os.replace``: an interrupted write leaves the previous file (or none), never part of one.
"""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import dupfinder
import dupfinder.result as result_module
from tests.conftest import SAMPLE, run


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_reports_are_written_atomically_and_keep_permissions(tmp_path) -> None:
    result = dupfinder.scan(str(SAMPLE))
    target = tmp_path / "report.json"
    result.to_json(target)
    assert json.loads(target.read_text())["stats"]["clusters"] == 5
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()
    os.chmod(target, 0o640)
    result.to_csv(target)  # replacing keeps the file's own mode
    assert target.stat().st_mode & 0o777 == 0o640
    assert _leftovers(tmp_path) == []


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def test_an_interrupted_write_keeps_the_old_file_and_leaves_no_temp_file(
        tmp_path, monkeypatch) -> None:
    target = tmp_path / "report.json"
    target.write_text("the previous report\n")

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    # Ctrl-C as the finished file is put in place (the last step of the write).
    monkeypatch.setattr(result_module.os, "replace", interrupted)
    for flag in ("--json", "--csv", "--html"):
        out = run("scan", str(SAMPLE), flag, str(target))
        assert out.exit_code == 130, flag
        assert out.stderr == "dupfinder: interrupted\n"
        assert target.read_text() == "the previous report\n"
        assert _leftovers(tmp_path) == []
    new = tmp_path / "new.json"
    out = run("diff", str(SAMPLE), "--cluster", "c1", "--json", str(new))
    assert out.exit_code == 130 and not new.exists() and _leftovers(tmp_path) == []


def test_a_missing_folder_is_named_in_one_line(tmp_path) -> None:
    out = run("scan", str(SAMPLE), "--json", str(tmp_path / "nope" / "r.json"))
    assert out.exit_code == 2
    assert out.stderr == f"dupfinder: error: {tmp_path / 'nope' / 'r.json'}: no such folder " \
                         "to write into\n"


def test_ctrl_c_in_a_real_process_exits_130_with_one_line(tmp_path) -> None:
    # stdin stays open, so the scan is still reading when the signal comes; stderr is a
    # terminal, so the "reading" progress line says when that is.
    master, slave = pty.openpty()
    target = tmp_path / "out.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "dupfinder", "scan", "-", "--json", str(target)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=slave, cwd=tmp_path)
    os.close(slave)
    assert proc.stdin is not None
    proc.stdin.write(SAMPLE.read_bytes())
    proc.stdin.flush()
    seen = b""
    deadline = time.monotonic() + 60
    while b"reading" not in seen and time.monotonic() < deadline:
        seen += os.read(master, 4096)
    proc.send_signal(signal.SIGINT)
    stdout, _ = proc.communicate(timeout=60)
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    text = seen.decode().replace("\r\n", "\n")
    assert proc.returncode == 130, text
    assert text.endswith("dupfinder: interrupted\n"), text
    assert "Traceback" not in text and "KeyboardInterrupt" not in text
    assert stdout == b"" and not target.exists() and _leftovers(tmp_path) == []


@pytest.fixture
def long_pair(tmp_path) -> Path:
    # B's text is 40,000 words that A lacks: the diff view is bigger than a pipe buffer.
    path = tmp_path / "long.jsonl"
    words = " ".join(f"w{i}x" for i in range(40_000))
    path.write_text(json.dumps({"id": "a", "text": "a short text here"}) + "\n"
                    + json.dumps({"id": "b", "text": words}) + "\n")
    return path


@pytest.mark.parametrize("args", [
    ("scan", str(SAMPLE)),
    ("scan", str(SAMPLE), "--json", "-"),
    ("diff", str(SAMPLE), "--cluster", "c1"),
])
def test_a_closed_pipe_ends_quietly(args) -> None:
    # The reader goes away before anything is written (as `| head -1` does once it has its
    # line): every write meets the closed pipe, whatever the pipe's size.
    proc = subprocess.Popen([sys.executable, "-m", "dupfinder", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 141  # 128 + SIGPIPE, as a shell reports `yes | head`
    assert err == "", err  # no traceback, no "Exception ignored ... BrokenPipeError"


def test_head_one_in_a_shell_pipeline(long_pair) -> None:
    for command in (f"scan {long_pair} {SAMPLE} --csv -", f"diff {long_pair} --pair a b -q"):
        proc = subprocess.run(f"{sys.executable} -m dupfinder {command} | head -1",
                              shell=True, capture_output=True, text=True, timeout=60)
        assert proc.stdout.count("\n") == 1, command
        assert proc.stderr == "", (command, proc.stderr)


def test_a_real_process_ends_with_every_byte_written_and_its_exit_code(tmp_path) -> None:
    # The CLI ends with os._exit (no interpreter teardown): stdout, stderr and the report
    # files must still be whole, and the exit codes those of the contract.
    report = tmp_path / "r.json"
    proc = subprocess.run([sys.executable, "-m", "dupfinder", "scan", str(SAMPLE), "--json",
                           "-", "--csv", str(tmp_path / "r.csv"), "--html",
                           str(tmp_path / "r.html")], capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    clusters = json.loads(proc.stdout)["clusters"]
    assert clusters and (tmp_path / "r.html").read_text().rstrip().endswith("</html>")
    rows = (tmp_path / "r.csv").read_text().splitlines()
    assert len(rows) == 1 + sum(len(c["members"]) for c in clusters)
    proc = subprocess.run([sys.executable, "-m", "dupfinder", "scan", str(SAMPLE), "-q",
                           "--json", str(report)], capture_output=True, timeout=120)
    assert proc.returncode == 0 and json.loads(report.read_text())["clusters"] == clusters
    check = subprocess.run([sys.executable, "-m", "dupfinder", "check", str(SAMPLE)],
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 1 and check.stdout.strip()
    missing = subprocess.run([sys.executable, "-m", "dupfinder", "scan",
                              str(tmp_path / "none.jsonl")], capture_output=True, text=True,
                             timeout=120)
    assert missing.returncode == 2 and "none.jsonl" in missing.stderr
