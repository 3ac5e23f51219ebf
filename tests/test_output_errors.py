"""Library errors name library keywords (``threshold=``); the CLI names its flags
(``--threshold``) for the same mistake."""

from __future__ import annotations

import pytest

import dupfinder
from dupfinder.params import Params
from tests.conftest import SAMPLE, run

BAD = [  # library keyword, CLI flag, bad value, what the message says
    ("threshold", "--threshold", 1.5, "must be between 0 and 1"),
    ("containment", "--containment", 0.0, "must be between 0 and 1"),
    ("shingle", "--shingle", 0, "must be a word count from 1 to 20"),
    ("num_perm", "--num-perm", 8, "must be from 16 to 1024"),
    ("min_shingles", "--min-shingles", 0, "must be at least 1"),
]


@pytest.mark.parametrize(("keyword", "flag", "value", "says"), BAD)
def test_library_names_the_keyword(keyword, flag, value, says) -> None:
    with pytest.raises(dupfinder.UsageError) as caught:
        dupfinder.scan(str(SAMPLE), **{keyword: value})
    message = str(caught.value)
    assert message.startswith(f"{keyword}= {says}"), message
    assert "--" not in message
    assert caught.value.option == keyword
    with pytest.raises(dupfinder.UsageError, match=f"^{keyword}= "):
        Params(**{keyword: value})


@pytest.mark.parametrize(("keyword", "flag", "value", "says"), BAD)
def test_cli_names_the_flag(keyword, flag, value, says) -> None:
    out = run("scan", str(SAMPLE), flag, str(value))
    assert out.exit_code == 2
    assert out.stderr.startswith(f"dupfinder: error: {flag} {says}"), out.stderr
    assert f"{keyword}=" not in out.stderr and out.stderr.count("\n") == 1


def test_workers_in_both_voices(tmp_path) -> None:
    with pytest.raises(dupfinder.UsageError, match=r"^workers= must be 0 \(all cores\)"):
        dupfinder.scan(str(SAMPLE), workers=-1)
    out = run("scan", str(SAMPLE), "--workers", "-1")
    assert out.exit_code == 2 and "dupfinder: error: --workers must be 0" in out.stderr
    out = run("index", "add", str(tmp_path / "n.db"), str(SAMPLE), "--threshold", "2")
    assert out.exit_code == 2 and "dupfinder: error: --threshold must be" in out.stderr
