"""`dupfinder check` as CI runs it: a throwaway git repository holding a two-day scrape, the
command run as a process (`python -m dupfinder`) from the repository root. Day 1 is accepted;
day 2 brings a regional copy of an accepted wire story, which every format names by its id,
outlet, file and line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from junitparser import Failure, JUnitXml

from tests.conftest import ROOT, sample_records, write_jsonl
from tests.test_check_new_articles import LOCAL, RATES_COPY

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

DAY1 = "scrape/2026-04-09.jsonl"
DAY2 = "scrape/2026-04-10.jsonl"
BASELINE = ".dupfinder-baseline.json"


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Desk", "GIT_AUTHOR_EMAIL": "desk@newsroom.example",
           "GIT_COMMITTER_NAME": "Desk", "GIT_COMMITTER_EMAIL": "desk@newsroom.example",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True,
                          check=True)
    return done.stdout


def dupfinder(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    return subprocess.run([sys.executable, "-m", "dupfinder", *args], cwd=repo, env=env,
                          capture_output=True, timeout=120)


@pytest.fixture
def repo(tmp_path) -> Path:
    repo = tmp_path / "newsroom"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "scrape").mkdir()
    write_jsonl(repo / DAY1, sample_records())
    git(repo, "add", DAY1)
    git(repo, "commit", "-q", "-m", "scrape 2026-04-09")
    accept = dupfinder(repo, "check", "scrape", "--baseline", BASELINE, "--update-baseline")
    assert accept.returncode == 0, accept.stderr
    assert b"now accepts 5 clusters (5 added, 0 stale entries dropped)" in accept.stdout
    git(repo, "add", BASELINE)
    git(repo, "commit", "-q", "-m", "accept the 2026-04-09 clusters")
    # Day 2: two local stories, and a Kent site's copy of the accepted Reuters rates story
    write_jsonl(repo / DAY2, [LOCAL[0], RATES_COPY, LOCAL[1]])
    git(repo, "add", DAY2)
    git(repo, "commit", "-q", "-m", "scrape 2026-04-10")
    return repo


def test_new_copy_named_in_a_git_repository(repo) -> None:
    assert DAY2 in git(repo, "ls-files").split()  # the path annotations point at exists
    run = ["check", "scrape", "--baseline", BASELINE]
    where = f"{DAY2}:2"

    text = dupfinder(repo, *run)
    assert text.returncode == 1 and text.stderr == b""
    out = text.stdout.decode()
    assert "FAIL - 1 new, 4 in baseline, 0 allowed, 1 stale" in out
    assert f"    new article kentledger-rates (kentledger.example) at {where}\n" in out
    assert str(repo) not in out

    report = json.loads(dupfinder(repo, *run, "--format", "json").stdout)
    rates = report["clusters"]["reuters-rates"]
    assert report["new_articles"] == rates["new_articles"] == ["kentledger-rates"]
    new = [m for m in rates["members"] if m["new"]]
    assert [(m["id"], m["outlet"], m["location"]) for m in new] == [
        ("kentledger-rates", "kentledger.example", where)]

    junit = dupfinder(repo, *run, "--format", "junit")
    assert junit.returncode == 1
    (repo / "dupes.xml").write_bytes(junit.stdout)
    suite = next(iter(JUnitXml.fromfile(str(repo / "dupes.xml"))))
    failures = [(case.name, r) for case in suite for r in case.result if isinstance(r, Failure)]
    assert [name for name, _ in failures] == ["reuters-rates"]
    failure = failures[0][1]
    assert f"kentledger-rates (kentledger.example) at {where}" in failure.message
    assert f"NEW kentledger-rates (kentledger.example) at {where}" in (failure.text or "")

    github = dupfinder(repo, *run, "--format", "github")
    assert github.returncode == 1
    errors = [line for line in github.stdout.decode().splitlines()
              if line.startswith("::error")]
    assert len(errors) == 1
    assert errors[0].startswith(f"::error file={DAY2},line=2,title=dupfinder%3A new copy of "
                                "reuters-rates::kentledger-rates (kentledger.example) is a new "
                                "copy in cluster 'reuters-rates'")
    line = (repo / DAY2).read_text().splitlines()[1]
    assert json.loads(line)["id"] == "kentledger-rates"  # the annotated line is the copy's own

    # Accepting day 2 replaces the grown cluster's entry and the gate passes again.
    update = dupfinder(repo, *run, "--update-baseline")
    assert b"(1 added, 1 stale entry dropped)" in update.stdout
    assert dupfinder(repo, *run).returncode == 0
    assert git(repo, "diff", "--name-only").split() == [BASELINE]  # a change to review
