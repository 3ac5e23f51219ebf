"""`dupfinder check --format junit` is well-formed XML 1.0 whatever scraped titles hold: a real
JUnit consumer (junitparser, on lxml when installed) parses it, and the other formats stay one
line per finding with no control characters."""

from __future__ import annotations

import json

import pytest
from junitparser import Failure, JUnitXml

from tests.conftest import run, sample_records, write_jsonl

# What scrapers leave in headlines: C0 controls (NUL, ESC of a colour code, a form feed from a
# PDF), a noncharacter, a lone surrogate from a JSON "\ud83d" escape cut in half, CDATA's end,
# markup, and quotes.
DIRTY = ("Rail strike\x00 dates\x01\x02\x03\x04\x05\x06\x07\x08 set\x0b\x0c\x0e\x0f\x10\x11"
         "\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b[31m\x1c\x1d\x1e\x1f \ufffe\uffff "
         "\ud83d ]]> <b>&amp;</b> \"quoted\" 'single'\ttab\r\nnext line")


@pytest.fixture
def dirty_corpus(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    records = sample_records()
    for r in records:
        if r["id"] in ("pa-strike", "valleyherald-strike"):
            r["title"] = DIRTY  # the canonical's title is the one every format quotes
        if r["id"] == "metrodaily-strike":
            r["id"] = "metrodaily-strike]]>\x1b\x00"
            r["outlet"] = "metro<daily>&\"co\"\x07"
    # json.dumps writes the lone surrogate as the escape "\ud83d", as a broken scraper would
    return write_jsonl(tmp_path / "scrape.jsonl", records)


def test_junit_is_well_formed_for_a_junit_consumer(dirty_corpus, tmp_path) -> None:
    assert "\\ud83d" in dirty_corpus.read_text()
    out = run("check", str(dirty_corpus.name), "--format", "junit")
    assert out.exit_code == 1
    report = tmp_path / "dupes.xml"
    report.write_bytes(out.stdout_bytes)
    xml = JUnitXml.fromfile(str(report))  # lxml raises on any character XML 1.0 forbids
    cases = [case for suite in xml for case in suite]
    strike = next(case for case in cases if case.name == "pa-strike")
    failure = strike.result[0]
    assert isinstance(failure, Failure)
    assert failure.message.count("Rail strike") == 1  # the headline, cut to 80 characters
    body = failure.text or ""
    headline = next(line for line in body.splitlines() if line.startswith("headline"))
    assert "]]> <b>&amp;</b> \"quoted\" 'single' tab next line" in headline
    assert "metrodaily-strike]]>" in body and 'metro<daily>&"co"' in body
    forbidden = {chr(c) for c in range(0x20)} - {"\t", "\n", "\r"} | {"\ufffe", "\uffff"}
    text = out.stdout_bytes.decode("utf-8")  # strict: no lone surrogate was written
    assert not forbidden & set(text)
    assert "\ufffd" in text  # replaced, visibly, not silently dropped


def test_other_formats_with_dirty_titles(dirty_corpus) -> None:
    report = json.loads(run("check", dirty_corpus.name, "--format", "json").stdout_bytes)
    # JSON keeps the title (control characters escaped), only the lone surrogate is replaced
    title = report["clusters"]["pa-strike"]["title"]
    assert title.startswith("Rail strike\x00 dates") and "\ud83d" not in title
    assert "metrodaily-strike]]>\x1b\x00" in [m["id"] for m in
                                              report["clusters"]["pa-strike"]["members"]]
    for fmt in ("text", "github"):
        out = run("check", dirty_corpus.name, "--format", fmt)
        text = out.stdout_bytes.decode("utf-8")
        assert out.exit_code == 1
        assert not {chr(c) for c in range(0x20)} - {"\n"} & set(text)
        assert "\x1b" not in text and "\ud83d" not in text
    github = run("check", dirty_corpus.name, "--format", "github").stdout
    # every annotation is one line: the CR/LF of the title cannot start a new command
    assert all(line.startswith("::") for line in github.splitlines())
