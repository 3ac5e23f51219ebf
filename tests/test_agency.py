"""Agency credits: the substring prefilter never changes what the marker regex finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dupfinder.stages.agency import _MARKER, _WINDOW, has_agency_marker

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


def test_credits_found_at_either_end_only() -> None:
    body = "A council meeting ran late. " * 40
    assert has_agency_marker("LONDON (PA) - " + body)
    assert has_agency_marker(body + "Reporting by the Associated Press")
    assert not has_agency_marker(body[:600] + " (AP) " + body[:600])
