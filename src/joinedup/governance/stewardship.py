"""The retention review: what is due, legal holds, and the recorded decision on each child.

Nothing is disposed of without a recorded decision to dispose, made when the retention date has
passed, by information governance, with a reason; a legal hold in force stops disposal whatever
was decided. Every read and write here is audited, naming the child.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import require
from joinedup.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from joinedup.governance import subjects
from joinedup.governance.models import LegalHold, RetentionDecision
from joinedup.governance.retention import Retention, Rules, retention_dates

DECISIONS = {
    "retain": "Retain: keep the records, review again at the next review",
    "extend": "Extend: keep the records until a later review date",
    "dispose": "Dispose: delete or anonymise the child's personal data",
}
REASON_LIMIT = 2000


@dataclass(frozen=True)
class ReviewItem:
    retention: Retention
    decision: RetentionDecision | None  # the latest
    holds: list[LegalHold]  # in force

    @property
    def status(self) -> str:
        if self.holds:
            return "on_hold"
        if self.decision is None:
            return "due"
        if self.decision.decision == "dispose":
            return "disposed" if self.decision.disposed_at else "awaiting_disposal"
        return "due"


def review_list(
    *, session: Session, actor: Actor, rules: Rules, as_of: date, now: datetime
) -> list[ReviewItem]:
    """Every child whose retention date has passed by `as_of` and whose case is closed, less
    those a decision to retain or extend has put beyond `as_of`; with their holds."""
    due = [r for r in retention_dates(session, rules) if r.until <= as_of and not r.open_case]
    decisions = _latest_decisions(session, [r.person_id for r in due])
    holds = _holds_in_force(session, [r.person_id for r in due])
    items = []
    for r in due:
        decided = decisions.get(r.person_id)
        if decided is not None and decided.decision != "dispose" and _deferred(decided, as_of):
            continue
        items.append(ReviewItem(r, decided, holds.get(r.person_id, [])))
    require(session=session, actor=actor, action=Action.GOVERNANCE_RETENTION,
            resource_type="retention_review", resource_ids=[i.retention.person_id for i in items],
            detail={"as_of": as_of.isoformat(), "due": len(items)}, now=now)  # fmt: skip
    return items


def _deferred(decided: RetentionDecision, as_of: date) -> bool:
    """A retain or extend decision holds until its review date (retain: one year)."""
    until = decided.review_on or decided.decided_at.date().replace(year=decided.decided_at.year + 1)
    return until > as_of


def place_hold(
    *, session: Session, actor: Actor, person_id: int, reason: str, now: datetime
) -> LegalHold:
    _check_reason("reason", reason)
    subjects.person_ids(session, person_id)  # NotFound
    hold = LegalHold(person_id=person_id, reason=reason.strip(), placed_by=actor.label,
                     placed_by_user_id=actor.user_id, placed_at=now)  # fmt: skip
    require(session=session, actor=actor, action=Action.GOVERNANCE_RETENTION,
            resource_type="person", resource_ids=[person_id],
            detail={"legal_hold": "placed"}, now=now)  # fmt: skip
    session.add(hold)
    session.flush()
    return hold


def lift_hold(
    *, session: Session, actor: Actor, hold_id: int, reason: str, now: datetime
) -> LegalHold:
    _check_reason("reason", reason)
    hold = session.get(LegalHold, hold_id)
    if hold is None:
        raise NotFound(f"no legal hold {hold_id}")
    if hold.lifted_at is not None:
        raise Conflict(f"legal hold {hold_id} was lifted already")
    require(session=session, actor=actor, action=Action.GOVERNANCE_RETENTION,
            resource_type="person", resource_ids=[hold.person_id],
            detail={"legal_hold": "lifted", "hold": hold_id}, now=now)  # fmt: skip
    hold.lifted_at, hold.lifted_by, hold.lift_reason = now, actor.label, reason.strip()
    session.flush()
    return hold


def decide(
    *,
    session: Session,
    actor: Actor,
    rules: Rules,
    person_id: int,
    decision: str,
    reason: str,
    review_on: date | None = None,
    now: datetime,
) -> RetentionDecision:
    """Record a retention decision; `dispose` only once the retention date has passed, the
    case is closed and no hold is in force; `extend` needs a later review date."""
    errors = _reason_errors("reason", reason)
    if decision not in DECISIONS:
        errors.append(FieldError("decision", "Choose retain, extend or dispose", "choice"))
    if decision == "extend" and (review_on is None or review_on <= now.date()):
        errors.append(FieldError("review_on", "Enter a review date in the future"))
    if errors:
        raise ValidationFailed("The decision cannot be recorded", errors)
    subjects.person_ids(session, person_id)  # NotFound
    found = retention_dates(session, rules, [person_id])
    if not found:
        raise ValidationFailed("Only a child's records have a retention date",
                               [FieldError("person_id", "not a child")])  # fmt: skip
    retention = found[0]
    if decision == "dispose":
        _may_dispose(session, retention, now.date())
    require(session=session, actor=actor, action=Action.GOVERNANCE_RETENTION,
            resource_type="person", resource_ids=[person_id],
            detail={"retention_decision": decision, "class": retention.retention_class},
            now=now)  # fmt: skip
    row = RetentionDecision(
        person_id=person_id, decision=decision, reason=reason.strip(),
        retention_class=retention.retention_class, due_on=retention.until,
        review_on=review_on if decision == "extend" else None, decided_by=actor.label,
        decided_by_user_id=actor.user_id, decided_at=now,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def _may_dispose(session: Session, retention: Retention, today: date) -> None:
    if retention.open_case:
        raise Conflict("the child has an open case: nothing may be disposed of")
    if retention.until > today:
        raise Conflict(f"the retention date ({retention.until.isoformat()}) has not passed")
    if _holds_in_force(session, [retention.person_id]):
        raise Conflict("a legal hold is in force: nothing may be disposed of")


def holds_of(session: Session, person_id: int) -> list[LegalHold]:
    return _holds_in_force(session, [person_id]).get(person_id, [])


def _holds_in_force(session: Session, person_ids: list[int]) -> dict[int, list[LegalHold]]:
    found: dict[int, list[LegalHold]] = {}
    rows = session.scalars(
        select(LegalHold)
        .where(LegalHold.person_id.in_(person_ids), LegalHold.lifted_at.is_(None))
        .order_by(LegalHold.id)
    )
    for hold in rows:
        found.setdefault(hold.person_id, []).append(hold)
    return found


def _latest_decisions(session: Session, person_ids: list[int]) -> dict[int, RetentionDecision]:
    latest: dict[int, RetentionDecision] = {}
    rows = session.scalars(
        select(RetentionDecision)
        .where(RetentionDecision.person_id.in_(person_ids))
        .order_by(RetentionDecision.decided_at, RetentionDecision.id)
    )
    for row in rows:
        latest[row.person_id] = row
    return latest


def latest_decision(session: Session, person_id: int) -> RetentionDecision | None:
    return _latest_decisions(session, [person_id]).get(person_id)


def _check_reason(name: str, value: str) -> None:
    errors = _reason_errors(name, value)
    if errors:
        raise ValidationFailed(errors[0].message, errors)


def _reason_errors(name: str, value: str) -> list[FieldError]:
    if not value.strip():
        return [FieldError(name, "Enter the reason", "required")]
    if len(value) > REASON_LIMIT:
        return [FieldError(name, f"Reason must be {REASON_LIMIT:,} characters or fewer")]
    return []
