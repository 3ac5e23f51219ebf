"""A field option naming a field that no record has is an error naming the fields present.

Before, ``--title-field headline_x`` on a scrape whose headline is ``title`` silently gave
articles without titles (and ``--date-field`` without dates, which changes the canonical).
"""

from __future__ import annotations

import csv

import pytest

import dupfinder
from tests.conftest import run, sample_records, write_jsonl

FLAGS = {"id": "--id-field", "title": "--title-field", "outlet": "--outlet-field",
         "url": "--url-field", "date": "--date-field"}


def _scrape(tmp_path):
    """The sample as a scraper writes it: news-please-like names, one file."""
    rows = [{"doc_id": r["id"], "headline": r["title"], "maintext": r["text"],
             "source_domain": r["outlet"], "link": r["url"], "date_publish": r["published"]}
            for r in sample_records()]
    return write_jsonl(tmp_path / "scrape.jsonl", rows)


@pytest.mark.parametrize("name", sorted(FLAGS))
def test_cli_field_option_naming_an_absent_field_names_the_fields_present(tmp_path,
                                                                         name) -> None:
    path = _scrape(tmp_path)
    out = run("scan", str(path), FLAGS[name], "pub_time")
    assert out.exit_code == 2
    line = out.stderr.strip()
    assert line.count("\n") == 0
    assert f"{FLAGS[name]} pub_time" in line and "no record has a field 'pub_time'" in line
    assert "fields present: date_publish, doc_id, headline, link, maintext, source_domain" in line
    assert f"{name}=" not in line  # the CLI names its flags, not library keywords


@pytest.mark.parametrize("name", sorted(FLAGS))
def test_library_keyword_naming_an_absent_field_is_a_usage_error(tmp_path, name) -> None:
    path = _scrape(tmp_path)
    with pytest.raises(dupfinder.UsageError) as caught:
        dupfinder.scan(str(path), **{name: "pub_time"})
    message = str(caught.value)
    assert message.startswith(f"{name}='pub_time': no record has a field 'pub_time'")
    assert "--" not in message  # library messages name keywords, not flags
    with pytest.raises(dupfinder.UsageError, match=f"^{name}='pub_time'"):
        dupfinder.scan(sample_records(), **{name: "pub_time"})  # records given in memory


def test_a_field_some_records_have_is_fine_and_case_does_not_matter(tmp_path) -> None:
    records = sample_records()
    rows = [{**r, "Kicker": r["title"]} if i % 2 else r for i, r in enumerate(records)]
    path = write_jsonl(tmp_path / "mixed.jsonl", rows)
    result = dupfinder.scan(str(path), title="kicker")
    titled = [a for a in result.articles if a.title]
    assert len(titled) == len(records) // 2
    out = run("scan", str(path), "--date-field", "PUBLISHED", "-q")
    assert out.exit_code == 0, out.stderr


def test_csv_and_text_field_messages(tmp_path) -> None:
    path = tmp_path / "wire.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "outlet", "title", "text"])
        writer.writeheader()
        writer.writerows({k: r[k] for k in ("id", "outlet", "title", "text")}
                         for r in sample_records())
    out = run("scan", str(path), "--outlet-field", "publisher")
    assert out.exit_code == 2
    assert "--outlet-field publisher: no record has a field 'publisher'; fields present: id, " \
           "outlet, text, title" in out.stderr
    # The text field was already an error per record; the library names its keyword too.
    with pytest.raises(dupfinder.RecordError, match="Name the body field with text="):
        dupfinder.scan(str(path), text="body_text")
    assert "--text-field" in run("scan", str(path), "--text-field", "body_text").stderr


def test_parquet_lists_every_column_even_those_not_read(tmp_path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    rows = [{"id": r["id"], "text": r["text"], "section": "news", "wordcount": 500}
            for r in sample_records()]
    path = tmp_path / "wire.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    with pytest.raises(dupfinder.UsageError, match="fields present: id, section, text, wordcount"):
        dupfinder.scan(str(path), date="pubdate")
