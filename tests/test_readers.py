"""Every input format gives the same articles; field names are detected or overridden."""

from __future__ import annotations

import csv
import gzip
import json

import dupfinder
from tests.conftest import SAMPLE, clusters_as_sets, run, sample_records


def _expected() -> set[frozenset[str]]:
    return clusters_as_sets(dupfinder.scan(str(SAMPLE)))


def test_csv_tsv_json_folder_and_gzip_give_the_same_clusters(tmp_path) -> None:
    records = sample_records()
    fields = ["id", "outlet", "title", "published", "url", "text"]
    for name, delim in (("c.csv", ","), ("c.tsv", "\t")):
        with open(tmp_path / name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields, delimiter=delim)
            writer.writeheader()
            writer.writerows(records)  # bodies hold newlines: quoted multi-line fields
    (tmp_path / "c.json").write_text(json.dumps(records))
    folder = tmp_path / "newsplease"
    folder.mkdir()
    for r in records:
        # news-please field names, one object per file
        (folder / f"{r['id']}.json").write_text(json.dumps({
            "maintext": r["text"], "title": r["title"], "url": r["url"],
            "source_domain": r["outlet"], "date_publish": r["published"].replace("T", " ")
            .replace("Z", ""),
        }))
    (tmp_path / "c.jsonl.gz").write_bytes(gzip.compress(SAMPLE.read_bytes()))
    expected = _expected()
    for path in ("c.csv", "c.tsv", "c.json", "c.jsonl.gz"):
        assert clusters_as_sets(dupfinder.scan(str(tmp_path / path))) == expected, path
    # In the folder the ids are the URLs (news-please has no id field).
    url_of = {r["url"]: r["id"] for r in records}
    got = dupfinder.scan(str(folder))
    assert {frozenset(url_of[i] for i in s) for s in clusters_as_sets(got)} == expected
    assert got.clusters[0].canonical.published.startswith("2026-")


def test_text_files_use_the_first_line_as_title(tmp_path) -> None:
    for r in sample_records():
        (tmp_path / f"{r['id']}.txt").write_text(r["title"] + "\n\n" + r["text"])
    result = dupfinder.scan(str(tmp_path))
    assert len(result.clusters) == 5
    assert result.articles[0].id.endswith(".txt") and result.articles[0].title


def test_field_overrides_and_detection(tmp_path) -> None:
    rows = [{"Headline": r["title"], "Story": r["text"], "DocRef": r["id"],
             "Site": r["outlet"]} for r in sample_records()]
    path = tmp_path / "odd.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    # "Story", "Headline" and "Site" are detected case-insensitively; the id is not.
    detected = dupfinder.scan(str(path))
    assert detected.articles[0].title and detected.articles[0].outlet == "pa.example"
    assert detected.articles[0].id == f"{path}:1"
    out = run("scan", str(path), "--id-field", "DocRef", "--json", "-")
    report = json.loads(out.stdout)
    assert report["clusters"][0]["canonical"] in {r["id"] for r in sample_records()}
    missing = run("scan", str(path), "--text-field", "body_text")
    assert missing.exit_code == 2 and "--text-field" in missing.stderr


def test_stdin_reads_json_lines() -> None:
    out = run("scan", "-", "--json", "-", input=SAMPLE.read_text())
    assert out.exit_code == 0
    assert json.loads(out.stdout)["stats"]["clusters"] == 5


def test_ragged_csv_row_names_its_line(tmp_path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,text\n1,first article text\n2,second,extra\n")
    out = run("scan", str(path))
    assert out.exit_code == 2 and f"{path}:3" in out.stderr and "2 fields" not in out.stderr
    assert "3 fields but the header has 2" in out.stderr


def test_trafilatura_json_and_gzipped_csv(tmp_path) -> None:
    records = sample_records()
    # trafilatura's JSON output: "source" is the page URL, "hostname" the site.
    folder = tmp_path / "traf"
    folder.mkdir()
    for r in records:
        (folder / f"{r['id']}.json").write_text(json.dumps({
            "title": r["title"], "text": r["text"], "source": r["url"],
            "source-hostname": r["outlet"], "date": r["published"][:10],
            "fingerprint": "x", "language": "en"}))
    got = dupfinder.scan(str(folder))
    by_url = {a.url: a for a in got.articles}
    flood = by_url[records[0]["url"]]
    assert flood.outlet == records[0]["outlet"] and flood.id == records[0]["url"]
    assert len(got.clusters) == 5
    path = tmp_path / "c.csv.gz"
    rows = ["id,title,text"] + [
        f'{r["id"]},"{r["title"]}","{r["text"]}"' for r in records]
    path.write_bytes(gzip.compress(("\n".join(rows) + "\n").encode()))
    assert clusters_as_sets(dupfinder.scan(str(path))) == _expected()


def test_json_lines_read_the_same_with_and_without_orjson(tmp_path, monkeypatch) -> None:
    # NaN, an integer past 64 bits and a lone surrogate: orjson refuses them, json reads them.
    from dupfinder.readers import jsonl

    # orjson parses UTF-8 lines as bytes: a bad byte, a line of non-ASCII blanks and CRLF
    # endings must read as the text path reads them.
    lines = ['{"id": "a", "text": "Plain text here.", "score": 1}',
             '{"id": "b", "text": "Not a number.", "score": NaN}',
             '{"id": "c", "text": "Huge.", "n": 123456789012345678901234567890}',
             '{"id": "d", "text": "Lone \\ud800 surrogate."}',
             '\u00a0\u2003 ',
             '{"id": "e", "text": "Caf\u00e9 cr\u00e8me \u201cquoted\u201d."}\r']
    path = tmp_path / "mixed.jsonl"
    data = ("\n".join(lines) + "\n").encode("utf-8")
    data += b'{"id": "f", "text": "A bad byte \xff here."}\n'
    path.write_bytes(data)
    fast = [(a.id, a.text) for a in dupfinder.scan(str(path)).articles]
    monkeypatch.setattr(jsonl, "_fast_loads", None)
    plain = [(a.id, a.text) for a in dupfinder.scan(str(path)).articles]
    assert fast == plain and [i for i, _ in fast] == ["a", "b", "c", "d", "e", "f"]
