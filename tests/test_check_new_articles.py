"""`dupfinder check` names the article that made a cluster new, in every format, at its own
file and line (relative to the working directory), and names clusters stably in CI output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from junitparser import Failure, JUnitXml

from tests.conftest import run, sample_records, write_jsonl


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no pyproject.toml allow-list from the repository
    return tmp_path


def wire(story: str) -> dict[str, Any]:
    return next(r for r in sample_records() if r["id"] == story)


def regional_copy(story: str, id: str, outlet: str, title: str, local: str) -> dict[str, Any]:
    """What a regional site does with wire copy: a new headline, the wire's ending cut, a
    paragraph of its own added, its own URL and time."""
    original = wire(story)
    paragraphs = original["text"].split("\n")
    return {"id": id, "outlet": outlet, "title": title, "published": "2026-04-10T07:30:00Z",
            "url": f"https://{outlet}/news/{id}", "text": "\n".join(paragraphs[:-1] + [local])}


RATES_COPY = regional_copy(
    "reuters-rates", "kentledger-rates", "kentledger.example",
    "Bank holds rates - but Kent savers may see a cut by autumn",
    "Mortgage brokers in Maidstone said enquiries had risen sharply since the spring, as "
    "first-time buyers waited for the cut the bank now appears to promise.")
STRIKE_COPY = regional_copy(
    "pa-strike", "fenwatch-strike", "fenwatch.example",
    "Fenland commuters brace for three days of rail strikes",
    "Stations at March, Whittlesey and Manea will have no trains at all on the strike days, "
    "the operator said, and replacement buses will run only at peak times.")
LOCAL = [
    {"id": "kentledger-fete", "outlet": "kentledger.example",
     "title": "Village fete returns after four-year break",
     "published": "2026-04-10T08:00:00Z", "url": "https://kentledger.example/news/fete",
     "text": "The summer fete at Boughton Monchelsea returns this year after a four-year break, "
             "organisers said, with a dog show, a brass band and a tug of war between the two "
             "pubs.\nThe parish council has paid for new bunting and volunteers are still "
             "needed to run the tombola and the cake stall."},
    {"id": "fenwatch-drain", "outlet": "fenwatch.example",
     "title": "Internal drainage board to raise its levy",
     "published": "2026-04-10T09:10:00Z", "url": "https://fenwatch.example/news/drain",
     "text": "The internal drainage board covering Whittlesey will raise its levy by six "
             "percent, blaming the cost of running its pumping stations through a wet "
             "winter.\nBoard members said two pumps at Kings Dyke would be replaced next year."},
]


def day_files(root: Path) -> tuple[Path, Path]:
    """Day 1 is the sample scrape; day 2 holds two local stories and two new copies of
    accepted stories, at lines 2 (rates) and 4 (strike)."""
    root.mkdir(parents=True, exist_ok=True)
    day1 = write_jsonl(root / "2026-04-09.jsonl", sample_records())
    day2 = write_jsonl(root / "2026-04-10.jsonl",
                       [LOCAL[0], RATES_COPY, LOCAL[1], STRIKE_COPY])
    return day1, day2


def accepted_day1(workdir: Path) -> tuple[Path, Path]:
    day1, day2 = day_files(workdir / "scrape")
    out = run("check", "scrape/2026-04-09.jsonl", "--baseline", "baseline.json",
              "--update-baseline")
    assert out.exit_code == 0, out.stderr
    return day1, day2


def test_new_copy_named_with_outlet_and_line_in_every_format(workdir) -> None:
    accepted_day1(workdir)
    args = ["check", "scrape", "--baseline", "baseline.json"]

    text = run(*args)
    assert text.exit_code == 1
    assert "2 new, 3 in baseline" in text.stdout
    assert ("new article kentledger-rates (kentledger.example) at scrape/2026-04-10.jsonl:2"
            in text.stdout)
    assert ("new article fenwatch-strike (fenwatch.example) at scrape/2026-04-10.jsonl:4"
            in text.stdout)
    assert text.stdout.count("new article") == 2  # the accepted members are not new

    report = json.loads(run(*args, "--format", "json").stdout)
    assert report["schema"] == 2 and report["failed"] is True
    assert sorted(report["new_articles"]) == ["fenwatch-strike", "kentledger-rates"]
    rates = report["clusters"]["reuters-rates"]
    assert rates["status"] == "new" and rates["new_articles"] == ["kentledger-rates"]
    marked = {m["id"]: m for m in rates["members"]}
    assert marked["kentledger-rates"]["new"] is True
    assert marked["kentledger-rates"]["location"] == "scrape/2026-04-10.jsonl:2"
    assert (marked["kentledger-rates"]["file"], marked["kentledger-rates"]["line"]) == (
        "scrape/2026-04-10.jsonl", 2)
    assert [m["id"] for m in rates["members"] if m["new"]] == ["kentledger-rates"]
    assert marked["reuters-rates"]["location"] == "scrape/2026-04-09.jsonl:7"
    assert report["clusters"]["pa-flood"]["status"] == "accepted"

    suite = next(iter(JUnitXml.fromstring(run(*args, "--format", "junit").stdout_bytes)))
    failing = {case.name: case for case in suite
               if any(isinstance(r, Failure) for r in case.result)}
    assert set(failing) == {"reuters-rates", "pa-strike"}
    failure = failing["reuters-rates"].result[0]
    assert isinstance(failure, Failure)
    assert ("kentledger-rates (kentledger.example) at scrape/2026-04-10.jsonl:2"
            in failure.message)
    assert "NEW kentledger-rates (kentledger.example) at scrape/2026-04-10.jsonl:2" in (
        failure.text or "")
    assert "    reuters-rates (reuters.example) at scrape/2026-04-09.jsonl:7" in (
        failure.text or "")

    github = run(*args, "--format", "github")
    assert github.exit_code == 1
    errors = [line for line in github.stdout.splitlines() if line.startswith("::error")]
    assert len(errors) == 2  # one annotation per new article, none for accepted members
    assert errors[0].startswith("::error file=scrape/2026-04-10.jsonl,line=4,"
                                "title=dupfinder%3A new copy of pa-strike::fenwatch-strike "
                                "(fenwatch.example)")
    assert errors[1].startswith("::error file=scrape/2026-04-10.jsonl,line=2,")
    assert "kentledger-rates (kentledger.example) is a new copy" in errors[1]


def test_paths_are_relative_to_the_working_directory(workdir, monkeypatch) -> None:
    accepted_day1(workdir)
    (workdir / "ci").mkdir()
    monkeypatch.chdir(workdir / "ci")
    for fmt in ("text", "json", "junit", "github"):
        out = run("check", str(workdir / "scrape"), "--baseline", str(workdir / "baseline.json"),
                  "--format", fmt)
        assert out.exit_code == 1
        assert "../scrape/2026-04-10.jsonl:2" in out.stdout or (
            "file=../scrape/2026-04-10.jsonl,line=2" in out.stdout)
        assert str(workdir) not in out.stdout  # never an absolute path


def test_json_array_record_is_named_by_its_line(workdir) -> None:
    accepted_day1(workdir)
    day2 = workdir / "scrape" / "2026-04-10.jsonl"
    day2.unlink()
    # news-please style: one pretty-printed array; the rates copy is record 2 at line 9
    pages = workdir / "scrape" / "2026-04-10.json"
    pages.write_text(json.dumps([LOCAL[0], RATES_COPY, LOCAL[1]], indent=1), encoding="utf-8")
    starts = [n for n, text in enumerate(pages.read_text().splitlines(), 1) if text == " {"]
    line = starts[1]
    out = run("check", "scrape", "--baseline", "baseline.json")
    assert f"new article kentledger-rates (kentledger.example) at scrape/2026-04-10.json:{line}" \
        in out.stdout
    assert "#" not in out.stdout
    github = run("check", "scrape", "--baseline", "baseline.json", "--format", "github")
    assert f"::error file=scrape/2026-04-10.json,line={line}," in github.stdout


def test_parquet_record_is_path_colon_row_and_annotates_the_file(workdir) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    accepted_day1(workdir)
    (workdir / "scrape" / "2026-04-10.jsonl").unlink()
    rows = [LOCAL[1], LOCAL[0], STRIKE_COPY]
    pq.write_table(pa.Table.from_pylist(rows), workdir / "scrape" / "2026-04-10.parquet")
    out = run("check", "scrape", "--baseline", "baseline.json")
    assert ("new article fenwatch-strike (fenwatch.example) at scrape/2026-04-10.parquet:3"
            in out.stdout)
    report = json.loads(run("check", "scrape", "--baseline", "baseline.json",
                            "--format", "json").stdout)
    member = next(m for m in report["clusters"]["pa-strike"]["members"] if m["new"])
    assert (member["file"], member["line"], member["record"]) == (
        "scrape/2026-04-10.parquet", None, 3)
    github = run("check", "scrape", "--baseline", "baseline.json", "--format", "github").stdout
    # a binary file has no lines: the annotation is on the file, the row is in the message
    assert "::error file=scrape/2026-04-10.parquet,title=" in github
    assert "fenwatch-strike (fenwatch.example) (record 3) is a new copy" in github
    assert "#" not in github and ".parquet#" not in out.stdout


def test_cluster_that_lost_a_member_names_no_article_and_its_entry_is_stale(workdir) -> None:
    accepted_day1(workdir)
    records = [r for r in sample_records() if r["id"] != "coastalpost-rates"]
    write_jsonl(workdir / "scrape" / "2026-04-09.jsonl", records)
    (workdir / "scrape" / "2026-04-10.jsonl").unlink()
    out = run("check", "scrape", "--baseline", "baseline.json")
    assert out.exit_code == 1 and "1 new, 4 in baseline, 0 allowed, 1 stale" in out.stdout
    assert "regrouped accepted articles (no new article" in out.stdout
    assert "  new article " not in out.stdout
    report = json.loads(run("check", "scrape", "--baseline", "baseline.json",
                            "--format", "json").stdout)
    rates = report["clusters"]["reuters-rates"]
    assert rates["new_articles"] == [] and len(rates["previous"]) == 1
    assert list(report["stale"]) == rates["previous"]


def test_junit_names_and_json_keys_follow_the_story_not_the_position(workdir) -> None:
    accepted_day1(workdir)
    first = JUnitXml.fromstring(run("check", "scrape/2026-04-09.jsonl", "--baseline",
                                    "baseline.json", "--format", "junit").stdout_bytes)
    # Day 2 grows the rates story past the flood story: positions c2/c3 swap, names do not.
    more = [regional_copy("reuters-rates", f"town{i}-rates", f"town{i}.example",
                          f"Rates decision: what it means in town {i}",
                          f"Estate agents in town {i} said the news would help buyers.")
            for i in range(3)]
    write_jsonl(workdir / "scrape" / "2026-04-10.jsonl", more)
    second_out = run("check", "scrape", "--baseline", "baseline.json", "--format", "junit")
    second = JUnitXml.fromstring(second_out.stdout_bytes)
    names = [(case.classname, case.name) for suite in first for case in suite]
    names2 = [(case.classname, case.name) for suite in second for case in suite]
    stories = ("ap-museum", "ap-telescope", "pa-flood", "pa-strike", "reuters-rates")
    assert sorted(n for c, n in names if c == "dupfinder.clusters") == list(stories)
    assert sorted(n for c, n in names2 if c == "dupfinder.clusters") == list(stories)
    assert ("dupfinder", "policy") in names and ("dupfinder", "policy") in names2
    assert not any(n.startswith("c") and n[1:].isdigit() for _, n in names + names2)
    report = json.loads(run("check", "scrape", "--baseline", "baseline.json",
                            "--format", "json").stdout)
    assert sorted(report["clusters"]) == list(stories)
    assert report["clusters"]["reuters-rates"]["scan_id"] == "c1"  # largest now
    assert report["new"] == ["reuters-rates"]


def test_policy_case_has_a_fixed_name_passing_or_failing(workdir) -> None:
    accepted_day1(workdir)
    args = ["check", "scrape/2026-04-09.jsonl", "--baseline", "baseline.json",
            "--format", "junit"]
    for limit, failed in (("5", False), ("4", True)):
        out = run(*args, "--max-clusters", limit)
        suite = next(iter(JUnitXml.fromstring(out.stdout_bytes)))
        policy = [case for case in suite if case.name == "policy"]
        assert len(policy) == 1 and policy[0].classname == "dupfinder"
        assert bool(policy[0].result) is failed
        if failed:
            assert "more than --max-clusters 4" in policy[0].result[0].message


@pytest.mark.parametrize(("source", "label", "line", "record"), [
    ("scrape/day.jsonl:7", "scrape/day.jsonl:7", 7, None),
    ("scrape/day.csv.gz:12", "scrape/day.csv.gz:12", 12, None),
    ("scrape/page.html", "scrape/page.html:1", 1, None),
    ("scrape/day.parquet#4", "scrape/day.parquet:4", None, 4),
    ("cc-news.warc.gz#31", "cc-news.warc.gz:31", None, 31),
    ("<stdin>:3", "<stdin>:3", 3, None),
    ("<stdin>#2", "<stdin>:2", None, 2),
    ("record 5", "record 5", None, 5),
])
def test_every_source_form_has_a_location_without_hash(tmp_path, source, label, line,
                                                       record) -> None:
    from dupfinder.check import Locator

    where = Locator(tmp_path)(source if source.startswith(("<", "record")) else
                              str(tmp_path / source))
    assert (where.label, where.line, where.record) == (label, line, record)
    assert where.annotation_line == (line if not source.endswith(".gz:12") else None)
