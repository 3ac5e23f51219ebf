"""Reading JSON Lines on worker processes (``corpus.load_parallel``) gives what reading in one
process gives: the same articles in the same order, the same token arrays, the same skipped
records, notes and errors, and the same report, for files cut into parts anywhere."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dupfinder
import dupfinder.corpus as corpus
import dupfinder.engines.local as local_engine
import dupfinder.pipeline as pipeline
from dupfinder.errors import InputError, RecordError
from dupfinder.pipeline import articles_from
from dupfinder.readers import ReadContext
from dupfinder.stages.agency import has_agency_marker
from dupfinder.stages.tokens import Features
from tests import pages
from tests.conftest import sample_records


def _line(record: Any) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


def _messy_folder(root: Path) -> Path:
    """A scrape as it comes: two files and a subfolder; blank and CRLF lines, a byte-order
    mark, a last line without a newline, broken records, bad bytes, dates of every shape."""
    records = sample_records() + pages.live_page() + pages.quoted_paragraph_corpus()
    dates = ["2019-05-31T17:45:53Z", "31/05/2019", "sometime last week", "May 31, 2019 5:45 PM",
             "1559324753", "", "not a date"]
    lines: list[bytes] = []
    for k, r in enumerate(records):
        lines.append(_line({**r, "published": dates[k % len(dates)]}))
        if k % 5 == 0:
            lines.append(b"")  # a blank line
        if k == 3:
            lines.append(b'{"id": "broken", "text": "no closing brace"')
        if k == 6:
            lines.append(b'["an", "array"]')
        if k == 8:
            lines.append(_line({"id": "empty", "text": "   "}))
        if k == 9:
            lines.append(b'{"id": "bad-bytes", "text": "caf\xe9 au lait \xff story text here"}')
    half = len(lines) // 2
    folder = root / "scrape"
    (folder / "day2").mkdir(parents=True)
    (folder / "a.jsonl").write_bytes(b"\r\n".join(lines[:5]) + b"\r\n"
                                     + b"\n".join(lines[5:half]) + b"\n")
    (folder / "day2" / "b.jsonl").write_bytes(b"\xef\xbb\xbf" + b"\n".join(lines[half:]))
    (folder / "notes.md").write_text("how this was scraped\n", encoding="utf-8")  # a note
    return folder


def _sequential(folder: Path, ctx: ReadContext, lean_chars: int) -> corpus.LoadedCorpus:
    return corpus.load(ctx.complete(articles_from(str(folder), ctx)), True, 4, None,
                       lean_chars, 320, 1)


def _parallel(folder: Path, ctx: ReadContext, lean_chars: int) -> corpus.LoadedCorpus:
    files = corpus.parallel_files(str(folder), ctx, 2)
    assert files is not None
    return corpus.load_parallel(files, ctx, 2, None, lean_chars, 320)


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpus, "PARALLEL_READ_BYTES", 0)
    monkeypatch.setattr(corpus, "PART_BYTES", 700)  # a few records a part, cut anywhere


@pytest.mark.parametrize("id_from", ["id", "file+id"])
def test_parts_read_as_the_whole_file_reads(tmp_path: Path, small_parts: None,
                                            id_from: str) -> None:
    folder = _messy_folder(tmp_path)
    one, many = ReadContext(on_error="skip", id_from=id_from), ReadContext(on_error="skip",
                                                                          id_from=id_from)
    a, b = _sequential(folder, one, 10**12), _parallel(folder, many, 10**12)
    assert [(x.id, x.text, x.title, x.outlet, x.url, x.published, x.source)
            for x in b.articles] == [(x.id, x.text, x.title, x.outlet, x.url, x.published,
                                      x.source) for x in a.articles]
    assert len(a.articles) > 40
    assert many.skipped == one.skipped and len(one.skipped) == 3  # 2 broken, 1 empty
    assert many.warnings == one.warnings
    assert any("not understood" in w for w in one.warnings)
    assert any("undecodable" in w for w in one.warnings)
    assert sum("unsupported types" in w for w in many.warnings) == 1
    joined = Features.concat(b.features)
    assert len(joined) == len(b.articles)
    reference = Features.concat(a.features + [corpus.featurize(
        [x.text for x in a.articles[sum(len(f) for f in a.features):]], 320)])
    for name in ("tokens", "token_offsets", "line_keys", "line_sizes", "line_offsets",
                 "has_digit"):
        np.testing.assert_array_equal(getattr(joined, name), getattr(reference, name))


def test_lean_parts_drop_texts_and_keep_agency_credits(tmp_path: Path,
                                                        small_parts: None) -> None:
    folder = _messy_folder(tmp_path)
    full = _sequential(folder, ReadContext(on_error="skip"), 10**12)
    lean = _parallel(folder, ReadContext(on_error="skip"), 0)
    assert lean.lean and all(not a.text for a in lean.articles)
    assert [a.id for a in lean.articles] == [a.id for a in full.articles]
    assert lean.agency == {i: has_agency_marker(a.text, a.title)
                           for i, a in enumerate(full.articles)}
    assert any(lean.agency.values())


@pytest.mark.parametrize("id_from", ["id", "file+id"])
def test_lean_parts_read_each_text_again_from_its_own_line(tmp_path: Path, small_parts: None,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           id_from: str) -> None:
    folder = _messy_folder(tmp_path)
    full = _sequential(folder, ReadContext(on_error="skip", id_from=id_from), 10**12)
    ctx = ReadContext(on_error="skip", id_from=id_from)
    lean = _parallel(folder, ctx, 0)
    assert lean.lines is not None

    def whole_read(*args: Any) -> bool:
        raise AssertionError("read everything again")

    monkeypatch.setattr(corpus.LoadedCorpus, "_reload_by_source", whole_read)
    wanted = list(range(0, len(lean.articles), 3))
    lean.reload(wanted, [folder], ctx)
    assert [lean.articles[i] for i in wanted] == [full.articles[i] for i in wanted]
    assert all(not a.text for k, a in enumerate(lean.articles) if k % 3)


def test_a_record_changed_before_it_is_read_again_is_named(tmp_path: Path,
                                                           small_parts: None) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in sample_records()))
    ctx = ReadContext()
    lean = corpus.load_parallel(corpus.parallel_files(str(path), ctx, 2), ctx, 2, None, 0, 320)
    path.write_text("".join(json.dumps({**r, "id": f"new-{r['id']}"}) + "\n"
                            for r in sample_records()))
    with pytest.raises(InputError) as changed:
        lean.reload([3], [path], ctx)
    assert "a.jsonl:4" in str(changed.value) and "changed" in str(changed.value)
    path.write_text("")
    with pytest.raises(InputError) as gone:
        lean.reload([5], [path], ctx)
    assert "a.jsonl:6" in str(gone.value) and "scan it again" in str(gone.value)


def test_a_broken_record_fails_as_it_does_in_one_process(tmp_path: Path,
                                                         small_parts: None) -> None:
    folder = _messy_folder(tmp_path)
    with pytest.raises(RecordError) as whole:
        _sequential(folder, ReadContext(), 10**12)
    with pytest.raises(RecordError) as parts:
        _parallel(folder, ReadContext(), 10**12)
    assert str(parts.value) == str(whole.value)
    assert "a.jsonl:" in str(whole.value) and "invalid JSON" in str(whole.value)


def test_scan_reads_in_parts_and_reports_the_same(tmp_path: Path, small_parts: None,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _messy_folder(tmp_path)

    def report(workers: int) -> dict[str, Any]:
        out = dupfinder.scan(str(folder), workers=workers, on_error="skip").to_dict()
        out["stats"].pop("seconds")
        return out

    one = report(1)
    monkeypatch.setattr(local_engine, "PARALLEL_MIN", 1)
    assert report(2) == one
    monkeypatch.setattr(pipeline, "LEAN_CHARS", 1000)  # texts dropped and read back
    assert report(2) == one
    assert len(one["clusters"]) >= 5


def test_what_cannot_be_read_in_parts_is_read_whole(tmp_path: Path) -> None:
    folder = _messy_folder(tmp_path)
    gz = tmp_path / "x.jsonl.gz"
    gz.write_bytes(b"")
    utf16 = tmp_path / "y.jsonl"
    utf16.write_bytes("\ufeff".encode("utf-16-le") + _line(sample_records()[0]).decode()
                      .encode("utf-16-le"))
    ctx = ReadContext()
    assert corpus.parallel_files([str(folder), str(gz)], ctx, 2) is None
    assert corpus.parallel_files(str(utf16), ctx, 2) is None
    assert corpus.parallel_files(str(folder), ctx, 1) is None  # one worker
    assert corpus.parallel_files(str(folder), ctx, 2) is None  # too small to be worth it
    assert ctx.warnings == []


def test_many_small_files_read_in_parts_as_in_one_process(tmp_path: Path,
                                                           small_parts: None) -> None:
    """A scrape as daily files (one pool for all of them, parts of every file in order)."""
    folder = tmp_path / "days"
    folder.mkdir()
    records = sample_records() + pages.live_page()
    for day in range(30):
        chunk = records[day % len(records):][:3]
        (folder / f"2019-05-{day + 1:02d}.jsonl").write_bytes(
            b"\n".join(_line({**r, "id": f"{r['id']}-{day}", "published": "soon"})
                       for r in chunk) + b"\n")
    one, many = ReadContext(), ReadContext()
    a, b = _sequential(folder, one, 10**12), _parallel(folder, many, 10**12)
    assert [(x.id, x.source) for x in b.articles] == [(x.id, x.source) for x in a.articles]
    assert len(a.articles) == 90
    assert many.warnings == one.warnings and len(one.warnings) == 30  # a date note a file


def test_a_failing_part_keeps_what_it_said_before_the_bad_record(tmp_path: Path,
                                                                 small_parts: None) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"id": "1", "text": "caf\xe9 story here", "published": "someday"}\n'
                     + b'{"id": "2", "text": "broken\n')
    one, many = ReadContext(), ReadContext()
    with pytest.raises(RecordError) as whole:
        corpus.load(one.complete(articles_from(str(path), one)), True, 4, None, 10**12, 320, 1)
    files = corpus.parallel_files(str(path), many, 2)
    assert files is not None
    with pytest.raises(RecordError) as parts:
        corpus.load_parallel(files, many, 2, None, 10**12, 320)
    assert str(parts.value) == str(whole.value)
    assert many.warnings == one.warnings
    assert any("undecodable" in w for w in many.warnings)


def test_unusual_paths_are_left_to_the_read_in_one_process(tmp_path: Path,
                                                          small_parts: None) -> None:
    """Errors and folder notes come where the read in this process says them."""
    folder = _messy_folder(tmp_path)
    broken = tmp_path / "b.jsonl"
    broken.write_text('{"id": "x", "text": \n', encoding="utf-8")
    notes_only = tmp_path / "g"
    notes_only.mkdir()
    (notes_only / "readme.md").write_text("x", encoding="utf-8")
    ctx = ReadContext()
    assert corpus.parallel_files([str(broken), str(notes_only)], ctx, 2) is None
    with pytest.raises(RecordError):  # the broken record first, as read in order
        dupfinder.scan([str(broken), str(notes_only)], workers=2)
    assert corpus.parallel_files([str(broken), str(folder)], ctx, 2) is None  # a folder note
    assert corpus.parallel_files([str(tmp_path / "nowhere.jsonl")], ctx, 2) is None
    assert ctx.warnings == []


@pytest.mark.parametrize("ending", ["\n", ""])
def test_parts_cut_after_newlines_and_count_lines(tmp_path: Path, small_parts: None,
                                                  ending: str) -> None:
    """Parts follow each other, each but the last ends at a newline, its first line is one
    past the newlines before it, and together they cover the file: lines longer than a part
    (they run on into the next block) and a last line without its newline included."""
    path = tmp_path / "lines.jsonl"
    lines = [f'{{"id": "r{k}", "text": "{"word " * (k * 37 % 400)}"}}' for k in range(60)]
    path.write_text("\n".join(lines) + ending)
    ctx = ReadContext()
    files = corpus.parallel_files(str(path), ctx, 2)
    assert files is not None
    cuts = [(p.start, p.end, p.first_line) for p in corpus._parts(files, ctx, False, 320)]
    assert len(cuts) > 5 and cuts[0][0] == 0 and cuts[-1][1] == path.stat().st_size
    data = path.read_bytes()
    assert any(end - start > corpus.PART_BYTES for start, end, _ in cuts)  # a long line
    for (start, end, line), following in zip(cuts, cuts[1:] + [None]):
        assert data.count(b"\n", 0, start) + 1 == line
        assert following is None or (following[0] == end and data[end - 1 : end] == b"\n")


def test_a_file_gone_before_it_is_read(tmp_path: Path, small_parts: None) -> None:
    folder = _messy_folder(tmp_path)
    for mode in ("fail", "skip"):
        ctx = ReadContext(on_error=mode)
        files = corpus.parallel_files(str(folder), ctx, 2)
        assert files is not None
        gone = files[0].path
        saved = gone.read_bytes()
        gone.unlink()
        try:
            if mode == "fail":
                with pytest.raises(InputError, match="a.jsonl: cannot read"):
                    corpus.load_parallel(files, ctx, 2, None, 10**12, 320)
            else:
                loaded = corpus.load_parallel(files, ctx, 2, None, 10**12, 320)
                assert [s.source for s in ctx.skipped if "cannot read" in s.reason] == [
                    str(gone)]
                assert loaded.articles and all("b.jsonl" in a.source for a in loaded.articles)
        finally:
            gone.write_bytes(saved)
