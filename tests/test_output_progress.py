"""Progress on a terminal covers writing the reports too; stdout never carries it."""

from __future__ import annotations

import json

from dupfinder.progress import StderrProgress
from tests.conftest import SAMPLE, on_terminal


def _scan_with_tty_stderr(cwd, *extra: str, command: str = "scan") -> tuple[str, str]:
    code, stdout, stderr = on_terminal([command, str(SAMPLE), *extra], cwd=cwd)
    assert code == 0
    return stdout, stderr


def test_writing_each_report_is_a_stage(tmp_path) -> None:
    stdout, stderr = _scan_with_tty_stderr(tmp_path, "--json", "-", "--csv", "r.csv",
                                           "--html", "r.html")
    assert json.loads(stdout)["stats"]["clusters"] == 5  # stdout is only the JSON
    assert "dupfinder: writing the JSON report to stdout" in stderr
    assert "dupfinder: writing the CSV report to r.csv" in stderr
    assert "dupfinder: writing the HTML report to r.html" in stderr
    # The stages come in order, after clustering.
    order = [stderr.index(s) for s in ("clusters,", "JSON report", "CSV report", "HTML report")]
    assert order == sorted(order)
    assert (tmp_path / "r.csv").exists() and (tmp_path / "r.html").exists()
    _, quiet = _scan_with_tty_stderr(tmp_path, "--json", "r.json", "-q")
    assert quiet == ""
    _, stderr = _scan_with_tty_stderr(tmp_path, "--cluster", "c1", "--html", "d.html",
                                      command="diff")
    assert "dupfinder: writing the HTML diffs to d.html" in stderr


def test_steps_without_tqdm_print_a_line_every_tenth(capsys) -> None:
    progress = StderrProgress()
    progress._tqdm = None
    tick = progress.steps("writing the HTML report")
    for done in range(1, 101):
        tick(done, 100)
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "dupfinder: writing the HTML report: 1 of 100 clusters"
    assert len(err) == 10 and all("of 100 clusters" in line for line in err)


def test_steps_with_tqdm_draw_a_bar_on_stderr(capsys) -> None:
    progress = StderrProgress()
    if progress._tqdm is None:
        return
    tick = progress.steps("writing the HTML report")
    for done in range(1, 6):
        tick(done, 5)
    captured = capsys.readouterr()
    assert captured.out == "" and "writing the HTML report" in captured.err
    assert progress._bar is None  # closed at the last step
