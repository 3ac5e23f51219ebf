"""The local engine: the stages of a scan over a corpus's arrays, in this process, its threads
and its forked workers.

``prepare`` tokenises (on worker processes: Python work that holds the GIL), learns the
boilerplate, shingles and signs (on threads: numpy and numba let go of the GIL);
``find_matches`` proposes candidates (LSH and containment, their independent pieces on
threads) and verifies them; ``clusters_and_edits`` splits each component into clusters and
makes each member's edit summary on forked workers. Every step takes and gives its pieces in
order, so the result depends on neither the number of workers nor the batch size (tested).
The Spark engine (``engines.spark``) takes the place of some of these steps; ``pipeline``
chooses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

import numpy as np

from ..params import Params
from ..stages import boilerplate as bp
from ..stages.arrays import isin
from ..stages.cluster import Facts, adjacency, edge_components, split_components
from ..stages.containment import containment_pairs
from ..stages.edits import WordCode, coded_clusters, edit_summary
from ..stages.edits import warm_up as warm_edits
from ..stages.lsh import Signatures, candidate_pairs
from ..stages.minhash import signatures
from ..stages.shingle_join import ShingleJoin
from ..stages.shingles import SAMPLE_PARTS, ShingleSets, shingle
from ..stages.tokens import Features
from ..stages.verify import Edges, Thresholds, copy_score, similarity, verify
from ..tuning import EditRules
from .spill import ColumnSpill, ReadTokens, Spill, release_free_memory
from .workers import TokenisePool, imap_threads, map_ranges

BATCH = 2048
# Below this many articles, worker start-up and shipping texts cost more than they save.
PARALLEL_MIN = 5000
# From this many articles the shingled tokens and the shingle hashes go to temporary files as
# they are made (see engines.spill.Spill): 0.5 GB each at 250k articles, 2 to 2.5 GB at a
# million.
SPILL_MIN = 250_000

Progress = Callable[[str], None]


def quiet(_: str) -> None:
    """A ``Progress`` that says nothing."""
    return None


def _ranges(total: int, size: int) -> list[tuple[int, int]]:
    return [(start, min(start + size, total)) for start in range(0, total, size)]


@dataclass
class Prepared:
    """Everything the matching stages need, per article, as arrays."""

    sets: ShingleSets
    signatures: Signatures  # an array, or for a large scan one kept in a file
    boilerplate: frozenset[int]
    learned: list[bp.LearnedLine] = field(default_factory=list)

    def signature_array(self) -> np.ndarray:
        """The signatures as one array (read back whole when a large scan spilled them)."""
        sig = self.signatures
        return sig if isinstance(sig, np.ndarray) else sig[:, 0 : sig.shape[1]]


@dataclass
class Matches:
    """Verified copy pairs, and the candidate pairs each generator proposed."""

    edges: Edges
    lsh: np.ndarray
    containment: np.ndarray


def prepare(
    texts: Sequence[str], params: Params, workers: int = 1, say: Progress = quiet,
    done: list[Features] | None = None, known_boilerplate: frozenset[int] = frozenset(),
    outlets: Sequence[str | None] | None = None, ranks: np.ndarray | None = None,
    spill_min: int | None = None, done_spills: tuple[Spill, Spill] | None = None,
) -> Prepared:
    """Tokenise, learn boilerplate, shingle and sign every text.

    ``done`` holds batches already tokenised while reading, in order, for the first texts;
    only the rest is tokenised here. It is emptied: the batches are freed as they are
    shingled. From ``spill_min`` texts (the scan passes ``SPILL_MIN``) the shingled tokens
    are kept in a temporary file rather than in memory, and so are the shingle hashes;
    ``done_spills`` holds the arrays of ``done``'s first batches when reading already wrote
    them out. The result is the same.
    """
    threads = workers if len(texts) >= PARALLEL_MIN else 1
    tuning = params.tuning
    say("tokenising")
    done = done if done is not None else []
    covered = sum(len(f) for f in done)
    ranges = [(a + covered, b + covered) for a, b in _ranges(len(texts) - covered, BATCH)]
    with TokenisePool(threads if len(ranges) > 1 else 1,
                      tuning.units.long_unit_chars) as pool:
        fresh = list(pool.map(texts[a:b] for a, b in ranges))
    batches: list[Features | None] = [*done, *fresh]
    done.clear()  # handed over: each batch is freed as soon as it is shingled
    del fresh
    spilled = (spill_min is not None and len(texts) >= spill_min) or done_spills is not None
    # No article keeps more tokens or shingles than it read: the bound the join allocates.
    capacity = sum(int(b.token_offsets[-1]) for b in batches if b is not None)
    # A large scan's read tokens wait in a file while boilerplate is learned from the lines
    # (at a million articles 2.5 GB, beside learning's own 2 GB); each batch reads its own
    # back when it is shingled. A large read has written out the batches it tokenised as
    # they came (``done_spills``); the rest follow them here.
    read_back = None
    if spilled:
        read_spills = ReadTokens(None, [b for b in batches if b is not None],
                                 done_spills).spill_all()
        read_back = (read_spills[0].array(), read_spills[1].array())
    boiler: set[int] = set()
    learned: list[bp.LearnedLine] = []
    if params.boilerplate and batches:
        say("learning boilerplate")
        lines = Features.concat_lines([b for b in batches if b is not None])
        found = bp.learn(lines.line_keys, lines.line_sizes, lines.line_offsets,
                         outlet_codes(outlets, len(texts)), tuning.boilerplate, ranks=ranks)
        boiler, learned = found.keys, found.lines
        del lines
        say(f"{len(boiler):,} boilerplate lines")
    boiler |= known_boilerplate
    boiler_keys = np.array(sorted(boiler), dtype=np.uint64)
    say("shingling and signing")
    spills = (Spill(np.uint32), Spill(np.bool_)) if spilled else None
    unflagged: list[int] = []  # parts without figure flags (then the whole has none)

    def shingle_and_sign(index: int) -> tuple[ShingleSets, np.ndarray]:
        features = batches[index]
        batches[index] = None  # freed as soon as it is shingled
        assert features is not None
        if read_back is not None:
            features.tokens = read_back[0].part(index)
            features.has_digit = read_back[1].part(index)
        if index % 8 == 7:
            # The read's token arrays, freed batch by batch, back to the system: the
            # allocator would keep them while the threads allocate the shingles elsewhere.
            release_free_memory()
        sets = shingle(features, params.shingle, boiler_keys, tuning.boilerplate).with_sample(
            tuning.candidates.sample_rate)
        if spills is not None:
            assert sets.tokens is not None
            if sets.token_figures is None:
                unflagged.append(index)
            spills[0].put(index, sets.tokens)
            spills[1].put(index, sets.token_figures if sets.token_figures is not None
                          else np.zeros(0, np.bool_))
            sets.tokens = sets.token_figures = None
        return sets, signatures(sets.hashes, sets.offsets, params.num_perm, params.seed)

    # Each part is joined as it comes, while the threads shingle the next ones.
    join = ShingleJoin(capacity, Spill(np.uint32) if spilled else None,
                       [(Spill(np.uint32), Spill(np.int32)) for _ in range(SAMPLE_PARTS)]
                       if spilled else None)
    sigs = np.empty((0 if spilled else len(texts), params.num_perm), dtype=np.uint32)
    sig_spill = ColumnSpill(params.num_perm, np.uint32) if spilled else None
    at = 0
    for k, (part, part_sigs) in enumerate(imap_threads(shingle_and_sign,
                                                       list(range(len(batches))), threads)):
        join.add(part)
        if sig_spill is not None:
            sig_spill.put(k, part_sigs)
        else:
            sigs[at : at + len(part_sigs)] = part_sigs
        at += len(part_sigs)
        del part, part_sigs
        if k % 16 == 15:
            release_free_memory()
    assert at == len(texts)
    sets = join.result()
    del join
    release_free_memory()
    if spills is not None:
        sets.spilled_tokens = spills[0].array()
        sets.spilled_figures = None if unflagged else spills[1].array()
    return Prepared(sets, sig_spill.array() if sig_spill is not None else sigs,
                    frozenset(boiler), learned)


def outlet_codes(outlets: Sequence[str | None] | None, n: int) -> np.ndarray:
    """Each article's outlet as an integer (articles without an outlet share one code)."""
    if outlets is None:
        return np.zeros(n, dtype=np.int64)
    names = sorted({o.casefold() for o in outlets if o})
    index = {name: k + 1 for k, name in enumerate(names)}
    return np.array([index[o.casefold()] if o else 0 for o in outlets], dtype=np.int64)


def id_ranks(ids: Sequence[str]) -> np.ndarray:
    """Each article's position in id order."""
    order = sorted(range(len(ids)), key=ids.__getitem__)
    ranks = np.empty(len(ids), dtype=np.int64)
    ranks[np.array(order, dtype=np.int64)] = np.arange(len(ids), dtype=np.int64)
    return ranks


def find_matches(prepared: Prepared, params: Params, say: Progress = quiet,
                 ranks: np.ndarray | None = None, engine: Any = None,
                 workers: int = 1, consume: bool = False) -> Matches:
    """Candidates from LSH (Jaccard) and sampled shingles (containment), verified exactly
    (LSH and verification on ``engine``, the Spark engine, when given); their independent
    pieces (bands, parts of the hash space) on ``workers`` threads. With ``consume`` the
    signatures are let go once LSH has read them (at a million articles 512 MB, which
    containment would otherwise allocate beside)."""
    sets, n = prepared.sets, len(prepared.sets)
    threads = workers if n >= PARALLEL_MIN else 1

    def on_threads(fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        return imap_threads(fn, list(items), threads)

    valid = sets.sizes() > 0
    say("finding candidates (LSH) and verifying them")
    thresholds = Thresholds(params.threshold, params.containment, params.min_shingles,
                            params.tuning.verify)
    if engine is not None:
        lsh = engine.lsh_pairs()
        edges = engine.verify(lsh, thresholds)
    else:
        lsh = candidate_pairs(prepared.signatures, params.lsh_threshold, valid, on_threads)
        if consume:
            prepared.signatures = np.zeros((0, params.num_perm), dtype=np.uint32)
        edges = verify(sets, lsh, thresholds)
    say(f"verified {len(lsh):,} LSH pairs; finding containment candidates")
    # Unique (i < j) rows, sorted.
    extra = containment_pairs(
        sets, params.containment, params.min_shingles, valid, linked=edges.pairs, ranks=ranks,
        sample_share=params.tuning.candidates.sample_share, map=on_threads,
    )
    if extra.size and lsh.size:
        # Only pairs LSH did not already propose.
        extra = extra[~isin(extra[:, 0] * n + extra[:, 1], lsh[:, 0] * n + lsh[:, 1])]
    say(f"verifying {len(extra):,} containment pairs")
    late = engine.verify(extra, thresholds) if engine is not None else verify(sets, extra,
                                                                               thresholds)
    return Matches(edges.merged(late), lsh, extra)


def _edit_summaries(sets: ShingleSets, pairs: list[tuple[int, int]],
                    titles: list[tuple[str | None, str | None]],
                    rules: EditRules) -> list[dict[str, Any] | None]:
    """Edit summaries of the members ``pairs`` (canonical, member; a cluster's members
    together) from the shingled tokens."""
    out: list[dict[str, Any] | None] = []
    if not sets.has_tokens():
        return [None] * len(pairs)

    def tokens(i: int) -> np.ndarray:
        found = sets.tokens_of(i)
        assert found is not None  # every article's tokens are kept
        return found

    # Only these articles' flags and word counts, as Python values (not the corpus's arrays
    # a call: a worker's range is a small share of them).
    canon = np.fromiter((a for a, _ in pairs), dtype=np.int64, count=len(pairs))
    member = np.fromiter((b for _, b in pairs), dtype=np.int64, count=len(pairs))
    stripped = sets.stripped[member].tolist()
    canon_words, member_words = sets.words[canon].tolist(), sets.words[member].tolist()

    def summarised(runs: list[list[int]]) -> None:
        clusters = [(tokens(pairs[run[0]][0]), [tokens(pairs[k][1]) for k in run])
                    for run in runs]
        for run, (a_tokens, members), coded in zip(runs, clusters, coded_clusters(clusters)):
            if coded is None:
                code = WordCode(a_tokens)
                a_code, b_codes = code.canonical, code.members(members)
            else:
                a_code, b_codes = coded
            for k, b_tokens, b_code in zip(run, members, b_codes):
                title_a, title_b = titles[k]
                out.append(edit_summary(a_tokens, b_tokens, title_a, title_b,
                                        bool(stripped[k]), rules, b_code=b_code,
                                        a_code=a_code))

    # A cluster's members come together: its canonical is written in a code once, and all
    # its members' words are put in that code; the clusters a few thousand articles at a
    # time (``coded_clusters``: one compiled pass each, and bounded memory).
    batch: list[list[int]] = []
    held = 0
    for _, group in groupby(range(len(pairs)), key=lambda k: pairs[k][0]):
        run = list(group)
        batch.append(run)
        held += canon_words[run[0]] + sum(member_words[k] for k in run)
        if held >= EDIT_BATCH_WORDS:
            summarised(batch)
            batch, held = [], 0
    if batch:
        summarised(batch)
    return out


# Words a batch of clusters holds when ``_edit_summaries`` codes it (8 MB of codes).
EDIT_BATCH_WORDS = 1 << 20


def clusters_and_edits(matches: Matches, sets: ShingleSets, facts: Facts, params: Params,
                       workers: int, edits: EditRules | None = None,
                       titles: Sequence[str | None] = (),
                       components: Callable[[np.ndarray], Any] | None = None) -> list[Packed]:
    """Each component of the verified pairs split into clusters around its canonical
    (``stages.cluster``) and, with ``edits``, each member's edit summary (its headline
    compared through ``titles``), made where its cluster is: on ``workers`` forked processes
    that inherit the arrays, the components in order, so the clusters do not depend on the
    number of workers. ``components`` labels the pairs' components (the Spark engine's, on
    DataFrames past an edge limit), else ``stages.cluster.edge_components``."""
    thresholds = Thresholds(params.threshold, params.containment, params.min_shingles,
                            params.tuning.verify)

    def score(i: int, j: int) -> tuple[float, float] | None:
        return copy_score(sets, i, j, thresholds)

    def similar(i: int, j: int) -> tuple[float, float]:
        return similarity(sets, i, j)

    comps = (components or edge_components)(matches.edges.pairs)
    forks = workers if len(sets) >= PARALLEL_MIN else 1
    if edits is not None and forks > 1:
        warm_edits()
    state = (comps, adjacency(matches.edges), facts, score, similar, params.tuning.cluster,
             thresholds, (sets, titles, edits) if edits is not None else None)
    return map_ranges(_split_range, state, len(comps), forks, chunk=1000)


# A cluster as a worker sends it back: (canonical, reason, its members as (index, jaccard,
# containment, shared, own, joined), its embedding pages as (index, containment), the
# members' edit summaries or None). Plain tuples: pickled both ways at a fifth of the cost
# of the stage's dataclasses, which the scan would only take apart again.
Packed = tuple[int, str, list[tuple[int, float, float, int, int, str]],
               list[tuple[int, float]], "list[dict[str, Any] | None] | None"]


def _split_range(state: tuple[Any, ...], lo: int, hi: int) -> list[Packed]:
    """Clusters of components ``lo:hi``, each with its members' edit summaries when asked
    (on a forked worker, which inherits ``state``): a cluster's edits are made where it is,
    in the same round of workers, not in a second one that waits for all the clusters."""
    comps, adj, facts, score, similar, rules, thresholds, edits = state
    groups = split_components(comps[lo:hi], adj, facts, score, similar, rules)
    flat: list[dict[str, Any] | None] | None = None
    if edits is not None:
        sets, all_titles, edit_rules = edits
        pairs = [(g.canonical, m.index) for g in groups for m in g.members]
        titles = [(all_titles[a], all_titles[b]) for a, b in pairs]
        flat = _edit_summaries(sets, pairs, titles, edit_rules)
    sizes = facts.sizes
    out: list[Packed] = []
    at = 0
    for g in groups:
        rows = []
        for m in g.members:
            joined = m.joined
            # A member joined by the second look at a near miss, not by the shingle rule.
            if joined == "copy" and not thresholds.is_copy(
                    m.jaccard, m.containment, min(sizes[g.canonical], sizes[m.index])):
                joined = "aligned"
            rows.append((m.index, m.jaccard, m.containment, m.shared, m.own, joined))
        out.append((g.canonical, g.reason, rows, [(e.index, e.containment) for e in g.embedded],
                    flat[at : at + len(rows)] if flat is not None else None))
        at += len(rows)
    return out
