"""Colour follows --color auto|always|never and NO_COLOR (https://no-color.org)."""

from __future__ import annotations

import io
import os

from dupfinder.terminal import use_color
from tests.conftest import SAMPLE, on_terminal, run


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_colour_decision() -> None:
    tty, pipe = _Tty(), io.StringIO()
    assert use_color(tty, "auto", {}) is True
    assert use_color(pipe, "auto", {}) is False
    assert use_color(tty, "auto", {"NO_COLOR": "1"}) is False
    assert use_color(tty, "auto", {"NO_COLOR": ""}) is True  # empty means unset
    assert use_color(tty, "auto", {"TERM": "dumb"}) is False
    assert use_color(pipe, "always", {"NO_COLOR": "1"}) is True  # an explicit flag wins
    assert use_color(tty, "never", {}) is False


def test_color_flag_on_the_group_and_on_diff(monkeypatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    for args in (("--color", "always", "diff", str(SAMPLE), "--cluster", "c3"),
                 ("diff", str(SAMPLE), "--cluster", "c3", "--color", "always")):
        out = run(*args)
        assert out.exit_code == 0
        assert "\x1b[31m" in out.stdout and "\x1b[32m" in out.stdout, args
        assert "[-" not in out.stdout
    # The choice does not outlive its run, and a pipe gets plain markers.
    out = run("diff", str(SAMPLE), "--cluster", "c3")
    assert "\x1b[" not in out.stdout and "[-percent-] {+per cent+}" in out.stdout
    out = run("--color", "never", "diff", str(SAMPLE), "--cluster", "c3")
    assert "\x1b[" not in out.stdout


def _diff_on_a_terminal(env: dict[str, str], *extra: str) -> str:
    code, stdout, _ = on_terminal([*extra, "diff", str(SAMPLE), "--cluster", "c3", "-q"],
                                  tty="stdout", env=env)
    assert code == 0
    return stdout


def test_no_color_on_a_real_terminal() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    assert "\x1b[31m" in _diff_on_a_terminal(env)
    text = _diff_on_a_terminal({**env, "NO_COLOR": "1"})
    assert "\x1b[" not in text and "[-percent-] {+per cent+}" in text
    assert "\x1b[31m" in _diff_on_a_terminal({**env, "NO_COLOR": "1"}, "--color", "always")
