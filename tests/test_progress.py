"""Progress goes to stderr on a terminal only; stdout stays machine-readable."""

from __future__ import annotations

import json

from tests.conftest import SAMPLE, on_terminal, run


def test_no_progress_when_not_a_terminal() -> None:
    out = run("scan", str(SAMPLE), "--json", "-")
    assert out.stderr == ""
    json.loads(out.stdout)


def _scan_with_tty_stderr(*extra: str) -> tuple[str, str]:
    code, stdout, stderr = on_terminal(["scan", str(SAMPLE), "--json", "-", *extra])
    assert code == 0
    return stdout, stderr


def test_progress_on_a_terminal_and_silent_with_quiet() -> None:
    stdout, stderr = _scan_with_tty_stderr()
    assert "dupfinder: reading" in stderr and "clusters" in stderr
    assert json.loads(stdout)["stats"]["clusters"] == 5  # stdout is only the JSON
    stdout, stderr = _scan_with_tty_stderr("--quiet")
    assert stderr == ""
    assert json.loads(stdout)["stats"]["clusters"] == 5
