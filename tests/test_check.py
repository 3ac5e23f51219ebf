"""`dupfinder check`: the CI gate with a baseline, an allow-list and limits."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from tests.conftest import SAMPLE, run, sample_records, write_jsonl


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no pyproject.toml allow-list from the repository
    return tmp_path


def test_baseline_round_trip_and_new_copy_fails(workdir) -> None:
    base = workdir / "baseline.json"
    out = run("check", str(SAMPLE), "--baseline", str(base))
    assert out.exit_code == 2 and "--update-baseline" in out.stderr
    out = run("check", str(SAMPLE), "--baseline", str(base), "--update-baseline")
    assert out.exit_code == 0 and "now accepts 5 clusters" in out.stdout
    data = json.loads(base.read_text())
    assert data["schema"] == 1 and len(data["clusters"]) == 5
    fps = [c["fingerprint"] for c in data["clusters"]]
    assert fps == sorted(fps)  # sorted, diff-friendly
    assert not list(workdir.glob(".baseline.json.*"))  # no temporary file left behind
    out = run("check", str(SAMPLE), "--baseline", str(base))
    assert out.exit_code == 0 and "ok - 0 new, 5 in baseline" in out.stdout

    # One more outlet runs the rates story: that cluster is now new, and named.
    records = sample_records()
    wire = next(r for r in records if r["id"] == "reuters-rates")
    records.append({**wire, "id": "newsite-rates", "outlet": "newsite.example",
                    "published": "2026-04-09T14:00:00Z",
                    "url": "https://newsite.example/rates"})
    grown = write_jsonl(workdir / "grown.jsonl", records)
    out = run("check", str(grown), "--baseline", str(base))
    assert out.exit_code == 1
    assert "1 new, 4 in baseline" in out.stdout and "'reuters-rates'" in out.stdout
    assert "new article newsite-rates (newsite.example) at grown.jsonl:39" in out.stdout
    assert run("check", str(grown), "--baseline", str(base), "--exit-zero").exit_code == 0


def test_formats_share_the_exit_code_and_junit_parses(workdir) -> None:
    codes = {}
    for fmt in ("text", "json", "junit", "github"):
        out = run("check", str(SAMPLE), "--format", fmt)
        codes[fmt] = out.exit_code
        if fmt == "junit":
            suite = ET.fromstring(out.stdout)
            assert suite.tag == "testsuite" and suite.get("failures") == "5"
            failures = suite.findall("./testcase/failure")
            assert len(failures) == 5 and "pa-strike" in failures[0].get("message", "")
        if fmt == "json":
            assert json.loads(out.stdout)["failed"] is True
        if fmt == "github":
            assert out.stdout.startswith("::error file=")
            # one annotation per new article (every member is new without a baseline)
            assert out.stdout.count("::error file=") == 26
            assert "title=dupfinder%3A new copy of pa-strike::" in out.stdout
    assert set(codes.values()) == {1}


def test_corrupt_or_wrong_version_baseline_exits_2(workdir) -> None:
    bad = workdir / "bad.json"
    bad.write_text("{not json")
    out = run("check", str(SAMPLE), "--baseline", str(bad))
    assert out.exit_code == 2 and "not valid JSON" in out.stderr
    bad.write_text(json.dumps({"schema": 99, "clusters": []}))
    out = run("check", str(SAMPLE), "--baseline", str(bad))
    assert out.exit_code == 2 and "schema 99" in out.stderr


def test_allow_list_in_dupfinder_toml(workdir) -> None:
    (workdir / "dupfinder.toml").write_text(
        'allow = ["pa.example", "reuters.example", "ap.example"]\n')
    out = run("check", str(SAMPLE))
    assert out.exit_code == 0 and "5 allowed" in out.stdout
    (workdir / "dupfinder.toml").write_text('allow = ["pa.example"]\n')
    out = run("check", str(SAMPLE))
    assert out.exit_code == 1 and "3 new" in out.stdout and "2 allowed" in out.stdout
    (workdir / "dupfinder.toml").write_text("allow = [3]\n")
    out = run("check", str(SAMPLE))
    assert out.exit_code == 2 and "neither an outlet nor a list" in out.stderr


def test_allow_list_groups_in_pyproject(workdir) -> None:
    records = [r for r in sample_records() if r["id"] in ("pa-flood", "dailybrief-flood")]
    path = write_jsonl(workdir / "two.jsonl", records)
    (workdir / "pyproject.toml").write_text(
        '[tool.dupfinder]\nallow = [["pa.example", "dailybrief.example"]]\n')
    assert run("check", str(path)).exit_code == 0
    (workdir / "pyproject.toml").write_text("[tool.other]\nx = 1\n")
    assert run("check", str(path)).exit_code == 1


def test_limits(workdir) -> None:
    base = workdir / "b.json"
    run("check", str(SAMPLE), "--baseline", str(base), "--update-baseline")
    assert run("check", str(SAMPLE), "--baseline", str(base), "--max-clusters", "5").exit_code == 0
    out = run("check", str(SAMPLE), "--baseline", str(base), "--max-clusters", "4")
    assert out.exit_code == 1 and "more than --max-clusters 4" in out.stdout
    out = run("check", str(SAMPLE), "--baseline", str(base), "--max-duplicate-ratio", "0.5")
    assert out.exit_code == 1 and "duplicate ratio 0.553" in out.stdout
