"""The cluster table names the wire original's outlet, and a long or wide id stays inside its
own column (clipped there with an ellipsis when it must be)."""

from __future__ import annotations

import dupfinder
from dupfinder.report_text import cluster_table
from dupfinder.terminal import char_width
from tests.conftest import sample_records, write_jsonl

LONG = "pa-strike-" + "x" * 70 + "-end"
WIDE = "\u6f22\u5b57\u30cb\u30e5\u30fc\u30b9-flood"  # CJK: two columns a character


def _cells(line: str) -> list[str]:
    """The line as terminal cells: a wide character fills two (the second is "")."""
    cells: list[str] = []
    for ch in line:
        cells.append(ch)
        if char_width(ch) == 2:
            cells.append("")
    return cells


def _column(line: str, start: int, end: int) -> str:
    return "".join(_cells(line)[start:end]).strip()


def _result(tmp_path):
    records = sample_records()
    for r in records:
        if r["id"] == "pa-strike":
            r["id"] = LONG
        elif r["id"] == "pa-flood":
            r["id"] = WIDE
    return dupfinder.scan(str(write_jsonl(tmp_path / "ids.jsonl", records)))


def test_columns_hold_long_and_wide_ids(tmp_path) -> None:
    result = _result(tmp_path)
    for total in (80, 100, 160, 260):
        lines = cluster_table(result, width=total).splitlines()
        header = lines[1]
        names = ["cluster", "size", "outlets", "min J", "wire original", "chosen by", "outlet",
                 "headline"]
        starts, at = [], 0
        for name in names:
            at = header.index(name, at)
            starts.append(at)
            at += len(name)
        canon_start, why_start, outlet_start, head_start = starts[4:]
        for line, c in zip(lines[2:], result.clusters):
            assert max(len(_cells(line)), 0) <= max(total, head_start + 21), (total, line)
            canon = _column(line, canon_start, why_start)
            why = _column(line, why_start, outlet_start)
            outlet = _column(line, outlet_start, head_start)
            assert why == c.canonical_reason, (total, line)
            assert outlet == c.canonical.outlet, (total, line)
            if canon.endswith("\u2026"):  # clipped inside its own column
                assert c.canonical.id.startswith(canon[:-1])
            else:
                assert canon == c.canonical.id
            # Each column is separated from the next by a space.
            assert _cells(line)[why_start - 1] == " " and _cells(line)[head_start - 1] == " "
    wide = cluster_table(result, width=260)
    assert LONG in wide and WIDE in wide  # room enough: ids in full
    narrow = cluster_table(result, width=80)
    assert LONG not in narrow and LONG[:12] in narrow


def test_sample_table_shows_outlet_and_reason() -> None:
    from tests.conftest import SAMPLE

    lines = dupfinder.scan(str(SAMPLE)).table().splitlines()
    assert lines[1].split() == ["cluster", "size", "outlets", "min", "J", "wire", "original",
                                "chosen", "by", "outlet", "headline"]
    assert lines[2].split()[:7] == ["c1", "7", "7", "0.47", "pa-strike", "earliest",
                                    "pa.example"]
