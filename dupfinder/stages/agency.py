"""Agency markers: the byline or dateline credit a wire story carries.

Used only to break ties between equally full, equally dated versions: the copy that still
says "(AP)" or "PA news agency" is more likely the untouched wire text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from . import _numba

_MARKER = re.compile(
    r"\((?:AP|Reuters|AFP|PA|dpa|UPI|Bloomberg)\)"
    r"|\bAssociated Press\b|\bReuters\b|\bPA news agency\b|\bPA Media\b|\bPress Association\b"
    r"|\bAgence France-Presse\b|\bAFP\b",
)

# Where a credit appears: the dateline or byline at the top, the credit line at the bottom.
_WINDOW = 400


# Every match of _MARKER contains one of these (case-sensitive) substrings; ``in`` finds them
# thirty times faster than the regex, which then runs only on the few windows that have one.
_NEEDLES = ("AP)", "Reuters", "AFP", "PA", "dpa)", "UPI)", "Bloomberg)", "Associated Press",
            "Press Association", "Agence France")


def _has_needle(w: str) -> bool:
    # _NEEDLES spelled out: an ``or`` of ``in`` tests costs a third of ``any`` over a generator.
    return ("PA" in w or "AP)" in w or "Reuters" in w or "AFP" in w or "dpa)" in w
            or "UPI)" in w or "Bloomberg)" in w or "Associated Press" in w
            or "Press Association" in w or "Agence France" in w)


def _search(w: str) -> bool:
    return _has_needle(w) and _MARKER.search(w) is not None


def _head_and_tail(text: str) -> tuple[str, str]:
    """Where a credit is looked for in a text: its first and last ``_WINDOW`` characters (a
    short text is all head)."""
    return (text, "") if len(text) <= _WINDOW else (text[:_WINDOW], text[-_WINDOW:])


def has_agency_marker(text: str, title: str | None = None) -> bool:
    # The places a credit may be (the head and the tail of the text, the title) are looked
    # through for a needle once, joined by a character no needle holds: most texts carry
    # none, and ten scans of one string cost a third of ten scans of each of three. A needle
    # found sends each place to the regular expression on its own (the join makes no match).
    head, tail = _head_and_tail(text)
    if not _has_needle(f"{head}\0{tail}\0{title}" if title else f"{head}\0{tail}"):
        return False
    return (_search(head) or (bool(tail) and _search(tail))
            or bool(title and _search(title)))


# Below this many texts the per-text tests are quick, and loading the kernel costs more.
COMPILED_MIN_TEXTS = 200

_NEEDLE_CODES = np.frombuffer("".join(_NEEDLES).encode("ascii"), dtype=np.uint8).astype(np.uint32)
_NEEDLE_OFFSETS = np.cumsum([0, *map(len, _NEEDLES)]).astype(np.int64)
_FIRST = np.zeros(128, dtype=np.bool_)
_FIRST[[ord(n[0]) for n in _NEEDLES]] = True


def agency_marks(texts: Sequence[str], titles: Sequence[str | None]) -> list[bool]:
    """``has_agency_marker`` of each (text, title), for a batch: with the ``fast`` extra the
    needles are looked for in one compiled pass over the batch's places (the head, the tail,
    the title), and only the places holding one go to the regular expression (the same
    answers, tested). A reading worker spent a sixth of its time on the tests one by one."""
    kernel = _numba.kernel("needles") if len(texts) >= COMPILED_MIN_TEXTS else None
    if kernel is None:
        return [has_agency_marker(t, title) for t, title in zip(texts, titles)]
    places: list[str] = []
    for text, title in zip(texts, titles):
        places += (*_head_and_tail(text), title or "")
    joined = "\0".join(places)
    lengths = np.fromiter(map(len, places), dtype=np.int64, count=len(places))
    ends = np.cumsum(lengths + 1) - 1
    starts = ends - lengths
    codes = (np.frombuffer(joined.encode("ascii"), dtype=np.uint8) if joined.isascii()
             else np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32))
    hit = kernel(codes, starts, ends, _FIRST, _NEEDLE_CODES, _NEEDLE_OFFSETS)
    out = [False] * len(texts)
    for p in np.flatnonzero(hit).tolist():
        if not out[p // 3] and _MARKER.search(places[p]) is not None:
            out[p // 3] = True
    return out


# Agencies' own sites, by the first label of the outlet's host or the outlet's name.
_AGENCY_OUTLETS = frozenset({
    "ap", "apnews", "associated press", "reuters", "pa", "pamedia", "pa media",
    "press association", "afp", "agence france-presse", "upi", "dpa", "bloomberg",
})


def is_agency_outlet(outlet: str | None) -> bool:
    if not outlet:
        return False
    name = outlet.strip().casefold()
    if name.startswith("www."):
        name = name[4:]
    return name in _AGENCY_OUTLETS or name.split(".", 1)[0] in _AGENCY_OUTLETS
