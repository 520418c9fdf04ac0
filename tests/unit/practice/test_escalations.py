"""Professional challenge through the services: who may escalate and resolve, the stages and
their clocks, the chronology, and transitions the table refuses changing nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from joinedup.access.models import AuditEntry
from joinedup.casework.models import Case, Contact
from joinedup.core.errors import Conflict, InvalidTransition, NotPermitted, ValidationFailed
from joinedup.practice import escalations
from joinedup.practice.models import Escalation
from joinedup.sharing.models import Notification
from tests.factories.relationships import restrict
from tests.unit.casework.support import AUTHORITY, DSL, MANAGER, MASH, Desk, desk
from tests.unit.practice.support import (
    HEAD,
    MIDWIFE,
    OTHER_PARTNER,
    PERFORMANCE,
    SW_RAISER,
    chronology_text,
    closed_contact,
    raised,
    resolve,
)

__all__ = ["desk"]  # the fixture


def test_a_midwife_escalates_an_nfa_and_the_upheld_challenge_reopens_it_as_a_referral(
    desk: Desk,
) -> None:
    contact = closed_contact(desk)
    e = raised(desk, contact.id)
    # Monday 23 November 2026: the practitioner stage has 2 working days.
    assert (e.status, e.stage, e.stage_due_on) == ("open", "practitioner", date(2026, 11, 25))
    assert e.reference == f"ES-{e.id:06d}"
    done = resolve(desk, e, "upheld")
    assert done.status == "upheld" and done.resolved_by == MANAGER.label
    reopened = desk.session.get(Contact, contact.id)
    assert reopened is not None and reopened.decision == "referral"
    case = desk.session.get(Case, done.reopened_case_id)
    assert case is not None and case.stage == "assessment" and case.contact_id == contact.id
    text = " | ".join(chronology_text(desk))
    for expected in ("Contact received by the front door", "No further action",
                     f"ES-{e.id:06d} raised by Mo Testmidwife", f"ES-{e.id:06d} upheld",
                     "reversed on professional challenge: Referral"):  # fmt: skip
        assert expected in text
    actions = set(desk.session.scalars(select(AuditEntry.action)))
    assert {"escalations:raise", "escalations:resolve"} <= actions
    (told,) = desk.session.scalars(
        select(Notification).where(Notification.recipient == f"user:{MIDWIFE.user_id}")
    ).all()
    assert told.kind == "escalation" and "upheld" in told.subject and "case" in told.body


def test_not_upheld_keeps_the_decision_and_records_the_reasons(desk: Desk) -> None:
    contact = closed_contact(desk, "early_help")
    e = resolve(desk, raised(desk, contact.id), "not_upheld")
    assert e.status == "not_upheld" and e.resolution
    assert desk.session.get(Contact, contact.id).decision == "early_help"  # type: ignore[union-attr]
    assert desk.session.scalar(select(Case.id)) is None
    assert any("not upheld" in s for s in chronology_text(desk))


def test_only_decisions_of_their_kind_and_a_partners_own_contacts_can_be_challenged(
    desk: Desk,
) -> None:
    contact = closed_contact(desk)
    with pytest.raises(ValidationFailed) as refused:
        raised(desk, contact.id, actor=OTHER_PARTNER)  # not the partner who raised it
    assert refused.value.errors[0].field == "reference"
    referred = desk.contact()  # still awaiting its decision
    with pytest.raises(ValidationFailed, match="cannot be raised"):
        raised(desk, referred.id, actor=SW_RAISER)
    with pytest.raises(ValidationFailed) as refused:
        raised(desk, contact.id, reasons="  ", raiser=escalations.Raiser("", "", "nowhere"))
    fields = {e.field for e in refused.value.errors}
    assert fields == {"reasons", "raiser_name", "raiser_organisation", "raiser_agency"}
    with pytest.raises(NotPermitted):
        raised(desk, contact.id, actor=PERFORMANCE)
    raised(desk, contact.id)
    with pytest.raises(Conflict, match="being challenged already"):
        raised(desk, contact.id, actor=SW_RAISER)
    assert (
        desk.session.scalar(select(Escalation.id).where(Escalation.raised_by == "worker.two"))
        is None
    )


def test_who_resolves_depends_on_the_stage_and_never_the_raiser(desk: Desk) -> None:
    e = raised(desk, closed_contact(desk).id)
    with pytest.raises(NotPermitted):
        resolve(desk, e, actor=MIDWIFE)  # a partner resolves nothing
    with pytest.raises(NotPermitted):
        resolve(desk, e, actor=DSL)
    e = escalations.escalate(session=desk.session, actor=MANAGER, authority=AUTHORITY,
                             escalation_id=e.id, note="Not agreed between practitioners.",
                             expected_version=e.version, now=desk.clock.now())  # fmt: skip
    assert e.stage == "manager"
    with pytest.raises(NotPermitted, match="resolved by"):
        resolve(desk, e, actor=MASH)  # a practitioner cannot resolve at the managers' stage
    refused = desk.session.scalars(
        select(AuditEntry.actor_label).where(AuditEntry.outcome == "refused")
    ).all()
    del refused  # refusals are kept after the rollback (see the access tests)
    mine = raised(desk, closed_contact(desk).id, actor=SW_RAISER)
    with pytest.raises(NotPermitted, match="cannot resolve"):
        escalations.resolve(session=desk.session, actor=SW_RAISER, authority=AUTHORITY,
                            escalation_id=mine.id, outcome="upheld", reasons="Mine.",
                            expected_version=mine.version, now=desk.clock.now())  # fmt: skip
    assert resolve(desk, e, "not_upheld", actor=HEAD).status == "not_upheld"


def test_a_resolved_escalation_refuses_every_further_step_changing_nothing(desk: Desk) -> None:
    e = resolve(desk, raised(desk, closed_contact(desk).id), "not_upheld")
    before = _row(desk, e.id)
    for attempt in (
        lambda: resolve(desk, e, "upheld"),
        lambda: escalations.withdraw(session=desk.session, actor=MIDWIFE, authority=AUTHORITY,
                                     escalation_id=e.id, reasons="Changed my mind.",
                                     expected_version=e.version, now=desk.clock.now()),
        lambda: escalations.escalate(session=desk.session, actor=MANAGER, authority=AUTHORITY,
                                     escalation_id=e.id, note="More.", expected_version=e.version,
                                     now=desk.clock.now()),
    ):  # fmt: skip
        with pytest.raises(InvalidTransition):
            attempt()
        assert _row(desk, e.id) == before
    with pytest.raises(ValidationFailed):
        escalations.resolve(session=desk.session, actor=MANAGER, authority=AUTHORITY,
                            escalation_id=e.id, outcome="maybe", reasons="x",
                            expected_version=e.version, now=desk.clock.now())  # fmt: skip


def test_only_the_raiser_withdraws(desk: Desk) -> None:
    e = raised(desk, closed_contact(desk).id)
    with pytest.raises(NotPermitted):
        escalations.withdraw(session=desk.session, actor=OTHER_PARTNER, authority=AUTHORITY,
                             escalation_id=e.id, reasons="No.", expected_version=e.version,
                             now=desk.clock.now())  # fmt: skip
    done = escalations.withdraw(session=desk.session, actor=MIDWIFE, authority=AUTHORITY,
                                escalation_id=e.id, reasons="The family moved away.",
                                expected_version=e.version, now=desk.clock.now())  # fmt: skip
    assert done.status == "withdrawn"
    assert any("withdrawn: The family moved away." in s for s in chronology_text(desk))


def test_overdue_stages_move_on_by_themselves_to_the_partnership_and_stop(desk: Desk) -> None:
    e = raised(desk, closed_contact(desk).id)
    sweep = lambda as_of: escalations.sweep_overdue(  # noqa: E731
        session=desk.session, actor=escalations.Actor.system("test"), authority=AUTHORITY,
        as_of=as_of, now=desk.clock.now())  # fmt: skip
    assert sweep(date(2026, 11, 25)) == []  # due that day: on time
    assert sweep(date(2026, 11, 26)) == [(e.id, "manager")]
    row = _row(desk, e.id)
    assert (row[0], row[1], row[2]) == ("manager", date(2026, 11, 26), date(2026, 12, 3))
    moved = sweep(date(2027, 3, 1))
    assert moved == [(e.id, "senior_manager"), (e.id, "partnership")]
    assert sweep(date(2027, 6, 1)) == []
    view = escalations.get_escalation(session=desk.session, actor=MANAGER, escalation_id=e.id,
                                      now=desk.clock.now() + timedelta(days=200))  # fmt: skip
    assert view.overdue and view.stage == "partnership"
    assert [s.kind for s in view.steps] == ["raised", "overdue", "overdue", "overdue"]
    assert sum("moved by its clock" in s for s in chronology_text(desk)) == 3


def test_the_lists_show_managers_every_open_one_and_partners_their_own(desk: Desk) -> None:
    mine = raised(desk, closed_contact(desk).id)
    theirs = raised(desk, closed_contact(desk).id, actor=SW_RAISER)
    listed = escalations.list_open(session=desk.session, actor=MANAGER, now=desk.clock.now())
    assert {v.id for v in listed} == {mine.id, theirs.id}
    with pytest.raises(NotPermitted):
        escalations.list_open(session=desk.session, actor=MIDWIFE, now=desk.clock.now())
    own = escalations.list_mine(session=desk.session, actor=MIDWIFE, now=desk.clock.now())
    assert [v.id for v in own] == [mine.id]
    assert own[0].child_name == "" and own[0].contact_id is None  # a partner sees no more
    assert escalations.get_escalation(session=desk.session, actor=MIDWIFE, escalation_id=mine.id,
                                      now=desk.clock.now()).id == mine.id  # fmt: skip
    with pytest.raises(NotPermitted):
        escalations.get_escalation(session=desk.session, actor=MIDWIFE, escalation_id=theirs.id,
                                   now=desk.clock.now())  # fmt: skip


def _row(desk: Desk, escalation_id: int) -> tuple[object, ...]:
    desk.session.expire_all()
    row = desk.session.get(Escalation, escalation_id)
    assert row is not None
    return (row.stage, row.stage_started_on, row.stage_due_on, row.status, row.version,
            row.resolution)  # fmt: skip


def test_a_partner_challenges_only_a_case_about_a_child_they_raised_a_concern_about(
    desk: Desk,
) -> None:
    case = desk.referred()  # raised by the school's DSL
    with pytest.raises(ValidationFailed) as refused:
        raised(desk, case.id, actor=MIDWIFE, subject="plan_ending", reference=str(case.id))
    assert refused.value.errors[0].field == "reference"
    closed_contact(desk)  # now the midwife has raised a concern about the child
    e = raised(desk, case.id, actor=MIDWIFE, subject="plan_ending", reference=str(case.id))
    assert e.case_id is None and e.child_name == ""  # her view; the row holds the case
    assert desk.session.get(Escalation, e.id).case_id == case.id  # type: ignore[union-attr]


def test_a_restricted_child_is_in_no_list_of_anyone_it_does_not_name(desk: Desk) -> None:
    mine = raised(desk, closed_contact(desk).id)
    restrict(desk.session, person_id=desk.person_id, named=[MANAGER])
    named = escalations.list_open(session=desk.session, actor=MANAGER, now=desk.clock.now())
    assert [v.id for v in named] == [mine.id]
    assert escalations.list_open(session=desk.session, actor=HEAD, now=desk.clock.now()) == []
    assert escalations.list_mine(session=desk.session, actor=MIDWIFE, now=desk.clock.now()) == []
