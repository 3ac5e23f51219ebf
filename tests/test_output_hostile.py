"""Scraped text is hostile: no escape sequence, control or bidi character from a page reaches
the terminal (table, boilerplate report, diff view, notes and errors), and the HTML isolates
every scraped field."""

from __future__ import annotations

import re
from typing import Any

import pytest

import dupfinder
from dupfinder.terminal import clip, safe_line, safe_text, width
from tests.conftest import run, sample_records, write_jsonl

# A window-title OSC, a hyperlink OSC, clear-screen and colour CSI, a carriage return (which
# overwrites the line), backspace, NUL, DEL, an 8-bit CSI, and bidi overrides, isolates and
# marks.
EVIL = ("\x1b]0;pwned\x07\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\\x1b[2J\x1b[31m"
        "\rX\x08\x00\x7f\x9b31m\u202e\u202a\u2066\u2069\u200e\u200f\u061cend")

# What may not reach a terminal: C0 (newline aside), DEL, C1, bidi controls.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def assert_clean(text: str, removed: bool = True) -> None:
    found = UNSAFE.search(text)
    assert found is None, (repr(found.group(0)), text[max(0, found.start() - 40):found.end()])
    if removed:  # the sequences are gone, not only defused (errors quote them escaped)
        assert "pwned" not in text and "evil.example" not in text


def test_safe_text_neutralises_every_kind_of_control() -> None:
    out = safe_text(EVIL)
    assert_clean(out)
    assert out.startswith("click") and out.endswith("end")
    assert "\ufffd" in out  # NUL, DEL and backspace are shown, not obeyed
    assert safe_text("first\r\nsecond\tthird") == "first\nsecond\tthird"
    assert safe_line("first\nsecond\tthird\u2028fourth") == "first second third fourth"
    assert safe_text("plain text, left alone") == "plain text, left alone"
    # An unterminated OSC swallows its line only, never the rest of the text.
    assert safe_text("a\x1b]0;title\nnext line") == "a\nnext line"
    assert safe_text("\u05e9\u05dc\u05d5\u05dd and \u0645\u0631\u062d\u0628\u0627") == \
        "\u05e9\u05dc\u05d5\u05dd and \u0645\u0631\u062d\u0628\u0627"  # RTL text itself stays


def test_clip_measures_display_columns() -> None:
    assert width("\u6f22\u5b57") == 4
    clipped = clip("\u6f22\u5b57" * 10, 9)
    assert width(clipped) <= 9 and clipped.endswith("\u2026")
    assert clip("a\x1b[2Jb", 10) == "ab"


def _hostile(tmp_path) -> tuple[str, dict[str, Any]]:
    records = sample_records()
    ids = {}
    for r in records:
        if r["id"] == "pa-strike":
            r["id"] = ids["wire"] = f"pa-strike{EVIL}"
            r["title"] = f"Rail {EVIL} strike"
            r["outlet"] = f"pa{EVIL}.example"
        elif r["id"] == "coastalpost-strike":
            r["text"] = r["text"].replace("Services on the coastal line",
                                          f"Services {EVIL} on the coastal line")
            r["title"] = f"Commuters {EVIL} face disruption"
            ids["copy"] = r["id"]
        # A chrome line that carries the controls, learned as boilerplate.
        r["text"] = r["text"].replace("Advertisement", f"Advertisement {EVIL}")
    return str(write_jsonl(tmp_path / "hostile.jsonl", records)), ids


def test_table_boilerplate_report_and_diff_print_no_control(tmp_path) -> None:
    path, ids = _hostile(tmp_path)
    out = run("scan", path, "--table", "--boilerplate-report")
    assert out.exit_code == 0, out.stderr
    assert_clean(out.stdout)
    assert "Rail click" in out.stdout and "Advertisement click" in out.stdout
    out = run("diff", path, "--cluster", "c1")
    assert out.exit_code == 0, out.stderr
    assert_clean(out.stdout)
    assert "{+Services click" in out.stdout
    # Coloured, only our own SGR sequences remain.
    out = run("--color", "always", "diff", path, "--cluster", "c1")
    stripped = re.sub(r"\x1b\[[0-9;]*m", "", out.stdout)
    assert out.stdout != stripped
    assert_clean(stripped)
    out = run("diff", path, "--pair", ids["wire"], "pa-flood")
    assert_clean(out.stdout)
    assert_clean(out.stderr)
    assert "are not copies" in out.stderr


def test_errors_and_notes_print_no_control(tmp_path) -> None:
    path, _ = _hostile(tmp_path)
    out = run("diff", path, "--cluster", f"c9{EVIL}")
    assert out.exit_code == 2 and out.stderr.count("\n") == 1
    assert_clean(out.stderr, removed=False)
    bad = tmp_path / f"bad{EVIL[:12]}.jsonl"
    bad.write_text('{"id": "x", "text": "fine"}\n{broken\n')
    out = run("scan", str(bad))
    assert out.exit_code == 2 and out.stderr.count("\n") == 1
    assert_clean(out.stderr)
    # A warning that quotes a record's source (skipped records are noted on stderr).
    out = run("scan", str(bad), "--on-error", "skip", "--json", str(tmp_path / "r.json"))
    assert out.exit_code == 0 and "skipped" in out.stderr
    assert_clean(out.stderr)


def test_html_isolates_scraped_fields(tmp_path) -> None:
    pytest.importorskip("jinja2")
    path, ids = _hostile(tmp_path)
    result = dupfinder.scan(path)
    page = result.to_html()
    assert "unicode-bidi: isolate" in page
    # Every scraped field sits in an isolate: <bdi>, or an element the CSS isolates.
    assert re.search(r"<bdi>Rail \x1b\]0;pwned", page)
    assert f"<bdi>{ids['wire'][:9]}" in page
    assert re.search(r"<strong><bdi>pa\x1b", page)
    assert "<bdi>Commuters" in page or "<ins>Commuters" in page
    for view in (result._repr_html_(), result.clusters[0]._repr_html_(),
                 result.clusters[0].diff(ids["copy"])._repr_html_()):
        assert "<bdi>" in view and "unicode-bidi: isolate" in view
    # Outside <bdi>, <del>, <ins> and the isolated blocks, no bidi control appears.
    outside = re.sub(r"<(bdi|del|ins|td|h2)[^>]*>.*?</\1>", "", page, flags=re.S)
    outside = re.sub(r'<div class="(canon|diff)">.*?</div>', "", outside, flags=re.S)
    assert "\u202e" not in outside
