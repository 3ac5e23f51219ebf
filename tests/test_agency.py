"""Agency credits: the substring prefilter never changes what the marker regex finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dupfinder.stages.agency import (
    _MARKER,
    _WINDOW,
    COMPILED_MIN_TEXTS,
    agency_marks,
    has_agency_marker,
)

_PIECES = ["(AP)", "(Reuters)", "AFP", "(PA)", "(dpa)", "(UPI)", "(Bloomberg)", "AP", "PA",
           "Associated Press", "Associated  Press", "PA news agency", "PA Media", "Reuters",
           "Press Association", "Agence France-Presse", "Agence France", "APs", "REUTERS",
           "xAFP", "(ap)", " ", "\n", "word", "é", "-", "(", ")"]


def _reference(text: str, title: str | None) -> bool:
    head, tail = text[:_WINDOW], text[-_WINDOW:]
    return bool(_MARKER.search(head) or _MARKER.search(tail) or (title and _MARKER.search(title)))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join),
       st.lists(st.sampled_from(_PIECES), max_size=6).map("".join) | st.none(),
       st.integers(0, 900))
def test_prefilter_agrees_with_the_regex(text: str, title: str | None, pad: int) -> None:
    padded = "x " * pad + text  # credits inside and outside the head and tail windows
    assert has_agency_marker(padded, title) == _reference(padded, title)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 900), st.sampled_from(["(AP)", "Associated Press", "PA Media"]))
def test_a_credit_across_the_window_edge(at: int, credit: str) -> None:
    text = ("x" * at + credit + "y" * 900)[:max(at + len(credit), 420 + at % 500)]
    assert has_agency_marker(text) == _reference(text, None)


def test_credits_found_at_either_end_only() -> None:
    body = "A council meeting ran late. " * 40
    assert has_agency_marker("LONDON (PA) - " + body)
    assert has_agency_marker(body + "Reporting by the Associated Press")
    assert not has_agency_marker(body[:600] + " (AP) " + body[:600])


def test_the_spelled_out_needles_are_the_needles() -> None:
    import inspect

    from dupfinder.stages import agency

    source = inspect.getsource(agency._has_needle)
    assert sorted(n for n in agency._NEEDLES if f'"{n}" in w' in source) == sorted(
        agency._NEEDLES)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join),
                          st.lists(st.sampled_from(_PIECES), max_size=6).map("".join)
                          | st.none(), st.integers(0, 500)),
                min_size=COMPILED_MIN_TEXTS, max_size=COMPILED_MIN_TEXTS + 40))
def test_a_batch_is_marked_as_each_text_alone(rows: list[tuple[str, str | None, int]]) -> None:
    texts = [("x " * pad + text) if pad % 3 else (text + " y" * pad) for text, _, pad in rows]
    titles = [title for _, title, _ in rows]
    # One batch through the compiled needle search (when numba is there: the CI installs
    # it), against the texts one by one.
    assert agency_marks(texts, titles) == [has_agency_marker(t, ti)
                                           for t, ti in zip(texts, titles)]

