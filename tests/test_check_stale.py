"""Nothing read is no finding (exit 2, one line), and baseline entries that match no current
cluster are stale: listed in every format, dropped by --update-baseline, which says so."""

from __future__ import annotations

import json

import pytest
from junitparser import JUnitXml, Skipped

from tests.conftest import run, sample_records, write_jsonl


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def one_error_line(out) -> str:
    """The error: one line, the last on stderr (after any note), nothing on stdout. (The
    readers may refuse a folder with nothing to read before `check` does; either way.)"""
    assert out.exit_code == 2 and out.stdout == ""
    errors = [line for line in out.stderr.splitlines() if line.startswith("dupfinder: error:")]
    assert len(errors) == 1 and out.stderr.splitlines()[-1] == errors[0]
    return errors[0]


def test_empty_folder_exits_2(workdir) -> None:
    (workdir / "scrape").mkdir()
    line = one_error_line(run("check", "scrape"))
    assert "scrape" in line and "empty" in line
    line = one_error_line(run("check", "scrape", "--baseline", "b.json", "--update-baseline"))
    assert "empty" in line and not (workdir / "b.json").exists()


def test_folder_without_a_supported_file_exits_2(workdir) -> None:
    folder = workdir / "reuters21578"
    folder.mkdir()
    for n in range(3):
        (folder / f"reut2-00{n}.sgm").write_text("<REUTERS><BODY>Cocoa prices rose.</BODY>"
                                                 "</REUTERS>\n")
    (folder / "README").write_text("Reuters-21578, Distribution 1.0\n")
    (folder / ".hidden.jsonl").write_text('{"id": "x", "text": "hidden"}\n')
    line = one_error_line(run("check", "reuters21578", "--format", "junit"))
    assert "reuters21578" in line and "3 .sgm, 1 no suffix" in line
    assert ".jsonl" in line  # says what would be read


def test_file_whose_records_are_all_skipped_exits_2(workdir) -> None:
    (workdir / "bad.jsonl").write_text('{"id": "a", "text": ""}\n{"id": "b", "text": " "}\n')
    line = one_error_line(run("check", "bad.jsonl"))
    assert "no article in bad.jsonl" in line and "2 records skipped" in line


def test_stale_entries_listed_in_every_format_and_dropped_on_update(workdir) -> None:
    write_jsonl(workdir / "day1.jsonl", sample_records())
    assert run("check", "day1.jsonl", "--baseline", "b.json", "--update-baseline").exit_code == 0
    # The museum story is gone from today's scrape; the telescope story lost a copy.
    gone = {"ap-museum", "artnewsdaily-museum", "valleyherald-museum", "sciencetoday-museum",
            "coastalpost-telescope"}
    write_jsonl(workdir / "day1.jsonl", [r for r in sample_records() if r["id"] not in gone])
    base = json.loads((workdir / "b.json").read_text())
    museum = next(c["fingerprint"] for c in base["clusters"] if c["canonical"] == "ap-museum")
    args = ["check", "day1.jsonl", "--baseline", "b.json"]

    text = run(*args)
    assert text.exit_code == 1  # the smaller telescope cluster is new; stale entries never fail
    assert "1 new, 3 in baseline, 0 allowed, 2 stale" in text.stdout
    museum_line = next(line for line in text.stdout.splitlines() if museum[:12] in line)
    assert museum_line.startswith(f"  stale baseline entry {museum[:12]} (4 copies of "
                                  "'ap-museum') at b.json:")
    assert "no longer in any cluster; --update-baseline drops it" in museum_line

    report = json.loads(run(*args, "--format", "json").stdout)
    assert set(report["stale"]) == {museum, report["clusters"]["ap-telescope"]["previous"][0]}
    assert report["stale"][museum]["canonical"] == "ap-museum"
    assert report["stale"][museum]["now_in"] == []
    lines = (workdir / "b.json").read_text().splitlines()
    assert museum in lines[report["stale"][museum]["line"] - 1]  # the entry's own line

    suite = next(iter(JUnitXml.fromstring(run(*args, "--format", "junit").stdout_bytes)))
    skipped = {case.name: case.result[0] for case in suite if case.classname ==
               "dupfinder.baseline"}
    assert set(skipped) == set(report["stale"])
    assert isinstance(skipped[museum], Skipped) and "ap-museum" in skipped[museum].message

    github = run(*args, "--format", "github").stdout.splitlines()
    warnings = [line for line in github if line.startswith("::warning")]
    assert len(warnings) == 2
    assert any(line.startswith(f"::warning file=b.json,line={report['stale'][museum]['line']},"
                               "title=dupfinder%3A stale baseline entry::") for line in warnings)

    update = run(*args, "--update-baseline")
    assert update.exit_code == 0
    assert "now accepts 4 clusters (1 added, 2 stale entries dropped)" in update.stdout
    assert f"dropped stale entry {museum[:12]}: 4 copies of 'ap-museum'" in update.stdout
    after = run(*args)
    assert after.exit_code == 0 and "0 new, 4 in baseline, 0 allowed, 0 stale" in after.stdout


def test_update_replaces_an_unreadable_baseline(workdir) -> None:
    write_jsonl(workdir / "day1.jsonl", sample_records())
    (workdir / "b.json").write_text("{half a baseline")
    out = run("check", "day1.jsonl", "--baseline", "b.json", "--update-baseline")
    assert out.exit_code == 0 and "now accepts 5 clusters (5 added" in out.stdout


def test_baseline_of_the_first_format_still_reads(workdir) -> None:
    """Schema 1 as written before member ids were used: entries with and without members.
    An entry whose members do not match its fingerprint is refused."""
    write_jsonl(workdir / "day1.jsonl", sample_records())
    run("check", "day1.jsonl", "--baseline", "b.json", "--update-baseline")
    data = json.loads((workdir / "b.json").read_text())
    for entry in data["clusters"][:2]:
        del entry["members"]  # a hand-written entry: accepted by fingerprint alone
    (workdir / "b.json").write_text(json.dumps(data))
    assert run("check", "day1.jsonl", "--baseline", "b.json").exit_code == 0
    data["clusters"][3]["members"].pop()
    (workdir / "b.json").write_text(json.dumps(data))
    out = run("check", "day1.jsonl", "--baseline", "b.json")
    assert out.exit_code == 2 and "does not match its members" in out.stderr
