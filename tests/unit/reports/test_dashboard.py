"""The leaders' dashboard on casework built through the casework services, on known dates.

Four children from Monday 6 January 2025 to Monday 9 February 2026: A is referred, assessed in
time and closed, then referred again 11 months after the first referral and becomes looked
after; B is assessed late, closed, and referred again 13 months after the first; C goes to a
child protection plan within 15 working days, off it at review, is referred again in June and
goes to a second plan after a second strategy discussion (in time by casework's clock from the
last discussion, late by the DfE's from the one that started the enquiry); D's contact is
decided late.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor, Role
from joinedup.config import Settings
from joinedup.core.errors import NotPermitted
from joinedup.people.models import Person
from joinedup.reports.dashboard import Dashboard, Trend, dashboard
from joinedup.reports.dashboard_csv import csv_rows
from joinedup.reports.months import period
from joinedup.rules import service as rules
from joinedup.testing import FrozenClock
from joinedup.workforce.service import DEFAULT_RULES
from tests.unit.casework.support import CHAIR, MANAGER, MASH, WORKER, Desk
from tests.unit.casework.test_pathway_machine import CONFERENCE, FIELDS
from tests.unit.people.support import Store, adult, child, nhs, rec
from tests.unit.rules.test_prompts import POLICE, SCHOOL, incident, submit_and_evaluate, worry

LEADER = Actor(role=Role.SENIOR_LEADER, label="director.one", user_id=31)
PERFORMANCE = Actor(role=Role.PERFORMANCE_OFFICER, label="perf.one", user_id=32)
STRATEGY = FIELDS["strategy_discussion"]


class Journeys:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.clock = FrozenClock(datetime(2025, 1, 6, 9, 0, tzinfo=UTC))
        self.a, self.b, self.c, self.d = (self._child() for _ in range(4))

    def _child(self) -> Desk:
        person = Person(kind="child", created_at=self.clock.now())
        self.session.add(person)
        self.session.flush()
        return Desk(self.session, self.clock, person.id)

    def on(self, day: date) -> None:
        self.clock.advance(
            datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC) - self.clock.now()
        )

    def build(self) -> None:
        a, b, c, d = self.a, self.b, self.c, self.d
        a1, b1, c1 = a.referred(), b.referred(), c.referred(decision="strategy_discussion")
        late = a.triage(d.contact(), "green")
        self.on(date(2025, 1, 7))
        c1 = c.act(c1, "strategy_discussion", "section47", STRATEGY)
        self.on(date(2025, 1, 9))  # D's decision was due by the end of the 7th
        d.sign_off(d.decide(late, "no_further_action", "Universal services.", "Sickness."))
        self.on(date(2025, 1, 10))
        c1 = c.act(c1, "complete_section47", "conference", FIELDS["complete_section47"])
        self.on(date(2025, 1, 20))
        a1 = a.act(a1, "complete_assessment", "child_in_need", FIELDS["complete_assessment"])
        self.on(date(2025, 1, 24))  # 13 working days after the strategy discussion
        c1 = c.act(c1, "initial_conference", "plan", CONFERENCE, actor=CHAIR)
        self.on(date(2025, 1, 27))
        c1 = c.act(c1, "complete_assessment", "child_in_need", FIELDS["complete_assessment"])
        self.on(date(2025, 2, 3))
        a.act(a1, "close", fields=FIELDS["close"])
        self.on(date(2025, 3, 20))  # 45 working days from 6 January ended on 10 March
        b1 = b.act(b1, "complete_assessment", "no_further_action", FIELDS["complete_assessment"],
                   late_reason="Family unavailable.")  # fmt: skip
        b.act(b1, "close", fields=FIELDS["close"])
        self.on(date(2025, 4, 24))
        c1 = c.act(c1, "review_conference", "end_plan", CONFERENCE, actor=CHAIR)
        self.on(date(2025, 4, 25))
        c.act(c1, "close", fields=FIELDS["close"])
        self.on(date(2025, 6, 2))
        c2 = c.referred(decision="strategy_discussion")  # 5 months after C's first
        # Allocated to the worker who takes the next steps (relationship access, ADR 0012).
        held = {"user_id": WORKER.user_id, "label": WORKER.label, "team": "Child protection"}
        c2 = c.act(c2, "allocate", fields=held, actor=MANAGER)
        self.on(date(2025, 6, 3))  # the enquiry starts
        c2 = c.act(c2, "strategy_discussion", "section47", STRATEGY)
        self.on(date(2025, 6, 20))  # casework's ICPC clock restarts from here
        c2 = c.act(c2, "strategy_discussion", "section47", STRATEGY)
        self.on(date(2025, 6, 23))
        c2 = c.act(c2, "complete_section47", "conference", FIELDS["complete_section47"])
        self.on(date(2025, 7, 1))  # 20 working days after 3 June, 7 after 20 June
        c.act(c2, "initial_conference", "plan", CONFERENCE, actor=CHAIR)
        self.on(date(2025, 12, 8))
        a2 = a.referred()  # 11 months and 2 days after A's first
        a.act(a2, "start_looked_after", fields=FIELDS["start_looked_after"])
        self.on(date(2026, 2, 9))
        b.referred()  # 13 months and 3 days after B's first


@pytest.fixture
def built(session: Session) -> Journeys:
    journeys = Journeys(session)
    journeys.build()
    return journeys


def figures(j: Journeys, actor: Actor = LEADER, **filters: str | None) -> Dashboard:
    filters.setdefault("start", "2025-01")
    filters.setdefault("end", "2026-02")
    return dashboard(session=j.session, actor=actor, team=filters.pop("team", None),
                     rules=DEFAULT_RULES, population=20_000, now=j.clock.now(),
                     **filters)  # fmt: skip


def trend(d: Dashboard, key: str) -> Trend:
    (found,) = [t for t in d.trends if t.key == key]
    return found


def month(t: Trend, year: int, m: int) -> list[float | None]:
    (cells,) = [c for day, c in t.rows if day == date(year, m, 1)]
    return cells


def headline(t: Trend) -> dict[str, float | None]:
    return {label: value for label, value, _ in t.headline}


def test_referrals_and_re_referrals_within_12_months(built: Journeys) -> None:
    d = figures(built)
    t = trend(d, "referrals")
    assert month(t, 2025, 1) == [3, 0, 0.0]
    assert month(t, 2025, 6) == [1, 1, 1.0]  # C, 5 months after the first
    assert month(t, 2025, 12) == [1, 1, 1.0]  # A, 11 months after: counts
    assert month(t, 2026, 2) == [1, 0, 0.0]  # B, 13 months after: does not
    assert headline(t) == {"Referrals": 6, "Re-referral rate": pytest.approx(2 / 6)}


def test_decisions_within_one_working_day(built: Journeys) -> None:
    t = trend(figures(built), "contacts")
    assert month(t, 2025, 1) == [4, 4, 3, 0.75]  # D's was decided two working days late
    assert headline(t) == {"Contacts": 7, "Decided within 1 working day": pytest.approx(6 / 7)}


def test_assessments_within_45_working_days(built: Journeys) -> None:
    t = trend(figures(built), "assessments")
    assert month(t, 2025, 1) == [2, 2, 1.0]
    assert month(t, 2025, 3) == [1, 0, 0.0]
    assert headline(t) == {"Assessments completed": 3,
                           "Within 45 working days": pytest.approx(2 / 3)}  # fmt: skip
    assert round(2 / 3 * 100) == 67


def test_enquiries_and_conferences_from_the_discussion_that_started_the_enquiry(
    built: Journeys,
) -> None:
    t = trend(figures(built), "enquiries")
    assert month(t, 2025, 1) == [1, 1, 1, 1.0]
    assert month(t, 2025, 6) == [1, 0, 0, None]  # the second discussion starts no new enquiry
    assert month(t, 2025, 7) == [0, 1, 0, 0.0]  # 20 working days after the enquiry began
    assert headline(t)["Initial conferences within 15 working days"] == 0.5


def test_plans_at_each_months_end_per_10000_and_second_plans(built: Journeys) -> None:
    t = trend(figures(built), "cp_plans")
    assert month(t, 2025, 1) == [1, 0.5, 1, 0, 0.0]
    assert month(t, 2025, 4) == [0, 0.0, 0, 0, None]  # ended at review on 24 April
    assert month(t, 2025, 7) == [1, 0.5, 1, 1, 1.0]  # C's second plan counts as second
    assert headline(t)["Second or later plans"] == 0.5
    later = trend(figures(built, start="2025-08"), "cp_plans")  # the plan began before
    assert month(later, 2025, 8) == [1, 0.5, 0, 0, None]


def test_looked_after_at_each_months_end(built: Journeys) -> None:
    t = trend(figures(built), "looked_after")
    assert month(t, 2025, 11) == [0, 0.0, 0, 0]
    assert month(t, 2025, 12) == [1, 0.5, 1, 0]
    assert month(t, 2026, 1) == [1, 0.5, 0, 0]


def test_a_team_sees_its_own_cases_and_the_front_door_for_the_authority(
    built: Journeys,
) -> None:
    d = figures(built, team="Child protection")
    assert d.teams == ["Child protection"] and not d.errors
    assert headline(trend(d, "referrals")) == {"Referrals": 1, "Re-referral rate": 1.0}
    assert trend(d, "contacts").whole_authority and headline(trend(d, "contacts"))["Contacts"] == 7
    assert month(trend(d, "cp_plans"), 2025, 7) == [1, None, 1, 1, 1.0]  # no rate for a team
    # C's open steps past their day: assessment, oversight, core group, visit, review.
    assert [(o.label, o.count) for o in d.overdue_by_team] == [("Child protection", 5)]
    everyone = figures(built)
    assert {o.label for o in everyone.overdue_by_team} == {"Child protection", "No team"}


def test_filters_are_validated_with_a_message_each(built: Journeys) -> None:
    assert figures(built, start="2025-13").errors[0].field == "from"
    assert "year and month" in figures(built, start="soon").errors[0].message
    assert figures(built, end="2026-03").errors[0].message == (
        "The last month cannot be after this month")  # fmt: skip
    assert figures(built, start="2026-02", end="2025-01").errors[0].field == "from"
    assert figures(built, start="2020-01", end="2026-01").errors[0].message == (
        "Choose at most 60 months")  # fmt: skip
    assert figures(built, team="Nobody").errors[0].field == "team"
    months, errors = period(None, None, date(2026, 2, 9))
    assert (months[0], months[-1], len(months), errors) == (
        date(2025, 3, 1), date(2026, 2, 1), 12, [])  # fmt: skip


def test_the_csv_holds_every_figure_and_no_names(built: Journeys) -> None:
    d = figures(built)
    rows = csv_rows(d)
    assert ("referrals", "2025-12", "Re-referrals", "1") in rows
    assert ("assessments", "2025-03", "Within 45 working days (share)", "0") in rows
    assert ("cp_plans", "2025-07", "Per 10,000 children", "0.5") in rows
    assert ("filter", "", "from", "2025-01") in rows
    shown = sum(len(t.rows) * len(t.columns) for t in d.trends)
    assert len([r for r in rows if r[0] in {t.key for t in d.trends}]) == shown


def test_every_computation_is_audited_and_a_social_worker_is_refused(
    built: Journeys,
) -> None:
    figures(built, actor=PERFORMANCE)
    assert figures(built, actor=PERFORMANCE).workforce is None  # caseloads: workforce:read
    assert figures(built).workforce is not None
    worker = Actor(role=Role.SOCIAL_WORKER, label="worker.one", user_id=13)
    with pytest.raises(NotPermitted):
        figures(built, actor=worker)
    audit = built.session.execute(
        select(AuditEntry.actor_label, AuditEntry.outcome).where(
            AuditEntry.action == "reports:read")
    ).all()  # fmt: skip
    assert sorted(set(audit)) == [("director.one", "permitted"), ("perf.one", "permitted")]
    assert len(audit) == 3
    figures(built, start="Jo Bloggs", team="Nobody")  # words typed into a filter
    details = built.session.scalars(
        select(AuditEntry.detail).where(AuditEntry.action == "reports:read")
        .order_by(AuditEntry.id)
    ).all()  # fmt: skip
    assert details[0] == {"from": "2025-01", "to": "2026-02", "team": False, "purpose": "page"}
    assert details[-1] == {"from": "not valid", "to": "not valid", "team": True,
                           "purpose": "page"}  # fmt: skip


def test_prompts_by_month_by_outcome_and_by_rule(
    session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings
) -> None:
    people = Store(session, feed_actor, clock, settings)  # Monday 23 November 2026
    submit_and_evaluate(people, worry(), incident("2026-03-01"))
    (first,) = submit_and_evaluate(people, incident("2026-04-01"))
    rules.decide_prompt(session=session, actor=MASH, prompt_id=first.id,
                        outcome="no_further_action", rationale="Known; plan in place.",
                        now=clock.now())  # fmt: skip
    boy2 = child(
        given_names="Other",
        nhs_number=nhs(4488),
        date_of_birth="2019-01-01",
        address={"lines": ["5 Far Road"], "town": "Elsewhere", "postcode": "ZZ5 5ZZ"},
    )
    carer = adult(given_names="Zara", family_name="Otherfamily", date_of_birth="1979-03-03")
    submit_and_evaluate(people, rec(boy2, carer, source=SCHOOL,
                                    occurred_at="2026-04-15T10:00:00+00:00"))  # fmt: skip
    for day in ("2026-05-01", "2026-06-01"):
        submit_and_evaluate(people, rec(boy2, carer, type="domestic_abuse_incident",
                                        source=POLICE, occurred_at=f"{day}T22:00:00+00:00",
                                        attributes={"children_present": False}))  # fmt: skip
    d = dashboard(session=session, actor=LEADER, start="2026-11", end="2026-11", team=None,
                  rules=DEFAULT_RULES, population=None, now=clock.now())  # fmt: skip
    t = trend(d, "prompts")
    assert month(t, 2026, 11) == [2, 0, 0, 1, 1]  # raised, contact, case, none, awaiting
    assert headline(t) == {"Prompts": 2, "Answered prompts that opened a contact": 0.0}
    assert d.prompts_by_rule == [("domestic-abuse-repeat", [2, 0, 0, 1, 1])]


def test_an_empty_store_gives_zeros(session: Session) -> None:
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    d = dashboard(session=session, actor=LEADER, start=None, end=None, team=None,
                  rules=DEFAULT_RULES, population=None, now=now)  # fmt: skip
    assert len(d.months) == 12 and not d.errors and d.overdue_by_team == []
    assert headline(trend(d, "cp_plans")) == {
        "On a plan now": 0, "Per 10,000 children": None, "Second or later plans": None}  # fmt: skip
