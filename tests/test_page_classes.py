"""Classes of real pages that break naive detection, one test (or pair) per class; the pages are
built in tests/pages.py from invented stories.

1 one-line texts (CSV exports), 2 live pages, 3 related-articles blocks, 4 a wire paragraph
quoted in live pages, 5 a caption printed twice, 6 a copy-edited reprint, 7 a write-through with
a new lede, 8 the sample without dates.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

import dupfinder
from tests import pages
from tests.conftest import EXPECTED, clusters_as_sets, sample_records

WORD = re.compile(r"\w+(?:'\w+)*")
AGENCY_OUTLETS = {"pa.example", "ap.example", "reuters.example"}


def shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    """Word n-grams of lower-cased tokens, as dupfinder shingles (before boilerplate removal)."""
    words = WORD.findall(text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def containment(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / min(len(sa), len(sb))


def jaccard(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb)


def norm(text: str) -> str:
    return " ".join(WORD.findall(text.lower()))


def cluster_with(result: Any, article_id: str) -> Any:
    found = [c for c in result.clusters if article_id in {m.id for m in c.members}]
    assert len(found) == 1, f"{article_id} is in {len(found)} clusters"
    return found[0]


def report_cluster_with(report: dict[str, Any], article_id: str) -> dict[str, Any]:
    return next(c for c in report["clusters"]
                if article_id in {m["id"] for m in c["members"]})


def boilerplate_matching(result: Any, line: str) -> list[Any]:
    return [b for b in result.boilerplate_lines if norm(b.text) == norm(line)]


def assert_embedded_entry(entries: list[dict[str, Any]], page_id: str, outlet: str) -> None:
    """The JSON report lists the page under the cluster, as {"id","outlet","containment"}."""
    by_id = {e["id"]: e for e in entries}
    assert page_id in by_id, entries
    assert set(by_id[page_id]) == {"id", "outlet", "containment"}
    assert by_id[page_id]["outlet"] == outlet
    assert by_id[page_id]["containment"] >= 0.7


# --- 1. One-line texts ------------------------------------------------------------------------


@pytest.mark.parametrize("copies", [3, 5, 100])
def test_one_line_identical_copies_form_one_cluster(copies: int) -> None:
    records = pages.one_line_copies(copies)
    assert all("\n" not in r["text"] and " ### " in r["text"] for r in records)
    result = dupfinder.scan(records)
    assert clusters_as_sets(result) == {frozenset(f"ferry-{i:03d}" for i in range(copies))}


def test_plain_one_line_identical_copies_form_one_cluster() -> None:
    records = pages.plain_one_line_copies(3)
    assert all("\n" not in r["text"] and "###" not in r["text"] for r in records)
    result = dupfinder.scan(records)
    assert clusters_as_sets(result) == {frozenset({"frog-000", "frog-001", "frog-002"})}


# --- 2. A live page ---------------------------------------------------------------------------


def test_live_page_items_cluster_in_pairs_without_the_page() -> None:
    result = dupfinder.scan(pages.live_page())
    assert clusters_as_sets(result) == {frozenset(pair) for pair in pages.LIVE_ITEM_COPIES}


def test_live_page_is_listed_as_embedding_every_item() -> None:
    result = dupfinder.scan(pages.live_page())
    report = result.to_dict()
    for pair in pages.LIVE_ITEM_COPIES:
        cluster = cluster_with(result, pair[0])
        assert pages.LIVE_PAGE_ID not in {m.id for m in cluster.members}
        embedded = {e.id: e for e in cluster.embedded_in}
        assert set(embedded) == {pages.LIVE_PAGE_ID}
        assert embedded[pages.LIVE_PAGE_ID].outlet == pages.LIVE_PAGE_OUTLET
        assert embedded[pages.LIVE_PAGE_ID].containment >= 0.7
        entries = report_cluster_with(report, pair[0])["embedded_in"]
        assert_embedded_entry(entries, pages.LIVE_PAGE_ID, pages.LIVE_PAGE_OUTLET)


# --- 3. A related-articles block --------------------------------------------------------------


def test_related_block_page_is_a_member_of_neither_story() -> None:
    result = dupfinder.scan(pages.related_block_page())
    assert clusters_as_sets(result) == {frozenset(pair) for pair in pages.RELATED_COPIES}


def test_related_block_page_is_listed_under_both_stories() -> None:
    result = dupfinder.scan(pages.related_block_page())
    report = result.to_dict()
    for pair in pages.RELATED_COPIES:
        cluster = cluster_with(result, pair[0])
        embedded = {e.id: e for e in cluster.embedded_in}
        assert set(embedded) == {pages.RELATED_PAGE_ID}
        assert embedded[pages.RELATED_PAGE_ID].outlet == pages.RELATED_PAGE_OUTLET
        assert embedded[pages.RELATED_PAGE_ID].containment >= 0.7
        entries = report_cluster_with(report, pair[0])["embedded_in"]
        assert_embedded_entry(entries, pages.RELATED_PAGE_ID, pages.RELATED_PAGE_OUTLET)


def test_page_of_a_wire_story_with_a_related_brief_joins_its_own_story_only() -> None:
    result = dupfinder.scan(pages.related_block_wire_page())
    assert clusters_as_sets(result) == {
        frozenset(pages.SHIPYARD_COPIES + (pages.RELATED_WIRE_PAGE_ID,)),
        frozenset(pages.BRIEF_COPIES),
    }


def test_page_of_a_wire_story_is_listed_under_the_brief_it_embeds() -> None:
    page = pages.RELATED_WIRE_PAGE_ID
    result = dupfinder.scan(pages.related_block_wire_page())
    brief = cluster_with(result, pages.BRIEF_COPIES[0])
    assert page not in {m.id for m in brief.members}
    embedded = {e.id: e for e in brief.embedded_in}
    assert set(embedded) == {page}
    assert embedded[page].containment >= 0.7
    # In its own story's cluster it is a member, so it is not listed as embedding it too.
    own = cluster_with(result, page)
    assert set(pages.SHIPYARD_COPIES) <= {m.id for m in own.members}
    assert page not in {e.id for e in own.embedded_in}
    report = result.to_dict()
    entries = report_cluster_with(report, pages.BRIEF_COPIES[0])["embedded_in"]
    assert_embedded_entry(entries, page, pages.RELATED_WIRE_PAGE_OUTLET)
    assert page not in {e["id"] for e in report_cluster_with(report, page)["embedded_in"]}


# --- 4. A wire paragraph quoted in live pages ------------------------------------------------


@pytest.fixture(scope="module")
def quoted() -> Any:
    return dupfinder.scan(pages.quoted_paragraph_corpus())


def test_quoted_paragraph_copies_cluster_and_quoting_pages_stay_out(quoted: Any) -> None:
    records = pages.quoted_paragraph_corpus()
    carriers = [r["id"] for r in records if pages.QUOTED_PARAGRAPH in r["text"].split("\n")]
    assert sorted(carriers) == sorted(pages.RESIGNATION_COPIES + pages.QUOTING_PAGES)
    assert clusters_as_sets(quoted) == {frozenset(pages.RESIGNATION_COPIES)}


def test_quoted_wire_paragraph_is_not_boilerplate(quoted: Any) -> None:
    mark = norm(pages.QUOTED_MARK)
    assert mark in norm(pages.QUOTED_PARAGRAPH)
    assert not [b.text for b in quoted.boilerplate_lines if mark in norm(b.text)]
    assert not [b for b in quoted.to_dict()["boilerplate"] if mark in norm(b["text"])]


def test_outlet_chrome_around_the_quote_is_boilerplate(quoted: Any) -> None:
    report = {norm(b["text"]): b for b in quoted.to_dict()["boilerplate"]}
    for outlet, chrome in pages.CHROME.items():
        # Each outlet prints its chrome on three unrelated stories, its live page and its copy.
        for kind in ("newsletter", "comments"):
            found = boilerplate_matching(quoted, chrome[kind])
            assert found, f"{outlet} {kind} line not learned"
            assert found[0].reason == "recurring"
            assert found[0].articles >= 3
            entry = report[norm(chrome[kind])]
            assert set(entry) == {"text", "articles", "outlets", "reason"}
            assert entry["reason"] == "recurring" and entry["articles"] >= 3


# --- 5. A caption printed twice ---------------------------------------------------------------


def test_copy_with_a_caption_printed_twice_is_a_copy() -> None:
    wire, copy = pages.caption_twice()
    assert copy["text"].split("\n").count(pages.CAPTION) == 2
    assert pages.CAPTION not in wire["text"]
    result = dupfinder.scan([wire, copy])
    assert clusters_as_sets(result) == {frozenset(pages.CAPTION_IDS)}


def test_caption_printed_twice_is_learned_as_repeated() -> None:
    result = dupfinder.scan(pages.caption_twice())
    found = boilerplate_matching(result, pages.CAPTION)
    assert found, [b.text for b in result.boilerplate_lines]
    assert found[0].reason == "repeated"
    report = [b for b in result.to_dict()["boilerplate"] if norm(b["text"]) == norm(pages.CAPTION)]
    assert report and report[0]["reason"] == "repeated"


# --- 6. A copy-edited reprint -----------------------------------------------------------------


def test_copy_edited_reprint_sits_below_the_copy_rule() -> None:
    original, reprint = pages.copy_edited_reprint()
    assert 250 <= len(original["text"].split()) <= 600
    assert 0.45 <= containment(original["text"], reprint["text"]) < 0.7
    assert jaccard(original["text"], reprint["text"]) < 0.5


def test_copy_edited_reprint_is_clustered_with_its_original() -> None:
    result = dupfinder.scan(pages.copy_edited_reprint())
    assert clusters_as_sets(result) == {frozenset(pages.REPRINT_IDS)}
    assert result.clusters[0].canonical.id == "pa-trial"


# --- 7. A write-through with a new lede -------------------------------------------------------


def test_write_through_overlap_sits_in_the_same_band() -> None:
    first, later = pages.write_through()
    assert 0.45 <= containment(first["text"], later["text"]) < 0.7
    assert jaccard(first["text"], later["text"]) < 0.5


def test_write_through_with_a_new_lede_is_not_a_copy() -> None:
    result = dupfinder.scan(pages.write_through())
    assert not any(set(pages.WRITE_THROUGH_IDS) <= s for s in clusters_as_sets(result))


# --- 8. The sample without dates --------------------------------------------------------------


def test_undated_sample_names_the_agency_version_as_canonical() -> None:
    records = [{k: v for k, v in r.items() if k != "published"} for r in sample_records()]
    outlet = {r["id"]: r["outlet"] for r in records}
    expected = json.loads(EXPECTED.read_text())
    result = dupfinder.scan(records)
    by_members = {frozenset(m.id for m in c.members): c for c in result.clusters}
    for ids, canonical in zip(expected["clusters"], expected["canonicals"]):
        assert outlet[canonical] in AGENCY_OUTLETS
        assert canonical.startswith(("pa-", "ap-", "reuters-"))
        cluster = by_members.get(frozenset(ids))
        assert cluster is not None, ids
        assert cluster.canonical.id == canonical, (cluster.canonical.id, cluster.canonical_reason)


def test_the_report_says_the_reprint_joined_by_the_second_look() -> None:
    result = dupfinder.scan(pages.copy_edited_reprint())
    report = result.to_dict()
    joined = {m["id"]: m["joined"] for c in report["clusters"] for m in c["members"]}
    original, reprint = pages.REPRINT_IDS
    assert joined == {original: "canonical", reprint: "aligned"}
