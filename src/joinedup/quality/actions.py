"""Actions with owners and due dates: from a case audit, or learning from a serious incident.

An action is `open` until its owner's completion is recorded (`done`, with a note); an open
action past its due date is overdue. Audit actions need `case_audits:conduct`; learning actions
`incidents:manage`. An action is about its audit's or incident's child: a restricted child's
(ADR 0012) are in no list of, and "not found" for, anyone the restriction does not name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import require
from joinedup.core.errors import FieldError, InvalidTransition, NotFound, ValidationFailed
from joinedup.quality.common import SHORT_LIMIT, check_version, text, today, visible
from joinedup.quality.models import CaseAudit, QualityAction, SeriousIncident

OPEN, DONE = "open", "done"


@dataclass(frozen=True)
class ActionView:
    action: QualityAction
    overdue: bool


def add(*, session: Session, actor: Actor, audit_id: int | None = None,
        incident_id: int | None = None, description: str, owner: str, due_on: date | None,
        now: datetime) -> QualityAction:  # fmt: skip
    """An action on an audit or an incident (exactly one), due no earlier than today."""
    if (audit_id is None) == (incident_id is None):
        raise ValueError("an action belongs to exactly one audit or incident")
    _require(session, actor, audit_id, incident_id, "add", now)
    errors: list[FieldError] = []
    what = text(description, "description", "what needs to be done", errors)
    who = text(owner, "owner", "who owns the action", errors, limit=SHORT_LIMIT)
    if due_on is None:
        errors.append(FieldError("due_on", "Enter the date the action is due", "required"))
    elif due_on < today(now):
        errors.append(FieldError("due_on", "The due date must be today or in the future"))
    if errors or what is None or who is None or due_on is None:
        raise ValidationFailed("The action could not be added", errors)
    row = QualityAction(audit_id=audit_id, incident_id=incident_id, description=what,
                        owner_label=who, due_on=due_on, status=OPEN, created_by=actor.label,
                        created_at=now, version=1)  # fmt: skip
    session.add(row)
    session.flush()
    return row


def complete(*, session: Session, actor: Actor, action_id: int, note: str,
             expected_version: int, now: datetime) -> QualityAction:  # fmt: skip
    """Record an action done, with what was done."""
    row = session.get(QualityAction, action_id)
    if row is None:
        raise NotFound(f"action {action_id} does not exist")
    _require(session, actor, row.audit_id, row.incident_id, "complete", now)
    if row.status == DONE:
        raise InvalidTransition("This action is already done")
    check_version(row, expected_version, "action")
    errors: list[FieldError] = []
    what = text(note, "note", "what was done", errors)
    if errors:
        raise ValidationFailed("The action could not be completed", errors)
    row.status, row.completed_on, row.completion_note = DONE, today(now), what
    session.flush()
    return row


def list_for(*, session: Session, actor: Actor, audit_ids: Sequence[int] = (),
             incident_id: int | None = None, now: datetime) -> list[ActionView]:  # fmt: skip
    """The actions of some audits, or of one incident, open first then by due date."""
    statement = select(QualityAction, CaseAudit.person_id).outerjoin(
        CaseAudit, CaseAudit.id == QualityAction.audit_id
    )
    if incident_id is not None:
        incident = session.get(SeriousIncident, incident_id)
        require(session=session, actor=actor, action=Action.INCIDENTS_MANAGE,
                resource_type="incident", resource_ids=[incident_id],
                detail={"view": "actions"}, now=now,
                child=[incident.person_id] if incident is not None else None)  # fmt: skip
        statement = statement.where(QualityAction.incident_id == incident_id)
    else:
        require(session=session, actor=actor, action=Action.CASE_AUDITS_CONDUCT,
                resource_type="case_audit", resource_ids=list(audit_ids),
                detail={"view": "actions"}, now=now)  # fmt: skip
        statement = statement.where(QualityAction.audit_id.is_not(None))
        if audit_ids:
            statement = statement.where(QualityAction.audit_id.in_(list(audit_ids)))
    found = session.execute(statement).all()
    if incident_id is None:  # each action's audit names its child
        found = visible(session, actor, found, lambda r: int(r.person_id))
    rows = [r[0] for r in found]
    on = today(now)
    ordered = sorted(rows, key=lambda r: (r.status != OPEN, r.due_on, r.id))
    return [ActionView(r, r.status == OPEN and r.due_on < on) for r in ordered]


def _require(session: Session, actor: Actor, audit_id: int | None, incident_id: int | None,
             doing: str, now: datetime) -> None:  # fmt: skip
    if audit_id is not None:
        audit = session.get(CaseAudit, audit_id)
        if audit is None:
            raise NotFound(f"case audit {audit_id} does not exist")
        require(session=session, actor=actor, action=Action.CASE_AUDITS_CONDUCT,
                resource_type="case", resource_ids=[audit.case_id],
                detail={"action": f"{doing}_action", "audit": audit_id}, now=now,
                child=[audit.person_id])  # fmt: skip
        return
    assert incident_id is not None  # noqa: S101 - the caller's check
    incident = session.get(SeriousIncident, incident_id)
    if incident is None:
        raise NotFound(f"serious incident {incident_id} does not exist")
    require(session=session, actor=actor, action=Action.INCIDENTS_MANAGE,
            resource_type="incident", resource_ids=[incident_id],
            detail={"action": f"{doing}_action"}, now=now,
            child=[incident.person_id])  # fmt: skip
