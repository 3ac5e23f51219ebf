"""Dates: the forms scrapes write are read, the rest is counted in one warning per file, and
day-first versus month-first is a stated, configurable choice.

A date decides which copy is the earliest (the canonical rule), so a date kept as text must
not go unnoticed.
"""

from __future__ import annotations

import json

import pytest

import dupfinder
from dupfinder.fields import parse_date, to_iso_date
from tests.conftest import by_id, run, sample_records, write_jsonl

FORMS = [
    # ISO-8601 as scrapers write it
    ("2026-03-02T06:10:00Z", "2026-03-02T06:10:00+00:00"),
    ("2026-03-02T06:10:00.250-0500", "2026-03-02T06:10:00.250000-05:00"),
    ("2026-03-02 06:10", "2026-03-02T06:10:00"),
    ("2026-03-02", "2026-03-02"),
    ("2026/03/02", "2026-03-02"),
    ("20260302", "2026-03-02"),
    # Reuters-21578 <DATE>
    ("27-MAR-1987 08:13:21.80", "1987-03-27T08:13:21.800000"),
    ("26-FEB-1987 15:01:01.79", "1987-02-26T15:01:01.790000"),
    # RFC 2822 (RSS pubDate, e-mail)
    ("Mon, 02 Mar 2026 06:10:00 +0000", "2026-03-02T06:10:00+00:00"),
    ("Mon, 02 Mar 2026 01:10:00 EST", "2026-03-02T01:10:00-05:00"),
    ("2 Mar 2026 06:10:00 GMT", "2026-03-02T06:10:00+00:00"),
    # Unix epochs: seconds, milliseconds, as numbers or strings
    ("1772431800", "2026-03-02T06:10:00+00:00"),
    ("1772431800000", "2026-03-02T06:10:00+00:00"),
    ("1772431800.5", "2026-03-02T06:10:00.500000+00:00"),
    # Month names, as pages print them
    ("March 2, 2026", "2026-03-02"),
    ("Monday, March 2, 2026 6:10 AM", "2026-03-02T06:10:00"),
    ("Mar. 2, 2026 at 1:10 p.m. EST", "2026-03-02T13:10:00-05:00"),
    ("2 March 2026", "2026-03-02"),
    ("2nd March 2026 18:45", "2026-03-02T18:45:00"),
    # Numeric dates: month first unless dayfirst; one that only one order allows is read so
    ("03/02/2026", "2026-03-02"),
    ("3/2/26", "2026-03-02"),
    ("03-02-2026 6:10 PM", "2026-03-02T18:10:00"),
    ("31/03/2026", "2026-03-31"),
]


@pytest.mark.parametrize(("value", "iso"), FORMS)
def test_forms_scrapes_write_are_read(value: str, iso: str) -> None:
    assert to_iso_date(value) == iso


@pytest.mark.parametrize("value", ["yesterday", "2 hours ago", "Spring 2026", "31/31/2026",
                                   "1", "99999999999999", "nan", "Mon, 99 Foo 2026 06:10:00"])
def test_what_is_not_a_date_is_kept_as_given(value: str) -> None:
    assert to_iso_date(value) is None
    assert parse_date(value) == value


def test_dayfirst_turns_the_numeric_order() -> None:
    assert to_iso_date("03/02/2026") == "2026-03-02"
    assert to_iso_date("03/02/2026", dayfirst=True) == "2026-02-03"
    assert to_iso_date("02.03.2026 06:10", dayfirst=True) == "2026-03-02T06:10:00"
    # Years first, and month names, are read the same either way.
    for value in ("2026/03/02", "2 Mar 2026", "March 2, 2026", "27-MAR-1987 08:13:21.80"):
        assert to_iso_date(value, dayfirst=True) == to_iso_date(value)


def _dated(tmp_path, dates: dict[str, object], name: str = "scrape.jsonl"):
    records = sample_records()
    for r in records:
        if r["id"] in dates:
            r["published"] = dates[r["id"]]
    return write_jsonl(tmp_path / name, records)


def test_dayfirst_decides_the_earliest_copy(tmp_path) -> None:
    # A British scrape: the wire ran on 2 March (02/03/2026), its copies on 3 March. Read
    # month first, 02/03 is 3 February; with dayfirst the dates are what the outlets meant.
    path = _dated(tmp_path, {r["id"]: "03/03/2026 09:00" for r in sample_records()}
                  | {"valleyherald-flood": "02/03/2026 09:00", "pa-flood": "02/03/2026 07:00"})
    month_first = dupfinder.scan(str(path))
    day_first = dupfinder.scan(str(path), dayfirst=True)
    flood = next(c for c in day_first.clusters if "pa-flood" in {m.id for m in c.members})
    assert by_id([a.to_dict() for a in day_first.articles])["pa-flood"]["published"] == \
        "2026-03-02T07:00:00"
    assert by_id([a.to_dict() for a in month_first.articles])["pa-flood"]["published"] == \
        "2026-02-03T07:00:00"
    assert flood.canonical.id == "pa-flood"
    out = run("scan", str(path), "--dayfirst", "--json", "-", "-q")
    assert out.exit_code == 0, out.stderr
    assert "pa-flood" in {c["canonical"] for c in json.loads(out.stdout)["clusters"]}


def test_epochs_as_json_numbers(tmp_path) -> None:
    path = _dated(tmp_path, {"pa-flood": 1772431800, "valleyherald-flood": 1772431800250})
    articles = {a.id: a for a in dupfinder.scan(str(path)).articles}
    assert articles["pa-flood"].published == "2026-03-02T06:10:00+00:00"
    assert articles["valleyherald-flood"].published == "2026-03-02T06:10:00.250000+00:00"


def test_dates_not_understood_are_one_warning_per_file_with_a_count(tmp_path) -> None:
    monday = _dated(tmp_path, {"pa-flood": "yesterday", "valleyherald-flood": "2 hours ago",
                               "ap-museum": "Spring 2026"}, "monday.jsonl")
    records = sample_records()
    tuesday = write_jsonl(tmp_path / "tuesday.jsonl", [
        {**r, "id": r["id"] + "-tue", "published": "just now" if i == 0 else r["published"]}
        for i, r in enumerate(records)])
    result = dupfinder.scan([str(monday), str(tuesday)])
    dates = [w for w in result.warnings if "not understood" in w]
    assert dates == [
        f"{monday}: 3 dates not understood (such as 'yesterday'): kept as given and not used "
        "to find the earliest copy",
        f"{tuesday}: 1 date not understood (such as 'just now'): kept as given and not used "
        "to find the earliest copy",
    ]
    assert {a.id: a.published for a in result.articles}["pa-flood"] == "yesterday"
    out = run("scan", str(monday))
    assert out.exit_code == 0
    assert f"dupfinder: {monday}: 3 dates not understood" in out.stderr
    # Records given in memory are one source.
    in_memory = dupfinder.scan([{**r, "published": "soon"} for r in records[:3]])
    assert in_memory.warnings == ["records: 3 dates not understood (such as 'soon'): kept as "
                                  "given and not used to find the earliest copy"]


def test_csv_dates_of_the_2019_shape(tmp_path) -> None:
    rows = ["id,publisher,scrape_time,text"] + [
        f'{n},{r["outlet"]},"Fri, 31 May 2019 17:{n:02d}:53 -0400","{r["text"]}"'
        for n, r in enumerate(sample_records())]
    path = tmp_path / "scrape.csv"
    path.write_text("\n".join(rows) + "\n")
    result = dupfinder.scan(str(path))
    assert result.articles[5].published == "2019-05-31T17:05:53-04:00"
    assert not result.warnings
