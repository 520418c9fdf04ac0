"""The DfE's rules (csc-validator-be-cin, in .venv-validators) find no error in the census of a
small authority built through the casework services; a broken export is caught."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree  # type: ignore[import-untyped]
from sqlalchemy.orm import Session

from joinedup.access.roles import Actor
from joinedup.config import Settings
from joinedup.reports import validation
from tests.unit.casework.support import ATTENDEES
from tests.unit.people.support import Store, upn
from tests.unit.reports.test_cin_export import (
    Authority,
    _at,
    assessed,
    child_of,
    export,
    texts,
    town,
)

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


def test_children_transferred_mid_enquiry_or_before_their_conference_pass_the_dfe_rules(
    session: Session, feed_actor: Actor, settings: Settings, tmp_path: Path
) -> None:
    """Two children whose families moved to another authority (RC5): one during the section
    47 enquiry, one after it convened a conference not yet held. Each closed episode carries
    its enquiry with `ICPCnotRequired` true and no conference date (CIN rule 8868), and the
    DfE's rules on Section47 (8740, 8839, 8890, 8565, 8675Q among them) find nothing."""
    town = Authority(session, Store(session, feed_actor, _at("2025-10-01"), settings), {})
    enquiry: list[tuple[Any, ...]] = [
        ("2025-11-04", "strategy_discussion", "section47",
         {"attendees": ATTENDEES, "reasons": "Bruising."}),
        ("2025-11-07", "complete_assessment", "child_in_need", assessed()),
    ]  # fmt: skip
    town.child("mid_enquiry", 12, upn=upn(12), ethnicity="WBRI")
    desk, case = town.refer("mid_enquiry", "2025-11-03", "strategy_discussion")
    town.run(desk, case, *enquiry, ("2025-11-12", "close", "", {"closure_reason": "RC5"}))
    town.child("awaiting", 13, upn=upn(13), ethnicity="WBRI")
    desk, case = town.refer("awaiting", "2025-11-03", "strategy_discussion")
    town.run(desk, case, *enquiry,
             ("2025-11-14", "complete_section47", "conference", {"findings": "Substantiated."}),
             ("2025-11-17", "book_conference", "", {"booked_for": "2025-11-21"}),
             ("2025-11-19", "close", "", {"closure_reason": "RC5"}))  # fmt: skip
    found = export(session, 2026)
    for name, closed in (("mid_enquiry", "2025-11-12"), ("awaiting", "2025-11-19")):
        (e,) = child_of(found, town.children[name]).xpath("CINdetails")
        assert texts(e, "CINclosureDate") == [closed]
        assert texts(e, "ReasonForClosure") == ["RC5"]
        assert texts(e, "Section47/*") == ["2025-11-04", "2025-11-25", "1"]  # no DateOfInitialCPC
    path = tmp_path / "cin_2026.xml"
    path.write_bytes(found.xml)
    report = _validate(path, 2026)
    assert [(f.rule, f.child, f.where) for f in report.errors] == []
    assert not {"8868", "8740", "8839", "8890", "8565", "8675Q"} & report.rules_failed()
