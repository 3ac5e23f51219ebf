"""Garbage in, a clear error out: no reader ever lets a traceback through.

For every format, hypothesis feeds random bytes and damaged copies of a valid file (truncated,
bytes flipped, bytes inserted); the scan must either succeed or raise a ``DupfinderError``
(which the CLI prints as one line, exit 2). With ``on_error="skip"`` a bad record is listed.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dupfinder
from tests.conftest import sample_records
from tests.formats import write_all

# FUZZ_EXAMPLES=1500 for a long local run; CI runs the default.
SETTINGS = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

_VALID: dict[str, bytes] = {}


def _valid(fmt: str) -> bytes:
    """A small valid file of each format, built once."""
    if not _VALID:
        root = Path(tempfile.mkdtemp())
        files = write_all(sample_records()[:4], root)
        for name, path in files.items():
            if path.is_file():
                _VALID[name] = path.read_bytes()
        _VALID["html"] = next(files["html"].iterdir()).read_bytes()
        _VALID["json"] = json.dumps(sample_records()[:4]).encode()
        _VALID["tsv"] = _VALID["csv"].replace(b",", b"\t")
        _VALID["txt"] = b"A title\n\n" + sample_records()[0]["text"].encode()
    return _VALID[fmt]


@st.composite
def damaged(draw: st.DrawFn, fmt: str) -> bytes:
    data = bytearray(_valid(fmt))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["truncate", "flip", "insert"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if op == "truncate":
            del data[at:]
        elif op == "flip":
            data[at] = draw(st.integers(0, 255))
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=40))
    return bytes(data)


def _scan_survives(tmp: Path, name: str, payload: bytes) -> None:
    path = tmp / name
    path.write_bytes(payload)
    for mode in ("fail", "skip"):
        try:
            dupfinder.scan(str(path), on_error=mode, workers=1)
        except dupfinder.DupfinderError as error:
            assert str(error).strip() and "\n" not in str(error).strip()


FORMATS = {
    "jsonl": "x.jsonl", "jsonl.gz": "x.jsonl.gz", "json": "x.json", "csv": "x.csv",
    "tsv": "x.tsv", "txt": "x.txt", "parquet": "x.parquet", "html": "x.html",
    "warc.gz": "x.warc.gz",
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_damaged_files_never_raise_a_traceback(fmt: str, tmp_path: Path) -> None:
    if fmt in ("parquet",):
        pytest.importorskip("pyarrow")
    if fmt in ("html", "warc.gz"):
        pytest.importorskip("trafilatura")
        pytest.importorskip("warcio")

    @SETTINGS
    @given(payload=st.one_of(damaged(fmt), st.binary(max_size=600)))
    def check(payload: bytes) -> None:
        _scan_survives(tmp_path, FORMATS[fmt], payload)

    check()


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                  max_size=3),
    max_leaves=8,
)


@SETTINGS
@given(records=st.lists(st.dictionaries(
    st.sampled_from(["id", "text", "title", "url", "published", "outlet", "body", "x"]),
    _json_values, max_size=6), min_size=1, max_size=6))
def test_wrong_json_types_are_listed_not_raised(records: list, tmp_path: Path) -> None:
    path = tmp_path / "typed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    try:
        result = dupfinder.scan(str(path), on_error="skip")
    except dupfinder.DuplicateIdError:
        return  # two generated records with the same id: a clear error, by design
    assert result.stats.articles + result.stats.skipped == len(records)
