"""A large scan drops texts while reading and reads the clustered ones again: same result."""

from __future__ import annotations

import dupfinder
import dupfinder.pipeline as pipeline
from tests.conftest import SAMPLE


def test_lean_reading_gives_the_same_report(monkeypatch) -> None:
    full = dupfinder.scan(str(SAMPLE)).to_dict()
    monkeypatch.setattr(pipeline, "LEAN_CHARS", 2000)
    monkeypatch.setattr(pipeline, "BATCH", 5)
    lean = dupfinder.scan(str(SAMPLE))
    assert lean.reload is not None  # texts were dropped and read again
    report = lean.to_dict()
    for r in (full, report):
        r["stats"].pop("seconds")
    assert report == full
    for c in lean.clusters:
        assert all(m.article.text for m in c.members)
    # An article in no cluster gets its text back when asked for.
    unclustered = next(a for a in lean.articles if "-local" in a.id)
    assert unclustered.text == ""
    assert lean.diff_pair("pa-flood", unclustered.id).b_tokens
