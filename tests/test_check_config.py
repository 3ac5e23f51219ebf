"""The config of `dupfinder check`: found walking up from the working directory as ruff finds
its own; unknown keys and ratios outside 0-1 are errors naming the key or flag (exit 2)."""

from __future__ import annotations

import pytest

from dupfinder.check import find_config, load_config
from dupfinder.errors import UsageError
from tests.conftest import SAMPLE, run


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A newsroom repository: the scrape in scrape/, CI running from a subfolder."""
    (tmp_path / "scrape").mkdir()
    (tmp_path / "scrape" / "day1.jsonl").write_bytes(SAMPLE.read_bytes())
    (tmp_path / "ci" / "jobs").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "ci" / "jobs")
    return tmp_path


def one_error(out) -> str:
    assert out.exit_code == 2 and out.stdout == ""
    lines = out.stderr.splitlines()
    assert len(lines) == 1
    return lines[0]


def check(project, *args: str):
    return run("check", str(project / "scrape"), *args)


def test_config_found_walking_up(project) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "newsroom"\n\n[tool.dupfinder]\n'
        'allow = ["pa.example", "reuters.example", "ap.example"]\n')
    out = check(project)
    assert out.exit_code == 0 and "5 allowed" in out.stdout
    assert find_config()[0] == project / "pyproject.toml"


def test_nearest_config_wins_and_dupfinder_toml_before_pyproject(project) -> None:
    (project / "dupfinder.toml").write_text('allow = ["pa.example"]\n')
    (project / "ci" / "pyproject.toml").write_text('[tool.black]\nline-length = 100\n')
    # a pyproject.toml without [tool.dupfinder] is passed over, as ruff passes over one
    # without [tool.ruff]
    assert find_config()[0] == project / "dupfinder.toml"
    assert "2 allowed" in check(project).stdout
    (project / "ci" / "pyproject.toml").write_text('[tool.dupfinder]\nallow = ["ap.example"]\n')
    assert find_config()[0] == project / "ci" / "pyproject.toml"
    assert "2 allowed" in check(project).stdout  # the two AP stories
    (project / "ci" / "dupfinder.toml").write_text('allow = ["reuters.example"]\n')
    assert find_config()[0] == project / "ci" / "dupfinder.toml"
    assert "1 allowed" in check(project).stdout


def test_unknown_key_is_an_error_naming_it(project) -> None:
    (project / "dupfinder.toml").write_text('alow = ["pa.example"]\n')
    line = one_error(check(project))
    assert line == ("dupfinder: error: ../../dupfinder.toml: unknown key 'alow'; did you mean "
                    "'allow'? known keys are allow, max-clusters, max-duplicate-ratio")
    (project / "dupfinder.toml").unlink()
    (project / "pyproject.toml").write_text('[tool.dupfinder]\nmax_clusters = 3\n'
                                            '[tool.dupfinder.extra]\nx = 1\n')
    line = one_error(check(project))
    assert "pyproject.toml [tool.dupfinder]: unknown key 'max_clusters'" in line
    assert "did you mean 'max-clusters'?" in line
    (project / "pyproject.toml").write_text('[tool.dupfinder.check]\nallow = []\n')
    assert "unknown key 'check'" in one_error(check(project))


def test_limits_from_config_and_flags_override(project) -> None:
    base = str(project / "baseline.json")
    assert check(project, "--baseline", base, "--update-baseline").exit_code == 0
    (project / "dupfinder.toml").write_text('max-clusters = 4\nmax-duplicate-ratio = 0.6\n')
    out = check(project, "--baseline", base)
    assert out.exit_code == 1 and "more than --max-clusters 4" in out.stdout
    assert "duplicate ratio" not in out.stdout.split("policy:", 1)[1]
    assert check(project, "--baseline", base, "--max-clusters", "5").exit_code == 0
    out = check(project, "--baseline", base, "--max-clusters", "5", "--max-duplicate-ratio",
                "0.5")
    assert out.exit_code == 1 and "above --max-duplicate-ratio 0.5" in out.stdout


@pytest.mark.parametrize("value", ["1.5", "-0.1", "20", "true", '"0.2"'])
def test_ratio_in_config_outside_0_1_is_refused(project, value) -> None:
    (project / "dupfinder.toml").write_text(f"max-duplicate-ratio = {value}\n")
    line = one_error(check(project))
    assert "dupfinder.toml: max-duplicate-ratio must be a" in line and "from 0 to 1" in line


@pytest.mark.parametrize("value", ["1.5", "-0.1", "nan"])
def test_ratio_flag_outside_0_1_is_refused(project, value) -> None:
    line = one_error(check(project, "--max-duplicate-ratio", value))
    assert line.startswith("dupfinder: error: --max-duplicate-ratio must be a share from 0 to 1")


def test_bad_counts_and_tables(project) -> None:
    assert "--max-clusters must be a whole number" in one_error(
        check(project, "--max-clusters", "-1"))
    (project / "dupfinder.toml").write_text("max-clusters = 2.5\n")
    assert "max-clusters must be a whole number of 0 or more, got 2.5" in one_error(
        check(project))
    (project / "dupfinder.toml").unlink()
    (project / "pyproject.toml").write_text('[tool]\ndupfinder = "strict"\n')
    assert "[tool.dupfinder] must be a table" in one_error(check(project))
    (project / "pyproject.toml").write_text('[tool.dupfinder\n')
    assert "pyproject.toml: not valid TOML" in one_error(check(project))


def test_explicit_config_file(project, tmp_path) -> None:
    settings = tmp_path / "gate.toml"
    settings.write_text('allow = ["pa.example"]\nmax-clusters = 10\n')
    config = load_config(settings)
    assert config.allow.outlets == {"pa.example"} and config.max_clusters == 10
    assert "2 allowed" in check(project, "--config", str(settings)).stdout
    settings.write_text("colour = 'red'\n")
    with pytest.raises(UsageError, match="unknown key 'colour'"):
        load_config(settings)
    assert "no such config file" in one_error(check(project, "--config", "missing.toml"))
