"""Bad input: one clear line naming the file and record, exit 2, never a traceback."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys

import pytest

import dupfinder
from tests.conftest import SAMPLE, run, sample_records, write_jsonl


def test_malformed_json_line_names_file_and_line(tmp_path) -> None:
    lines = SAMPLE.read_text().splitlines()
    lines[4] = '{"id": "broken", "text": "unterminated'
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n")
    out = run("scan", str(bad))
    assert out.exit_code == 2
    assert f"{bad}:5" in out.stderr and "invalid JSON" in out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""


def test_skip_mode_counts_and_lists_bad_records(tmp_path) -> None:
    lines = SAMPLE.read_text().splitlines()
    lines[4] = "not json at all"
    lines.insert(7, json.dumps({"id": "numbers", "text": {"oops": 1}}))
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n")
    out = run("scan", str(bad), "--on-error", "skip", "--json", "-")
    assert out.exit_code == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["stats"]["skipped"] == 2
    sources = [s["source"] for s in report["skipped"]]
    assert sources == [f"{bad}:5", f"{bad}:8"]
    assert "field 'text' is a dict" in report["skipped"][1]["reason"]
    assert report["stats"]["articles"] == 37


def test_missing_file_exits_2(tmp_path) -> None:
    out = run("scan", str(tmp_path / "nope.jsonl"))
    assert out.exit_code == 2
    assert "nope.jsonl: no such file or folder" in out.stderr


def test_empty_corpus_is_an_empty_report(tmp_path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    out = run("scan", str(empty), "--json", "-")
    assert out.exit_code == 0
    report = json.loads(out.stdout)
    assert report["clusters"] == [] and report["stats"]["articles"] == 0


def test_empty_text_is_skipped_and_counted(tmp_path) -> None:
    records = sample_records()
    records.append({"id": "blank", "text": "   \n  "})
    result = dupfinder.scan(str(write_jsonl(tmp_path / "c.jsonl", records)))
    assert result.stats.skipped == 1
    assert result.skipped[0].reason == "empty text"
    assert result.skipped[0].source.endswith("c.jsonl:39")


def test_undecodable_bytes_are_replaced_with_a_warning(tmp_path) -> None:
    path = tmp_path / "latin.jsonl"
    record = {"id": "a", "text": "Caf\u00e9 owners met on Monday."}
    good = json.dumps(record, ensure_ascii=False).encode()
    bad = good.replace("Caf\u00e9".encode(), b"Caf\xe9")  # latin-1 byte in a UTF-8 file
    path.write_bytes(good.replace(b'"a"', b'"b"') + b"\n" + bad + b"\n")
    result = dupfinder.scan(str(path))
    assert result.stats.articles == 2
    assert any(f"{path}:2" in w and "undecodable" in w for w in result.warnings)
    assert "Caf\ufffd" in result.articles[1].text


def test_duplicate_ids_name_both_sources(tmp_path) -> None:
    records = sample_records()
    records.append(dict(records[0]))
    path = write_jsonl(tmp_path / "dup.jsonl", records)
    with pytest.raises(dupfinder.DuplicateIdError) as caught:
        dupfinder.scan(str(path))
    assert f"{path}:1" in str(caught.value) and f"{path}:39" in str(caught.value)
    out = run("scan", str(path))
    assert out.exit_code == 2 and "duplicate id 'pa-flood'" in out.stderr


def test_truncated_gzip_is_an_error_not_a_traceback(tmp_path) -> None:
    data = gzip.compress(SAMPLE.read_bytes())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    out = run("scan", str(path))
    assert out.exit_code == 2
    assert str(path) in out.stderr


def test_bad_parameters_are_usage_errors() -> None:
    out = run("scan", str(SAMPLE), "--threshold", "1.5")
    assert out.exit_code == 2 and "--threshold must be between 0 and 1" in out.stderr
    with pytest.raises(dupfinder.UsageError):
        dupfinder.scan(str(SAMPLE), shingle=0)
    with pytest.raises(dupfinder.UsageError, match="unknown option"):
        dupfinder.scan(str(SAMPLE), treshold=0.4)


def test_real_process_prints_one_line_and_no_traceback(tmp_path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "fine"}\n{broken\n')
    proc = subprocess.run([sys.executable, "-m", "dupfinder", "scan", str(bad)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert f"{bad}:2" in proc.stderr


def test_absurd_record_is_cut_with_a_warning(tmp_path, monkeypatch) -> None:
    import dupfinder.readers.context as reading

    monkeypatch.setattr(reading, "MAX_TEXT_CHARS", 5000)
    huge = {"id": "huge", "text": "word " * 10_000}
    path = write_jsonl(tmp_path / "big.jsonl", [huge])
    result = dupfinder.scan(str(path))
    assert len(result.articles[0].text) == 5000
    assert any(f"{path}:1" in w and "cut to 5,000" in w for w in result.warnings)
