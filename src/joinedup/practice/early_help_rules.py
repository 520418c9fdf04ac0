"""What the early help services share: where an episode comes from, its statuses, the history
carried in from a closed case or out to the front door, checks on the lead and on text, and the
views the services return.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.casework import contacts, pathway
from joinedup.casework.clocks import london_day
from joinedup.casework.models import Case, CaseStep, Contact
from joinedup.casework.names import child_names
from joinedup.casework.work import STEP_TITLES
from joinedup.core.errors import FieldError, text_errors
from joinedup.practice.models import (
    EarlyHelpAction,
    EarlyHelpEpisode,
    EarlyHelpMember,
    EarlyHelpReview,
)
from joinedup.practice.views import EpisodeView, Lead, Member, PlanAction, ReviewView

FRONT_DOOR, PARTNER, STEP_DOWN = "front_door", "partner", "step_down"
ORIGINS = {
    FRONT_DOOR: "The front door's decision",
    PARTNER: "A partner agency",
    STEP_DOWN: "Stepped down from children's social care",
}
OPEN, STEPPED_UP, CLOSED = "open", "stepped_up", "closed"
STATUS_TITLES = {OPEN: "Open", STEPPED_UP: "Stepped up to social care", CLOSED: "Closed"}
EARLY_HELP_SOURCE = "5D"  # DfE referral source: LA services, early help
HISTORY_LIMIT = 9_000


def offer_of(
    session: Session, contact_id: int | None, errors: list[FieldError], person: int
) -> int:
    contact = session.get(Contact, contact_id) if contact_id is not None else None
    if (
        contact is None
        or contact.status != pathway.DECIDED
        or (contact.decision != pathway.EARLY_HELP)
    ):
        errors.append(
            FieldError("contact_id", "no contact was decided as early help with this number")
        )
        return person
    taken = session.scalar(
        select(EarlyHelpEpisode.id).where(EarlyHelpEpisode.contact_id == contact.id)
    )
    if taken is not None:
        errors.append(FieldError("contact_id", f"early help started already (EH-{taken:06d})"))
    return contact.person_id


def stepped_down(
    session: Session, case_id: int | None, errors: list[FieldError], person: int
) -> tuple[int, list[str]]:
    case = session.get(Case, case_id) if case_id is not None else None
    if case is None or case.stage != pathway.CLOSED:
        errors.append(FieldError("case_id", "step down from a case that has closed"))
        return person, []
    steps = session.scalars(
        select(CaseStep)
        .where(CaseStep.case_id == case.id, CaseStep.status == "done")
        .order_by(CaseStep.completed_on, CaseStep.id)
    ).all()
    history = [f"{case.referral_on:%-d %B %Y}: referral to children's social care (case {case.id})"]
    history += [
        f"{s.completed_on:%-d %B %Y}: {STEP_TITLES.get(s.kind, s.kind)}"
        + (f" ({s.outcome.replace('_', ' ')})" if s.outcome else "")
        for s in steps
        if s.completed_on is not None
    ]
    if case.closed_on is not None:
        history.append(f"{case.closed_on:%-d %B %Y}: case closed ({case.closure_reason or ''})")
    return case.person_id, history


def history_of(session: Session, episode: EarlyHelpEpisode) -> list[str]:
    lines = [
        f"Started {episode.started_on:%-d %B %Y} ({ORIGINS[episode.origin].lower()}); lead "
        f"professional {episode.lead_name}, {episode.lead_organisation}."
    ]
    lines += [f"Carried in: {h}" for h in episode.history]
    if episode.plan_outcomes:
        lines.append(f"Plan agreed {episode.plan_agreed_on:%-d %B %Y}: {episode.plan_outcomes}")
    for a in session.scalars(
        select(EarlyHelpAction)
        .where(EarlyHelpAction.episode_id == episode.id)
        .order_by(EarlyHelpAction.id)
    ):
        state = f"done {a.done_on:%-d %B %Y}" if a.done_on else f"due {a.due_on:%-d %B %Y}"
        lines.append(f"Action: {a.what} — {a.owner} ({state})")
    for r in session.scalars(
        select(EarlyHelpReview)
        .where(EarlyHelpReview.episode_id == episode.id)
        .order_by(EarlyHelpReview.held_on, EarlyHelpReview.id)
    ):
        lines.append(f"Review {r.held_on:%-d %B %Y}: {r.summary}")
    text, kept = 0, []
    for line in lines:
        text += len(line) + 1
        if text > HISTORY_LIMIT:
            kept.append("(more on the child's chronology)")
            break
        kept.append(line)
    return kept


def lead_errors(lead: Lead) -> list[FieldError]:
    errors = text_errors("lead.name", lead.name, required=True, limit=200)
    errors += text_errors("lead.organisation", lead.organisation, required=True, limit=200)
    if lead.agency not in contacts.AGENCIES:
        errors.append(
            FieldError("lead.agency", "choose the lead professional's agency", "required")
        )
    return errors


def view_of(
    session: Session,
    e: EarlyHelpEpisode,
    now: datetime,
    *,
    full: bool = False,
    names: dict[int, str] | None = None,
) -> EpisodeView:
    names = names if names is not None else child_names(session, [e.person_id])
    members = actions = reviews = []
    if full:
        members = [
            Member(m.name, m.role, m.agency, m.organisation)
            for m in session.scalars(
                select(EarlyHelpMember)
                .where(EarlyHelpMember.episode_id == e.id)
                .order_by(EarlyHelpMember.id)
            )
        ]
        actions = [
            PlanAction(a.what, a.owner, a.agency, a.due_on, a.id, a.done_on)
            for a in session.scalars(
                select(EarlyHelpAction)
                .where(EarlyHelpAction.episode_id == e.id)
                .order_by(EarlyHelpAction.due_on, EarlyHelpAction.id)
            )
        ]
        reviews = [
            ReviewView(r.held_on, r.summary, r.next_due_on, r.recorded_by)
            for r in session.scalars(
                select(EarlyHelpReview)
                .where(EarlyHelpReview.episode_id == e.id)
                .order_by(EarlyHelpReview.held_on, EarlyHelpReview.id)
            )
        ]
    today = london_day(now)
    return EpisodeView(
        id=e.id,
        person_id=e.person_id,
        child_name=names.get(e.person_id, ""),
        status=e.status,
        origin=e.origin,
        contact_id=e.contact_id,
        from_case_id=e.from_case_id,
        lead=Lead(e.lead_name, e.lead_agency, e.lead_organisation, e.lead_user_id),
        started_on=e.started_on,
        plan_outcomes=e.plan_outcomes,
        plan_agreed_on=e.plan_agreed_on,
        review_due_on=e.review_due_on,
        review_overdue=e.status == OPEN and e.review_due_on is not None and today > e.review_due_on,
        history=list(e.history or []),
        stepped_up_contact_id=e.stepped_up_contact_id,
        ended_on=e.ended_on,
        end_reason=e.end_reason,
        version=e.version,
        members=members,
        actions=actions,
        reviews=reviews,
    )
