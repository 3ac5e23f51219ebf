"""Diff views fold long cuts ("... 3,129 words cut ..."), and a pair that is not a copy pair is
said to be so before its diff."""

from __future__ import annotations

import json
import random

import pytest

import dupfinder
from dupfinder.diff_cli import pair_verdict
from dupfinder.diff_render import render_text
from tests.conftest import SAMPLE, run, write_jsonl


def _words(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(n)]


@pytest.fixture
def cuts(tmp_path):
    # Three stories, each a wire original and one copy (in a pair the fuller is the original):
    # one copy stops after the lead, one starts late, one drops the middle.
    records = []
    for n, (name, keep) in enumerate((("trimmed", "lead"), ("late", "tail"),
                                      ("middle", "lead+tail"))):
        lead, middle, tail = _words(200, 10 * n), _words(3129, 10 * n + 1), _words(150, 10 * n + 2)
        parts = {"lead": lead, "tail": tail, "lead+tail": lead + tail}[keep]
        records.append({"id": f"wire-{name}", "outlet": "wire.example", "title": f"Story {n}",
                        "text": " ".join(lead + middle + tail)})
        records.append({"id": name, "outlet": f"{name}.example", "title": f"Story {n}",
                        "text": " ".join(parts)})
    path = write_jsonl(tmp_path / "cuts.jsonl", records)
    result = dupfinder.scan(str(path))
    assert sorted(c.canonical.id for c in result.clusters) == [
        "wire-late", "wire-middle", "wire-trimmed"]
    diffs = {c.canonical.id.removeprefix("wire-"): c.diff(c.canonical.id.removeprefix("wire-"))
             for c in result.clusters}
    return path, result, diffs


def test_long_cuts_are_folded_in_the_text_view(cuts) -> None:
    _, _, diffs = cuts
    middle = render_text(diffs["middle"], color=False)
    assert "[-" in middle and "\u2026 3,129 words cut \u2026-]" in middle
    assert len(middle) < 4000  # folded: not 3,129 words of struck text
    end = render_text(diffs["trimmed"], color=False)
    assert "\u2026 3,279 words cut \u2026-]" in end  # the cut's first words, then the count
    start = render_text(diffs["late"], color=False)
    assert "[-\u2026 3,329 words cut \u2026 " in start  # the count, then the last words cut
    assert diffs["late"].kinds() == ["trimmed_start"]
    coloured = render_text(diffs["middle"], color=True)
    assert "3,129 words cut" in coloured and len(coloured) < 5000


def test_long_cuts_are_folded_in_the_html_view(cuts) -> None:
    pytest.importorskip("jinja2")
    _, result, _ = cuts
    page = result.to_html()
    assert '<span class="fold cut">\u2026 3,129 words cut \u2026</span>' in page
    assert "3,279 words cut" in page and "3,329 words cut" in page
    # Each canonical text is printed once in full; the diffs add only their folded views.
    canon = sum(len(c.canonical.text) for c in result.clusters)
    assert len(page) < canon + 40_000


def test_cli_diff_folds_cuts(cuts) -> None:
    path, _, _ = cuts
    for cluster in ("c1", "c2", "c3"):
        out = run("diff", str(path), "--cluster", cluster)
        assert out.exit_code == 0
        assert out.stdout.count("words cut") == 1


def test_a_pair_that_is_not_a_copy_pair_is_said_so_first() -> None:
    out = run("diff", str(SAMPLE), "--pair", "pa-strike", "pa-flood")
    assert out.exit_code == 0
    note = "dupfinder: pa-strike and pa-flood are not copies (jaccard 0.00, containment 0.00)"
    assert out.stderr == note + "\n"
    assert out.output.index(note) < out.output.index("== pa-flood")  # before the diff
    # A copy pair: no note. --quiet silences the note.
    out = run("diff", str(SAMPLE), "--pair", "pa-strike", "coastalpost-strike")
    assert out.exit_code == 0 and out.stderr == ""
    out = run("diff", str(SAMPLE), "--pair", "pa-strike", "pa-flood", "-q")
    assert out.stderr == ""
    # Machines get the figures with the edits.
    out = run("diff", str(SAMPLE), "--pair", "pa-strike", "pa-flood", "--json", "-", "-q")
    similarity = json.loads(out.stdout)["diffs"][0]["similarity"]
    assert similarity["copy"] is False and similarity["jaccard"] == 0.0


def test_the_pair_decision_is_the_scans() -> None:
    # Every verified pair of the scan's clusters is a copy pair by pair_verdict, with the same
    # figures as the scan's member scores against the canonical.
    result = dupfinder.scan(str(SAMPLE))
    for cluster in result.clusters:
        for member in cluster.members:
            if member.id == cluster.canonical.id:
                continue
            verdict = pair_verdict(result, cluster.canonical.id, member.id)
            assert verdict.cluster == cluster.id
            assert verdict.jaccard == pytest.approx(member.jaccard)
            assert verdict.containment == pytest.approx(member.containment)
            if verdict.copy is False:  # joined by the cluster rules, not as a direct pair
                assert member.jaccard < result.params.threshold
    unrelated = pair_verdict(result, "pa-strike", "ap-museum")
    assert unrelated.copy is False and unrelated.cluster is None
