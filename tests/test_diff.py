"""The diff names an outlet's edits, with word counts close to the truth."""

from __future__ import annotations

import dupfinder
from dupfinder.diff import diff_articles
from tests.conftest import by_id


def test_headline_cut_ending_local_sentence_and_two_substitutions(records) -> None:
    wire = by_id(records)["pa-flood"]
    paras = wire["text"].split("\n")
    cut = paras[-3:]
    kept = paras[:-3]
    local = "Residents of Kingsmere were told to expect further road closures overnight."
    kept.insert(2, local)
    text = "\n".join(kept)
    text = text.replace("Environment Agency", "EA", 1)
    text = text.replace("emergency flood barriers", "temporary barriers", 1)
    text = text.replace("Emergency flood barriers", "Temporary barriers", 1)
    original = dupfinder.Article(id="wire", text=wire["text"], title=wire["title"])
    copy = dupfinder.Article(id="copy", text=text, title="Barriers go up as Arden floods")
    d = diff_articles(original, copy)
    assert d.kinds() == ["headline", "trimmed_end", "inserted", "replaced"]
    counts = d.counts()
    cut_words = len(" ".join(cut).split())
    assert abs(counts["words_deleted"] - cut_words) <= 3
    assert abs(counts["words_inserted"] - len(local.split())) <= 3
    replaced = [e for e in d.edits if e.kind == "replaced"]
    assert [(e.old, e.new) for e in replaced] == [
        ("Emergency flood", "Temporary"), ("Environment Agency", "EA")]
    trimmed = next(e for e in d.edits if e.kind == "trimmed_end")
    assert trimmed.old.startswith("Rail operators cancelled services")


def test_deleted_paragraph_is_one_edit(records) -> None:
    wire = by_id(records)["ap-telescope"]
    paras = wire["text"].split("\n")
    del paras[3]
    a = dupfinder.Article(id="a", text=wire["text"], title="t")
    b = dupfinder.Article(id="b", text="\n".join(paras), title="t")
    d = diff_articles(a, b)
    assert [e.kind for e in d.edits] == ["deleted"]


def test_edits_frame_and_pandas_views() -> None:
    import pytest

    pd = pytest.importorskip("pandas")
    from tests.conftest import SAMPLE

    result = dupfinder.scan(str(SAMPLE))
    frame = result.edits_frame()
    assert isinstance(frame, pd.DataFrame)
    assert set(frame["kind"]) >= {"headline", "trimmed_end", "inserted", "replaced"}
    members = result.to_pandas()
    assert len(members) == 26 and set(members["cluster"]) == {f"c{i}" for i in range(1, 6)}


def _summaries_agree(records: list[dict]) -> int:
    import dupfinder
    from dupfinder.result import _edit_summary

    result = dupfinder.scan(records)
    compared = 0
    for c in result.clusters:
        for m in c.members:
            assert m.edits is not None
            assert m.edits == _edit_summary(c, m), (c.id, m.id)
            compared += 1
    return compared


def test_edit_stage_agrees_with_the_text_diff() -> None:
    # Two implementations of one summary: from the scan's token arrays (the stage the report
    # uses) and from the texts (the diff views): equal on every member.
    from tests import pages
    from tests.conftest import sample_records

    corpora = [sample_records(), pages.live_page(), pages.quoted_paragraph_corpus(),
               pages.caption_twice(), pages.copy_edited_reprint(), pages.related_block_page()]
    assert sum(_summaries_agree(c) for c in corpora) > 40
