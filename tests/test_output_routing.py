"""Output only where asked: a report written to a file replaces the table unless --table asks
for it too; two outputs cannot both claim stdout."""

from __future__ import annotations

import json

from tests.conftest import SAMPLE, run

TABLE_HEAD = "5 clusters, 26 of 38 articles in clusters"


def test_a_report_file_replaces_the_table_unless_table_is_given(tmp_path) -> None:
    for flag, name in (("--json", "r.json"), ("--csv", "r.csv"), ("--html", "r.html")):
        out = run("scan", str(SAMPLE), flag, str(tmp_path / name))
        assert out.exit_code == 0, out.stderr
        assert out.stdout == "", flag
        assert (tmp_path / name).stat().st_size > 0
        out = run("scan", str(SAMPLE), flag, str(tmp_path / name), "--table")
        assert out.stdout.startswith(TABLE_HEAD), flag
    # No other output asked for: the table.
    assert run("scan", str(SAMPLE)).stdout.startswith(TABLE_HEAD)


def test_table_goes_to_stderr_when_stdout_carries_the_report() -> None:
    out = run("scan", str(SAMPLE), "--json", "-", "--table")
    assert out.exit_code == 0
    assert json.loads(out.stdout)["stats"]["clusters"] == 5
    assert out.stderr.startswith(TABLE_HEAD)


def test_two_outputs_on_stdout_are_a_usage_error() -> None:
    for args in (("--json", "-", "--csv", "-"), ("--json", "-", "--html", "-"),
                 ("--csv", "-", "--html", "-")):
        out = run("scan", str(SAMPLE), *args)
        assert out.exit_code == 2, args
        assert out.stdout == ""
        lines = out.stderr.splitlines()
        assert len(lines) == 1 and "both write to stdout" in lines[0], out.stderr
    out = run("diff", str(SAMPLE), "--cluster", "c1", "--json", "-", "--html", "-")
    assert out.exit_code == 2 and out.stderr.count("\n") == 1


def test_boilerplate_report_is_an_output_of_its_own() -> None:
    # Asked alone, it is all that is printed; with --table the table comes first.
    out = run("scan", str(SAMPLE), "--boilerplate-report")
    assert out.exit_code == 0
    assert TABLE_HEAD not in out.stdout
    assert "boilerplate units learned" in out.stdout.splitlines()[0]
    out = run("scan", str(SAMPLE), "--boilerplate-report", "--table")
    assert out.stdout.startswith(TABLE_HEAD) and "boilerplate units learned" in out.stdout
    # Beside a report on stdout, both human views go to stderr.
    out = run("scan", str(SAMPLE), "--csv", "-", "--boilerplate-report", "--table")
    assert out.stdout.startswith("cluster,size,canonical")
    assert TABLE_HEAD in out.stderr and "boilerplate units learned" in out.stderr


def test_diff_writes_only_what_is_asked(tmp_path) -> None:
    page = tmp_path / "d.html"
    out = run("diff", str(SAMPLE), "--cluster", "c3", "--html", str(page))
    assert out.exit_code == 0 and out.stdout == ""
    assert "<del" in page.read_text()
    out = run("diff", str(SAMPLE), "--cluster", "c3", "--json", str(tmp_path / "d.json"))
    assert out.stdout == ""
    assert json.loads((tmp_path / "d.json").read_text())["diffs"]
    out = run("diff", str(SAMPLE), "--cluster", "c3", "--html", str(page), "--text")
    assert out.stdout.startswith("== ")
    # Text view beside JSON on stdout: the text goes to stderr.
    out = run("diff", str(SAMPLE), "--cluster", "c3", "--json", "-", "--text")
    assert json.loads(out.stdout)["diffs"] and out.stderr.startswith("== ")


def test_index_query_json_file_replaces_the_summary(tmp_path) -> None:
    db = str(tmp_path / "news.db")
    assert run("index", "add", db, str(SAMPLE), "-q").exit_code == 0
    target = tmp_path / "m.json"
    out = run("index", "query", db, str(SAMPLE), "--json", str(target))
    assert out.exit_code == 0, out.stderr
    assert out.stdout == ""
    assert json.loads(target.read_text())["queries"]
    out = run("index", "query", db, str(SAMPLE), "--json", str(target), "--table")
    assert "articles match the index" in out.stdout
    out = run("index", "query", db, str(SAMPLE), "--json", "-", "--table")
    assert json.loads(out.stdout)["queries"] and "articles match the index" in out.stderr
    assert "articles match the index" in run("index", "query", db, str(SAMPLE)).stdout
