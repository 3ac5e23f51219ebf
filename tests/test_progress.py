"""Progress goes to stderr on a terminal only; stdout stays machine-readable."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

from tests.conftest import SAMPLE, run


def test_no_progress_when_not_a_terminal() -> None:
    out = run("scan", str(SAMPLE), "--json", "-")
    assert out.stderr == ""
    json.loads(out.stdout)


def _scan_with_tty_stderr(*extra: str) -> tuple[str, str]:
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "dupfinder", "scan", str(SAMPLE), "--json", "-", *extra],
        stdout=subprocess.PIPE, stderr=slave, text=True,
    )
    os.close(slave)
    stdout, _ = proc.communicate(timeout=120)
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
    assert proc.returncode == 0
    return stdout, b"".join(chunks).decode(errors="replace")


def test_progress_on_a_terminal_and_silent_with_quiet() -> None:
    stdout, stderr = _scan_with_tty_stderr()
    assert "dupfinder: reading" in stderr and "clusters" in stderr
    assert json.loads(stdout)["stats"]["clusters"] == 5  # stdout is only the JSON
    stdout, stderr = _scan_with_tty_stderr("--quiet")
    assert stderr == ""
    assert json.loads(stdout)["stats"]["clusters"] == 5
