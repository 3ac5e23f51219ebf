"""Every command documents itself; the CLI is a thin layer over the library."""

from __future__ import annotations

import os
import subprocess
import sys

import click
import pytest

from dupfinder import __version__
from dupfinder.cli import cli
from tests.conftest import SAMPLE, run


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, command in group.commands.items():
        out.append(prefix + (name,))
        if isinstance(command, click.Group):
            out.extend(_commands(command, prefix + (name,)))
    return out


def test_every_command_has_help_and_documented_options() -> None:
    for path in _commands(cli):
        command: click.Command = cli
        for part in path:
            command = command.commands[part]  # type: ignore[attr-defined]
        assert command.help and len(command.help) > 20, path
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                assert param.help, (path, param.name)
        out = run(*path, "--help")
        assert out.exit_code == 0 and "Usage:" in out.stdout


def test_version() -> None:
    out = run("--version")
    assert __version__ in out.stdout


def test_diff_cluster_plain_markers_when_not_a_tty() -> None:
    out = run("diff", str(SAMPLE), "--cluster", "c3")
    assert out.exit_code == 0
    assert "== marketwire-rates (marketwire.example) against reuters-rates" in out.stdout
    assert "[-percent-] {+per cent+}" in out.stdout
    assert "\x1b[" not in out.stdout


def test_diff_needs_exactly_one_target() -> None:
    out = run("diff", str(SAMPLE))
    assert out.exit_code == 2 and "exactly one of --cluster" in out.stderr
    out = run("diff", str(SAMPLE), "--cluster", "c99")
    assert out.exit_code == 2 and "no cluster 'c99'" in out.stderr


@pytest.mark.parametrize("env, advised", [({}, False), ({"NUMPY_MADVISE_HUGEPAGE": "1"}, True)])
def test_the_command_line_stops_huge_page_advice_unless_the_user_chose(env, advised) -> None:
    code = ("import numpy as np, dupfinder.cli as c; c._plain_pages(); "
            "print(np._core.multiarray._get_madvise_hugepage())")
    environment = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**environment, **env}, timeout=60)
    assert out.stdout.strip() == str(advised), out.stderr
