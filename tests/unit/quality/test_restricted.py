"""A restricted child (ADR 0012) is in no case-audit or serious-incident list of anyone the
restriction does not name, not even by a case's or an incident's number, and their audit or
incident is "not found" for them; the people it names see them as before."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from joinedup.access.roles import Actor, Role
from joinedup.core.errors import NotFound, ValidationFailed
from joinedup.people.models import Person
from joinedup.quality import actions, audits, incidents
from joinedup.quality.models import CaseAudit, SeriousIncident
from tests.factories.relationships import restrict
from tests.unit.quality.support import AUDITOR, COMMENTS, GOOD, LEADER, MODERATOR, NOW, case, person

NAMED_LEADER = Actor(role=Role.SENIOR_LEADER, label="head.named", user_id=36)


def _sample(session: Session) -> tuple[int, CaseAudit]:
    """A round of every one of four cases; the first audit's child is restricted, naming the
    moderator only."""
    for _ in range(4):
        case(session)
    drawn = audits.draw_round(session=session, actor=LEADER, title="Spring", method="random",
                              size=4, seed=1, now=NOW)  # fmt: skip
    target = audits.get_round(session=session, actor=AUDITOR, round_id=drawn.id).audits[0]
    restrict(session, person_id=target.person_id, named=[MODERATOR])
    return drawn.id, target


def test_a_round_lists_a_restricted_childs_case_only_to_those_named(session: Session) -> None:
    round_id, target = _sample(session)
    unseen = audits.get_round(session=session, actor=AUDITOR, round_id=round_id).audits
    assert len(unseen) == 3 and target.case_id not in {a.case_id for a in unseen}
    assert target.person_id not in {a.person_id for a in unseen}
    seen = audits.get_round(session=session, actor=MODERATOR, round_id=round_id).audits
    assert target.case_id in {a.case_id for a in seen} and len(seen) == 4
    counts = {a.label: audits.list_rounds(session=session, actor=a)[0][1:]
              for a in (AUDITOR, MODERATOR)}  # fmt: skip
    assert counts == {AUDITOR.label: (3, 0), MODERATOR.label: (4, 0)}


def test_a_restricted_childs_audit_is_not_found_for_anyone_it_does_not_name(
    session: Session,
) -> None:
    _, target = _sample(session)
    with pytest.raises(NotFound):
        audits.get_audit(session=session, actor=AUDITOR, audit_id=target.id, now=NOW)
    with pytest.raises(NotFound):
        audits.submit(session=session, actor=AUDITOR, audit_id=target.id, grades=GOOD,
                      comments=COMMENTS, overall="good", overall_comment="Good.",
                      expected_version=1, now=NOW)  # fmt: skip
    with pytest.raises(NotFound):
        actions.add(session=session, actor=AUDITOR, audit_id=target.id, description="Visit.",
                    owner="Team manager", due_on=date(2026, 12, 1), now=NOW)  # fmt: skip
    found = audits.get_audit(session=session, actor=MODERATOR, audit_id=target.id, now=NOW)
    assert found.audit.case_id == target.case_id


def test_a_restricted_childs_audit_actions_are_listed_only_to_those_named(
    session: Session,
) -> None:
    _, target = _sample(session)
    added = actions.add(session=session, actor=MODERATOR, audit_id=target.id,
                        description="See the child alone.", owner="Team manager",
                        due_on=date(2026, 12, 1), now=NOW)  # fmt: skip
    assert added.id not in {v.action.id for v in actions.list_for(session=session, actor=AUDITOR,
                                                                  now=NOW)}  # fmt: skip
    assert added.id in {v.action.id for v in actions.list_for(session=session, actor=MODERATOR,
                                                              now=NOW)}  # fmt: skip


def _incident(session: Session) -> SeriousIncident:
    row = incidents.notify(session=session, actor=LEADER, person_id=person(session),
                           kind="serious_harm", incident_on=date(2026, 11, 16),
                           aware_on=date(2026, 11, 17), summary="Admitted with a head injury.",
                           now=NOW)  # fmt: skip
    restrict(session, person_id=row.person_id, named=[NAMED_LEADER])
    return row


def test_a_restricted_childs_incident_is_listed_only_to_those_named(session: Session) -> None:
    row = _incident(session)
    other = incidents.notify(session=session, actor=LEADER, person_id=person(session),
                             kind="death", incident_on=date(2026, 11, 16),
                             aware_on=date(2026, 11, 16), summary="Died at home.",
                             now=NOW)  # fmt: skip

    def listed(actor: Actor) -> list[int]:
        found = incidents.list_incidents(session=session, actor=actor, now=NOW,
                                         publication_months=6)  # fmt: skip
        return [v.incident.id for v in found]

    assert listed(LEADER) == [other.id]
    assert listed(NAMED_LEADER) == [other.id, row.id]
    with pytest.raises(NotFound):
        incidents.get(session=session, actor=LEADER, incident_id=row.id, now=NOW,
                      publication_months=6)  # fmt: skip
    with pytest.raises(NotFound):
        actions.list_for(session=session, actor=LEADER, incident_id=row.id, now=NOW)
    shown = incidents.get(session=session, actor=NAMED_LEADER, incident_id=row.id, now=NOW,
                          publication_months=6)  # fmt: skip
    assert shown.incident.person_id == row.person_id


def test_an_incident_cannot_be_recorded_for_a_child_hidden_from_the_recorder(
    session: Session,
) -> None:
    row = _incident(session)
    with pytest.raises(ValidationFailed) as refused:
        incidents.notify(session=session, actor=LEADER, person_id=row.person_id,
                         kind="death", incident_on=date(2026, 11, 16),
                         aware_on=date(2026, 11, 16), summary="Died.", now=NOW)  # fmt: skip
    assert [e.field for e in refused.value.errors] == ["person_id"]


def _merge(session: Session, from_id: int, into_id: int) -> None:
    """The state `people.merges.merge` leaves: the merged person points at its survivor."""
    session.get_one(Person, from_id).merged_into_id = into_id
    session.flush()


def test_an_audit_of_a_child_merged_since_into_a_restricted_child_is_hidden_with_them(
    session: Session,
) -> None:
    """The audit keeps the number it was drawn against; the restriction is on the survivor."""
    for _ in range(4):
        case(session)
    drawn = audits.draw_round(session=session, actor=LEADER, title="Spring", method="random",
                              size=4, seed=1, now=NOW)  # fmt: skip
    target = audits.get_round(session=session, actor=AUDITOR, round_id=drawn.id).audits[0]
    survivor = person(session)
    _merge(session, target.person_id, survivor)
    restrict(session, person_id=survivor, named=[MODERATOR])
    unseen = audits.get_round(session=session, actor=AUDITOR, round_id=drawn.id).audits
    assert len(unseen) == 3 and target.case_id not in {a.case_id for a in unseen}
    with pytest.raises(NotFound):
        audits.get_audit(session=session, actor=AUDITOR, audit_id=target.id, now=NOW)
    found = audits.get_audit(session=session, actor=MODERATOR, audit_id=target.id, now=NOW)
    assert found.audit.case_id == target.case_id


def test_a_restricted_child_merged_into_another_hides_the_survivors_incidents(
    session: Session,
) -> None:
    """The survivor now holds the restricted child's history, and a person merged into the
    survivor earlier is in the same family; an unrelated child is not touched."""
    survivor, earlier, other = person(session), person(session), person(session)
    shown = [incidents.notify(session=session, actor=LEADER, person_id=p, kind="serious_harm",
                              incident_on=date(2026, 11, 16), aware_on=date(2026, 11, 17),
                              summary="Admitted with a head injury.", now=NOW)
             for p in (survivor, earlier, other)]  # fmt: skip
    _merge(session, earlier, survivor)
    restricted = person(session)
    restrict(session, person_id=restricted, named=[NAMED_LEADER])
    _merge(session, restricted, survivor)
    for row in shown[:2]:
        with pytest.raises(NotFound):
            incidents.get(session=session, actor=LEADER, incident_id=row.id, now=NOW,
                          publication_months=6)  # fmt: skip
        seen = incidents.get(session=session, actor=NAMED_LEADER, incident_id=row.id, now=NOW,
                             publication_months=6)  # fmt: skip
        assert seen.incident.id == row.id
    kept = incidents.get(session=session, actor=LEADER, incident_id=shown[2].id, now=NOW,
                         publication_months=6)  # fmt: skip
    assert kept.incident.person_id == other
