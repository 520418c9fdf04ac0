"""The statutory pathway through the services: deadlines set, steps recorded, the chronology
and the audit log written in the same transaction, anything else refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from joinedup.access.models import AuditEntry
from joinedup.casework import contacts, lists, service
from joinedup.casework.views import CaseView, StaleVersion
from joinedup.chronology import service as chronology
from joinedup.chronology.views import Chronology, Filters
from joinedup.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from tests.unit.casework.support import (
    ASSESSED,
    ATTENDEES,
    AUTHORITY,
    CHAIR,
    DSL,
    MANAGER,
    MASH,
    WORKER,
    Desk,
    desk,
)

__all__ = ["desk"]  # the fixture


def _social_care_page(desk: Desk) -> Chronology:
    """The child's chronology as the worker reads it, children's social care's entries only."""
    return chronology.get_chronology(
        session=desk.session,
        actor=WORKER,
        person_id=desk.person_id,
        filters=Filters(agencies=frozenset({"childrens_social_care"})),
        now=desk.clock.now(),
    )


def due(case, kind: str) -> date:  # type: ignore[no-untyped-def]
    (step,) = [s for s in case.due if s.kind == kind]
    return step.due_on


def test_a_school_concern_goes_to_a_child_protection_plan_with_its_clocks(desk: Desk) -> None:
    # Monday 23 November 2026, 09:00.
    case = desk.referred(decision="strategy_discussion", urgency="red")
    assert case.stage == "assessment"
    assert due(case, "assessment") == date(2027, 1, 28)  # 45 WD: 25, 28 Dec and 1 Jan excluded
    assert due(case, "strategy_discussion") == date(2026, 11, 24)
    case = desk.act(
        case,
        "strategy_discussion",
        "section47",
        {"attendees": ATTENDEES, "reasons": "Bruising reported."},
    )
    assert case.stage == "section47"
    desk.days(2)
    case = desk.act(case, "complete_section47", "conference", {"findings": "Substantiated."})
    assert case.stage == "awaiting_conference"
    assert due(case, "initial_conference") == date(2026, 12, 14)  # 15 WD from 23 November
    case = desk.act(case, "book_conference", fields={"booked_for": "2026-12-10"})
    desk.days(15)  # Saturday 12 December; the conference is recorded as held on the 10th
    case = desk.act(
        case,
        "initial_conference",
        "plan",
        {"chair": "I Chair", "categories": ["NEG", "EMO"], "decision": "Plan."},
        actor=CHAIR,
        on=date(2026, 12, 10),
    )
    assert case.stage == "child_protection"
    assert due(case, "review_conference") == date(2027, 3, 10)  # 3 months
    assert due(case, "core_group") == date(2026, 12, 24)  # 10 WD
    assert due(case, "visit") == date(2026, 12, 24)
    status = chronology.get_child(
        session=desk.session, actor=WORKER, person_id=desk.person_id, now=desk.clock.now()
    ).status
    assert status.cp_plan_since is not None and status.cp_category == "MUL"


def test_every_step_is_on_the_chronology_and_in_the_audit_log(desk: Desk) -> None:
    case = desk.referred()
    case = desk.act(case, "complete_assessment", "child_in_need", ASSESSED)
    page = _social_care_page(desk)
    kinds = [e.type for e in page.entries]
    assert kinds == ["note", "contact_outcome", "assessment"]
    assessed = page.entries[-1]
    assert assessed.seen and assessed.seen_alone and assessed.voice
    assert assessed.organisation == AUTHORITY.name
    actions = set(desk.session.scalars(select(AuditEntry.action)))
    assert {"contacts:raise", "contacts:triage", "contacts:sign_off", "cases:write"} <= actions


def test_a_late_step_needs_its_reason(desk: Desk) -> None:
    case = desk.referred()
    desk.days(80)
    with pytest.raises(ValidationFailed) as refused:
        desk.act(case, "complete_assessment", "child_in_need", ASSESSED)
    assert refused.value.errors[0].field == "late_reason"
    case = desk.act(
        case,
        "complete_assessment",
        "child_in_need",
        ASSESSED,
        late_reason="Family abroad for three weeks.",
    )
    (done,) = [s for s in case.done if s.kind == "assessment"]
    assert done.late_reason == "Family abroad for three weeks."


def test_a_step_the_table_does_not_allow_is_refused_and_changes_nothing(desk: Desk) -> None:
    case = desk.referred()
    with pytest.raises(InvalidTransition, match="not allowed at the stage"):
        desk.act(case, "initial_conference", "plan", {"chair": "x", "decision": "y"}, actor=CHAIR)
    with pytest.raises(InvalidTransition, match="before closing"):
        desk.act(case, "close", fields={"closure_reason": "RC8"})
    assert desk.case(case.id).stage == "assessment"


def test_a_partner_may_raise_a_contact_but_not_decide_it(desk: Desk) -> None:
    c = desk.contact()
    with pytest.raises(NotPermitted):
        contacts.triage(
            session=desk.session,
            actor=DSL,
            contact_id=c.id,
            urgency="red",
            expected_version=c.version,
            now=desk.clock.now(),
        )


def test_a_decision_needs_a_managers_sign_off_and_a_late_one_its_reason(desk: Desk) -> None:
    c = desk.contact()
    c = desk.triage(c, "green")
    desk.days(3)
    with pytest.raises(ValidationFailed) as refused:
        desk.decide(c, "early_help", "Below threshold.")
    assert [e.field for e in refused.value.errors] == ["late_reason"]
    c = desk.decide(c, "early_help", "Below threshold.", late_reason="Awaited the GP.")
    with pytest.raises(NotPermitted):
        contacts.sign_off(
            session=desk.session,
            actor=MASH,
            authority=AUTHORITY,
            contact_id=c.id,
            approve=True,
            expected_version=c.version,
            now=desk.clock.now(),
        )
    c = desk.sign_off(c)
    assert (c.status, c.case_id, c.signed_off_by) == ("decided", None, "manager.one")


def test_an_information_request_is_due_by_urgency_and_its_reply_is_on_the_chronology(
    desk: Desk,
) -> None:
    c = desk.contact()
    c = desk.triage(c, "red")
    r = contacts.request_information(
        session=desk.session,
        actor=MASH,
        contact_id=c.id,
        agency="health",
        organisation="Testshire Community Health",
        question="Known to health visiting?",
        now=desk.clock.now(),
    )
    assert (r.due_at - r.requested_at).total_seconds() == 4 * 3600
    r = contacts.record_reply(
        session=desk.session,
        actor=MASH,
        authority=AUTHORITY,
        request_id=r.id,
        reply="Missed two development checks.",
        replied_by="HV One",
        expected_version=r.version,
        now=desk.clock.now(),
    )
    page = chronology.get_chronology(
        session=desk.session,
        actor=WORKER,
        person_id=desk.person_id,
        filters=Filters(agencies=frozenset({"health"})),
        now=desk.clock.now(),
    )
    assert [e.organisation for e in page.entries] == ["Testshire Community Health"]


def test_a_contact_must_be_about_a_child_and_a_step_dated_within_its_case(desk: Desk) -> None:
    with pytest.raises(ValidationFailed) as refused:
        desk.contact(person_id=desk.person_id + 10_000)
    assert [e.field for e in refused.value.errors] == ["person_id"]
    case = desk.referred()
    with pytest.raises(ValidationFailed) as early:
        desk.act(
            case,
            "oversight",
            fields={"risk_analysis": "r", "decisions": "d"},
            actor=MANAGER,
            on=date(2026, 1, 1),
        )
    assert [e.field for e in early.value.errors] == ["on"]


def test_a_stale_case_save_names_who_saved_and_what_differs(desk: Desk) -> None:
    case = desk.referred()
    team = {"team": "Team A", "manager_label": MANAGER.label}  # the manager keeps the case
    desk.act(case, "allocate", fields={"label": "worker.two", **team}, actor=MANAGER)
    with pytest.raises(StaleVersion) as stale:
        desk.act(case, "allocate", fields={"label": "worker.three", **team}, actor=MANAGER)
    assert stale.value.saved_by == "manager.one"
    assert "manager.one" in stale.value.message
    now = desk.clock.now()
    stands = service.get_case(session=desk.session, actor=MANAGER, case_id=case.id, now=now)
    assert stands.allocated_label == "worker.two"  # the first save stands


def test_whether_a_case_or_contact_exists_is_not_told_to_those_who_may_not_see_it(
    desk: Desk,
) -> None:
    for read in (
        lambda: service.get_case(
            session=desk.session, actor=DSL, case_id=99_999, now=desk.clock.now()
        ),
        lambda: contacts.get_contact(
            session=desk.session, actor=DSL, contact_id=99_999, now=desk.clock.now()
        ),
    ):
        with pytest.raises(NotPermitted):
            read()


def test_the_assessment_runs_on_into_a_plan_and_the_front_door_sees_its_own_deadlines(
    desk: Desk,
) -> None:
    case = desk.referred(decision="strategy_discussion", urgency="red")
    case = desk.act(
        case, "strategy_discussion", "section47", {"attendees": ATTENDEES, "reasons": "Bruising."}
    )
    case = desk.act(case, "complete_section47", "conference", {"findings": "Found."})
    case = desk.act(
        case,
        "initial_conference",
        "plan",
        {"chair": "I Chair", "categories": ["PHY"], "decision": "Plan."},
        actor=CHAIR,
    )
    case = desk.act(case, "complete_assessment", "child_in_need", ASSESSED)
    assert case.stage == "child_protection"
    assert "assessment" not in [s.kind for s in case.due]
    desk.contact()
    mine = lists.deadlines(
        session=desk.session,
        actor=MASH,
        now=desk.clock.now(),
        user_id=MASH.user_id,
        front_door=True,
    )
    assert [i.kind for i in mine] == ["contact_decision"]


def test_a_contact_about_a_child_whose_case_is_open_goes_to_that_case(desk: Desk) -> None:
    first = desk.contact()
    with pytest.raises(ValidationFailed) as no_case:
        triaged = desk.triage(first, "amber")
        contacts.decide(
            session=desk.session,
            actor=MASH,
            contact_id=first.id,
            decision="open_case",
            rationale="Known.",
            expected_version=triaged.version,
            now=desk.clock.now(),
        )
    assert [e.field for e in no_case.value.errors] == ["decision"]
    case = desk.referred()
    c = desk.contact()
    c = desk.triage(c, "green")
    with pytest.raises(ValidationFailed, match="not be recorded"):
        desk.decide(c, "referral", "Again.")
    c = desk.decide(c, "open_case", "For the allocated worker.")
    c = desk.sign_off(c)
    assert (c.status, c.case_id) == ("decided", case.id)


def test_closed_after_assessment_is_refused_once_a_section47_enquiry_was_made(desk: Desk) -> None:
    # CIN rule 2990: RC8/RC9 ("closed after assessment") only fit an episode that went no
    # further than the assessment.
    case = desk.referred(decision="strategy_discussion", urgency="red")
    case = desk.act(
        case, "strategy_discussion", "section47", {"attendees": ATTENDEES, "reasons": "Bruise."}
    )
    case = desk.act(case, "complete_section47", "not_substantiated", {"findings": "Accidental."})
    case = desk.act(case, "complete_assessment", "no_further_action", ASSESSED)
    for reason in ("RC8", "RC9"):
        with pytest.raises(ValidationFailed) as refused:
            desk.act(case, "close", fields={"closure_reason": reason})
        (error,) = refused.value.errors
        assert error.field == "closure_reason"
        assert "section 47" in error.message
        assert desk.case(case.id).stage == "assessment"
    case = desk.act(case, "close", fields={"closure_reason": "RC7"})
    assert case.stage == "closed"


def test_closed_after_assessment_is_refused_for_a_child_found_in_need(desk: Desk) -> None:
    case = desk.referred()
    case = desk.act(case, "complete_assessment", "child_in_need", ASSESSED)
    with pytest.raises(ValidationFailed, match="does not fit"):
        desk.act(case, "close", fields={"closure_reason": "RC8"})
    assert desk.act(case, "close", fields={"closure_reason": "RC7"}).stage == "closed"


def test_closed_after_assessment_fits_an_assessment_alone(desk: Desk) -> None:
    case = desk.referred()
    case = desk.act(case, "complete_assessment", "no_further_action", ASSESSED)
    assert desk.act(case, "close", fields={"closure_reason": "RC8"}).stage == "closed"


def test_a_step_dated_after_today_is_refused_naming_the_date(desk: Desk) -> None:
    case = desk.referred()
    fields = {"attendees": ATTENDEES, "reasons": "Bruising reported."}
    with pytest.raises(ValidationFailed) as refused:
        desk.act(case, "strategy_discussion", "section47", fields,
                 on=date.fromordinal(desk.today().toordinal() + 1))  # fmt: skip
    assert [(e.field, e.message) for e in refused.value.errors] == [("on", "not after today")]
    assert desk.case(case.id).stage == "assessment"  # nothing moved


def test_care_ends_in_a_guardianship_order_to_foster_carers_only_from_foster_care(
    desk: Desk,
) -> None:
    """E45/E46 (special guardianship to former foster carers) is refused from a children's
    home, naming the field, and nothing changes; from foster care it ends the period."""
    looked_after = {"legal_status": "C2", "placement_type": "K2", "placement_provider": "PR4",
                    "urn": "SC999991", "category_of_need": "N1"}  # fmt: skip
    case = desk.referred()
    case = desk.act(case, "complete_assessment", "child_in_need", ASSESSED)
    case = desk.act(case, "start_looked_after", "", looked_after)
    for reason in ("E45", "E46"):
        with pytest.raises(ValidationFailed) as refused:
            desk.act(case, "end_looked_after", "", {"reason_ceased": reason})
        (error,) = refused.value.errors
        assert error.field == "reason_ceased"
        assert "K2" in error.message
    assert desk.case(case.id).stage == case.stage
    moved = {"placement_type": "U4", "placement_provider": "PR1", "urn": "SC999992",
             "reason_for_change": "Long-term foster carers.", "reason_code": "CARPL"}  # fmt: skip
    case = desk.act(case, "placement", "", moved)
    case = desk.act(case, "end_looked_after", "", {"reason_ceased": "E46"})
    assert not any(s.kind == "cla_episode" for s in case.due)


def _enquiring(desk: Desk, *, conference: bool) -> CaseView:
    """A case in a section 47 enquiry, its assessment completed; with `conference`, the
    enquiry concluded and the initial conference booked."""
    case = desk.referred(decision="strategy_discussion", urgency="red")
    case = desk.act(
        case, "strategy_discussion", "section47", {"attendees": ATTENDEES, "reasons": "Bruise."}
    )
    case = desk.act(case, "complete_assessment", "child_in_need", ASSESSED)
    if conference:
        case = desk.act(case, "complete_section47", "conference", {"findings": "Substantiated."})
        case = desk.act(case, "book_conference", fields={"booked_for": "2026-12-10"})
    return case


def _social_care_entries(desk: Desk) -> list[tuple[str, str | None]]:
    return [(e.type, e.summary) for e in _social_care_page(desk).entries]


def test_a_family_moving_away_mid_enquiry_closes_the_case_with_rc5_ending_the_enquiry(
    desk: Desk,
) -> None:
    """A family moves to another authority during a section 47 enquiry: the case closes as a
    transfer (RC5), the enquiry ends that day (done, "transferred", on the chronology, not
    left open or lost), nothing stays due, and the closure is audited like every step."""
    case = _enquiring(desk, conference=False)
    desk.days(2)
    case = desk.act(case, "close", fields={"closure_reason": "RC5", "notes": "Moved to Leeds."})
    assert (case.stage, case.closure_reason, case.due) == ("closed", "RC5", [])
    (enquiry,) = [s for s in case.done if s.kind == "section47"]
    assert (enquiry.outcome, enquiry.completed_on) == ("transferred", desk.today())
    entries = _social_care_entries(desk)
    assert entries[-2][0] == "section47" and "another local authority" in str(entries[-2][1])
    assert entries[-1][0] == "case_closed"
    assert "(RC5). The section 47 enquiry ended" in str(entries[-1][1])
    audited = [e.detail.get("step") for e in desk.session.scalars(select(AuditEntry))]
    assert "close" in audited


def test_a_case_awaiting_its_conference_closes_with_rc5_cancelling_the_booked_conference(
    desk: Desk,
) -> None:
    """Moved away before the initial conference: the case closes as a transfer, the booked
    conference and its clock are cancelled (not held, not due), and the closure says so."""
    case = _enquiring(desk, conference=True)
    assert case.stage == "awaiting_conference"
    case = desk.act(case, "close", fields={"closure_reason": "RC5"})
    assert (case.stage, case.closure_reason, case.due) == ("closed", "RC5", [])
    assert not any(s.kind == "initial_conference" for s in case.done)
    (enquiry,) = [s for s in case.done if s.kind == "section47"]
    assert enquiry.outcome == "conference"  # concluded before the move: left as it was
    kind, summary = _social_care_entries(desk)[-1]
    assert kind == "case_closed"
    assert "initial conference booked for 2026-12-10 is cancelled" in str(summary)


@pytest.mark.parametrize("conference", [False, True])
def test_closing_mid_enquiry_for_any_reason_but_a_transfer_is_refused_and_changes_nothing(
    desk: Desk, conference: bool
) -> None:
    """During an enquiry or awaiting its conference only RC5 closes the case: any other reason
    is refused naming `closure_reason`, and the enquiry or the conference stays open."""
    case = _enquiring(desk, conference=conference)
    for reason in ("RC1", "RC7", "RC8"):
        with pytest.raises(ValidationFailed) as refused:
            desk.act(case, "close", fields={"closure_reason": reason})
        (error,) = refused.value.errors
        assert error.field == "closure_reason"
        assert reason in error.message and "RC5" in error.message
        now = desk.case(case.id)
        assert (now.stage, now.version, now.closure_reason) == (case.stage, case.version, None)
        assert {s.kind for s in now.due} == {s.kind for s in case.due}


def test_a_transfer_mid_enquiry_still_needs_the_assessment_completed(desk: Desk) -> None:
    """The census needs every assessment of a closed episode authorised (CIN rule 8867): a
    transfer during an enquiry waits for the assessment like any closure."""
    case = desk.referred(decision="strategy_discussion", urgency="red")
    case = desk.act(
        case, "strategy_discussion", "section47", {"attendees": ATTENDEES, "reasons": "Bruise."}
    )
    with pytest.raises(InvalidTransition, match="before closing"):
        desk.act(case, "close", fields={"closure_reason": "RC5"})
    assert desk.case(case.id).stage == "section47"
