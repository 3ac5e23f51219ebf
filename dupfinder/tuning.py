"""Every constant that changes results, in one serialisable object.

``Params`` holds what a user sets per scan (thresholds, shingle size); ``Tuning`` holds the rest
of what decides a result: how units are cut, how much evidence makes chrome, the second look's
alignment rules, the candidate samples, the clustering rules, what counts as a substitution. It
is recorded in the JSON report (``"tuning"``), so a result can be explained and reproduced, and
tests pass one instead of patching module globals. Defaults are the measured ones (README,
"How it works").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .errors import UsageError


@dataclass(frozen=True)
class UnitRules:
    """Units, the lines chrome is learned on (``normalise.unit_text``)."""

    long_unit_chars: int = 320  # a longer line is cut into sentences


@dataclass(frozen=True)
class BoilerplateRules:
    """How much evidence makes a unit boilerplate (``boilerplate``)."""

    min_docs: int = 3
    min_groups: int = 3
    related: float = 0.3
    sample: int = 24
    rounds: int = 2
    # A unit at least this share of every carrier's words is that text, not chrome around it.
    most_of_text: float = 0.8
    # Units this long or longer can be story text (a sentence); shorter ones are judged as chrome.
    story_min_words: int = 6
    # A repeat inside one article is chrome when its run of repeated units holds at most this
    # many distinct units of at most this many words in all (a caption, a credit line).
    repeat_max_units: int = 8
    repeat_max_words: int = 150


@dataclass(frozen=True)
class VerifyRules:
    """The copy decision beyond the thresholds (``verify``)."""

    figure_share: float = 0.8  # short notices must share this share of the shorter's figures
    figure_max_words: int = 60  # ... when the shorter has at most this many words
    look_from: float = 0.4  # the second look starts at this containment
    look_min_words: int = 120
    align_min_run: int = 3
    align_anchor: int = 8
    align_lead: int = 25
    align_gap: int = 12
    align_share: float = 0.8
    align_min: float = 0.45


@dataclass(frozen=True)
class CandidateRules:
    """Containment candidates (``stages.containment``)."""

    sample_rate: int = 4  # one shingle in this many is sampled
    # A pair is a candidate when the smaller shares this share of containment * its samples.
    sample_share: float = 0.5


@dataclass(frozen=True)
class ClusterRules:
    """Splitting components into clusters (``cluster``)."""

    hub_checks: int = 48
    hub_overlap: float = 0.2
    own_story_share: float = 0.5
    cover_share: float = 0.8
    majority_sample: int = 15


@dataclass(frozen=True)
class EditRules:
    """Naming edits (``diff``)."""

    max_replace_words: int = 6  # a longer deletion + insertion is not a substitution


_PARTS = {"units": UnitRules, "boilerplate": BoilerplateRules, "verify": VerifyRules,
          "candidates": CandidateRules, "cluster": ClusterRules, "edits": EditRules}


@dataclass(frozen=True)
class Tuning:
    units: UnitRules = field(default_factory=UnitRules)
    boilerplate: BoilerplateRules = field(default_factory=BoilerplateRules)
    verify: VerifyRules = field(default_factory=VerifyRules)
    candidates: CandidateRules = field(default_factory=CandidateRules)
    cluster: ClusterRules = field(default_factory=ClusterRules)
    edits: EditRules = field(default_factory=EditRules)

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Tuning:
        """The inverse of ``as_dict``; unknown parts or keys are refused, naming them."""
        unknown = sorted(set(data) - set(_PARTS))
        if unknown:
            raise UsageError(f"unknown tuning part {unknown[0]!r}; parts are "
                             f"{', '.join(_PARTS)}")
        parts: dict[str, Any] = {}
        for name, value in data.items():
            kind = _PARTS[name]
            allowed = {f.name for f in fields(kind)}
            bad = sorted(set(value) - allowed)
            if bad:
                raise UsageError(f"unknown tuning key {name}.{bad[0]!r}; keys are "
                                 f"{', '.join(sorted(allowed))}")
            parts[name] = kind(**value)
        return cls(**parts)
