"""The JSON and CSV reports are written as streams, a cluster at a time: the JSON is the same
text as ``json.dumps(to_dict(), ensure_ascii=False, indent=2)`` with or without orjson, the CSV
the same rows as one ``csv.writer`` pass."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

import dupfinder
import dupfinder.result as result_module

ROOT = Path(__file__).resolve().parents[1]
_ODD = "Caf\u00e9 \u201cquoted\u201d \u2028line sep\u2029 \x1f ctrl \U0001F600 </script> \\ \"q\""


def _corpus() -> list[dict[str, str]]:
    body = ("The council approved the budget on Tuesday after a long debate about roads, "
            "schools and the library, officials said. ") * 6
    return [
        {"id": "a", "text": body + _ODD, "title": _ODD, "outlet": "one.example"},
        {"id": "b", "text": body + "Local paragraph here.", "title": "T", "outlet": "two"},
        {"id": "c", "text": body[: len(body) // 2], "outlet": "three"},
        {"id": "d", "text": "An unrelated note about weather in the hills. " * 5},
    ]


@functools.cache
def _scan(source: str) -> dupfinder.ScanResult:
    records = {"sample": str(ROOT / "data" / "sample.jsonl"), "odd": _corpus(),
               "empty": _corpus()[3:]}[source]
    return dupfinder.scan(records)


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("source", ["sample", "odd", "empty"])
def test_streamed_json_equals_the_plain_dump(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                              fast: bool, source: str) -> None:
    if not fast:
        monkeypatch.setattr(result_module, "_orjson", None)
    elif result_module._orjson is None:
        pytest.skip("orjson (the fast extra) is not installed")
    result = _scan(source)
    expected = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    assert result.to_json() == expected
    out = tmp_path / "report.json"
    result.to_json(out)
    assert out.read_text(encoding="utf-8") == expected
    assert json.loads(expected)["clusters"] == [c.to_dict() for c in result.clusters]
    if source == "odd":
        assert len(result.clusters) == 1


def test_streamed_csv_is_one_writer_pass(tmp_path: Path) -> None:
    import csv
    import io

    result = _scan("odd")
    out = tmp_path / "report.csv"
    result.to_csv(out)
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0][:3] == ["cluster", "size", "canonical"]
    assert [r[4] for r in rows[1:]] == [m.id for c in result.clusters for m in c.members]
    assert out.read_text(encoding="utf-8") == result.to_csv()
