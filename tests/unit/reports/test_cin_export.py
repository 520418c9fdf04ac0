"""The CIN census from casework built through the real services: the year's window, each
episode's dates and codes as they stood on 31 March, and what the records cannot give (warned,
never invented)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from lxml import etree  # type: ignore[import-untyped]
from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor
from joinedup.casework.views import CaseView
from joinedup.config import Settings
from joinedup.core.errors import NotFound, NotPermitted
from joinedup.core.identifiers import upn_check_letter
from joinedup.people import service as people_service
from joinedup.reports.cin import CinExport, export_cin
from joinedup.reports.cin_checks import shared_upns
from joinedup.reports.cin_xml import Child
from joinedup.testing import FrozenClock
from tests.unit.casework.support import ASSESSED, ATTENDEES, CHAIR, WORKER, Desk
from tests.unit.people.support import Store, child, nhs, rec, upn

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
OFFICER = Actor.system("test:performance")


def _at(day: str) -> FrozenClock:
    return FrozenClock(datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC))


def assessed(**changes: Any) -> dict[str, Any]:
    return {**ASSESSED, "disabilities": ["NONE"], **changes}


def conference(*categories: str) -> dict[str, Any]:
    return {"chair": "I Chair", "categories": list(categories), "decision": "Recorded."}


@dataclass
class Authority:
    """A small authority: one child for each thing the census must get right."""

    session: Session
    store: Store
    children: dict[str, int]

    def child(self, name: str, seed: int, **fields: Any) -> int:
        record_id = f"school:{name}"
        subject = child(nhs_number=nhs(seed), **fields)
        self.store.submit(rec(subject, record_id=record_id))
        self.children[name] = self.store.person(record_id)
        return self.children[name]

    def refer(self, name: str, day: str, decision: str = "referral") -> tuple[Desk, CaseView]:
        desk = Desk(self.session, _at(day), self.children[name])
        case = desk.referred(decision=decision)
        desk.clock.advance(NOW - desk.clock.now())
        return desk, case

    def run(self, desk: Desk, case: CaseView, *steps: tuple[Any, ...]) -> CaseView:
        for day, action, outcome, fields, *actor in steps:
            case = desk.act(case, action, outcome, fields, on=date.fromisoformat(day),
                            actor=actor[0] if actor else WORKER, late_reason="Test.")  # fmt: skip
        return case


def build(session: Session, feed_actor: Actor, settings: Settings) -> Authority:
    town = Authority(session, Store(session, feed_actor, _at("2024-03-01"), settings), {})
    # Closed before 1 April 2025: in 2024-25 only.
    town.child("closed", 1, upn=upn(1), ethnicity="WBRI")
    desk, case = town.refer("closed", "2025-01-06")
    town.run(desk, case,
             ("2025-02-03", "complete_assessment", "no_further_action",
              assessed(factors=["21"], primary_need="N9")),
             ("2025-02-10", "close", "", {"closure_reason": "RC8"}))  # fmt: skip
    # Open on 1 April 2025: in both years.
    town.child("open", 2, upn=upn(2), ethnicity="AIND", sex="F")
    desk, case = town.refer("open", "2025-03-03")
    town.run(desk, case,
             ("2025-03-20", "complete_assessment", "child_in_need",
              assessed(factors=["6A"], primary_need="N2", disabilities=["MOB", "VIS"])),
             ("2025-03-25", "cin_plan", "", {"outcomes_sought": "Support at home."}),
             ("2025-06-30", "close", "", {"closure_reason": "RC7"}))  # fmt: skip
    # Referred after 31 March 2026: in no census here.
    town.child("later", 3, upn=upn(3))
    town.refer("later", "2026-04-07")
    # A section 47 enquiry, a conference and a plan that ends at a review.
    town.child("protected", 4, upn=upn(4), ethnicity="BAFR")
    desk, case = town.refer("protected", "2025-05-06", "strategy_discussion")
    town.run(desk, case,
             ("2025-05-07", "strategy_discussion", "section47",
              {"attendees": ATTENDEES, "reasons": "Bruising."}),
             ("2025-05-16", "complete_section47", "conference", {"findings": "Substantiated."}),
             ("2025-05-23", "initial_conference", "plan", conference("NEG", "EMO"), CHAIR),
             ("2025-06-10", "complete_assessment", "child_in_need", assessed()),
             ("2025-08-20", "review_conference", "continue", conference("NEG"), CHAIR),
             ("2026-02-18", "review_conference", "end_plan", conference(), CHAIR))  # fmt: skip
    # A second plan: one earlier plan, in 2024.
    town.child("again", 5, upn=upn(5), ethnicity="WOTH")
    for day, plan, ends in (("2024-04-08", "PHY", True), ("2025-09-01", "SAB", False)):
        desk, case = town.refer("again", day, "strategy_discussion")
        start = date.fromisoformat(day)
        steps: list[tuple[Any, ...]] = [
            (str(start + timedelta(days=1)), "strategy_discussion", "section47",
             {"attendees": ATTENDEES, "reasons": "Disclosure."}),
            (str(start + timedelta(days=9)), "complete_section47", "conference",
             {"findings": "Substantiated."}),
            (str(start + timedelta(days=14)), "initial_conference", "plan", conference(plan),
             CHAIR),
            (str(start + timedelta(days=23)), "complete_assessment", "child_in_need",
             assessed()),
        ]  # fmt: skip
        if ends:
            steps += [("2024-07-15", "review_conference", "end_plan", conference(), CHAIR),
                      ("2024-08-01", "close", "", {"closure_reason": "RC7"})]  # fmt: skip
        town.run(desk, case, *steps)
    # Under school age with no UPN; assessed after the year ended.
    town.child("young", 6, date_of_birth="2022-01-10", ethnicity="MWBA")
    desk, case = town.refer("young", "2025-10-01")
    town.run(desk, case, ("2026-04-10", "complete_assessment", "child_in_need",
                          assessed(primary_need="N4", disabilities=["LD"])))  # fmt: skip
    # Of school age with no UPN: one whose records carry only a wrong one, one new this year.
    body = "938200000099"
    wrong = ("A" if upn_check_letter(body) != "A" else "B") + body
    town.child("unreliable", 10, date_of_birth="2012-05-01", upn=wrong, ethnicity="WBRI")
    town.child("newcomer", 11, date_of_birth="2012-06-01", ethnicity="WBRI")
    for name in ("unreliable", "newcomer"):
        desk, case = town.refer(name, "2025-11-03")
        town.run(desk, case, ("2025-11-20", "complete_assessment", "no_further_action",
                              assessed(factors=["21"], primary_need="N9")),
                 ("2025-11-25", "close", "", {"closure_reason": "RC8"}))  # fmt: skip
    # Unborn on 31 March 2026.
    town.store.submit(rec({"ref": "c1", "role": "unborn", "family_name": "Testperson",
                           "expected_date_of_delivery": "2026-06-01", "nhs_number": nhs(7)},
                          record_id="midwife:unborn"))  # fmt: skip
    town.children["unborn"] = town.store.person("midwife:unborn")
    town.refer("unborn", "2026-02-02")
    return town


@pytest.fixture
def town(session: Session, feed_actor: Actor, settings: Settings) -> Authority:
    return build(session, feed_actor, settings)


def export(session: Session, year: int) -> CinExport:
    return export_cin(session=session, actor=OFFICER, year=year, now=NOW, authority_code="990")


def child_of(found: CinExport, person_id: int) -> etree._Element:
    root = etree.fromstring(found.xml)
    (node,) = root.xpath(f"//Child[ChildIdentifiers/LAchildID='{person_id}']")
    return node


def texts(node: etree._Element, path: str) -> list[str]:
    return [str(t) for t in node.xpath(f"{path}/text()")]


def test_the_census_year_holds_cases_open_at_any_time_in_it(town: Authority) -> None:
    found = export(town.session, 2026)
    ids = texts(etree.fromstring(found.xml), "//LAchildID")
    kids = town.children
    names = ("open", "protected", "again", "young", "unborn", "unreliable", "newcomer")
    assert sorted(ids) == sorted(str(kids[n]) for n in names)
    earlier = texts(etree.fromstring(export(town.session, 2025).xml), "//LAchildID")
    assert sorted(earlier) == sorted(str(kids[n]) for n in ("closed", "open", "again"))
    assert (found.children, found.episodes) == (7, 7)


def test_the_header_names_the_collection_and_the_authority(town: Authority) -> None:
    root = etree.fromstring(export(town.session, 2026).xml)
    assert texts(root, "Header/CollectionDetails/*") == ["CIN", "2026", "2026-03-31"]
    assert texts(root, "Header/Source/SourceLevel") == ["L"]
    assert texts(root, "Header/Source/LEA") == ["990"]


def test_a_case_open_on_1_april_keeps_its_plan_and_closure_and_drops_last_years_assessment(
    town: Authority,
) -> None:
    node = child_of(export(town.session, 2026), town.children["open"])
    assert texts(node, "ChildIdentifiers/Sex") == ["F"]
    assert texts(node, "ChildCharacteristics/Disabilities/Disability") == ["MOB", "VIS"]
    (e,) = node.xpath("CINdetails")
    assert [c.tag for c in e] == ["CINreferralDate", "ReferralSource", "PrimaryNeedCode",
                                  "CINclosureDate", "ReasonForClosure", "CINPlanDates",
                                  "ReferralNFA"]  # fmt: skip
    assert texts(e, "*[not(*)]") == ["2025-03-03", "2A", "N2", "2025-06-30", "RC7", "0"]
    assert texts(e, "CINPlanDates/*") == ["2025-03-20", "2025-06-30"]
    # The year before: open on 31 March, assessed, on a plan with no end yet.
    before = child_of(export(town.session, 2025), town.children["open"])
    (e,) = before.xpath("CINdetails")
    assert texts(e, "CINclosureDate") == [] and texts(e, "CINPlanDates/*") == ["2025-03-20"]
    assert texts(e, "Assessments/*[not(*)]") == ["2025-03-03", "2025-03-20"]
    assert texts(e, "Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors") == ["6A"]


def test_a_plan_starts_on_the_conference_day_and_no_cin_plan_runs_beside_it(
    town: Authority,
) -> None:
    node = child_of(export(town.session, 2026), town.children["protected"])
    (e,) = node.xpath("CINdetails")
    assert [c.tag for c in e] == ["CINreferralDate", "ReferralSource", "PrimaryNeedCode",
                                  "Assessments", "CINPlanDates", "Section47", "ReferralNFA",
                                  "ChildProtectionPlans"]  # fmt: skip
    assert texts(e, "Assessments/*[not(*)]") == ["2025-05-06", "2025-06-10"]
    # 15 working days from the strategy discussion on 7 May (26 May a bank holiday).
    assert texts(e, "Section47/*") == ["2025-05-07", "2025-05-29", "2025-05-23", "0"]
    assert texts(e, "ChildProtectionPlans/*[not(*)]") == [
        "2025-05-23", "2026-02-18", "MUL", "NEG", "0"]  # fmt: skip
    assert texts(e, "ChildProtectionPlans/Reviews/CPPreviewDate") == ["2025-08-20", "2026-02-18"]
    # The child in need plan begins when the protection plan ends, not before.
    assert texts(e, "CINPlanDates/*") == ["2026-02-18"]


def test_earlier_plans_are_counted_in_any_year(town: Authority) -> None:
    node = child_of(export(town.session, 2026), town.children["again"])
    (e,) = node.xpath("CINdetails")  # the 2024 case closed before the year: not here
    assert texts(e, "CINreferralDate") == ["2025-09-01"]
    assert texts(e, "ChildProtectionPlans/*") == ["2025-09-15", "SAB", "SAB", "1"]
    assert texts(e, "Section47/*") == ["2025-09-02", "2025-09-23", "2025-09-15", "0"]
    before = child_of(export(town.session, 2025), town.children["again"])
    (e,) = before.xpath("CINdetails")
    assert texts(e, "ChildProtectionPlans/*[not(*)]") == [
        "2024-04-22", "2024-07-15", "PHY", "PHY", "0"]  # fmt: skip
    assert texts(e, "CINPlanDates/*") == ["2024-07-15", "2024-08-01"]


def test_what_was_not_known_on_31_march_is_not_returned(town: Authority) -> None:
    node = child_of(export(town.session, 2026), town.children["young"])
    assert texts(node, "ChildIdentifiers/UPNunknown") == ["UN1"]
    (e,) = node.xpath("CINdetails")
    assert texts(e, "PrimaryNeedCode") == ["N0"]  # assessed in April 2026: not yet stated
    assert texts(e, "Assessments/*") == ["2025-10-01"]  # open on 31 March
    # What the assessment found about disability is about the child: the first known after.
    assert texts(node, "ChildCharacteristics/Disabilities/*") == ["LD"]


def test_an_unborn_child_has_an_expected_date_sex_u_and_un6(town: Authority) -> None:
    found = export(town.session, 2026)
    node = child_of(found, town.children["unborn"])
    assert texts(node, "ChildIdentifiers/*") == [
        str(town.children["unborn"]), "UN6", "2026-06-01", "U"]  # fmt: skip
    assert texts(node, "ChildCharacteristics/Disabilities") == []
    rules = {(w.rule, w.child) for w in found.warnings}
    assert ("8540", str(town.children["unborn"])) in rules


def test_the_export_is_audited_once_with_counts_only(town: Authority) -> None:
    found = export(town.session, 2026)
    (entry,) = town.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "returns:export")
    ).all()
    assert entry.resource_type == "cin_census"
    assert entry.detail == {"year": 2026, **found.counts()}
    assert found.counts()["episodes"] == 7


def test_only_the_returns_roles_may_export(session: Session) -> None:
    with pytest.raises(NotPermitted):
        export_cin(session=session, actor=WORKER, year=2026, now=NOW, authority_code="990")


def test_a_weekend_conference_is_returned_as_recorded_and_named_in_a_warning(
    session: Session, feed_actor: Actor, settings: Settings
) -> None:
    town = Authority(session, Store(session, feed_actor, _at("2025-10-01"), settings), {})
    town.child("weekend", 8, upn=upn(8))
    desk, case = town.refer("weekend", "2025-11-03", "strategy_discussion")
    town.run(desk, case,
             ("2025-11-04", "strategy_discussion", "section47",
              {"attendees": ATTENDEES, "reasons": "Bruising."}),
             ("2025-11-10", "complete_section47", "conference", {"findings": "Substantiated."}),
             ("2025-11-15", "initial_conference", "plan", conference("PHY"), CHAIR))  # fmt: skip
    found = export(session, 2026)
    (e,) = child_of(found, town.children["weekend"]).xpath("CINdetails")
    assert texts(e, "ChildProtectionPlans/CPPstartDate") == ["2025-11-15"]
    (warning,) = [w for w in found.warnings if w.rule == "8875"]
    assert warning.case_id == case.id
    assert "Saturday 2025-11-15" in str(warning)


def test_a_year_with_no_cases_has_no_census(session: Session) -> None:
    with pytest.raises(NotFound, match=r"2022-23 collection year .* no census to return"):
        export(session, 2023)


def test_a_upn_held_by_two_children_is_named_for_each() -> None:
    def kid(la_id: str, upn_: str | None) -> Child:
        return Child(la_id, upn_, None, date(2016, 1, 1), None, "F", "WBRI", ("NONE",), ())

    warned = shared_upns([kid("1", upn(1)), kid("2", upn(1)), kid("3", upn(2)), kid("4", None)])
    assert [(w.rule, w.child) for w in warned] == [("1520", "1"), ("1520", "2")]
    assert "also recorded for child(ren) 2" in str(warned[0])


def test_work_open_since_before_the_year_is_returned_and_named_in_warnings(
    session: Session, feed_actor: Actor, settings: Settings
) -> None:
    town = Authority(session, Store(session, feed_actor, _at("2025-01-01"), settings), {})
    town.child("stuck", 9, upn=upn(9), ethnicity="WBRI")
    desk, case = town.refer("stuck", "2025-02-03", "strategy_discussion")
    town.run(desk, case, ("2025-02-04", "strategy_discussion", "section47",
                          {"attendees": ATTENDEES, "reasons": "Bruising."}))  # fmt: skip
    found = export(session, 2026)
    (e,) = child_of(found, town.children["stuck"]).xpath("CINdetails")
    assert texts(e, "Assessments/*") == ["2025-02-03"]
    assert texts(e, "Section47/*") == ["2025-02-04", "2025-02-25", "0"]
    assert sorted(w.rule for w in found.warnings if w.case_id == case.id) == ["8736", "8740"]


def test_a_child_of_school_age_without_a_upn_says_why_when_the_records_do(
    town: Authority,
) -> None:
    found = export(town.session, 2026)
    for name, code in (("unreliable", "UN5"), ("newcomer", "UN4")):
        node = child_of(found, town.children[name])
        assert texts(node, "ChildIdentifiers/UPN") == []
        assert texts(node, "ChildIdentifiers/UPNunknown") == [code]
    assert not [w for w in found.warnings if w.rule == "8770Q"]


def test_a_case_opened_on_a_person_later_merged_is_returned_as_the_survivors(
    session: Session, feed_actor: Actor, settings: Settings
) -> None:
    """Two records of one boy made two persons (one NHS number mistyped into another valid
    one); his case was opened on the second before identity review merged them. The census
    returns one child, the survivor, with what his records say of him."""
    town = Authority(session, Store(session, feed_actor, _at("2024-03-01"), settings), {})
    kept = town.child("kept", 20, upn=upn(20), ethnicity="WBRI")
    typo = town.child("typo", 21, given_names="Alex", date_of_birth="2016-07-04")
    assert kept != typo
    desk, case = town.refer("typo", "2025-05-06")
    town.run(desk, case, ("2025-05-20", "complete_assessment", "no_further_action",
                          assessed(factors=["21"], primary_need="N9")),
             ("2025-05-27", "close", "", {"closure_reason": "RC8"}))  # fmt: skip
    people_service.merge_persons(session=session, actor=OFFICER, from_id=typo, into_id=kept,
                                 reason="The same boy.", now=NOW)  # fmt: skip
    found = export(session, 2026)
    assert texts(etree.fromstring(found.xml), "//LAchildID") == [str(kept)]
    node = child_of(found, kept)
    assert texts(node, "ChildIdentifiers/UPN") == [upn(20)]
    assert texts(node, "ChildCharacteristics/Ethnicity") == ["WBRI"]
    assert texts(node, "CINdetails/CINreferralDate") == ["2025-05-06"]
