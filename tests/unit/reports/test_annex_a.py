"""Annex A from cases worked through the real casework services: each list's rows, exactly, with
the template's labels and real Excel dates; a role without the returns permission is refused
and the refusal audited."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor, Role
from joinedup.casework import steps
from joinedup.casework.views import CaseView
from joinedup.config import Settings
from joinedup.core.errors import NotPermitted
from joinedup.db.session import unit_of_work
from joinedup.reports import annex_a_labels as L
from joinedup.reports.annex_a import annex_a, export_annex_a
from joinedup.testing import FrozenClock
from tests.unit.casework.support import ASSESSED, ATTENDEES, CHAIR, Desk
from tests.unit.people.support import Store, child, nhs, rec

AS_OF = date(2026, 11, 23)
OFFICER = Actor(role=Role.PERFORMANCE_OFFICER, label="perf.one", user_id=21)
MANAGER = Actor(role=Role.TEAM_MANAGER, label="manager.one", user_id=12)
SOCIAL_WORKER = Actor(role=Role.SOCIAL_WORKER, label="worker.two", user_id=22)
RECORDED = "2025-11-01T10:00:00+00:00"
TEAM = {"label": "worker.one", "team": "Assessment team", "user_id": 13}


class Scenario:
    """Four children and their casework from December 2025 to the inspection on 23 November
    2026 (the six months begin on 23 May 2026, the twelve on 23 November 2025)."""

    def __init__(self, session: Session, feed: Actor, clock: FrozenClock, settings: Settings):
        self.clock, self.store = clock, Store(session, feed, clock, settings)
        self.to(date(2025, 11, 2))
        self.a = self.child(4301, "F", "WBRI", "2015-06-01")
        self.b = self.child(4302, "M", "BCRB", "2012-02-29")
        self.c = self.child(4303, "F", None, "2010-03-15")
        self.d = self.child(4304, "U", "AIND", "2019-09-09")
        self.desk = Desk(session, clock, self.a)

    def to(self, day: date, hour: int = 10) -> None:
        self.clock.advance(
            datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - self.clock.now()
        )

    def child(self, seed: int, sex: str, ethnicity: str | None, born: str) -> int:
        record_id = f"school:{seed}"
        subject = child(nhs_number=nhs(seed), sex=sex, ethnicity=ethnicity, date_of_birth=born,
                        given_names=f"Kid{seed}")  # fmt: skip
        self.store.submit(rec(subject, record_id=record_id, occurred_at=RECORDED))
        return self.store.person(record_id)

    def contact(self, person: int, on: date, decision: str, source: str = "2A") -> int | None:
        self.to(on)
        c = self.desk.contact(person_id=person, referral_source=source)
        c = self.desk.decide(self.desk.triage(c, "amber"), decision, "Reasons.")
        return self.desk.sign_off(c).case_id

    def act(self, case: CaseView | int, action: str, on: date, outcome: str = "",
            fields: dict[str, Any] | None = None, **kw: Any) -> CaseView:  # fmt: skip
        self.to(on, 16)
        current = self.desk.case(case if isinstance(case, int) else case.id)
        return self.desk.act(current, action, outcome, fields, on=on, **kw)


def where(placement: str, **more: Any) -> dict[str, Any]:
    """A placement's fields, with the SSDA903 ones when casework records them."""
    fields: dict[str, Any] = {"placement_type": placement, "placement_postcode": "ZZ9 9ZZ", **more}
    if "placement_provider" in steps.LookedAfter.model_fields:
        fields |= {"placement_provider": "PR1", "urn": "SC123456"}
    return fields


def build(s: Scenario) -> None:
    # A: referred in December 2025 (closed after assessment), again in June 2026.
    s.contact(s.a, date(2025, 12, 1), "no_further_action")  # outside List 1's six months
    first = s.contact(s.a, date(2025, 12, 15), "referral")
    assert first is not None
    s.act(first, "complete_assessment", date(2026, 1, 20), "no_further_action",
          {**ASSESSED, "primary_need": "N0"})  # fmt: skip
    s.act(first, "close", date(2026, 1, 21), fields={"closure_reason": "RC8"})
    again = s.contact(s.a, date(2026, 6, 10), "referral", source="3A")
    assert again is not None
    s.act(again, "allocate", date(2026, 6, 10), fields=TEAM, actor=MANAGER)
    s.act(again, "complete_assessment", date(2026, 7, 1), "child_in_need",
          {**ASSESSED, "disabilities": ["NONE"]})  # fmt: skip
    # B: a strategy discussion, a section 47 enquiry, a conference and a plan; a visit alone.
    case = s.contact(s.b, date(2026, 7, 6), "strategy_discussion", source="6")
    assert case is not None
    s.act(case, "allocate", date(2026, 7, 6), fields=TEAM, actor=MANAGER)
    s.act(case, "strategy_discussion", date(2026, 7, 6), "section47",
          {"attendees": ATTENDEES, "reasons": "Bruising."})  # fmt: skip
    s.act(case, "complete_section47", date(2026, 7, 10), "conference", {"findings": "Found."})
    plan = {"chair": "I Chair", "categories": ["NEG"], "decision": "Plan."}
    s.act(case, "initial_conference", date(2026, 7, 20), "plan", plan, actor=CHAIR)
    s.act(case, "visit", date(2026, 7, 27), fields={"child_seen": True, "seen_alone": True,
                                                    "notes": "Seen at school."})  # fmt: skip
    # C: looked after from August 2026, one move.
    case = s.contact(s.c, date(2026, 8, 3), "referral", source="1A")
    assert case is not None
    s.act(case, "allocate", date(2026, 8, 3), fields={**TEAM, "team": "Children in care team"},
          actor=MANAGER)  # fmt: skip
    s.act(case, "start_looked_after", date(2026, 8, 10),
          fields=where("U6", legal_status="V2"))  # fmt: skip
    s.act(case, "visit", date(2026, 8, 14), fields={"child_seen": True, "seen_alone": False,
                                                    "notes": "Settling."})  # fmt: skip
    review = {
        "notes": "Review.",
        **(
            {"participation": "PN1"}
            if "participation" in steps.MODELS["cla_review"].model_fields
            else {}
        ),
    }
    s.act(case, "cla_review", date(2026, 9, 4), fields=review, actor=CHAIR)
    reason = {"reason_code": "CARPL"} if "reason_code" in steps.Placement.model_fields else {}
    s.act(case, "placement", date(2026, 10, 1),
          fields=where("U4", reason_for_change="Long-term match.", **reason))  # fmt: skip
    # D: stepped down to early help.
    s.contact(s.d, date(2026, 10, 5), "early_help", source="5D")
    s.to(AS_OF, 9)


@pytest.fixture
def scenario(
    session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings
) -> Scenario:
    s = Scenario(session, feed_actor, clock, settings)
    build(s)
    return s


def sheets(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    """Each sheet's rows; an Excel date (read back as a datetime at midnight) as a date."""
    book = load_workbook(io.BytesIO(content))
    return {
        ws.title: [tuple(v.date() if isinstance(v, datetime) else v for v in row)
                   for row in ws.iter_rows(values_only=True)]
        for ws in book.worksheets
    }  # fmt: skip


def test_every_list_has_its_sheet_and_the_templates_columns_in_order(
    session: Session, clock: FrozenClock
) -> None:
    found = sheets(export_annex_a(session=session, actor=OFFICER, as_of=AS_OF, now=clock.now()))
    assert list(found) == [name for name, _ in L.SHEETS]
    for name, columns in L.SHEETS:
        assert found[name] == [columns]  # headers alone on an empty store
    assert found["List 3 Referrals"][0][:5] == L.COMMON
    assert found["List 3 Referrals"][0][-2:] == ("Allocated Team", "Allocated Worker")
    assert found["List 4 Assessments"][0][5] == "Does the Child have a Disability"


def test_the_labelled_values_follow_the_dfe_code_tables() -> None:
    assert L.SOURCE["1A"] == "a) 1A: Individual"
    assert L.SOURCE["2A"] == "e) 2A: Schools"
    assert L.SOURCE["5D"] == "p1) 5D: LA services"
    assert L.SOURCE["10"] == "u) 10: Unknown"
    assert L.ETHNICITY["WBRI"] == "a) WBRI" and L.ETHNICITY["REFU"] == "s) REFU"
    assert L.ETHNICITY["NOBT"] == "t) NOBT"
    assert [L.GENDER[s] for s in "MFU"] == ["a) Male", "b) Female", "c) Not stated/recorded"]
    assert L.PLACEMENT_TYPE["T4"] == "zz) T4: Temporary placement - seven days or less"
    assert L.label(L.PLACEMENT_TYPE, "K3") == "K3"  # not in the 2023 template: the code itself


def test_the_lists_hold_the_cases_as_worked(scenario: Scenario, session: Session) -> None:
    s = scenario
    made = annex_a(session=session, actor=OFFICER, as_of=AS_OF, now=s.clock.now())
    found = sheets(made.workbook)
    a, b, c, d = (str(p) for p in (s.a, s.b, s.c, s.d))
    common_a = (a, "b) Female", "a) WBRI", date(2015, 6, 1), 11)
    common_b = (b, "a) Male", "n) BCRB", date(2012, 2, 29), 14)
    common_c = (c, "b) Female", "t) NOBT", date(2010, 3, 15), 16)
    common_d = (d, "c) Not stated/recorded", "j) AIND", date(2019, 9, 9), 7)
    team = ("Assessment team", "worker.one")

    assert found["List 1 Contacts"][1:] == [
        (*common_a, date(2026, 6, 10), "g) 3A: Health services"),
        (*common_b, date(2026, 7, 6), "q) 6: Police"),
        (*common_c, date(2026, 8, 3), "a) 1A: Individual"),
        (*common_d, date(2026, 10, 5), "p1) 5D: LA services"),
    ]  # A's contacts of December 2025 are before the six months
    assert found["List 2 Early help"][1:] == [(*common_d, None, None, None)]
    assert found["List 3 Referrals"][1:] == [
        (*common_a, date(2026, 6, 10), "g) 3A: Health services", "b) No", 2, *team),
        (*common_b, date(2026, 7, 6), "q) 6: Police", "b) No", 1, *team),
        (*common_c, date(2026, 8, 3), "a) 1A: Individual", "b) No", 1,
         "Children in care team", "worker.one"),
    ]  # fmt: skip
    assert found["List 4 Assessments"][1:] == [
        (*common_a, "b) No", date(2026, 6, 10), "a) Yes", date(2026, 7, 1), "a) Yes",
         *team),
        (*common_b, "c) Unknown", date(2026, 7, 6), "c) Unknown", None, None, *team),
        (*common_c, "c) Unknown", date(2026, 8, 3), "c) Unknown", None, None,
         "Children in care team", "worker.one"),
    ]  # fmt: skip
    assert found["List 5 Section 47"][1:] == [
        (*common_b, "c) Unknown", date(2026, 7, 6), "b) No", date(2026, 7, 20),
         "a) Yes", 1, 1, *team),
    ]  # fmt: skip
    assert found["List 6 Children in need"][1:] == [
        (*common_a, "b) No", date(2026, 6, 10), "N1 - Abuse or neglect", date(2026, 7, 1),
         None, None, "c) Child in need plan", *team),
        (*common_b, "c) Unknown", date(2026, 7, 6), "N0 - Not stated", date(2026, 7, 27), None,
         None, "b) Child Protection plan", *team),
        (*common_c, "c) Unknown", date(2026, 8, 3), "N0 - Not stated", date(2026, 8, 14), None,
         None, "a) Looked after child", "Children in care team", "worker.one"),
    ]  # fmt: skip
    assert found["List 7 Child protection"][1:] == [
        (*common_b, "c) Unknown", date(2026, 7, 20), "a) Neglect", "a) Neglect",
         date(2026, 7, 27), "a) Yes", None, None, "b) No", 0, *team),
    ]  # fmt: skip
    (row,) = found["List 8 Children in care"][1:]
    columns = dict(zip(L.LIST8, row, strict=True))
    assert row[:5] == common_c
    assert columns["Date Started to be Looked After"] == date(2026, 8, 10)
    assert columns["Child's Legal Status"] == "V2: Single period under S20"
    assert columns["Start date of current legal status"] == date(2026, 8, 10)
    assert columns["Date of Latest Statutory Review"] == date(2026, 9, 4)
    assert columns["Date of Last Social Work Visit"] == date(2026, 8, 14)
    assert columns["Number of Placements in the Last 12 months"] == 2
    assert columns["Start Date of Most Recent Placement"] == date(2026, 10, 1)
    assert columns["Placement Type"] == "d) U4: Foster placement - long term"
    assert columns["Placement postcode"] == "ZZ9 9ZZ"
    assert columns["Date Ceased to be Looked After"] is None
    assert columns["What is the permanence plan for this child?"] is None  # not recorded
    assert columns["Allocated Team"] == "Children in care team"
    if "placement_provider" in steps.LookedAfter.model_fields:
        assert columns["Placement Provider"] == "b) PR1: Own provision"
        assert columns["URN of Placement"] == "SC123456"
    for empty in ("List 10 Adoption", "List 11 Adopters"):
        assert len(found[empty]) == 1, empty
    # C is 16 and looked after since 10 August 2026 (15 weeks): an eligible child, still in the
    # children in care team's hands; no leaving care support is recorded for her yet.
    assert found["List 9 Care leavers"][1:] == [
        (*common_c, "b) No", "c) Unknown", "Children in care team", "worker.one", None,
         "a) Eligible", None, None, None, None, None, None),
    ]  # fmt: skip
    assert made.rows["List 1 Contacts"] == 4 and made.rows["List 9 Care leavers"] == 1


def test_dates_are_excel_dates_shown_day_month_year(scenario: Scenario, session: Session) -> None:
    content = export_annex_a(session=session, actor=OFFICER, as_of=AS_OF, now=scenario.clock.now())
    sheet = load_workbook(io.BytesIO(content))["List 1 Contacts"]
    assert sheet["F2"].is_date and sheet["F2"].number_format == "DD/MM/YYYY"
    assert sheet["D2"].is_date and sheet["D2"].number_format == "DD/MM/YYYY"


def test_as_of_an_earlier_day_later_work_is_not_yet_done(
    scenario: Scenario, session: Session
) -> None:
    found = sheets(export_annex_a(session=session, actor=OFFICER, as_of=date(2026, 7, 15),
                                  now=scenario.clock.now()))  # fmt: skip
    (s47,) = found["List 5 Section 47"][1:]
    assert s47[6:11] == (date(2026, 7, 6), "b) No", None, None, 1)  # ICPC on the 20th
    assert [r[0] for r in found["List 1 Contacts"][1:]] == [str(scenario.a), str(scenario.b)]
    assert found["List 7 Child protection"][1:] == []


def test_the_export_is_audited_once_with_counts_only(scenario: Scenario, session: Session) -> None:
    annex_a(session=session, actor=OFFICER, as_of=AS_OF, now=scenario.clock.now())
    (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.action == "returns:export"))
    assert (entry.outcome, entry.resource_type, entry.actor_label) == (
        "permitted", "annex_a", "perf.one")  # fmt: skip
    assert entry.detail["rows"]["List 1 Contacts"] == 4
    assert entry.detail["children"] == 4
    assert set(entry.detail) == {"as_of", "rows", "children"}


def test_a_social_worker_is_refused_and_the_refusal_audited(clean_engine: Engine) -> None:
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    with pytest.raises(NotPermitted), unit_of_work(clean_engine) as session:
        export_annex_a(session=session, actor=SOCIAL_WORKER, as_of=AS_OF, now=now)
    with unit_of_work(clean_engine, write=False) as session:
        (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.action == "returns:export"))
    assert (entry.outcome, entry.actor_label, entry.resource_type) == (
        "refused", "worker.two", "annex_a")  # fmt: skip


def test_an_adoption_is_on_lists_8_and_10_as_far_as_casework_records_it(
    session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings
) -> None:
    s = Scenario(session, feed_actor, clock, settings)
    case = s.contact(s.a, date(2026, 1, 5), "referral")
    assert case is not None
    s.act(case, "start_looked_after", date(2026, 1, 6), fields=where("U5", legal_status="C2"))
    missing = "missing" in steps.MODELS
    if missing:
        away = {"missing": "M", "started_on": "2026-02-10", "ended_on": "2026-02-11"}
        s.act(case, "missing", date(2026, 2, 11), fields=away)
    reason = {"reason_code": "CARPL"} if "reason_code" in steps.Placement.model_fields else {}
    s.act(case, "placement", date(2026, 3, 2),
          fields=where("A4", reason_for_change="Placed for adoption.", **reason))  # fmt: skip
    ad1 = "adoption_decided_on" in steps.EndLookedAfter.model_fields
    adopted = {"reason_ceased": "E11"}
    if ad1:  # SSDA903 AD1, when casework records it
        adopted |= {"adoption_decided_on": "2026-02-02", "adoption_matched_on": "2026-02-20",
                    "adopted_by_foster_carers": False, "adopters": 2, "adopters_sex": "MF",
                    "adopters_legal_status": "L11"}  # fmt: skip
    s.act(case, "end_looked_after", date(2026, 9, 30), fields=adopted)
    s.to(AS_OF, 9)
    found = sheets(export_annex_a(session=session, actor=OFFICER, as_of=AS_OF, now=clock.now()))
    (adopted,) = found["List 10 Adoption"][1:]
    assert adopted == (str(s.a), None, "b) Female", "a) WBRI", date(2015, 6, 1), 11, "c) Unknown",
                       date(2026, 1, 6), date(2026, 2, 2) if ad1 else None, None,
                       date(2026, 2, 20) if ad1 else None, date(2026, 3, 2), date(2026, 9, 30),
                       None, None, date(2026, 1, 6))  # fmt: skip
    (row,) = found["List 8 Children in care"][1:]
    columns = dict(zip(L.LIST8, row, strict=True))
    assert columns["Date Ceased to be Looked After"] == date(2026, 9, 30)
    assert columns["Reason Ceased to be Looked After"] == "a) E11: Adopted - application unopposed"
    assert columns["Child's Legal Status"] == "C2: FCO"
    assert columns["Placement Type"] == "h) A4: Placed for adoption - consent - not foster"
    assert columns["Number of Placements in the Last 12 months"] == 2
    assert columns[L.MISSING_COUNT] == (1 if missing else None)
    assert columns[L.ABSENT_COUNT] == (0 if missing else None)
    (case_row,) = found["List 6 Children in need"][1:]
    assert case_row[-3] == "c) Child in need plan"  # no longer looked after; the case is open
