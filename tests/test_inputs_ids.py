"""Ids that repeat across files: ``--id-from file+id`` qualifies them by their file, and
``index add`` never replaces an article of another file under the same id without being told.

Scrapes number their rows per file (a CMS counter, a row number), so two days' files both hold
an article 1; the 2019 scrapes in ../shared/data share ids between their two CSVs.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

import dupfinder
from tests.conftest import by_id, need_shared, run, sample_records

FIELDS = ["id", "outlet", "title", "published", "url", "text"]


def _two_days(folder: Path) -> dict[str, str]:
    """The sample split into two daily CSVs whose ids are row counters starting at 1 in each
    file; returns qualified id -> sample id."""
    folder.mkdir(parents=True, exist_ok=True)
    records = sample_records()
    days = {"monday.csv": records[0::2], "tuesday.csv": records[1::2]}
    names = {}
    for name, rows in days.items():
        with open(folder / name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=FIELDS)
            writer.writeheader()
            for number, r in enumerate(rows, start=1):
                writer.writerow({**r, "id": str(number)})
                names[f"{name}:{number}"] = r["id"]
    return names


def _expected() -> set[frozenset[str]]:
    return {frozenset(m.id for m in c.members) for c in dupfinder.scan(sample_records()).clusters}


def test_clashing_ids_are_an_error_that_names_the_option(tmp_path) -> None:
    _two_days(tmp_path / "scrape")
    out = run("scan", str(tmp_path / "scrape"))
    assert out.exit_code == 2
    assert "duplicate id '1' in" in out.stderr and "monday.csv:2" in out.stderr
    assert "tuesday.csv:2" in out.stderr and "--id-from file+id" in out.stderr
    with pytest.raises(dupfinder.DuplicateIdError, match="id_from='file\\+id'"):
        dupfinder.scan(str(tmp_path / "scrape"))


def test_duplicates_inside_one_file_do_not_suggest_the_option(tmp_path) -> None:
    path = tmp_path / "one.jsonl"
    records = sample_records()[:3]
    records[2] = {**records[2], "id": records[0]["id"]}
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    out = run("scan", str(path))
    assert out.exit_code == 2 and "drop one record" in out.stderr
    assert "--id-from" not in out.stderr


def test_file_plus_id_qualifies_by_path_inside_the_folder(tmp_path) -> None:
    names = _two_days(tmp_path / "scrape")
    result = dupfinder.scan(str(tmp_path / "scrape"), id_from="file+id")
    assert {a.id for a in result.articles} == set(names)
    got = {frozenset(names[m.id] for m in c.members) for c in result.clusters}
    assert got == _expected()
    out = run("scan", str(tmp_path / "scrape"), "--id-from", "file+id", "--json", "-")
    assert out.exit_code == 0, out.stderr
    report = json.loads(out.stdout)
    assert all(m["id"].split(":")[0] in ("monday.csv", "tuesday.csv")
               for c in report["clusters"] for m in c["members"])


def test_file_plus_id_on_files_uses_the_path_as_given(tmp_path, monkeypatch) -> None:
    _two_days(tmp_path / "scrape")
    monkeypatch.chdir(tmp_path)
    result = dupfinder.scan(["scrape/monday.csv", "scrape/tuesday.csv"], id_from="file+id")
    assert result.articles[0].id == "scrape/monday.csv:1"
    # Records without an id are named by file:line already and are left as they are.
    rows = [{k: v for k, v in r.items() if k not in ("id", "url")} for r in sample_records()]
    Path("noid.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    plain = dupfinder.scan("noid.jsonl", id_from="file+id")
    assert plain.articles[0].id == "noid.jsonl:1"


def test_file_plus_id_on_stdin_and_warc(tmp_path) -> None:
    lines = "".join(json.dumps(r) + "\n" for r in sample_records())
    out = run("scan", "-", "--id-from", "file+id", "--json", "-", input=lines)
    assert out.exit_code == 0, out.stderr
    assert json.loads(out.stdout)["clusters"][0]["canonical"].startswith("<stdin>:")
    pytest.importorskip("warcio")
    pytest.importorskip("trafilatura")
    from tests.formats import write_warc

    write_warc(sample_records()[:2], tmp_path / "crawl.warc.gz")
    got = dupfinder.scan(str(tmp_path / "crawl.warc.gz"), id_from="file+id")
    assert got.articles[0].id == f"{tmp_path.as_posix()}/crawl.warc.gz:https://pa.example/flood"


def test_unknown_id_from_is_refused() -> None:
    with pytest.raises(dupfinder.UsageError, match="id_from= must be 'id' or 'file\\+id'"):
        dupfinder.scan(sample_records(), id_from="path")


def test_the_2019_scrapes_scan_as_a_folder_with_file_plus_id() -> None:
    folder = need_shared("data", "syndication_2019")
    out = run("scan", str(folder), "-q")
    assert out.exit_code == 2 and "--id-from file+id" in out.stderr
    result = dupfinder.scan(str(folder), id_from="file+id")
    assert result.stats.articles == 68
    assert {a.id.split(":")[0] for a in result.articles} == {"census_articles.csv",
                                                               "spotify_articles.csv"}
    assert result.clusters and "census_articles.csv:604" in {a.id for a in result.articles}


# ---- index add -----------------------------------------------------------------------------


def test_index_add_refuses_an_id_of_another_file(tmp_path) -> None:
    _two_days(tmp_path / "scrape")
    db = str(tmp_path / "news.db")
    monday, tuesday = str(tmp_path / "scrape" / "monday.csv"), str(tmp_path / "scrape" /
                                                                 "tuesday.csv")
    assert run("index", "add", db, monday, "-q").exit_code == 0
    # Re-running the same day's add replaces its articles: that is what a re-run is for.
    again = run("index", "add", db, monday)
    assert again.exit_code == 0 and "19 added (19 replaced)" in again.stderr
    out = run("index", "add", db, tuesday)
    assert out.exit_code == 2
    line = out.stderr.strip()
    assert f"{tuesday}:2: id '1' is already in the index from " in line
    assert str(Path(monday).resolve()) in line
    assert "--id-from file+id" in line and "--replace" in line
    # Nothing of Tuesday was written: the chunk is one transaction.
    with dupfinder.Index(db) as idx:
        assert idx.stats()["articles"] == 19
    # Asked for explicitly, another file's article is replaced.
    forced = run("index", "add", db, tuesday, "--replace")
    assert forced.exit_code == 0 and "19 added (19 replaced)" in forced.stderr


def test_index_add_with_file_plus_id_keeps_both_files(tmp_path) -> None:
    names = _two_days(tmp_path / "scrape")
    db = str(tmp_path / "news.db")
    out = run("index", "add", db, str(tmp_path / "scrape"), "--id-from", "file+id")
    assert out.exit_code == 0, out.stderr
    assert "38 added (0 replaced)" in out.stderr
    records = by_id(sample_records())
    query = tmp_path / "query.jsonl"
    query.write_text(json.dumps({**records["metrodaily-flood"], "id": "q1"}) + "\n")
    with dupfinder.Index(db) as idx:
        matches = idx.query(str(query))[0].matches
    assert {names[m.id] for m in matches} >= {"pa-flood", "valleyherald-flood"}


def test_index_library_replace_modes_and_duplicates_within_one_add(tmp_path) -> None:
    _two_days(tmp_path / "scrape")
    monday, tuesday = tmp_path / "scrape" / "monday.csv", tmp_path / "scrape" / "tuesday.csv"
    with dupfinder.Index(tmp_path / "news.db") as idx:
        idx.add(str(monday))
        with pytest.raises(dupfinder.DuplicateIdError, match="id_from='file\\+id'.*replace=True"):
            idx.add(str(tuesday))
        with pytest.raises(dupfinder.UsageError, match="refused with replace=False"):
            idx.add(str(monday), replace=False)
        assert idx.add(str(tuesday), replace=True).replaced == 19
    # Two files given to one add that clash are refused before anything is replaced, even
    # across chunks.
    with dupfinder.Index(tmp_path / "other.db") as idx:
        with pytest.raises(dupfinder.DuplicateIdError, match="duplicate id '1'"):
            idx.add([str(monday), str(tuesday)], chunk=5)


def test_a_lean_scan_reads_the_text_again_with_the_same_options(tmp_path, monkeypatch) -> None:
    import dupfinder.engines.local as local_engine
    import dupfinder.pipeline as pipeline

    names = _two_days(tmp_path / "scrape")
    for day in ("monday.csv", "tuesday.csv"):  # semicolons and cp1252: every option in play
        path = tmp_path / "scrape" / day
        rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
        with open(path, "w", encoding="cp1252", newline="", errors="replace") as handle:
            csv.writer(handle, delimiter=";").writerows(rows)
    full = dupfinder.scan(str(tmp_path / "scrape"), id_from="file+id", encoding="cp1252")
    monkeypatch.setattr(pipeline, "LEAN_CHARS", 2000)
    monkeypatch.setattr(local_engine, "BATCH", 5)
    lean = dupfinder.scan(str(tmp_path / "scrape"), id_from="file+id", encoding="cp1252")
    assert lean.reload is not None
    assert [c.canonical.id for c in lean.clusters] == [c.canonical.id for c in full.clusters]
    lean.load_texts()  # the second read, with the same reader options
    assert all(m.article.text and m.article.id in names for c in lean.clusters
               for m in c.members)


def test_index_add_checks_field_options_too(tmp_path) -> None:
    path = tmp_path / "scrape.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in sample_records()))
    out = run("index", "add", str(tmp_path / "news.db"), str(path), "--title-field", "kicker")
    assert out.exit_code == 2 and "--title-field kicker: no record has" in out.stderr
