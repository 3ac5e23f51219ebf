"""Encodings, CSV delimiters and stdin in any format.

Exports from Excel and Windows tools start with a byte-order mark, or are UTF-16 ("Unicode
text"), or cp1252; European CSVs are semicolon-separated. Each reads as the UTF-8 file would.
"""

from __future__ import annotations

import csv
import gzip
import io
import json

import pytest

import dupfinder
from tests.conftest import SAMPLE, clusters_as_sets, run, sample_records

FIELDS = ["id", "outlet", "title", "published", "url", "text"]
# Scraped text is not ASCII: curly quotes, dashes, accents, a pound sign.
ACCENTED = "Café owner Zoë Brontë said the £2m scheme was ‘long overdue’ — and welcome."


def _records() -> list[dict]:
    records = sample_records()
    for r in records:
        if r["id"].endswith("-museum"):
            r["text"] = ACCENTED + "\n" + r["text"]
    return records


def _csv_text(records: list[dict], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()


def _texts(records: list[dict]) -> dict[str, str]:
    """Every format as text: what is encoded differently in each test."""
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    return {"c.jsonl": lines, "c.json": json.dumps(records, ensure_ascii=False),
            "c.csv": _csv_text(records), "c.tsv": _csv_text(records, "\t")}


def _expected() -> set[frozenset[str]]:
    return clusters_as_sets(dupfinder.scan(_records()))


def _museum_text(result: dupfinder.ScanResult) -> str:
    return next(a.text for a in result.articles if a.text.startswith("Café"))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_byte_order_marks_decide_the_encoding_in_every_text_format(tmp_path,
                                                                   encoding: str) -> None:
    records = _records()
    expected = _expected()
    for name, text in _texts(records).items():
        data = text.encode(encoding)
        if encoding == "utf-16-be":
            data = b"\xfe\xff" + data  # the codec writes no mark of its own
        path = tmp_path / name
        path.write_bytes(data)
        result = dupfinder.scan(str(path))
        assert clusters_as_sets(result) == expected, (name, encoding)
        assert _museum_text(result).startswith(ACCENTED), (name, encoding)
        assert not result.warnings, (name, encoding, result.warnings)
        assert result.articles[0].id == "pa-flood"  # no BOM glued to the first key
        gz = tmp_path / (name + ".gz")
        gz.write_bytes(gzip.compress(data))
        assert clusters_as_sets(dupfinder.scan(str(gz))) == expected, (name, "gz")


def test_text_files_and_html_pages_with_a_byte_order_mark(tmp_path) -> None:
    record = sample_records()[0]
    for encoding in ("utf-8-sig", "utf-16"):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes((record["title"] + "\n\n" + record["text"]).encode(encoding))
        article = dupfinder.scan(str(path)).articles[0]
        assert article.title == record["title"] and article.text == record["text"]
    pytest.importorskip("trafilatura")
    from tests.formats import page_html

    for encoding in ("utf-8-sig", "utf-16"):
        page = tmp_path / f"{encoding}.html"
        page.write_bytes(page_html(record).encode(encoding))
        article = dupfinder.scan(str(page)).articles[0]
        assert article.title == record["title"] and article.outlet == "pa.example"
        assert article.published and article.published.startswith("2026-03-02")


def test_encoding_option_for_files_without_a_mark(tmp_path) -> None:
    records = _records()
    expected = _expected()
    for name, text in _texts(records).items():
        path = tmp_path / name
        path.write_bytes(text.encode("cp1252"))
        # Read as UTF-8, the cp1252 bytes are replaced (and said so); with the option, exact.
        replaced = dupfinder.scan(str(path))
        assert any("undecodable bytes replaced" in w for w in replaced.warnings), name
        result = dupfinder.scan(str(path), encoding="cp1252")
        assert clusters_as_sets(result) == expected, name
        assert _museum_text(result).startswith(ACCENTED) and not result.warnings, name
    out = run("scan", str(tmp_path / "c.csv"), "--encoding", "windows-1252", "--json", "-", "-q")
    assert out.exit_code == 0, out.stderr
    assert json.loads(out.stdout)["stats"]["clusters"] == 5 and "U+FFFD" not in out.stderr
    # A page that states its charset is read by it, whatever --encoding says.
    pytest.importorskip("trafilatura")
    from tests.formats import page_html

    record = {**records[22], "title": "Zoë Brontë’s café"}
    page = tmp_path / "page.html"
    page.write_bytes(page_html(record).encode("utf-8"))
    assert dupfinder.scan(str(page), encoding="cp1252").articles[0].title == record["title"]
    bare = page_html(record).replace('<meta charset="utf-8">', "")
    page.write_bytes(bare.encode("cp1252"))
    assert dupfinder.scan(str(page), encoding="cp1252").articles[0].title == record["title"]


def test_utf16_without_a_mark_is_read_when_named(tmp_path) -> None:
    for name, text in _texts(_records()).items():
        path = tmp_path / name
        path.write_bytes(text.encode("utf-16-le"))  # no BOM: little-endian, as Windows writes
        result = dupfinder.scan(str(path), encoding="utf-16")
        assert result.stats.articles == 38 and not result.warnings, name
        assert dupfinder.scan(str(path), encoding="utf-16-le").stats.articles == 38, name


def test_unknown_encoding_names_the_option(tmp_path) -> None:
    with pytest.raises(dupfinder.UsageError, match="encoding='latin-9x'"):
        dupfinder.scan(str(SAMPLE), encoding="latin-9x")
    out = run("scan", str(SAMPLE), "--encoding", "latin-9x")
    assert out.exit_code == 2 and "--encoding latin-9x: unknown encoding" in out.stderr


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_csv_delimiter_is_read_from_the_header(tmp_path, delimiter: str) -> None:
    records = _records()
    path = tmp_path / "export.csv"
    path.write_text(_csv_text(records, delimiter), encoding="utf-8")
    assert clusters_as_sets(dupfinder.scan(str(path))) == _expected()


def test_delimiter_option_forces_it(tmp_path) -> None:
    # Bodies full of commas and semicolons do not matter: the header line decides.
    rows = ["text|id"] + [f"{r['text'].replace(chr(10), ' ')}|{r['id']}" for r in _records()]
    path = tmp_path / "odd.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert dupfinder.scan(str(path)).stats.articles == 38  # '|' sniffed from "text|id"
    single = tmp_path / "single.csv"
    single.write_text("story\n" + "\n".join(f'"{r["text"]}"' for r in _records()) + "\n")
    assert dupfinder.scan(str(single)).stats.articles == 38
    tabbed = tmp_path / "tabbed.csv"
    tabbed.write_text(_csv_text(_records(), "\t"))
    out = run("scan", str(tabbed), "--delimiter", "tab", "--json", "-", "-q")
    assert out.exit_code == 0 and json.loads(out.stdout)["stats"]["articles"] == 38
    wrong = run("scan", str(tabbed), "--delimiter", ",")
    assert wrong.exit_code == 2
    with pytest.raises(dupfinder.UsageError, match="delimiter='::'"):
        dupfinder.scan(str(tabbed), delimiter="::")


def test_a_sniffed_delimiter_is_named_when_rows_do_not_fit(tmp_path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id;title;text\n1;Flood;River rises; barriers raised\n")
    out = run("scan", str(path))
    assert out.exit_code == 2
    assert f"{path}:2: row has 4 fields but the header has 3" in out.stderr
    assert "the delimiter ';' was read from the header; set it with --delimiter" in out.stderr


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "jsonl"])
def test_stdin_honours_format(fmt: str) -> None:
    records = _records()
    texts = _texts(records)
    payload = texts[f"c.{fmt}"]
    out = run("scan", "-", "--format", fmt, "--json", "-", "-q", input=payload)
    assert out.exit_code == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["stats"]["articles"] == 38 and report["stats"]["clusters"] == 5


def test_stdin_with_a_bom_gzip_and_bad_rows_named_stdin() -> None:
    from click.testing import CliRunner

    from dupfinder.cli import cli

    data = gzip.compress(_csv_text(_records(), ";").encode("utf-8-sig"))
    out = CliRunner().invoke(cli, ["scan", "-", "--format", "csv", "--json", "-", "-q"],
                             input=data)
    assert out.exit_code == 0, out.stderr
    assert json.loads(out.stdout)["stats"]["clusters"] == 5
    bad = run("scan", "-", "--format", "csv", input="id,text\n1,one,two\n")
    assert bad.exit_code == 2 and "<stdin>:2: row has 3 fields" in bad.stderr


def test_stdin_parquet() -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq
    from click.testing import CliRunner

    from dupfinder.cli import cli

    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(_records()), buffer)
    out = CliRunner().invoke(cli, ["scan", "-", "--format", "parquet", "--json", "-", "-q"],
                             input=buffer.getvalue())
    assert out.exit_code == 0, out.stderr
    assert json.loads(out.stdout)["stats"]["articles"] == 38
