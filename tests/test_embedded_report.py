"""Embedding pages and learned boilerplate reach every view: the HTML report, the notebook view,
the terminal table and ``scan --boilerplate-report``; scraped page ids and units stay text."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

import dupfinder
from tests import pages
from tests.conftest import run, write_jsonl


def _live_result() -> dupfinder.ScanResult:
    return dupfinder.scan(pages.live_page())


def test_html_report_lists_the_embedding_page_for_each_story() -> None:
    pytest.importorskip("jinja2")
    result = _live_result()
    text = result.to_html()
    embedding = [c for c in result.clusters if c.embedded_in]
    assert len(embedding) == 5
    assert text.count("Also carried, among other stories") == 5
    assert html.escape(pages.LIVE_PAGE_ID) in text
    # The page's own text is never shown as a member block.
    assert all(pages.LIVE_PAGE_ID not in {m.id for m in c.members} for c in result.clusters)


def test_notebook_view_of_a_cluster_names_the_embedding_page() -> None:
    pytest.importorskip("jinja2")
    cluster = next(c for c in _live_result().clusters if c.embedded_in)
    view = cluster._repr_html_()
    assert "Also carried, among other stories" in view
    assert html.escape(pages.LIVE_PAGE_ID) in view


def test_hostile_embedding_page_id_is_escaped() -> None:
    pytest.importorskip("jinja2")
    records = pages.live_page()
    hostile = '<img src=x onerror="alert(1)">live'
    for r in records:
        if r["id"] == pages.LIVE_PAGE_ID:
            r["id"] = hostile
            r["outlet"] = "<script>alert(2)</script>"
    result = dupfinder.scan(records)
    text = result.to_html()
    assert hostile not in text and "<script>alert(2)" not in text
    assert "&lt;img src=x onerror=" in text and "&lt;script&gt;alert(2)" in text
    assert [e.id for c in result.clusters for e in c.embedded_in].count(hostile) == 5


def test_terminal_table_says_pages_embed_stories() -> None:
    table = _live_result().table()
    assert "1 pages embed the stories of 5 clusters" in table


def test_boilerplate_report_on_the_command_line(tmp_path: Path) -> None:
    corpus = write_jsonl(tmp_path / "quoted.jsonl", pages.quoted_paragraph_corpus())
    out = run("scan", str(corpus), "--boilerplate-report")
    assert out.exit_code == 0, out.output
    assert "boilerplate units learned" in out.stdout
    report = json.loads(run("scan", str(corpus), "--json", "-", "-q").stdout)
    learned = report["boilerplate"]
    assert learned and {"text", "articles", "outlets", "reason"} <= set(learned[0])
    # Every unit the JSON lists is in the printed table, with its counts.
    for line in learned[:5]:
        assert line["text"][:20] in out.stdout
    # The quoted wire paragraph is story text, never listed.
    assert pages.QUOTED_MARK not in json.dumps(learned)


def test_boilerplate_report_goes_to_stderr_when_stdout_is_the_json(tmp_path: Path) -> None:
    corpus = write_jsonl(tmp_path / "quoted.jsonl", pages.quoted_paragraph_corpus())
    out = run("scan", str(corpus), "--json", "-", "--boilerplate-report")
    assert out.exit_code == 0
    json.loads(out.stdout)  # stdout stays machine-readable
    assert "boilerplate units learned" in out.stderr
