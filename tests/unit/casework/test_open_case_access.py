"""Opening a case checks the child before anything is written or told."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor, Role
from joinedup.access.service import NoRelationship
from joinedup.casework import service
from joinedup.casework.models import Case
from joinedup.core.errors import NotFound
from tests.factories.relationships import restrict
from tests.unit.access.test_relationships import kept_refusals
from tests.unit.casework.support import AUTHORITY, MANAGER, Desk, desk

__all__ = ["desk"]  # the fixture

STRANGER = Actor(role=Role.SOCIAL_WORKER, label="worker.other", user_id=77)


def open_as(desk: Desk, actor: Actor) -> int:
    return service.open_case(session=desk.session, actor=actor, authority=AUTHORITY,
                             person_id=desk.person_id, referral_on=desk.today(),
                             referral_source="2A", contact_id=None, strategy=False,
                             now=desk.clock.now())  # fmt: skip


def cases(desk: Desk) -> int:
    return (
        desk.session.scalar(
            select(func.count()).select_from(Case).where(Case.person_id == desk.person_id)
        )
        or 0
    )


def refusals(desk: Desk) -> list[AuditEntry]:
    kept_refusals(desk.session)
    return list(desk.session.scalars(
        select(AuditEntry).where(AuditEntry.actor_label == STRANGER.label)))  # fmt: skip


def test_a_refused_open_of_a_restricted_child_leaves_no_case_only_the_refusal(
    desk: Desk,
) -> None:
    """Nobody holds the child, so any social worker could open a case (duty), but the child
    is restricted and does not name this one: refused as not found, and nothing written."""
    restrict(desk.session, person_id=desk.person_id, named=[])
    with pytest.raises(NotFound):
        open_as(desk, STRANGER)
    assert cases(desk) == 0
    [refused] = refusals(desk)
    assert (refused.action, refused.outcome, refused.resource_type) == (
        "cases:write", "refused", "case")  # fmt: skip
    assert refused.detail == {"person": desk.person_id, "step": "open", "strategy": False,
                              "child": desk.person_id, "restricted": True}  # fmt: skip


def test_a_refused_open_does_not_tell_whether_a_case_is_open(desk: Desk) -> None:
    case = desk.referred()
    team = {"team": "Team A", "manager_label": MANAGER.label}
    desk.act(case, "allocate", fields={"label": "worker.two", **team}, actor=MANAGER)
    with pytest.raises(NoRelationship) as raised:
        open_as(desk, STRANGER)
    assert "open case" not in str(raised.value)
    assert cases(desk) == 1
    [refused] = refusals(desk)
    assert refused.detail["relationship"] is None


def test_a_permitted_open_writes_one_entry_naming_the_new_case(desk: Desk) -> None:
    case = desk.referred()
    [entry] = [e for e in desk.session.scalars(select(AuditEntry).where(
        AuditEntry.resource_type == "case", AuditEntry.outcome == "permitted"))
        if e.resource_ids == [case.id] and (e.detail or {}).get("step") == "open"]  # fmt: skip
    assert entry.detail["person"] == desk.person_id
