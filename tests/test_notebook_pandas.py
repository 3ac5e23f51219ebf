"""Notebook use: typed data frames, and a plain view when jinja2 is missing."""

from __future__ import annotations

import json
import sys

import pytest

import dupfinder
from tests.conftest import SAMPLE, sample_records, write_jsonl

pd = pytest.importorskip("pandas")

EDIT_COLUMNS = ["words_kept", "words_inserted", "words_deleted", "words_replaced",
                "headline_changed", "kinds"]


def test_to_pandas_is_typed_and_carries_the_edit_summary() -> None:
    result = dupfinder.scan(str(SAMPLE))
    df = result.to_pandas()
    assert len(df) == 26
    dtypes = df.dtypes
    assert isinstance(dtypes["published"], pd.DatetimeTZDtype)
    assert str(dtypes["published"].tz) == "UTC"
    for name in ("is_canonical", "headline_changed"):
        assert pd.api.types.is_bool_dtype(dtypes[name]), name
    for name in ("size", "words_kept", "words_inserted", "words_deleted", "words_replaced"):
        assert dtypes[name] == "int64", name
    for name in ("jaccard", "containment"):
        assert dtypes[name] == "float64", name
    for name in ("cluster", "canonical", "id", "outlet", "title", "url", "canonical_reason"):
        assert pd.api.types.is_string_dtype(dtypes[name]), name
    assert df["published"].notna().all()
    assert df.loc[df["id"] == "pa-strike", "published"].iloc[0] == pd.Timestamp(
        "2026-06-03T09:45:00Z")
    # The same figures as the JSON report's edits.
    report = json.loads(result.to_json())
    by_id = {m["id"]: m for c in report["clusters"] for m in c["members"]}
    for row in df.to_dict("records"):
        edits = by_id[row["id"]]["edits"]
        assert {k: row[k] for k in EDIT_COLUMNS} == {k: edits[k] for k in EDIT_COLUMNS}
    assert df["is_canonical"].sum() == len(result.clusters)


def test_to_pandas_keeps_ids_as_text_and_reads_dates_to_utc(tmp_path) -> None:
    records = sample_records()
    for r in records:
        if r["id"] == "pa-strike":
            r["id"] = "007"
            r["published"] = "2026-06-03 09:45"  # naive: taken as UTC
        elif r["id"] == "coastalpost-strike":
            r["published"] = "2026-06-03T13:45:00+01:00"
        elif r["id"] == "dailybrief-strike":
            r["published"] = "not a date"
    df = dupfinder.scan(str(write_jsonl(tmp_path / "c.jsonl", records))).to_pandas()
    row = df.set_index("id")
    assert "007" in row.index  # not the number 7
    assert row.loc["007", "published"] == pd.Timestamp("2026-06-03T09:45:00Z")
    assert row.loc["coastalpost-strike", "published"] == pd.Timestamp("2026-06-03T12:45:00Z")
    assert isinstance(df.dtypes["published"], pd.DatetimeTZDtype)


def test_frames_of_an_empty_result_have_their_columns_and_types() -> None:
    result = dupfinder.scan([{"id": "a", "text": "one lonely article about nothing at all"}])
    df = result.to_pandas()
    assert len(df) == 0 and "words_kept" in df.columns
    assert pd.api.types.is_bool_dtype(df.dtypes["is_canonical"]) and df.dtypes["size"] == "int64"
    edits = result.edits_frame()
    assert len(edits) == 0 and edits.dtypes["a_start"] == "int64"


def test_edits_frame_is_typed() -> None:
    edits = dupfinder.scan(str(SAMPLE)).edits_frame()
    assert len(edits) > 0
    for name in ("a_start", "a_end", "b_start", "b_end"):
        assert edits.dtypes[name] == "int64"
    assert set(edits["kind"]) <= {"headline", "trimmed_start", "trimmed_end", "inserted",
                                  "deleted", "replaced", "boilerplate"}


def test_views_fall_back_to_plain_text_without_jinja2(monkeypatch) -> None:
    result = dupfinder.scan(str(SAMPLE))
    hostile = result.clusters[0]
    monkeypatch.setitem(sys.modules, "jinja2", None)  # import jinja2 now fails
    views = [result._repr_html_(), hostile._repr_html_(),
             hostile.diff(hostile.members[1])._repr_html_()]
    for view in views:
        assert view.startswith('<pre class="dupfinder-plain"') and view.endswith("</pre>")
    assert "5 clusters, 26 of 38 articles in clusters" in views[0]
    assert "pa-strike" in views[1]
    assert "kept " in views[2] and "edits:" in views[2]
    # The report file itself still says which extra it needs.
    with pytest.raises(dupfinder.MissingExtraError, match=r"dupfinder\[html\]"):
        result.to_html()


def test_plain_view_escapes_scraped_text(monkeypatch) -> None:
    records = sample_records()
    for r in records:
        if r["id"] == "pa-strike":
            r["title"] = "<script>alert(1)</script> & <b>bold</b>"
    result = dupfinder.scan(records)
    monkeypatch.setitem(sys.modules, "jinja2", None)
    view = result._repr_html_() + result.clusters[0]._repr_html_()
    assert "<script" not in view and "<b>" not in view
    assert "&lt;script&gt;" in view and "&amp;" in view
