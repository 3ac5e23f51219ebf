"""A large scan drops texts while reading and reads them again only when a view needs them
(a diff, the HTML report's detail): the same result, and no second read for JSON or CSV."""

from __future__ import annotations

import dupfinder
import dupfinder.engines.local as local_engine
import dupfinder.pipeline as pipeline
from tests.conftest import SAMPLE


def test_lean_reading_gives_the_same_report(monkeypatch) -> None:
    full = dupfinder.scan(str(SAMPLE)).to_dict()
    monkeypatch.setattr(pipeline, "LEAN_CHARS", 2000)
    monkeypatch.setattr(local_engine, "BATCH", 5)
    lean = dupfinder.scan(str(SAMPLE))
    assert lean.reload is not None  # texts were dropped and read again
    report = lean.to_dict()
    for r in (full, report):
        r["stats"].pop("seconds")
    assert report == full
    assert lean.to_csv() == dupfinder.scan(str(SAMPLE)).to_csv()
    pending = [k for k, c in enumerate(lean.clusters) if not c.has_texts()]
    assert len(pending) >= 2  # no second read for the JSON and CSV reports
    # A cluster's diff reads its texts back; the same edits as the full scan's.
    k = pending[0]
    whole = dupfinder.scan(str(SAMPLE)).clusters[k]
    expected = [e.to_dict() for m in whole.members for e in whole.diff(m).edits]
    cluster = lean.clusters[k]
    assert [e.to_dict() for m in cluster.members for e in cluster.diff(m).edits] == expected
    assert cluster.has_texts()
    assert not lean.clusters[pending[1]].has_texts()
    lean.load_texts()  # every cluster, in one read
    for c in lean.clusters:
        assert all(m.article.text for m in c.members)
    # An article in no cluster gets its text back when asked for.
    unclustered = next(a for a in lean.articles if "-local" in a.id)
    assert unclustered.text == ""
    assert lean.diff_pair("pa-flood", unclustered.id).b_tokens


def test_a_cluster_reads_back_only_its_own_lines(monkeypatch) -> None:
    # JSON Lines: the second read for one cluster's texts parses that cluster's lines only.
    import dupfinder.readers.jsonl as jsonl

    monkeypatch.setattr(pipeline, "LEAN_CHARS", 2000)
    monkeypatch.setattr(local_engine, "BATCH", 5)
    lean = dupfinder.scan(str(SAMPLE))
    cluster = next(c for c in lean.clusters if not c.has_texts())
    parsed: list[str] = []
    real = jsonl._loads

    def counting(line: str) -> object:
        parsed.append(line)
        return real(line)

    monkeypatch.setattr(jsonl, "_loads", counting)
    cluster.load_texts()
    assert cluster.has_texts()
    assert 0 < len(parsed) <= cluster.size  # not the whole file
    assert len(parsed) < len(lean.articles)


def test_without_text_keeps_every_other_field() -> None:
    import dataclasses

    from dupfinder.article import Article

    values = {f.name: f"{f.name}-value" for f in dataclasses.fields(Article)}
    article = Article(**values)
    assert article.without_text() == dataclasses.replace(article, text="")
