"""Case audits: a round draws its sample; auditors grade; a second auditor moderates.

Who audits (ADR 0016): team managers, heads of service and independent reviewing officers
(`case_audits:conduct`, `case_audits:moderate`); leaders and managers draw rounds
(`case_audits:manage`). An auditor never audits a case they are allocated to or manage, and
never moderates their own audit: both are refused here, for every face.

A case audit moves `to_do` → `submitted` (the auditor may save again until it is moderated)
→ `moderated`. Every read and write is audited in the caller's transaction. A restricted child
(ADR 0012) is in no round's list of anyone the restriction does not name, and their audit is
"not found" for them, as in every other list and read.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import column, func, or_, select, table
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import authorise, record, require
from joinedup.casework.models import Case, CaseStep
from joinedup.core.errors import FieldError, InvalidTransition, NotFound, ValidationFailed
from joinedup.quality import sampling
from joinedup.quality.common import SHORT_LIMIT, check_version, same_person, text, today, visible
from joinedup.quality.models import AuditRound, CaseAudit

STANDARDS = {
    "child_seen": "The child was seen",
    "seen_alone": "The child was seen alone",
    "voice": "The child's voice is recorded",
    "risk_analysis": "Analysis of risk",
    "oversight": "Management oversight",
    "timeliness": "Timeliness",
    "plan": "Quality of the plan",
}
GRADES = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
WEAK = frozenset({"requires_improvement", "inadequate"})
TO_DO, SUBMITTED, MODERATED = "to_do", "submitted", "moderated"
STATUSES = {TO_DO: "To do", SUBMITTED: "Awaiting moderation", MODERATED: "Moderated"}
MODERATIONS = {"agreed": "Agree with the grade", "changed": "Change the grade"}
MAX_SAMPLE = 500
SEED_LIMIT = 2**63 - 1
DEFAULT_LOOK_BACK_DAYS = 90


@dataclass(frozen=True)
class RoundView:
    round: AuditRound
    audits: list[CaseAudit]

    def count(self, status: str) -> int:
        return sum(a.status == status for a in self.audits)


@dataclass(frozen=True)
class CaseFacts:
    """What the auditor reads of the case: its place on the pathway and its steps' timeliness."""

    stage: str
    team: str | None
    referral_on: date
    closed_on: date | None
    steps_done: int
    steps_late: int  # completed after their due date
    steps_overdue: int  # open and past their due date


@dataclass(frozen=True)
class AuditView:
    audit: CaseAudit
    round: AuditRound
    case: CaseFacts


# -- rounds ----------------------------------------------------------------------------------


def draw_round(*, session: Session, actor: Actor, title: str, method: str, size: int | None,
               seed: int | None, look_back_days: int = DEFAULT_LOOK_BACK_DAYS,
               now: datetime) -> AuditRound:  # fmt: skip
    """Draw a round's sample from the cases open today and closed within the look-back.

    A seed left out is chosen at random and stored: the round can always be drawn again."""
    authorise(session=session, actor=actor, action=Action.CASE_AUDITS_MANAGE,
              resource_type="audit_round")  # fmt: skip
    errors: list[FieldError] = []
    name = text(title, "title", "a title for the round", errors, limit=SHORT_LIMIT)
    if method not in sampling.METHODS:
        errors.append(FieldError("method", "Choose how to draw the sample", "required"))
    if size is None or not 1 <= size <= MAX_SAMPLE:
        errors.append(FieldError("size", f"Enter a sample size from 1 to {MAX_SAMPLE}"))
    if seed is not None and not 0 <= seed <= SEED_LIMIT:
        errors.append(FieldError("seed", "The seed must be a whole number from 0 to "
                                         f"{SEED_LIMIT}"))  # fmt: skip
    if not 0 <= look_back_days <= 3660:
        errors.append(FieldError("look_back_days", "Enter a look-back from 0 to 3,660 days"))
    if errors or name is None or size is None:
        raise ValidationFailed("The round could not be drawn", errors)
    chosen_seed = secrets.randbelow(SEED_LIMIT) if seed is None else seed
    drawn_on = today(now)
    cases = population(session, drawn_on, look_back_days)
    sample = sampling.draw(list(cases.values()), size, chosen_seed, method)
    strata = {s: sum(c.stratum == s for c in cases.values()) for s in sampling.STRATA}
    row = AuditRound(title=name, method=method, seed=chosen_seed, size=size,
                     look_back_days=look_back_days, drawn_on=drawn_on, population=len(cases),
                     strata=strata, created_by=actor.label, created_at=now)  # fmt: skip
    session.add(row)
    session.flush()
    facts = _cases(session, [c.case_id for c in sample])
    for candidate in sample:
        held = facts[candidate.case_id]
        session.add(CaseAudit(round_id=row.id, case_id=held.id, person_id=held.person_id,
                              stratum=candidate.stratum, team=held.team, status=TO_DO,
                              grades={}, version=1))  # fmt: skip
    session.flush()
    record(session=session, actor=actor, action=Action.CASE_AUDITS_MANAGE,
           resource_type="audit_round", resource_ids=[row.id],
           detail={"method": method, "size": size, "drawn": len(sample),
                   "population": len(cases)}, now=now)  # fmt: skip
    return row


def population(session: Session, on: date, look_back_days: int) -> dict[int, sampling.Candidate]:
    """Cases open on `on` and cases closed within `look_back_days` before it, by case id."""
    since = on - timedelta(days=look_back_days)
    rows = session.execute(
        select(Case.id, Case.stage)
        .where(or_(Case.stage != "closed", Case.closed_on >= since))
        .order_by(Case.id)
    ).all()
    overdue = dict(
        session.execute(
            select(CaseStep.case_id, func.count())
            .where(CaseStep.status == "open", CaseStep.due_on < on)
            .group_by(CaseStep.case_id)
        ).all()
    )
    return {case_id: sampling.Candidate(case_id, sampling.stratum_of(stage),
                                        int(overdue.get(case_id, 0)))
            for case_id, stage in rows}  # fmt: skip


def redraw(*, session: Session, actor: Actor, round_id: int) -> list[int]:
    """The case ids the round's seed gives over today's population (a check of reproducibility:
    the same as the round's own while the population has not changed)."""
    row = _round(session, round_id)
    require(session=session, actor=actor, action=Action.CASE_AUDITS_MANAGE,
            resource_type="audit_round", resource_ids=[round_id],
            detail={"view": "redraw"})  # fmt: skip
    cases = population(session, row.drawn_on, row.look_back_days)
    return [c.case_id for c in sampling.draw(list(cases.values()), row.size, row.seed, row.method)]


def list_rounds(*, session: Session, actor: Actor) -> list[tuple[AuditRound, int, int]]:
    """Every round, newest first, with its audits and how many are moderated (counting only the
    audits of children the actor may see, as `get_round` lists them)."""
    require(session=session, actor=actor, action=Action.CASE_AUDITS_CONDUCT,
            resource_type="audit_round", detail={"view": "list"})  # fmt: skip
    rows = session.execute(select(CaseAudit.round_id, CaseAudit.person_id, CaseAudit.status)).all()
    counts: dict[int, tuple[int, int]] = {}
    for round_id, _, status in visible(session, actor, rows, lambda r: int(r.person_id)):
        total, done = counts.get(round_id, (0, 0))
        counts[round_id] = (total + 1, done + (status == MODERATED))
    rounds = session.scalars(select(AuditRound).order_by(AuditRound.id.desc())).all()
    return [(r, *counts.get(r.id, (0, 0))) for r in rounds]


def get_round(*, session: Session, actor: Actor, round_id: int) -> RoundView:
    row = _round(session, round_id)
    require(session=session, actor=actor, action=Action.CASE_AUDITS_CONDUCT,
            resource_type="audit_round", resource_ids=[round_id])  # fmt: skip
    audits = session.scalars(
        select(CaseAudit).where(CaseAudit.round_id == round_id).order_by(CaseAudit.id)
    ).all()
    return RoundView(row, visible(session, actor, audits, lambda a: a.person_id))


# -- one case's audit ------------------------------------------------------------------------


def get_audit(*, session: Session, actor: Actor, audit_id: int, now: datetime) -> AuditView:
    """The audit and the case's facts (the auditor reads the case by being assigned to it)."""
    audit = _audit(session, audit_id)
    require(session=session, actor=actor, action=Action.CASE_AUDITS_CONDUCT,
            resource_type="case", resource_ids=[audit.case_id],
            detail={"view": "case_audit", "audit": audit_id, "person": audit.person_id},
            now=now, child=[audit.person_id])  # fmt: skip
    drawn = _round(session, audit.round_id)
    return AuditView(audit, drawn, case_facts(session, audit.case_id, drawn.drawn_on))


def submit(*, session: Session, actor: Actor, audit_id: int, grades: Mapping[str, str],
           comments: Mapping[str, str], overall: str, overall_comment: str,
           expected_version: int, now: datetime) -> CaseAudit:  # fmt: skip
    """Grade each standard with a comment, and the case overall."""
    audit = _audit(session, audit_id)
    require(session=session, actor=actor, action=Action.CASE_AUDITS_CONDUCT,
            resource_type="case", resource_ids=[audit.case_id],
            detail={"action": "submit", "audit": audit_id}, now=now,
            child=[audit.person_id])  # fmt: skip
    if audit.status == MODERATED:
        raise InvalidTransition("This audit has been moderated: its grades cannot change")
    if audit.status == SUBMITTED and not same_person(actor, audit.auditor_user_id,
                                                     audit.auditor_label):  # fmt: skip
        raise InvalidTransition("Another auditor has graded this case")
    _independent(session, actor, audit.case_id, "audit")
    check_version(audit, expected_version, "audit")
    errors: list[FieldError] = []
    found: dict[str, dict[str, str]] = {}
    for key, title in STANDARDS.items():
        grade = grades.get(key, "")
        if grade not in GRADES:
            errors.append(FieldError(f"{key}-grade", f"Choose a grade for {title.lower()}",
                                     "required"))  # fmt: skip
        comment = text(comments.get(key), f"{key}-comment", f"a comment on {title.lower()}",
                       errors)  # fmt: skip
        if grade in GRADES and comment is not None:
            found[key] = {"grade": grade, "comment": comment}
    if overall not in GRADES:
        errors.append(FieldError("overall", "Choose an overall grade", "required"))
    summary = text(overall_comment, "overall_comment", "a summary of the overall grade", errors)
    if errors:
        raise ValidationFailed("The audit could not be saved", errors)
    audit.grades, audit.overall, audit.overall_comment = found, overall, summary
    audit.status, audit.submitted_at = SUBMITTED, now
    audit.auditor_user_id, audit.auditor_label = actor.user_id, actor.label
    session.flush()
    return audit


def moderate(*, session: Session, actor: Actor, audit_id: int, outcome: str, grade: str,
             reasons: str, expected_version: int, now: datetime) -> CaseAudit:  # fmt: skip
    """A second auditor agrees with the overall grade or changes it, with reasons."""
    audit = _audit(session, audit_id)
    require(session=session, actor=actor, action=Action.CASE_AUDITS_MODERATE,
            resource_type="case", resource_ids=[audit.case_id],
            detail={"action": "moderate", "audit": audit_id}, now=now,
            child=[audit.person_id])  # fmt: skip
    if audit.status != SUBMITTED:
        raise InvalidTransition("Only an audit awaiting moderation can be moderated")
    if same_person(actor, audit.auditor_user_id, audit.auditor_label):
        raise InvalidTransition("You audited this case: a second auditor must moderate it")
    _independent(session, actor, audit.case_id, "moderate")
    check_version(audit, expected_version, "audit")
    errors: list[FieldError] = []
    if outcome not in MODERATIONS:
        errors.append(FieldError("outcome", "Choose whether you agree with the grade",
                                 "required"))  # fmt: skip
    changed = outcome == "changed"
    if changed and grade not in GRADES:
        errors.append(FieldError("grade", "Choose the moderated grade", "required"))
    elif changed and grade == audit.overall:
        errors.append(FieldError("grade", "Choose a grade different from the auditor's, or "
                                          "agree with it"))  # fmt: skip
    why = text(reasons, "reasons", "your reasons", errors, required=changed)
    if errors:
        raise ValidationFailed("The moderation could not be saved", errors)
    audit.moderation = outcome
    audit.moderated_overall = grade if changed else audit.overall
    audit.moderation_reasons = why
    audit.moderator_user_id, audit.moderator_label = actor.user_id, actor.label
    audit.status, audit.moderated_at = MODERATED, now
    session.flush()
    return audit


def case_facts(session: Session, case_id: int, on: date) -> CaseFacts:
    """The case's stage and timeliness: steps done late, and steps open past due on `on`."""
    found = _cases(session, [case_id])[case_id]
    steps = session.execute(
        select(CaseStep.status, CaseStep.due_on, CaseStep.completed_on).where(
            CaseStep.case_id == case_id
        )
    ).all()
    done = [s for s in steps if s.status == "done"]
    late = sum(1 for s in done if s.due_on and s.completed_on and s.completed_on > s.due_on)
    overdue = sum(1 for s in steps if s.status == "open" and s.due_on and s.due_on < on)
    return CaseFacts(found.stage, found.team, found.referral_on, found.closed_on, len(done), late,
                     overdue)  # fmt: skip


# -- the rules of independence ---------------------------------------------------------------


def _independent(session: Session, actor: Actor, case_id: int, doing: str) -> None:
    """An auditor or moderator is neither the case's allocated worker nor its manager: the
    manager named on the case, or the manager of the team that holds it (workforce's teams,
    read by table name as `access.relationships` does, so quality does not import workforce)."""
    held = _cases(session, [case_id])[case_id]
    holds = same_person(actor, held.allocated_user_id, held.allocated_label)
    manages = held.manager_label is not None and held.manager_label == actor.label
    if held.team is not None and not manages:
        teams = table("workforce_teams", column("name"), column("manager_user_id"),
                      column("manager_label"))  # fmt: skip
        row = session.execute(
            select(teams.c.manager_user_id, teams.c.manager_label).where(teams.c.name == held.team)
        ).first()
        manages = row is not None and same_person(actor, row[0], row[1])
    if holds or manages:
        verb = "audit" if doing == "audit" else "moderate an audit of"
        raise InvalidTransition(f"You hold or manage this case: you cannot {verb} it")


# -- reading ---------------------------------------------------------------------------------


def _round(session: Session, round_id: int) -> AuditRound:
    row = session.get(AuditRound, round_id)
    if row is None:
        raise NotFound(f"audit round {round_id} does not exist")
    return row


def _audit(session: Session, audit_id: int) -> CaseAudit:
    row = session.get(CaseAudit, audit_id)
    if row is None:
        raise NotFound(f"case audit {audit_id} does not exist")
    return row


def _cases(session: Session, ids: list[int]) -> dict[int, Case]:
    return {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(ids)))}
