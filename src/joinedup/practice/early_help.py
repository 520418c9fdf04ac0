"""Early help: below-threshold help for a child and family, led by a professional from any
agency, with a family plan (the team around the family, actions with owners and dates) and
reviews on a clock (`clocks.review_due`, a local setting).

An episode starts from a front-door decision of early help (`front_door_offers` lists those not
yet taken up), from any partner, or by stepping down from a closed case (the case's history is
carried into the episode). Stepping up raises a contact at the front door carrying the early
help history (DfE referral source 5D, early help). Every step is on the child's chronology,
through intake in the same transaction, and in the audit log. A partner reads and works only
the episodes they lead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.relationships import hidden_from
from joinedup.access.roles import Actor, Role
from joinedup.access.service import authorise, record, require
from joinedup.casework import chronicle, contacts, pathway
from joinedup.casework.chronicle import Authority
from joinedup.casework.clocks import london_day
from joinedup.casework.models import Contact
from joinedup.casework.names import child_names
from joinedup.casework.versions import check_version, flush_versioned
from joinedup.casework.views import Referrer
from joinedup.core.errors import (
    Conflict,
    FieldError,
    InvalidTransition,
    NotFound,
    ValidationFailed,
    text_errors,
)
from joinedup.people import merges
from joinedup.people.service import person_kind
from joinedup.practice import clocks
from joinedup.practice import early_help_rules as rules
from joinedup.practice.early_help_rules import (
    CLOSED,
    EARLY_HELP_SOURCE,
    FRONT_DOOR,
    OPEN,
    ORIGINS,
    PARTNER,
    STATUS_TITLES,
    STEP_DOWN,
    STEPPED_UP,
)
from joinedup.practice.models import (
    EarlyHelpAction,
    EarlyHelpEpisode,
    EarlyHelpMember,
    EarlyHelpReview,
)
from joinedup.practice.views import EpisodeView, Lead, Member, Offer, PlanAction

__all__ = [
    "CLOSED",
    "EARLY_HELP_SOURCE",
    "FRONT_DOOR",
    "OPEN",
    "ORIGINS",
    "PARTNER",
    "STATUS_TITLES",
    "STEPPED_UP",
    "STEP_DOWN",
    "EpisodeView",
    "agree_plan",
    "close_episode",
    "complete_action",
    "front_door_offers",
    "get_episode",
    "list_episodes",
    "record_review",
    "start_episode",
    "step_up",
]


def start_episode(
    *,
    session: Session,
    actor: Actor,
    authority: Authority,
    person_id: int,
    origin: str,
    lead: Lead,
    started_on: date,
    now: datetime,
    contact_id: int | None = None,
    case_id: int | None = None,
    review_weeks: int = clocks.DEFAULT_REVIEW_WEEKS,
) -> EpisodeView:
    """Open an episode with its lead professional; the first review falls due in the set weeks."""
    authorise(
        session=session, actor=actor, action=Action.EARLY_HELP_WRITE, resource_type="early_help"
    )
    errors = rules.lead_errors(lead)
    if origin not in ORIGINS:
        errors.append(FieldError("origin", "choose where the request came from", "required"))
    if started_on > london_day(now):
        errors.append(FieldError("started_on", "must not be in the future"))
    history: list[str] = []
    if origin == FRONT_DOOR:
        person_id = rules.offer_of(session, contact_id, errors, person_id)
    elif origin == STEP_DOWN:
        person_id, history = rules.stepped_down(session, case_id, errors, person_id)
    if person_kind(session, person_id) not in ("child", "unborn"):
        errors.append(FieldError("person_id", f"person {person_id} is not a child known here"))
    if errors:
        raise ValidationFailed("Early help cannot be started", errors)
    if _open_episode(session, person_id) is not None:
        raise Conflict(
            "the child has an open early help episode already",
            [FieldError("person_id", "the child has an open early help episode")],
        )
    episode = EarlyHelpEpisode(
        person_id=person_id,
        status=OPEN,
        origin=origin,
        contact_id=contact_id if origin == FRONT_DOOR else None,
        from_case_id=case_id if origin == STEP_DOWN else None,
        lead_name=lead.name.strip(),
        lead_agency=lead.agency,
        lead_organisation=lead.organisation.strip(),
        lead_user_id=lead.user_id if lead.user_id is not None else _partner_lead(actor),
        started_on=started_on,
        review_due_on=clocks.review_due(started_on, review_weeks),
        history=history,
        created_by=actor.label,
        created_at=now,
        updated_at=now,
        updated_by=actor.label,
    )
    session.add(episode)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=Action.EARLY_HELP_WRITE,
        resource_type="early_help",
        resource_ids=[episode.id],
        detail={"person": person_id, "origin": origin},
        now=now,
    )
    carried = f" The case's history is carried with it ({len(history)} entries)." if history else ""
    _chronicle(
        session,
        actor,
        authority,
        episode,
        "start",
        now,
        f"Early help started ({ORIGINS[origin].lower()}): lead professional "
        f"{episode.lead_name}, {episode.lead_organisation}. First review due "
        f"{episode.review_due_on:%-d %B %Y}.{carried}",
    )
    return rules.view_of(session, episode, now)


def agree_plan(
    *,
    session: Session,
    actor: Actor,
    authority: Authority,
    episode_id: int,
    outcomes: str,
    members: Sequence[Member],
    actions: Sequence[PlanAction],
    agreed_on: date,
    expected_version: int,
    now: datetime,
) -> EpisodeView:
    """The family plan: what should change, the team around the family and their actions
    (each with an owner and a date). Agreeing it again adds to the team and the actions."""
    episode = _editable(session, actor, episode_id, "plan", expected_version, now)
    errors = text_errors("outcomes", outcomes, required=True)
    for i, m in enumerate(members):
        errors += text_errors(f"members.{i}.name", m.name, required=True, limit=200)
        errors += text_errors(f"members.{i}.role", m.role, required=True, limit=200)
        errors += text_errors(f"members.{i}.organisation", m.organisation, required=True, limit=200)
        if m.agency not in contacts.AGENCIES:
            errors.append(FieldError(f"members.{i}.agency", "choose an agency", "required"))
    for i, a in enumerate(actions):
        errors += text_errors(f"actions.{i}.what", a.what, required=True)
        errors += text_errors(f"actions.{i}.owner", a.owner, required=True, limit=200)
        if a.agency not in contacts.AGENCIES:
            errors.append(FieldError(f"actions.{i}.agency", "choose an agency", "required"))
        if a.due_on < agreed_on:
            errors.append(FieldError(f"actions.{i}.due_on", "must not be before the plan"))
    if not actions:
        errors.append(FieldError("actions", "add at least one action with an owner and a date"))
    if agreed_on > london_day(now) or agreed_on < episode.started_on:
        errors.append(FieldError("agreed_on", "must be between the start and today"))
    if errors:
        raise ValidationFailed("The plan cannot be recorded", errors)
    episode.plan_outcomes, episode.plan_agreed_on = outcomes.strip(), agreed_on
    for m in members:
        session.add(
            EarlyHelpMember(
                episode_id=episode.id,
                name=m.name.strip(),
                role=m.role.strip(),
                agency=m.agency,
                organisation=m.organisation.strip(),
                added_at=now,
            )
        )
    for a in actions:
        session.add(
            EarlyHelpAction(
                episode_id=episode.id,
                what=a.what.strip(),
                owner=a.owner.strip(),
                agency=a.agency,
                due_on=a.due_on,
                added_at=now,
            )
        )
    episode.updated_at, episode.updated_by = now, actor.label
    flush_versioned(session)
    team = ", ".join(
        f"{m.name.strip()} ({m.role.strip()}, {m.organisation.strip()})" for m in members
    )
    listed = "; ".join(
        f"{a.what.strip()} — {a.owner.strip()} by {a.due_on:%-d %B %Y}" for a in actions
    )
    _chronicle(
        session,
        actor,
        authority,
        episode,
        f"plan:{episode.version}",
        now,
        f"Early help family plan agreed: {episode.plan_outcomes} Team around the family: "
        f"{team or 'the lead professional'}. Actions: {listed}.",
    )
    return rules.view_of(session, episode, now)


def complete_action(
    *,
    session: Session,
    actor: Actor,
    episode_id: int,
    action_id: int,
    done_on: date,
    expected_version: int,
    now: datetime,
) -> EpisodeView:
    episode = _editable(session, actor, episode_id, "action", expected_version, now)
    action = session.get(EarlyHelpAction, action_id)
    if action is None or action.episode_id != episode.id:
        raise NotFound(f"action {action_id} is not part of this plan")
    if action.done_on is not None:
        raise InvalidTransition("this action is done already")
    if done_on > london_day(now):
        raise ValidationFailed(
            "The date is in the future", [FieldError("done_on", "not after today")]
        )
    action.done_on = done_on
    episode.updated_at, episode.updated_by = now, actor.label
    flush_versioned(session)
    return rules.view_of(session, episode, now)


def record_review(
    *,
    session: Session,
    actor: Actor,
    authority: Authority,
    episode_id: int,
    held_on: date,
    summary: str,
    expected_version: int,
    now: datetime,
    review_weeks: int = clocks.DEFAULT_REVIEW_WEEKS,
) -> EpisodeView:
    """A review of the family plan; the next is due the set weeks after it."""
    episode = _editable(session, actor, episode_id, "review", expected_version, now)
    errors = text_errors("summary", summary, required=True)
    if held_on > london_day(now) or held_on < episode.started_on:
        errors.append(FieldError("held_on", "must be between the start and today"))
    if errors:
        raise ValidationFailed("The review cannot be recorded", errors)
    next_due = clocks.review_due(held_on, review_weeks)
    session.add(
        EarlyHelpReview(
            episode_id=episode.id,
            held_on=held_on,
            summary=summary.strip(),
            next_due_on=next_due,
            recorded_by=actor.label,
            created_at=now,
        )
    )
    episode.review_due_on = next_due
    episode.updated_at, episode.updated_by = now, actor.label
    flush_versioned(session)
    _chronicle(
        session,
        actor,
        authority,
        episode,
        f"review:{episode.version}",
        now,
        f"Early help review held {held_on:%-d %B %Y}: {summary.strip()} "
        f"Next review due {next_due:%-d %B %Y}.",
    )
    return rules.view_of(session, episode, now)


def step_up(
    *,
    session: Session,
    actor: Actor,
    authority: Authority,
    episode_id: int,
    reasons: str,
    contact_route: str,
    expected_version: int,
    now: datetime,
) -> EpisodeView:
    """Needs have risen above early help: a contact to the front door carrying its history."""
    episode = _editable(session, actor, episode_id, "step_up", expected_version, now)
    errors = text_errors("reasons", reasons, required=True)
    errors += text_errors("contact_route", contact_route, required=True, limit=200)
    if errors:
        raise ValidationFailed("Early help cannot be stepped up", errors)
    history = rules.history_of(session, episode)
    raised = contacts.raise_contact(
        session=session,
        actor=actor,
        authority=authority,
        person_id=episode.person_id,
        source_kind="partner",
        referral_source=EARLY_HELP_SOURCE,
        referrer=Referrer(
            episode.lead_name, episode.lead_organisation, episode.lead_agency, contact_route.strip()
        ),
        summary=(
            f"Step-up from early help (EH-{episode.id:06d}): {reasons.strip()}\n\n"
            f"The early help history:\n" + "\n".join(history)
        )[: contacts.TEXT_LIMIT],
        received_at=now,
        now=now,
    )
    _end(episode, STEPPED_UP, reasons.strip(), now, actor)
    episode.stepped_up_contact_id = raised.id
    flush_versioned(session)
    _chronicle(
        session,
        actor,
        authority,
        episode,
        "step_up",
        now,
        f"Early help stepped up to children's social care: contact C{raised.id} raised "
        f"with the early help history. {reasons.strip()}",
    )
    return rules.view_of(session, episode, now)


def close_episode(
    *,
    session: Session,
    actor: Actor,
    authority: Authority,
    episode_id: int,
    reason: str,
    expected_version: int,
    now: datetime,
) -> EpisodeView:
    episode = _editable(session, actor, episode_id, "close", expected_version, now)
    errors = text_errors("reason", reason, required=True)
    if errors:
        raise ValidationFailed("Early help cannot be closed", errors)
    _end(episode, CLOSED, reason.strip(), now, actor)
    flush_versioned(session)
    _chronicle(
        session, actor, authority, episode, "close", now, f"Early help closed: {reason.strip()}"
    )
    return rules.view_of(session, episode, now)


def get_episode(*, session: Session, actor: Actor, episode_id: int, now: datetime) -> EpisodeView:
    authorise(
        session=session, actor=actor, action=Action.EARLY_HELP_READ, resource_type="early_help"
    )
    episode = _episode(session, actor, episode_id)
    require(
        session=session,
        actor=actor,
        action=Action.EARLY_HELP_READ,
        resource_type="early_help",
        resource_ids=[episode_id],
        detail={"person": episode.person_id},
        now=now,
    )
    return rules.view_of(session, episode, now, full=True)


def list_episodes(
    *, session: Session, actor: Actor, now: datetime, status: str = OPEN
) -> list[EpisodeView]:
    """Episodes with `status`, the soonest review first; a partner sees those they lead."""
    query = select(EarlyHelpEpisode).where(EarlyHelpEpisode.status == status)
    if actor.role is Role.PARTNER_PRACTITIONER:
        query = query.where(EarlyHelpEpisode.lead_user_id == actor.user_id)
    rows = list(
        session.scalars(query.order_by(EarlyHelpEpisode.review_due_on, EarlyHelpEpisode.id))
    )
    hidden = hidden_from(session, actor, [e.person_id for e in rows])  # ADR 0012
    rows = [e for e in rows if e.person_id not in hidden]
    require(
        session=session,
        actor=actor,
        action=Action.EARLY_HELP_READ,
        resource_type="early_help",
        resource_ids=[e.id for e in rows],
        detail={"list": status},
        now=now,
    )
    names = child_names(session, {e.person_id for e in rows})
    return [rules.view_of(session, e, now, names=names) for e in rows]


def front_door_offers(*, session: Session, actor: Actor, now: datetime) -> list[Offer]:
    """Contacts the front door decided as early help that no episode has taken up yet."""
    taken = select(EarlyHelpEpisode.contact_id).where(EarlyHelpEpisode.contact_id.is_not(None))
    rows = list(
        session.scalars(
            select(Contact)
            .where(
                Contact.status == pathway.DECIDED,
                Contact.decision == pathway.EARLY_HELP,
                Contact.id.not_in(taken),
            )
            .order_by(Contact.signed_off_at, Contact.id)
        )
    )
    hidden = hidden_from(session, actor, [c.person_id for c in rows])  # ADR 0012
    rows = [c for c in rows if c.person_id not in hidden]
    require(
        session=session,
        actor=actor,
        action=Action.EARLY_HELP_WRITE,
        resource_type="contact",
        resource_ids=[c.id for c in rows],
        detail={"list": "early_help_offers"},
        now=now,
    )
    names = child_names(session, {c.person_id for c in rows})
    return [
        Offer(c.id, c.person_id, names.get(c.person_id, ""), c.signed_off_at, c.rationale)
        for c in rows
    ]


# -- internals ---------------------------------------------------------------------------------


def _partner_lead(actor: Actor) -> int | None:
    """A partner who starts an episode leads it (so they can see it)."""
    return actor.user_id if actor.role is Role.PARTNER_PRACTITIONER else None


def _end(episode: EarlyHelpEpisode, status: str, reason: str, now: datetime, actor: Actor) -> None:
    episode.status, episode.end_reason = status, reason
    episode.ended_on = london_day(now)
    episode.updated_at, episode.updated_by = now, actor.label


def _open_episode(session: Session, person_id: int) -> int | None:
    """The child's open episode: opened on the child or on a person since merged into them."""
    family = merges.family(session, [person_id])
    return session.scalar(
        select(EarlyHelpEpisode.id)
        .join(family, family.c.member == EarlyHelpEpisode.person_id)
        .where(EarlyHelpEpisode.status == OPEN)
        .order_by(EarlyHelpEpisode.id)
        .limit(1)
    )


def _episode(
    session: Session, actor: Actor, episode_id: int, *, lock: bool = False
) -> EarlyHelpEpisode:
    episode = session.get(
        EarlyHelpEpisode, episode_id, with_for_update=lock, populate_existing=lock
    )
    if episode is None or (
        actor.role is Role.PARTNER_PRACTITIONER and episode.lead_user_id != actor.user_id
    ):
        raise NotFound(f"early help episode {episode_id} does not exist")
    return episode


def _editable(
    session: Session,
    actor: Actor,
    episode_id: int,
    step: str,
    expected_version: int,
    now: datetime,
) -> EarlyHelpEpisode:
    authorise(
        session=session, actor=actor, action=Action.EARLY_HELP_WRITE, resource_type="early_help"
    )
    episode = _episode(session, actor, episode_id, lock=True)
    require(
        session=session,
        actor=actor,
        action=Action.EARLY_HELP_WRITE,
        resource_type="early_help",
        resource_ids=[episode_id],
        detail={"person": episode.person_id, "step": step},
        now=now,
    )
    check_version(episode, expected_version, {}, episode.updated_by, episode.updated_at)
    if episode.status != OPEN:
        raise InvalidTransition(
            f"this early help episode is {STATUS_TITLES[episode.status].lower()}: "
            "start a new one if help is needed again"
        )
    return episode


def _chronicle(
    session: Session,
    actor: Actor,
    authority: Authority,
    episode: EarlyHelpEpisode,
    what: str,
    now: datetime,
    summary: str,
) -> None:
    chronicle.write(
        session=session,
        actor=actor,
        authority=authority,
        person_id=episode.person_id,
        record_id=f"early-help:{episode.id}:{what}",
        kind="note",
        occurred_at=now,
        summary=summary,
        agency=episode.lead_agency,
        organisation=None
        if episode.lead_agency == "childrens_social_care"
        else episode.lead_organisation,
        author=chronicle.Author(actor.label, actor.role.value),
        now=now,
    )
