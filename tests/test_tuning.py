"""Tuning: every result-changing constant in one object, recorded in the report and passed in
(never patched into module globals)."""

from __future__ import annotations

from dataclasses import replace

import pytest

import dupfinder
from dupfinder.errors import UsageError
from dupfinder.tuning import BoilerplateRules, Tuning, VerifyRules
from tests import pages
from tests.conftest import clusters_as_sets, sample_records


def test_the_report_records_the_tuning_and_it_round_trips() -> None:
    report = dupfinder.scan(sample_records()).to_dict()
    assert Tuning.from_dict(report["tuning"]) == Tuning()
    custom = Tuning(verify=VerifyRules(look_from=0.5))
    assert Tuning.from_dict(custom.as_dict()) == custom


def test_unknown_tuning_keys_are_refused_by_name() -> None:
    with pytest.raises(UsageError, match="verify.'look_form'"):
        Tuning.from_dict({"verify": {"look_form": 0.5}})
    with pytest.raises(UsageError, match="'verfy'"):
        Tuning.from_dict({"verfy": {}})


def test_passing_a_tuning_changes_the_result() -> None:
    records = pages.copy_edited_reprint()
    ids = set(pages.REPRINT_IDS)
    assert frozenset(ids) in clusters_as_sets(dupfinder.scan(records))
    # Without the second look the copy-edited reprint sits below the containment cut.
    off = Tuning(verify=VerifyRules(look_from=1.01))
    assert frozenset(ids) not in clusters_as_sets(dupfinder.scan(records, tuning=off))


def test_boilerplate_rules_come_from_the_tuning() -> None:
    records = pages.caption_twice()
    learned = dupfinder.scan(records).boilerplate_lines
    assert any(line.reason == "repeated" for line in learned)
    strict = Tuning(boilerplate=replace(BoilerplateRules(), repeat_max_units=0))
    learned = dupfinder.scan(records, tuning=strict).boilerplate_lines
    assert not any(line.reason == "repeated" for line in learned)
