"""Learn boilerplate units (lines, or the sentences of a one-line text) from the corpus itself.

Chrome is a unit that recurs across articles that are otherwise unrelated: a newsletter prompt on
every page of one outlet, "Advertisement" everywhere, an agency copyright footer. A wire
paragraph also recurs, but among copies of one story (which share much more than that unit),
and in live pages, digests and related-article blocks that quote the story. So a recurring unit
is chrome when the articles carrying it fall into at least ``min_groups`` groups that share little
else (relatedness is measured on the other units they have in common, after removing units
already known to be chrome; two rounds, so that heavy chrome cannot make two unrelated pages
look related) -- unless the evidence says it is story text:

- it is the whole or most of the text of every article carrying it (identical copies of a
  one-line text share nothing else once it is set aside, and are still copies);
- some outlet carries it only in copies of one story: the group of related carriers holds an
  article whose outlet prints the unit nowhere else. An outlet's chrome is printed by that outlet
  on unrelated pages too, so this exemption never covers it, and chrome is in effect judged per
  outlet; a paragraph quoted by three live pages is still story text, because the outlets that
  ran the story carry it in their copy of the story alone.

A unit printed twice inside one article (a photo caption above and below the picture, gallery
captions) is chrome too, where the repeat is a short run of short units: a whole story repeated
(a digest listing it twice, two related entries of one wire story) is content. That rule is
decided inside each article (``repeated_mask``), so it needs no corpus and drops the repeats
from that article only.

Learning the recurring units is two steps: ``count_units`` lists every (unit, carrier) entry,
sorted by unit and then carrier rank (a sort of the whole, a part of the key space at a time);
``decide`` takes those entries to the candidates, groups them by their carriers, and judges
the groups on their sampled carriers' relatedness, in rounds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..tuning import BoilerplateRules
from . import _numba
from .arrays import isin, lexsort, mix64, runs, stable_argsort

__all__ = ["BoilerplateRules", "Learned", "LearnedLine", "UnitEntries", "count_units",
           "decide", "learn", "repeated_mask"]


@dataclass(frozen=True)
class LearnedLine:
    """One learned unit: its key, how many articles and outlets carry it, and why."""

    key: int
    articles: int
    outlets: int
    example: int  # an article carrying it (index in the batch given to ``learn``)
    reason: str  # "recurring" | "repeated"


@dataclass
class Learned:
    keys: set[int] = field(default_factory=set)
    lines: list[LearnedLine] = field(default_factory=list)


def learn(
    line_keys: np.ndarray,
    line_words: np.ndarray,
    line_offsets: np.ndarray,
    outlets: np.ndarray | None = None,
    rules: BoilerplateRules | None = None,
    ranks: np.ndarray | None = None,
) -> Learned:
    """The units that are boilerplate in this corpus, with their evidence.

    ``line_keys``/``line_words`` hold every unit of every article in text order (its identity and
    word count); article i owns ``line_offsets[i]:line_offsets[i+1]``. ``outlets`` gives each
    article's outlet as an integer code (articles without one share a code); ``ranks`` an order
    of the articles (by id) that breaks ties, so the answer does not depend on the input order.
    """
    rules = rules or BoilerplateRules()
    docs = line_offsets.size - 1
    if docs < 1 or line_keys.size == 0:
        return Learned()
    if outlets is None:
        outlets = np.zeros(docs, dtype=np.int64)
    if ranks is None:
        ranks = np.arange(docs, dtype=np.int64)
    # Each article's words: the sums of its lines' counts (add.reduceat is not defined at
    # an article without lines, where the sum is 0).
    with_lines = np.flatnonzero(np.diff(line_offsets) > 0)
    doc_words = np.zeros(docs, dtype=np.float64)
    if with_lines.size:
        doc_words[with_lines] = np.add.reduceat(line_words, line_offsets[with_lines])
    del with_lines
    recurring: set[int] = set()
    if docs >= rules.min_docs:
        recurring = decide(count_units(line_keys, line_words, line_offsets, ranks), line_keys,
                           line_words, line_offsets, outlets, doc_words, rules)
    entry_doc = np.repeat(np.arange(docs, dtype=np.int32 if docs < 2**31 else np.int64),
                          np.diff(line_offsets))
    repeats = repeated_mask(line_keys, line_words, entry_doc, rules)
    if not recurring and not repeats.any():
        return Learned()
    # Evidence for the report: carriers and outlets of each learned unit (for a repeated unit,
    # the articles it is dropped from).
    wanted = np.fromiter(recurring, dtype=np.uint64, count=len(recurring))
    hit = isin(line_keys, wanted) | repeats
    # The distinct (unit, article) pairs, by unit then article (a stable sort of each column:
    # ``np.unique(axis=0)`` sorts the rows as opaque bytes, several times slower).
    hit_keys, hit_docs = line_keys[hit], entry_doc[hit].astype(np.int64)
    order = lexsort((hit_docs, hit_keys))
    hit_keys, hit_docs = hit_keys[order], hit_docs[order]
    distinct = np.ones(hit_keys.size, dtype=bool)
    distinct[1:] = (hit_keys[1:] != hit_keys[:-1]) | (hit_docs[1:] != hit_docs[:-1])
    hit_keys, hit_docs = hit_keys[distinct], hit_docs[distinct]
    del order, distinct
    lines: list[LearnedLine] = []
    starts, counts = runs(hit_keys)
    for start, count in zip(starts.tolist(), counts.tolist()):
        key = int(hit_keys[start])
        carriers = hit_docs[start : start + count]
        lines.append(LearnedLine(key, count, int(np.unique(outlets[carriers]).size),
                                 int(carriers[np.argmin(ranks[carriers])]),
                                 "recurring" if key in recurring else "repeated"))
    lines.sort(key=lambda line: (-line.articles, line.example, line.key))
    return Learned(recurring, lines)


def repeated_mask(line_keys: np.ndarray, line_words: np.ndarray, entry_doc: np.ndarray,
                  rules: BoilerplateRules | None = None) -> np.ndarray:
    """Which units (entries) are chrome repeated inside their own article.

    Decided per article and per place, not per unit identity: the lede an outlet also used as
    its photo caption is dropped where the caption block repeats it, and from that page only.
    """
    rules = rules or BoilerplateRules()
    n = line_keys.size
    out = np.zeros(n, dtype=bool)
    if n < 2:
        return out
    kernel = _numba.kernel("repeated_units") if n >= COMPILED_MIN_UNITS else None
    if kernel is not None and bool(np.all(entry_doc[1:] >= entry_doc[:-1])):
        # Article by article, compiled (the same answer: tested).
        offsets = np.searchsorted(entry_doc, np.arange(int(entry_doc[-1]) + 2)).astype(np.int64)
        return kernel(line_keys.astype(np.uint64, copy=False),
                      line_words.astype(np.int64, copy=False), offsets, rules.repeat_max_units,
                      float(rules.repeat_max_words), float(rules.most_of_text))
    order = lexsort((entry_doc, line_keys))
    k, d = line_keys[order], entry_doc[order]
    new = np.ones(n, dtype=bool)
    new[1:] = (k[1:] != k[:-1]) | (d[1:] != d[:-1])
    run_id = np.cumsum(new) - 1
    repeated = np.zeros(n, dtype=bool)
    repeated[order] = np.bincount(run_id)[run_id] >= 2
    if not repeated.any():
        return out
    # Runs of consecutive repeated units inside an article (entries are in text order). A run
    # is measured by its distinct units: a caption printed six times over is one short run.
    brk = np.ones(n, dtype=bool)
    brk[1:] = (repeated[1:] != repeated[:-1]) | (entry_doc[1:] != entry_doc[:-1])
    seg = np.cumsum(brk) - 1
    by_seg = lexsort((line_keys, seg))
    sk, ss = line_keys[by_seg], seg[by_seg]
    distinct = np.ones(n, dtype=bool)
    distinct[1:] = (sk[1:] != sk[:-1]) | (ss[1:] != ss[:-1])
    segments = int(seg[-1]) + 1
    seg_units = np.bincount(ss[distinct], minlength=segments)
    seg_words = np.bincount(ss[distinct], weights=line_words[by_seg][distinct],
                            minlength=segments)
    out = (repeated & (seg_units[seg] <= rules.repeat_max_units)
           & (seg_words[seg] <= rules.repeat_max_words))
    if out.any():
        # Never most of an article: a page that is one caption printed twice is that caption.
        docs = int(entry_doc[-1]) + 1
        total = np.bincount(entry_doc, weights=line_words, minlength=docs)
        dropped = np.bincount(entry_doc[out], weights=line_words[out], minlength=docs)
        out &= (dropped < rules.most_of_text * np.maximum(total, 1))[entry_doc]
    return out


# Lines per part of the key space that ``count_units`` sorts at once: its sort holds about
# 40 bytes a line (at a million articles, 20M lines: 800 MB in one piece).
UNIT_PART_LINES = 4_000_000


@dataclass
class UnitEntries:
    """What ``count_units`` finds: one entry per (unit, article carrying it), ordered by unit
    key, then the carriers in rank order (so samples and group representatives fall the same
    way whatever the input order)."""

    keys: np.ndarray  # uint64, the unit's key
    docs: np.ndarray  # the carrier (an article's index)
    carried: np.ndarray  # words the carrier holds of the unit, each occurrence counted
    words: np.ndarray  # the unit's own word count

    def hand_over(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The four arrays, handed over: this holds none of them any more, so that the decide
        step frees each as soon as it is done with it (at a million articles, 600 MB)."""
        out = (self.keys, self.docs, self.carried, self.words)
        # (empty arrays of their own: an empty view would keep each whole array alive)
        self.keys, self.docs, self.carried, self.words = (np.empty(0, a.dtype) for a in out)
        return out


def count_units(line_keys: np.ndarray, line_words: np.ndarray, line_offsets: np.ndarray,
                ranks: np.ndarray) -> UnitEntries:
    """The count step of learning: every (unit, carrier) entry of the corpus, each carrier's
    words of the unit summed (a brief printed twice counts twice).

    The keys' top bits cut them into parts sorted one at a time: a unit lives in one part,
    and the parts in order are the whole in order (the same entries as one sort, tested)."""
    docs = line_offsets.size - 1
    doc_of_line = np.repeat(np.arange(docs, dtype=np.int32 if docs < 2**31 else np.int64),
                            np.diff(line_offsets))
    # (Ranks as int32: at a million articles the sort key per entry is 80 MB, not 160.)
    small_ranks = ranks.astype(np.int32) if docs < 2**31 else ranks
    bits = 0
    while line_keys.size >> bits > UNIT_PART_LINES and bits < 8:
        bits += 1
    part_of = ((line_keys >> np.uint64(64 - bits)).astype(np.uint8) if bits
               else np.zeros(0, dtype=np.uint8))
    found: list[list[np.ndarray]] = [[], [], [], []]
    for part in range(1 << bits):
        chosen = np.flatnonzero(part_of == part) if bits else None
        keys = line_keys[chosen] if chosen is not None else line_keys
        carriers = doc_of_line[chosen] if chosen is not None else doc_of_line
        words = line_words[chosen] if chosen is not None else line_words
        del chosen
        order = lexsort((small_ranks[carriers], keys))
        keys, carriers, words = keys[order], carriers[order], words[order]
        del order
        # One entry per (line, article): a line repeated inside one article counts once.
        first = np.ones(keys.size, dtype=bool)
        first[1:] = (keys[1:] != keys[:-1]) | (carriers[1:] != carriers[:-1])
        first_at = np.flatnonzero(first)
        del first
        carried = (np.add.reduceat(words, first_at) if first_at.size
                   else np.zeros(0, dtype=line_words.dtype))
        for into, values in zip(found, (keys[first_at], carriers[first_at], carried,
                                        words[first_at])):
            into.append(values)
        del keys, carriers, words, first_at, carried
    del part_of, doc_of_line, small_ranks

    def joined(parts: list[np.ndarray]) -> np.ndarray:
        out = np.concatenate(parts)
        parts.clear()  # let go once copied
        return out

    keys, docs_of, carried, words = (joined(parts) for parts in found)
    return UnitEntries(keys, docs_of, carried, words)


def decide(
    entries: UnitEntries,
    line_keys: np.ndarray,
    line_words: np.ndarray,
    line_offsets: np.ndarray,
    outlets: np.ndarray,
    doc_words: np.ndarray,
    rules: BoilerplateRules,
) -> set[int]:
    """The decide step of learning: the units of ``entries`` (``count_units``) recurring
    across unrelated articles (see the module docstring). The articles' own units
    (``line_*``) are read only for the relatedness of a unit's sampled carriers."""
    docs = line_offsets.size - 1
    flat_keys, flat_docs, carried_words, first_words = entries.hand_over()
    starts, df = runs(flat_keys)
    uniq = flat_keys[starts]
    # Word count of each line (the same wherever it appears).
    weight_of = first_words[starts]
    del first_words
    # A unit that is the whole or most of the text of the articles carrying it is that text:
    # identical one-line copies share nothing else once it is set aside, and are still copies,
    # also when a digest or a live page quotes them too. So: most of the text of at least two
    # carriers and of at least half of them (chrome that is a whole broken page twice, among
    # hundreds of pages it surrounds, is still chrome).
    share = np.maximum(doc_words, 1)[flat_docs]
    np.divide(carried_words, share, out=share)
    whole = share >= rules.most_of_text
    del share
    whole_count = np.add.reduceat(whole.astype(np.int64), starts)
    mostly = (whole_count >= 2) & (2 * whole_count >= df)
    candidates = np.nonzero((df >= rules.min_docs) & ~mostly)[0]
    del whole_count, mostly
    if candidates.size == 0:
        return set()

    # Group candidate lines by the exact set of articles carrying them.
    mixed_docs = (flat_docs.astype(np.uint64) + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)
    mixed_docs ^= mixed_docs >> np.uint64(29)
    carrier_hash = np.add.reduceat(mixed_docs, starts)
    # Only the per-entry arrays below live on.
    del carried_words, whole, mixed_docs
    # An article's size counts all its units; but a unit only one article carries is shared
    # by no two, so relatedness never looks at it, and past this point only units of two or
    # more carriers are kept. In a real scrape most units are such: most entries go here.
    entry_weight = weight_of[np.repeat(np.arange(starts.size), df)]
    size_all = np.bincount(flat_docs, weights=entry_weight, minlength=docs)
    if rules.min_docs >= 2:
        kept_unit = df >= 2
        kept_entry = np.repeat(kept_unit, df)
        candidates = (np.cumsum(kept_unit) - 1)[candidates]
        flat_keys, flat_docs = flat_keys[kept_entry], flat_docs[kept_entry]
        entry_weight = entry_weight[kept_entry]
        carrier_hash, weight_of = carrier_hash[kept_unit], weight_of[kept_unit]
        del kept_unit, kept_entry
        starts, df = runs(flat_keys)
        uniq = flat_keys[starts]
    # One sort: candidates by (carrier set, count, index); each run is a group, its members in
    # index order, the groups in the order of their first member; the heaviest of a group is
    # its largest (words, key).
    by_set = lexsort((candidates, df[candidates], carrier_hash[candidates]))
    grouped = candidates[by_set]
    new_group = np.ones(grouped.size, dtype=bool)
    new_group[1:] = ((carrier_hash[grouped][1:] != carrier_hash[grouped][:-1])
                     | (df[grouped][1:] != df[grouped][:-1]))
    group_id = np.cumsum(new_group) - 1
    group_starts = np.flatnonzero(new_group)
    by_first = stable_argsort(grouped[group_starts])
    bounds = np.append(group_starts, grouped.size)
    first_bounds, last_bounds = bounds[by_first], bounds[by_first + 1]
    del candidates, carrier_hash, by_set, new_group, bounds

    # Each candidate unit's group (as ``_Rounds.carrier_group`` numbers them); -1 for others.
    group_of_unit = np.full(uniq.size, -1, dtype=np.int64)
    group_of_unit[grouped] = np.argsort(by_first)[group_id]
    heavy = lexsort((uniq[grouped], weight_of[grouped], group_id))
    last = np.append(group_starts[1:], grouped.size) - 1
    heaviest_of_array = grouped[heavy][last][by_first]
    del group_id, heavy, last, group_starts, by_first

    rounds = _Rounds(rules=rules, line_keys=line_keys, line_words=line_words,
                     line_offsets=line_offsets, outlets=outlets, flat_keys=flat_keys,
                     flat_docs=flat_docs, starts=starts, df=df, uniq=uniq, weight_of=weight_of,
                     entry_weight=entry_weight, size_all=size_all, grouped=grouped,
                     first_bounds=first_bounds, last_bounds=last_bounds,
                     group_of_unit=group_of_unit, heaviest_of_array=heaviest_of_array)
    # The rounds hold the entries' keys only where they read them in unit order (the numpy
    # lookup): with the compiled merges, only their copy in article order lives on.
    del flat_keys
    boiler: set[int] = set()
    previous: set[int] | None = None
    for _ in range(rules.rounds):
        found = rounds.one_round(boiler, previous)
        if found == boiler:
            break
        previous = boiler = found
    return boiler


class _Rounds:
    """The rounds of ``decide`` over its candidate groups: each judges the groups' units on
    their sampled carriers' relatedness without the units in a set of known boilerplate.

    Made once from the arrays ``decide`` prepares (the entries of units of two or more
    carriers, run by unit; the candidate groups) and the articles' own units; it adds each
    group's pairs of sampled carriers and the entries in article order, and keeps what
    every round reuses (the numpy lookup's hits, each carrier's units, the triangles). A
    round's weights, and the merges made with them, are that round's (``round_weights``
    clears them).
    """

    def __init__(self, *, rules: BoilerplateRules, line_keys: np.ndarray,
                 line_words: np.ndarray, line_offsets: np.ndarray, outlets: np.ndarray,
                 flat_keys: np.ndarray, flat_docs: np.ndarray, starts: np.ndarray,
                 df: np.ndarray, uniq: np.ndarray, weight_of: np.ndarray,
                 entry_weight: np.ndarray, size_all: np.ndarray, grouped: np.ndarray,
                 first_bounds: np.ndarray, last_bounds: np.ndarray,
                 group_of_unit: np.ndarray, heaviest_of_array: np.ndarray) -> None:
        self.rules = rules
        self.line_keys, self.line_words, self.line_offsets = line_keys, line_words, line_offsets
        self.outlets = outlets
        self.docs = docs = line_offsets.size - 1
        self.flat_docs, self.starts, self.df, self.uniq = flat_docs, starts, df, uniq
        self.weight_of, self.entry_weight, self.size_all = weight_of, entry_weight, size_all
        self.grouped, self.first_bounds, self.last_bounds = grouped, first_bounds, last_bounds
        self.group_of_unit, self.heaviest_of_array = group_of_unit, heaviest_of_array
        self.weights: dict[int, dict[int, int]] = {}  # ``line_weights``' answers
        self.groups = groups = heaviest_of_array.size
        # Each article's units, in key order (int32 indices: half the memory of argsort's).
        by_doc = stable_argsort(flat_docs)
        if by_doc.size < 2**31:
            by_doc = by_doc.astype(np.int32)
        self.by_doc = by_doc
        self.doc_starts = np.searchsorted(flat_docs[by_doc], np.arange(docs + 1))
        # Each group's first sampled carrier against each other one (``sampled_carriers`` of
        # every group's heaviest unit at once: its first carrier, then the rest of the sample).
        carried = df[heaviest_of_array].astype(np.int64)
        picked = np.minimum(carried, rules.sample)
        counts = picked - 1
        self.group_of_pair = group_of_pair = np.repeat(np.arange(groups), counts)
        step = np.zeros(groups, dtype=np.float64)
        wide = carried > rules.sample
        # np.linspace(0, n - 1, sample) as it computes it: k * step, the last exactly n - 1.
        step[wide] = (carried[wide] - 1) / (rules.sample - 1)
        k = np.arange(group_of_pair.size) - np.repeat(np.cumsum(counts) - counts, counts) + 1
        offset = np.where(wide[group_of_pair],
                          (k * step[group_of_pair]).astype(np.int64), k)
        ends = wide[group_of_pair] & (k == rules.sample - 1)
        offset[ends] = carried[group_of_pair][ends] - 1
        first_at = starts[heaviest_of_array].astype(np.int64)
        self.rep = flat_docs[first_at][group_of_pair].astype(np.int64)
        self.other = flat_docs[first_at[group_of_pair] + offset].astype(np.int64)
        del carried, picked, counts, step, wide, k, offset, ends, first_at
        kernels: tuple[Any, Any] = (_merge_kernels() if self.rep.size >= COMPILED_MIN_PAIRS
                                    else (None, None))
        self.kernel, self.serial_kernel = kernels
        self.lookup: tuple[np.ndarray, np.ndarray] | None = None  # ``shared_lines``' answer
        self.flat_keys: np.ndarray | None = flat_keys
        self.keys_by_doc: np.ndarray | None = None
        if self.kernel is not None:
            # The merges read each article's units in key order; nothing else reads the units
            # in unit order (the numpy lookup does), so that copy goes (160 MB at a million).
            self.keys_by_doc = flat_keys[by_doc]
            self.flat_keys = None
        self.doc_offsets = self.doc_starts.astype(np.int64)
        self.weights_by_doc: np.ndarray | None = None  # the round's weights in ``by_doc`` order
        self.triangles: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        # The round's shared weights of a group's pairs.
        self.group_shared: dict[int, np.ndarray] = {}

    def carrier_group(self, k: int) -> list[int]:
        """The units of group k (groups in the order of their first unit)."""
        return self.grouped[self.first_bounds[k] : self.last_bounds[k]].tolist()

    def line_weights(self, i: int) -> dict[int, int]:
        cached = self.weights.get(i)
        if cached is None:
            cached = {}
            lo, hi = int(self.line_offsets[i]), int(self.line_offsets[i + 1])
            for key, n in zip(self.line_keys[lo:hi].tolist(), self.line_words[lo:hi].tolist()):
                cached[key] = n  # a line repeated inside one article counts once
            self.weights[i] = cached
        return cached

    def sampled_carriers(self, c: int) -> np.ndarray:
        start = int(self.starts[c])
        members = self.flat_docs[start : start + int(self.df[c])]
        if members.size > self.rules.sample:
            # An even spread over the carriers, deterministic.
            pick = np.linspace(0, members.size - 1, self.rules.sample).astype(np.int64)
            members = members[pick]
        return members

    def shared_lines(self) -> tuple[np.ndarray, np.ndarray]:
        """Every unit of each pair's first carrier, and whether the other carries it too.
        The same in every round (only the weights change), so it is computed once."""
        if self.lookup is not None:
            return self.lookup
        flat_keys, flat_docs, doc_starts = self.flat_keys, self.flat_docs, self.doc_starts
        rep, other = self.rep, self.other
        assert flat_keys is not None  # (kept without the compiled merges, the one case here)
        entry_mix = mix64(flat_keys ^ (flat_docs.astype(np.uint64)
                                       * np.uint64(0xD6E8FEB86659FD93)))
        sorted_mix = np.sort(entry_mix)
        n_lines = doc_starts[rep + 1] - doc_starts[rep]
        pair_of_query = np.repeat(np.arange(rep.size), n_lines)
        base = np.repeat(doc_starts[rep] - np.concatenate(([0], np.cumsum(n_lines)[:-1])), n_lines)
        entry = self.by_doc[base + np.arange(int(n_lines.sum()))]
        query = mix64(flat_keys[entry] ^ (other[pair_of_query].astype(np.uint64)
                                        * np.uint64(0xD6E8FEB86659FD93)))
        # Needles in order: numpy's binary search then starts where the last one ended, which
        # is five times faster than looking random keys up in an array far larger than cache.
        needle_order = np.argsort(query)
        pos = np.empty(query.size, dtype=np.int64)
        pos[needle_order] = np.searchsorted(sorted_mix, query[needle_order])
        pos[pos == sorted_mix.size] = sorted_mix.size - 1
        hit = sorted_mix[pos] == query
        self.lookup = (pair_of_query[hit], entry[hit])
        return self.lookup

    def by_doc_weights(self, weight: np.ndarray) -> np.ndarray:
        """``weight`` in the order of ``keys_by_doc`` (made once a round: ``round_weights``
        clears it)."""
        if self.weights_by_doc is None:
            # Word counts as they are (the merge sums them as floats, exactly).
            self.weights_by_doc = weight[self.by_doc]
        return self.weights_by_doc

    def shared_weight(self, weight: np.ndarray) -> np.ndarray:
        """Per pair: the weight of the units both carriers hold. A merge of the two
        carriers' sorted units per pair with the ``fast`` extra, else a hashed lookup of
        every (unit, other carrier) among all entries; the same sums (a test holds them
        equal)."""
        if self.kernel is not None:
            return self.kernel(self.keys_by_doc, self.by_doc_weights(weight), self.doc_offsets,
                               np.stack([self.rep, self.other], axis=1))
        pair_of_hit, entry_of_hit = self.shared_lines()
        return np.bincount(pair_of_hit, weights=weight[entry_of_hit], minlength=self.rep.size)

    def boiler_entries(self, boiler: set[int]) -> np.ndarray:
        """Which entries hold a unit in ``boiler`` (looked up per unit: entries run by unit)."""
        wanted = np.fromiter(boiler, dtype=np.uint64, count=len(boiler))
        return np.repeat(isin(self.uniq, wanted), self.df)

    def round_weights(self, boiler: set[int]) -> tuple[np.ndarray, np.ndarray]:
        """Each entry's weight with the units in ``boiler`` at zero, and each article's size."""
        weight = self.entry_weight.copy()
        size = self.size_all.copy()
        if boiler:
            # The known boilerplate's words, out of each size (summed over its entries only:
            # a difference of all entries' weights was the stage's peak at a million articles).
            hit = self.boiler_entries(boiler)
            weight[hit] = 0
            size -= np.bincount(self.flat_docs[hit], weights=self.entry_weight[hit],
                                minlength=self.docs)
        self.weights_by_doc = None
        self.group_shared.clear()
        return weight, size

    def all_related_to_first(self, boiler: set[int], weight: np.ndarray,
                             size: np.ndarray) -> np.ndarray:
        """Per group: is every sampled carrier related to the first one? (numpy, all at once)

        Such a group is one story's copies and cannot be boilerplate; the exact greedy check
        below gives the same answer for it, at Python speed.
        """
        if self.rep.size == 0:
            return np.ones(self.groups, dtype=bool)
        shared = self.shared_weight(weight)
        heaviest_of_array, group_of_pair = self.heaviest_of_array, self.group_of_pair
        key_w = self.weight_of[heaviest_of_array].astype(np.float64)
        if boiler:
            key_w[isin(self.uniq[heaviest_of_array],
                       np.fromiter(boiler, dtype=np.uint64, count=len(boiler)))] = 0
        key_w = key_w[group_of_pair]
        # In place (arrays of every pair: at a million articles, millions of them).
        smaller = size[self.rep]
        np.minimum(smaller, size[self.other], out=smaller)
        smaller -= key_w
        shared -= key_w
        del key_w
        ok = shared >= self.rules.related * smaller
        ok &= smaller > 0
        del shared, smaller
        np.logical_not(ok, out=ok)
        bad = np.bincount(group_of_pair[ok], minlength=self.groups)
        return bad == 0

    def lower_triangle(self, m: int) -> tuple[np.ndarray, np.ndarray]:
        found = self.triangles.get(m)
        if found is None:
            found = self.triangles[m] = np.tril_indices(m, -1)
        return found

    def relation_matrices(self, units: list[int], boiler: set[int], weight: np.ndarray,
                          size: np.ndarray) -> dict[int, np.ndarray]:
        """For each unit, which of its sampled carriers are related to which (the pairs
        ``related`` would judge), in one compiled merge; the same answers. The units of one
        carrier group have the same carriers: their pairs are merged once a round."""
        if self.kernel is None or not units:
            return {}
        group_of_unit, group_shared = self.group_of_unit, self.group_shared
        fresh = sorted({int(group_of_unit[c]) for c in units} - set(group_shared))
        if fresh:
            firsts, seconds, sizes = [], [], []
            for k in fresh:
                members = self.sampled_carriers(self.carrier_group(k)[0])
                p, q = self.lower_triangle(members.size)
                firsts.append(members[p])
                seconds.append(members[q])
                sizes.append(p.size)
            pairs = np.stack([np.concatenate(firsts), np.concatenate(seconds)],
                             axis=1).astype(np.int64)
            merge: Any = (self.kernel if len(pairs) >= COMPILED_PARALLEL_PAIRS
                          else self.serial_kernel)
            shared_all = merge(self.keys_by_doc, self.by_doc_weights(weight), self.doc_offsets,
                               pairs)
            bounds = np.cumsum([0, *sizes])
            for n, k in enumerate(fresh):
                group_shared[k] = shared_all[bounds[n] : bounds[n + 1]]
        out: dict[int, np.ndarray] = {}
        for c in units:
            members = self.sampled_carriers(c)
            m = members.size
            p, q = self.lower_triangle(m)
            i, j = members[p], members[q]
            key_w = 0.0 if int(self.uniq[c]) in boiler else float(self.weight_of[c])
            shared = group_shared[int(group_of_unit[c])] - key_w
            smaller = np.minimum(size[i], size[j]) - key_w
            # As ``related`` decides: a division, so a ratio on the bound falls the same way.
            ratio = np.divide(shared, smaller, out=np.zeros_like(shared), where=smaller > 0)
            matrix = np.zeros((m, m), dtype=bool)
            matrix[p, q] = (smaller > 0) & (ratio >= self.rules.related)
            out[c] = matrix
        return out

    def one_round(self, boiler: set[int], previous: set[int] | None) -> set[int]:
        """Boilerplate lines, judging relatedness without the lines in ``boiler``.

        With ``previous`` (the last round's answer), only lines whose carriers hold a known
        boilerplate line are judged again: nothing else can have changed.
        """
        rules, kernel, uniq, weight_of = self.rules, self.kernel, self.uniq, self.weight_of
        flat_docs, heaviest_of_array = self.flat_docs, self.heaviest_of_array
        found: set[int] = set()
        touched: np.ndarray | None = None
        if previous is not None:
            hit = self.boiler_entries(boiler)
            touched = np.zeros(self.docs, dtype=bool)
            touched[flat_docs[hit]] = True
        overlap_cache: dict[tuple[int, int], tuple[int, int, int]] = {}

        def related(i: int, j: int, key: int) -> bool:
            """Do i and j share enough besides ``key`` and known boilerplate?"""
            pair = (i, j) if i < j else (j, i)
            wi, wj = self.line_weights(pair[0]), self.line_weights(pair[1])
            cached = overlap_cache.get(pair)
            if cached is None:
                small, large = (wi, wj) if len(wi) <= len(wj) else (wj, wi)
                shared = sum(min(n, large[k]) for k, n in small.items()
                             if k in large and k not in boiler)
                size_i = sum(n for k, n in wi.items() if k not in boiler)
                size_j = sum(n for k, n in wj.items() if k not in boiler)
                cached = (shared, size_i, size_j)
                overlap_cache[pair] = cached
            shared, size_i, size_j = cached
            if key not in boiler:
                ni, nj = wi.get(key, 0), wj.get(key, 0)
                shared -= min(ni, nj)
                size_i -= ni
                size_j -= nj
            smaller = min(size_i, size_j)
            return smaller > 0 and shared / smaller >= rules.related

        def is_boiler(c: int, key: int) -> bool:
            story_like = int(weight_of[c]) >= rules.story_min_words
            members = self.sampled_carriers(c).tolist()
            if kernel is not None and c not in matrices:
                matrices.update(self.relation_matrices([c], boiler, weight, size))
            matrix = matrices.get(c)
            groups: list[list[int]] = []  # positions in ``members``, greedily grouped
            for p, doc in enumerate(members):
                for g in groups:
                    if (matrix[p, g[0]] if matrix is not None
                            else related(doc, members[g[0]], key)):
                        g.append(p)
                        break
                else:
                    groups.append([p])
                    if not story_like and len(groups) >= rules.min_groups:
                        return True
            return len(groups) >= rules.min_groups and not (
                story_like and _story_text([[members[p] for p in g] for g in groups]))

        def _story_text(groups: list[list[int]]) -> bool:
            """Does some outlet carry the unit only in related copies (one story's)?"""
            codes = [[int(self.outlets[d]) for d in g] for g in groups]
            for index, g in enumerate(codes):
                if len(g) < 2:
                    continue
                outside = {o for other, h in enumerate(codes) if other != index for o in h}
                if any(o not in outside for o in g):
                    return True
            return False

        # Lines carried by exactly the same articles (the paragraphs of one wire story) are
        # decided together: first with the heaviest line left out, the case least likely to
        # look related; only if that says boilerplate is each line decided on its own.
        weight, size = self.round_weights(boiler)
        settled = self.all_related_to_first(boiler, weight, size)
        judged: list[int] = []  # the groups whose heaviest unit is judged below
        for index in np.flatnonzero(~settled).tolist():
            group = self.carrier_group(index)
            if touched is not None and previous is not None:
                first_c = group[0]
                carriers = flat_docs[int(self.starts[first_c])
                                     : int(self.starts[first_c] + self.df[first_c])]
                if not touched[carriers].any():
                    found.update(int(uniq[c]) for c in group if int(uniq[c]) in previous)
                    continue
            judged.append(index)
        matrices = self.relation_matrices([int(heaviest_of_array[k]) for k in judged], boiler,
                                          weight, size)
        for index in judged:
            group = self.carrier_group(index)
            heaviest = int(heaviest_of_array[index])
            if not is_boiler(heaviest, int(uniq[heaviest])):
                continue
            if kernel is not None:  # each unit of the group is judged: all in one merge
                matrices.update(self.relation_matrices([c for c in group if c not in matrices],
                                                       boiler, weight, size))
            for c in group:
                key = int(uniq[c])
                if c == heaviest or is_boiler(c, key):
                    found.add(key)
        return found


# Below this many carrier pairs the numpy lookup is quick, and a first run would spend
# seconds compiling.
COMPILED_MIN_PAIRS = 5000
# Below this many, one thread merges them (waking the others costs more).
COMPILED_PARALLEL_PAIRS = 50_000


# Below this many units numpy is quick, and a first run would spend seconds compiling.
COMPILED_MIN_UNITS = 20_000


def _merge_kernels() -> tuple[Any, Any]:
    """The compiled weighted merges (numba; on threads, and on one), or None without it or
    with ``DUPFINDER_NUMPY=1``."""
    return _numba.kernel("merge_weights"), _numba.kernel("merge_weights_serial")
