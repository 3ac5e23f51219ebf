"""The clustering rules on hand-made graphs: majority linkage keeps a copy that fails against
the canonical alone and keeps chains out; an embedding page joins no cluster it embeds; the
canonical is the version that shares most and adds least, then dated, then the agency."""

from __future__ import annotations

import numpy as np

from dupfinder.stages.cluster import Facts, build_clusters, choose_canonical, derivation
from dupfinder.stages.verify import Edges, overlap


def _facts(sets: list[set[int]], ids: list[str] | None = None,
           dates: list[float | None] | None = None, agency_site: list[bool] | None = None,
           credit: list[bool] | None = None) -> Facts:
    arrays = [np.array(sorted(s), dtype=np.uint32) for s in sets]
    n = len(sets)
    return Facts(ids=ids or [f"a{k}" for k in range(n)], sizes=[a.size for a in arrays],
                 dates=dates or [None] * n, agency=credit or [False] * n,
                 shingles=arrays.__getitem__, agency_outlet=agency_site or [False] * n)


def _edges(pairs: list[tuple[int, int]]) -> Edges:
    arr = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    return Edges(arr, np.full(len(pairs), 0.6), np.full(len(pairs), 0.8))


def _cluster(sets: list[set[int]], pairs: list[tuple[int, int]], **facts_kw):
    facts = _facts(sets, **facts_kw)
    linked = {tuple(sorted(p)) for p in pairs}

    def score(i: int, j: int):
        return (0.6, 0.8) if tuple(sorted((i, j))) in linked else None

    def similarity(i: int, j: int):
        return overlap(facts.shingles(i), facts.shingles(j))

    return build_clusters(_edges(pairs), facts, score, similarity)


def test_majority_linkage_keeps_a_copy_that_fails_against_the_canonical_alone() -> None:
    story = set(range(100))
    sets = [story, story - {1, 2}, story - {3, 4}, (story - set(range(10))) | {500, 501}]
    # 3 verifies against 1 and 2 but not against the canonical 0.
    (group,) = _cluster(sets, [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3)])
    assert group.canonical == 0
    assert sorted(m.index for m in group.members) == [0, 1, 2, 3]
    joined = {m.index: m.joined for m in group.members}
    assert joined == {0: "canonical", 1: "copy", 2: "copy", 3: "majority"}


def test_a_chain_does_not_join() -> None:
    # Windows sliding along a text: each a copy of its neighbours only.
    sets = [set(range(k * 40, k * 40 + 100)) for k in range(5)]
    groups = _cluster(sets, [(0, 1), (1, 2), (2, 3), (3, 4)])
    # 1 shares most and adds nothing (tied with 2 and 3; the smallest id wins); 3 is a copy of
    # one member of {0, 1, 2} only, so it starts a cluster of its own.
    assert sorted(sorted(m.index for m in g.members) for g in groups) == [[0, 1, 2], [3, 4]]


def test_an_embedding_page_is_listed_not_merged() -> None:
    story_a, story_b = set(range(100)), set(range(1000, 1100))
    page = story_a | story_b | set(range(5000, 5200))
    sets = [story_a, story_a - {7}, story_b, story_b - {9}, page]
    groups = _cluster(sets, [(0, 1), (2, 3), (0, 4), (1, 4), (2, 4), (3, 4)])
    assert sorted(sorted(m.index for m in g.members) for g in groups) == [[0, 1], [2, 3]]
    assert all([e.index for e in g.embedded] == [4] for g in groups)


def test_a_page_that_is_mostly_one_story_is_its_member_and_embeds_the_other() -> None:
    story_a, brief = set(range(300)), set(range(1000, 1040))
    page = story_a | brief
    sets = [story_a, story_a - {5}, brief, brief - {1}, page]
    groups = _cluster(sets, [(0, 1), (2, 3), (0, 4), (1, 4), (2, 4), (3, 4)])
    by_first = {min(m.index for m in g.members): g for g in groups}
    assert sorted(m.index for m in by_first[0].members) == [0, 1, 4]
    assert [e.index for e in by_first[2].embedded] == [4]


def test_canonical_shares_most_and_adds_least() -> None:
    story = set(range(200))
    wire = story
    local = story | set(range(900, 960))  # an outlet copy with a local paragraph
    chrome = story | set(range(2000, 2300))  # a page full of ad-script text
    trimmed = set(range(120))
    sets = [local, chrome, trimmed, wire]
    facts = _facts(sets, ids=["local", "chrome", "trimmed", "wire"])
    derived = derivation([0, 1, 2, 3], facts)
    assert derived[3] == (200, 0) and derived[0][1] == 60
    assert choose_canonical([0, 1, 2, 3], facts) == (3, "covers")


def test_ties_go_to_the_stated_date_then_the_agency_site_then_the_credit() -> None:
    story = set(range(200))
    sets = [story, set(story), set(story)]
    assert choose_canonical([0, 1, 2], _facts(sets, dates=[None, 5.0, 3.0])) == (2, "earliest")
    assert choose_canonical([0, 1, 2], _facts(sets, agency_site=[False, True, False],
                                              credit=[True, True, True])) == (1, "agency")
    assert choose_canonical([0, 1, 2], _facts(sets, credit=[False, False, True])) == (2, "agency")
    assert choose_canonical([0, 1, 2], _facts(sets)) == (0, "id")


def test_derivation_counts_shared_and_own_shingles_as_set_arithmetic() -> None:
    """``derivation`` (one sort of all the group's shingles) against the definition: a
    candidate's shingle is shared when another candidate carries it too."""
    import numpy as np

    from dupfinder.engines.local import prepare
    from dupfinder.params import Params
    from dupfinder.stages.cluster import Facts, derivation
    from tests import pages
    from tests.conftest import sample_records

    records = sample_records() + pages.copy_edited_reprint() + pages.live_page()
    sets = prepare([r["text"] for r in records], Params()).sets
    n = len(records)
    facts = Facts(ids=[str(k) for k in range(n)], sizes=sets.sizes().tolist(), dates=[None] * n,
                  agency=[False] * n, shingles=sets.of)
    rng = np.random.default_rng(5)
    for _ in range(60):
        group = sorted(rng.choice(n, int(rng.integers(1, 8)), replace=False).tolist())
        got = derivation(group, facts)
        for v in group:
            mine = set(sets.of(v).tolist())
            others = set().union(*(set(sets.of(w).tolist()) for w in group if w != v))
            assert got[v] == (len(mine & others), len(mine - others))
    assert derivation([], facts) == {}


def test_a_pair_of_copies_makes_the_group_the_general_path_makes() -> None:
    """``_split`` answers a two-article component directly; the answer must be the one the
    general path (hubs, growth, grouping) gives, whatever decides the canonical."""
    import numpy as np

    from dupfinder.stages.cluster import ClusterRules, Facts, _split

    rng = np.random.default_rng(2)
    sets = [np.unique(rng.integers(0, 300, int(rng.integers(20, 90))).astype(np.uint32))
            for _ in range(40)]
    dates = [None if k % 3 else float(k % 5) for k in range(40)]
    facts = Facts(ids=[f"a{k:02d}" for k in range(40)], sizes=[s.size for s in sets],
                  dates=dates, agency=[k % 4 == 0 for k in range(40)],
                  shingles=sets.__getitem__, agency_outlet=[k % 7 == 0 for k in range(40)])
    rules = ClusterRules()
    for _ in range(200):
        i, j = sorted(rng.choice(40, 2, replace=False).tolist())
        score = (float(rng.random()), float(rng.random()))
        adj = {i: {j: score}, j: {i: score}}
        fast = _split([i, j], adj, facts, lambda a, b, s=score: s, lambda a, b, s=score: s,
                      rules)
        assert fast == _general_split([i, j], adj, facts, score, rules)


def _general_split(component, adj, facts, score, rules):  # type: ignore[no-untyped-def]
    """``_split`` with the pair shortcut skipped: the steps it takes for larger components."""
    from dupfinder.stages.cluster import Group, _group, _grow

    members = _grow(list(component), adj, facts, lambda a, b: score, None, rules)
    g = _group(members, facts, lambda a, b: score, None, rules, adj, lambda a, b: score)
    return [Group(g.canonical, g.reason, g.members, ())]
