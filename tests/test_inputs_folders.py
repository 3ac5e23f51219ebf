"""Folders: hidden files and folders are skipped, --exclude leaves out more, and files of
unsupported types are counted in a note instead of vanishing.

A scrape folder kept in git holds .git/; an editor leaves .~lock files; a Reuters-21578 copy
holds .sgm files next to a README.txt, and reading only the README must not look like success.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import dupfinder
from tests.conftest import need_shared, run, sample_records


def _scrape(root: Path) -> Path:
    """A scrape folder as it is found on disk: two days, chrome files beside them."""
    records = sample_records()
    (root / "2026-03-02").mkdir(parents=True)
    (root / "2026-03-03").mkdir()
    for day, rows in (("2026-03-02", records[:20]), ("2026-03-03", records[20:])):
        (root / day / "articles.jsonl").write_text(
            "".join(json.dumps(r) + "\n" for r in rows))
    (root / ".git" / "objects").mkdir(parents=True)
    (root / ".git" / "objects" / "stale.jsonl").write_text(json.dumps(records[0]) + "\n")
    (root / ".~lock.articles.jsonl#").write_text("lock")
    (root / ".cache.json").write_text("{not json")
    (root / "archive").mkdir()
    (root / "archive" / "old.jsonl").write_text(json.dumps(records[0]) + "\n")
    (root / "NOTES.md").write_text("# how this scrape was made\n")
    (root / "crawl.log").write_text("fetched 38 pages\n")
    (root / "raw").mkdir()
    for n in range(3):
        (root / "raw" / f"page{n}.sgm").write_text("<REUTERS></REUTERS>")
    return root


def test_hidden_files_and_folders_are_skipped_and_exclude_leaves_out_more(tmp_path) -> None:
    root = _scrape(tmp_path / "scrape")
    out = run("scan", str(root), "--exclude", "archive", "--json", "-")
    assert out.exit_code == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["stats"]["articles"] == 38  # not the .git copy, not the archive
    assert report["stats"]["skipped"] == 0
    # Without --exclude the archived copy is read, and clashes with the day's article.
    clash = run("scan", str(root))
    assert clash.exit_code == 2 and "duplicate id 'pa-flood'" in clash.stderr
    # Globs match names or paths inside the folder, repeatable.
    result = dupfinder.scan(str(root), exclude=["archive/*.jsonl", "2026-03-03"])
    assert result.stats.articles == 20


def test_a_note_counts_files_of_unsupported_types_by_suffix(tmp_path) -> None:
    root = _scrape(tmp_path / "scrape")
    out = run("scan", str(root), "--exclude", "archive")
    assert out.exit_code == 0
    notes = [line for line in out.stderr.splitlines() if "unsupported" in line]
    assert notes == [f"dupfinder: {root}: skipped 5 files of unsupported types (3 .sgm, "
                     "1 .log, 1 .md); read them with --format or leave them out with --exclude"]
    quiet = run("scan", str(root), "--exclude", "archive", "-q")
    assert quiet.stderr == ""
    result = dupfinder.scan(str(root), exclude=["archive", "raw", "*.md", "*.log"])
    assert not any("unsupported" in w for w in result.warnings)
    library = dupfinder.scan(str(root), exclude=["archive"])
    assert any("pass" not in w and "format=" in w for w in library.warnings)


def test_a_folder_without_a_supported_file_is_an_error(tmp_path) -> None:
    sgml = tmp_path / "reuters"
    sgml.mkdir()
    for n in range(22):
        (sgml / f"reut2-{n:03d}.sgm").write_text("<REUTERS></REUTERS>")
    (sgml / "lewis.dtd").write_text("<!ELEMENT REUTERS ANY>")
    out = run("scan", str(sgml))
    assert out.exit_code == 2
    assert out.stderr.strip() == (
        f"dupfinder: error: {sgml}: no file of a supported type (.jsonl, .json, .csv, .tsv, "
        ".txt, .parquet, .html, .warc, optionally .gz) but 23 other files (22 .sgm, 1 .dtd); read "
        "them as one format with --format")
    empty = tmp_path / "empty"
    (empty / ".git").mkdir(parents=True)
    out = run("scan", str(empty))
    assert out.exit_code == 2
    assert "no file to read (the folder is empty apart from hidden or excluded ones)" in out.stderr
    with pytest.raises(dupfinder.InputError, match="no file of a supported type"):
        dupfinder.scan(str(sgml))


def test_format_reads_every_file_of_a_folder(tmp_path) -> None:
    folder = tmp_path / "feed"
    folder.mkdir()
    for r in sample_records():
        (folder / f"{r['id']}.story").write_text(json.dumps(r) + "\n")
    result = dupfinder.scan(str(folder), format="jsonl")
    assert result.stats.articles == 38 and len(result.clusters) == 5


def test_reuters_folder_says_what_it_left_out() -> None:
    from dupfinder.readers import ReadContext, files_below

    folder = need_shared("data", "reuters21578")
    ctx = ReadContext()
    found = files_below(folder, ctx)  # the walk a scan makes, without scanning the word lists
    assert found and all(p.suffix == ".txt" for p in found)
    assert len(ctx.warnings) == 1 and "(22 .sgm, 2 .md, 1 .dtd)" in ctx.warnings[0]
    out = run("scan", str(folder), "--exclude", "*.txt")
    assert out.exit_code == 2 and "no file of a supported type" in out.stderr
