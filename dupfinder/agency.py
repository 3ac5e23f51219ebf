"""Agency markers: the byline or dateline credit a wire story carries.

Used only to break ties between equally full, equally dated versions: the copy that still
says "(AP)" or "PA news agency" is more likely the untouched wire text.
"""

from __future__ import annotations

import re

_MARKER = re.compile(
    r"\((?:AP|Reuters|AFP|PA|dpa|UPI|Bloomberg)\)"
    r"|\bAssociated Press\b|\bReuters\b|\bPA news agency\b|\bPA Media\b|\bPress Association\b"
    r"|\bAgence France-Presse\b|\bAFP\b",
)

# Where a credit appears: the dateline or byline at the top, the credit line at the bottom.
_WINDOW = 400


def has_agency_marker(text: str, title: str | None = None) -> bool:
    head, tail = text[:_WINDOW], text[-_WINDOW:]
    return bool(_MARKER.search(head) or _MARKER.search(tail) or (title and _MARKER.search(title)))
