"""The DfE's rules (csc-validator-be-cin, in .venv-validators) find no error in the census of a
small authority built through the casework services; a broken export is caught."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree  # type: ignore[import-untyped]

from joinedup.reports import validation
from tests.unit.reports.test_cin_export import Authority, export, town

__all__ = ["town"]  # the fixture


def _validate(path: Path, year: int) -> validation.ValidationReport:
    try:
        return validation.validate(year=year, cin=path, timeout=600)
    except validation.ValidatorsUnavailable as missing:
        pytest.skip(str(missing))


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_small_authoritys_census_has_no_error_level_failures(
    town: Authority, tmp_path: Path, year: int
) -> None:
    path = tmp_path / f"cin_{year}.xml"
    path.write_bytes(export(town.session, year).xml)
    report = _validate(path, year)
    assert [(f.rule, f.child, f.where) for f in report.errors] == []
    # Queries the records explain: fewer than 8 disability codes in a return of 3-5 children;
    # an assessment open on 31 March that began more than 45 working days before it.
    assert report.rules_failed("query") <= {"2887Q", "8670Q"}


def test_a_broken_export_is_caught(town: Authority, tmp_path: Path) -> None:
    root = etree.fromstring(export(town.session, 2026).xml)
    plan = root.xpath("//ChildProtectionPlans/CPPstartDate")[0]
    plan.text = "2025-05-24"  # a day after the conference: rule 2885
    path = tmp_path / "broken.xml"
    path.write_bytes(etree.tostring(root))
    report = _validate(path, 2026)
    assert "2885" in {f.rule for f in report.errors}
