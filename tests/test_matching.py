"""What counts as a copy: trimmed copies and local inserts do; shared chrome does not; a page
that embeds a second story does not glue two stories together."""

from __future__ import annotations

import dupfinder
from tests.conftest import by_id, clusters_as_sets

FOOTER = (
    "Sign up to the Riverside Gazette morning briefing for the day's essential stories, "
    "delivered to your inbox before breakfast. You can unsubscribe at any time and we will "
    "never share your details with third parties."
)
RELATED = (
    "Related articles\n"
    "Council confirms new opening hours for the central library\n"
    "Police appeal after van stolen from industrial estate overnight\n"
    "Sixth-form students celebrate record exam results this summer\n"
    "Weekend roadworks: the closures you need to know about"
)
COPYRIGHT = (
    "Copyright (c) 2026 The Associated Press. All rights reserved. This material may not be "
    "published, broadcast, rewritten or redistributed."
)

BAKERY = (
    "A family bakery in Hollins Street has closed its doors after 62 years, with the owners "
    "saying rising energy bills made the ovens too expensive to run.\n"
    "Margaret and Leonard Shaw took over the business from Leonard's father in 1981 and "
    "still started work at four every morning. Regulars queued down the street on Saturday "
    "to buy a last loaf and to say goodbye.\n"
    "'We have loved every minute, but the numbers no longer add up,' Mrs Shaw said. The "
    "building has been sold to a developer who plans to turn it into flats."
)
MARATHON = (
    "More than nine thousand runners took part in the city marathon on Sunday, raising an "
    "estimated 1.4 million pounds for local charities.\n"
    "The men's race was won by Daniel Otieno in two hours and eleven minutes, while club "
    "runner Fiona Reid took the women's title in her first attempt at the distance.\n"
    "Organisers said cooler weather had helped, and paramedics treated fewer runners than in "
    "previous years. Road closures were lifted by early evening."
)


def _paras(text: str) -> list[str]:
    return text.split("\n")


def test_copy_trimmed_to_forty_percent_is_found(records) -> None:
    wire = by_id(records)["pa-flood"]
    words = len(wire["text"].split())
    kept: list[str] = []
    for para in _paras(wire["text"]):
        if len(" ".join(kept + [para]).split()) > 0.4 * words:
            break
        kept.append(para)
    assert 0.25 * words < len(" ".join(kept).split()) <= 0.4 * words
    trimmed = {"id": "trimmed", "title": "Floods: latest", "text": "\n".join(kept)}
    result = dupfinder.scan([wire, trimmed])
    assert clusters_as_sets(result) == {frozenset({"pa-flood", "trimmed"})}
    member = result.clusters[0].member("trimmed")
    assert member.containment > 0.95 and member.jaccard < 0.5
    # The fuller version is the original even though only the copy is dated.
    undated_wire = {k: v for k, v in wire.items() if k != "published"}
    dated_copy = {**trimmed, "published": "2026-03-01T00:00:00Z"}
    again = dupfinder.scan([undated_wire, dated_copy])
    assert again.clusters[0].canonical.id == "pa-flood"
    assert again.clusters[0].canonical_reason == "covers"


def test_new_headline_and_local_paragraph_is_found(records) -> None:
    wire = by_id(records)["reuters-rates"]
    paras = _paras(wire["text"])
    paras.insert(3, "In Northfield, estate agents said buyers had been waiting for exactly this "
                    "signal before committing to a purchase, and viewings rose on Thursday.")
    copy = {"id": "local", "title": "What the rate decision means for Northfield",
            "text": "\n".join(paras)}
    result = dupfinder.scan([wire, copy])
    assert clusters_as_sets(result) == {frozenset({"reuters-rates", "local"})}
    d = result.clusters[0].diff("local")
    assert "headline" in d.kinds() and "inserted" in d.kinds()
    assert 20 <= d.counts()["words_inserted"] <= 30


def test_shared_chrome_alone_is_not_a_copy() -> None:
    for chrome in (FOOTER, RELATED, COPYRIGHT, "\n".join([FOOTER, RELATED, COPYRIGHT])):
        pair = [
            {"id": "bakery", "text": BAKERY + "\n" + chrome},
            {"id": "marathon", "text": MARATHON + "\n" + chrome},
        ]
        result = dupfinder.scan(pair)
        assert result.clusters == [], chrome[:30]


def test_chrome_across_an_outlet_is_learned_and_removed(records) -> None:
    # Eight unrelated articles of one outlet carry the same footer and related block.
    unrelated = [r for r in records if "-local" in r["id"]][:8]
    corpus = [{"id": r["id"], "outlet": "gazette.example", "text": r["text"] + "\n" + FOOTER
               + "\n" + RELATED} for r in unrelated]
    result = dupfinder.scan(corpus)
    assert result.clusters == []
    assert len(result.boilerplate) >= 5  # the footer and the related-articles lines


def test_page_embedding_a_second_story_does_not_merge_stories(records) -> None:
    ids = by_id(records)
    flood = [r for r in records if r["id"].endswith("-flood")]
    rates = [r for r in records if r["id"].endswith("-rates")]
    page = dict(ids["valleyherald-flood"])
    page["id"] = "aggregator-flood"
    page["outlet"] = "aggregator.example"
    page["text"] = page["text"] + "\nRelated articles\n" + ids["reuters-rates"]["text"]
    result = dupfinder.scan(flood + rates + [page])
    sets = clusters_as_sets(result)
    assert not any({"pa-flood", "reuters-rates"} <= s for s in sets)
    flood_cluster = next(s for s in sets if "pa-flood" in s)
    rates_cluster = next(s for s in sets if "reuters-rates" in s)
    assert {r["id"] for r in flood} <= flood_cluster
    assert {r["id"] for r in rates} <= rates_cluster
    for c in result.clusters:
        for m in c.members:
            if m.id != c.canonical.id:
                # Every member is itself a verified copy of its canonical.
                assert m.jaccard >= 0.5 or m.containment >= 0.7
