"""Reading the validators' runner: its JSON into typed results, the text report, and the clear
errors when the validators are missing or break (no validator runs here)."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest

from joinedup.reports import validation

DOCUMENT: dict[str, Any] = {
    "runner_version": 1,
    "year": 2026,
    "versions": {"csc-validator-be-cin": "0.1.13", "csc-validator-be-903": "0.1.17"},
    "returns": [
        {
            "return": "cin",
            "ruleset": "cin2025_26",
            "ran": ["2885", "2887Q"],
            "crashed": [],
            "skipped": [],
            "ignored": [],
            "notes": [],
        },
        {
            "return": "ssda903",
            "ruleset": "lac2025_26",
            "ran": ["146"],
            "skipped": ["1000"],
            "crashed": [
                {
                    "rule": "231",
                    "error": "KeyError: 'UASC_STATUS'",
                    "known_upstream": "reads Header.UASC_STATUS",
                }
            ],
            "ignored": ["101"],
            "notes": ["no previous year's files"],
        },
    ],
    "failures": [
        {
            "return": "cin",
            "rule": "2885",
            "level": "error",
            "message": "CPP start is not the ICPC",
            "child": "C7",
            "table": "ChildProtectionPlans",
            "fields": ["CPPstartDate"],
            "row": 3,
        },
        {
            "return": "cin",
            "rule": "2887Q",
            "level": "query",
            "message": "Few disability codes",
            "child": None,
            "table": None,
            "fields": [],
            "row": None,
        },
        {
            "return": "ssda903",
            "rule": "146",
            "level": "error",
            "message": "Bad PLACE",
            "child": "L1",
            "table": "Episodes",
            "fields": ["PLACE"],
            "row": 0,
            "upstream_bug": "lower-case k3",
        },
    ],
}


def test_the_runners_json_becomes_typed_results() -> None:
    report = validation.parse(DOCUMENT, seconds=2.5)
    [error] = report.errors
    assert error == validation.Failure(return_name="cin", rule="2885", level="error",
                                       message="CPP start is not the ICPC", child="C7",
                                       table="ChildProtectionPlans", fields=("CPPstartDate",),
                                       row=3)  # fmt: skip
    assert [q.rule for q in report.queries] == ["2887Q"]
    assert [b.rule for b in report.known_bugs] == ["146"]
    assert not report.passed
    crash = report.returns[1].crashed[0]
    assert (crash.rule, crash.known_upstream) == ("231", "reads Header.UASC_STATUS")
    assert report.as_dict()["errors"] == 1 and report.as_dict()["queries"] == 1


def test_the_text_report_groups_by_level_and_names_rule_child_and_field() -> None:
    text = validation.format_report(validation.parse(DOCUMENT, seconds=2.5))
    errors, queries = text.index("Errors (1)"), text.index("Queries (1)")
    assert errors < text.index("CIN census 2885 (1): CPP start is not the ICPC") < queries
    assert "child C7  ChildProtectionPlans row 3: CPPstartDate" in text
    assert "-  the whole return" in text
    assert "Known validator bugs (not counted) (1)" in text
    assert "SSDA903 231: KeyError: 'UASC_STATUS' - crashed upstream" in text
    assert "SSDA903 (lac2025_26): 1 rules ran, 1 crashed (231), 1 skipped" in text
    assert "1 ignored (101)" in text
    assert text.endswith("1 errors, 1 queries: the return fails the DfE rules (2.5 s)")


def test_a_crash_that_is_not_known_upstream_says_so() -> None:
    returns = [{**DOCUMENT["returns"][1], "crashed": [{"rule": "8", "error": "IndexError: x"}]}]
    text = validation.format_report(validation.parse({**DOCUMENT, "returns": returns}))
    assert "SSDA903 8: IndexError: x - not a known upstream crash" in text


def test_the_report_shows_at_most_the_limit_per_rule() -> None:
    many = {**DOCUMENT, "failures": [{**DOCUMENT["failures"][0], "row": n} for n in range(5)]}
    text = validation.format_report(validation.parse(many), limit=2)
    assert text.count("child C7") == 2
    assert "… and 3 more" in text


def test_missing_validators_name_make_setup(tmp_path: Path) -> None:
    with pytest.raises(validation.ValidatorsUnavailable, match="make setup"):
        validation.validators_python(tmp_path / "nowhere" / "python")


def test_a_validator_that_dies_without_a_report_is_a_clear_error(tmp_path: Path) -> None:
    python = tmp_path / "python"
    python.write_text("#!/bin/sh\necho 'Traceback (most recent call last):' >&2\n"
                      "echo 'MemoryError: out of memory' >&2\nexit 1\n")  # fmt: skip
    python.chmod(python.stat().st_mode | stat.S_IXUSR)
    with pytest.raises(validation.ValidatorsUnavailable) as caught:
        validation.validate(year=2026, cin=tmp_path / "python", python=python)
    assert str(caught.value) == (
        "the DfE validators stopped without a report (exit 1): MemoryError: out of memory"
    )


def test_a_year_without_rules_and_missing_inputs_are_refused_before_running(
    tmp_path: Path,
) -> None:
    with pytest.raises(validation.ReturnInputInvalid, match="--year 2031"):
        validation.validate(year=2031, cin=tmp_path / "x.xml")
    with pytest.raises(validation.ReturnInputInvalid, match=r"x\.xml: no such file"):
        validation.validate(year=2026, cin=tmp_path / "x.xml")
    with pytest.raises(validation.ReturnInputInvalid, match="903: no such directory"):
        validation.validate(year=2026, ssda903=tmp_path / "903")
    with pytest.raises(validation.ReturnInputInvalid, match="nothing to validate"):
        validation.validate(year=2026)


def test_synthetic_la_failures_are_listed_apart_and_not_counted() -> None:
    made_up = {**DOCUMENT["failures"][0], "synthetic_la": "UPN holds a synthetic code (990)"}
    report = validation.parse({**DOCUMENT, "failures": [made_up]})
    assert report.passed and report.errors == [] and len(report.synthetic) == 1
    text = validation.format_report(report)
    assert "Synthetic LA codes (not counted) (1)" in text
    assert "(UPN holds a synthetic code (990))" in text
