"""What an index is built with: its parameters as stored, the boilerplate digest, the dates and
ages the commands take."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np

from ..errors import UsageError
from ..fields import sort_key_for_date
from ..params import Params
from ..tuning import Tuning


def parse_age(text: str, now: datetime | None = None) -> float:
    """'30m', '12h', '7d' or an ISO date: the UTC timestamp before which articles are old."""
    now = now or datetime.now(timezone.utc)
    m = re.fullmatch(r"\s*(\d+)\s*([mhdw])\s*", text)
    if m:
        unit = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[m.group(2)]
        return (now - timedelta(**{unit: int(m.group(1))})).timestamp()
    stamp = sort_key_for_date(text.strip())
    if stamp is None:
        raise UsageError(f"{text!r}: use 30m, 12h, 7d, 2w or an ISO date", option="older_than")
    return stamp


def params_dict(p: Params) -> dict[str, Any]:
    """Every stored parameter, ``Tuning`` included."""
    return {"threshold": p.threshold, "containment": p.containment, "shingle": p.shingle,
            "num_perm": p.num_perm, "min_shingles": p.min_shingles, "seed": p.seed,
            "lsh_threshold": p.lsh_threshold, "boilerplate": p.boilerplate,
            "tuning": p.tuning.as_dict()}


def flat_params(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(flat_params(v, f"{prefix}{k}."))
        else:
            out[prefix + k] = v
    return out


def params_from(stored: dict[str, Any]) -> Params:
    data = dict(stored)
    tuning = Tuning.from_dict(data.pop("tuning", {}))
    return Params(**data, tuning=tuning)


def boilerplate_digest(keys: np.ndarray) -> str:
    return hashlib.sha256(np.sort(keys.astype(np.uint64)).astype("<u8").tobytes()).hexdigest()


# ---- the articles one computation looks at -------------------------------------------------


def parse_date(text: str, name: str) -> float:
    stamp = sort_key_for_date(text.strip())
    if stamp is None:
        raise UsageError(f"{text!r} is not a date; use an ISO date such as 2026-05-01",
                         option=name)
    return stamp
