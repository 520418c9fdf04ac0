"""Serious incidents: notification, rapid review, local practice review and learning.

A serious incident: a child died or was seriously harmed, and abuse or neglect is known or
suspected (Working Together 2023, ch. 5). The local authority notifies the national Child
Safeguarding Practice Review Panel within 5 working days of becoming aware; the safeguarding
partners complete a rapid review within 15 working days of the notification and decide whether
to commission a local child safeguarding practice review, published within 6 months by default.
The clocks are `quality.clocks`; every read and write is audited (`incidents:manage`). A
restricted child's incidents (ADR 0012) are in no list of, and "not found" for, anyone the
restriction does not name.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.relationships import hidden_from
from joinedup.access.roles import Actor
from joinedup.access.service import authorise, record, require
from joinedup.casework.models import Contact
from joinedup.chronology import service as chronology
from joinedup.chronology.views import Entry, Filters
from joinedup.core.errors import FieldError, InvalidTransition, NotFound, ValidationFailed
from joinedup.people.models import Person
from joinedup.quality import clocks
from joinedup.quality.common import check_version, text, today, visible
from joinedup.quality.models import SeriousIncident
from joinedup.quality.replay import Replayed, replay_child
from joinedup.rules.engine import Rule

KINDS = {"death": "The child died", "serious_harm": "The child was seriously harmed"}
DECISIONS = {
    "commission": "Commission a local child safeguarding practice review",
    "not_required": "No local review: the rapid review's learning is enough",
}
DEFAULT_REVIEW_YEARS = 2  # the rapid review's default period before the incident
REF_LIMIT = 40


@dataclass(frozen=True)
class Clock:
    title: str
    due_on: date | None  # None: not started (its start is not recorded yet)
    done_on: date | None
    late: bool


@dataclass(frozen=True)
class IncidentView:
    incident: SeriousIncident
    clocks: list[Clock]


@dataclass(frozen=True)
class Involvement:
    """One agency's part in the child's life over the review period."""

    agency: str
    records: int
    contacts: int  # concerns it raised with the front door
    first: date | None
    last: date | None
    types: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class RapidReview:
    incident: SeriousIncident
    involvement: list[Involvement]
    significant: list[Entry]  # marked significant, or high severity
    entries: list[Entry]
    withheld: int  # sealed records this reader may not see


def clocks_of(incident: SeriousIncident, on: date, publication_months: int) -> list[Clock]:
    """The three clocks, each late when done after, or still open past, its due date."""
    notify = clocks.notification_due(incident.aware_on)
    review_start = incident.notified_on or incident.aware_on
    review = clocks.rapid_review_due(review_start)
    found = [
        Clock("Notify the national panel", notify, incident.notified_on,
              clocks.is_late(notify, incident.notified_on, on)),
        Clock("Complete the rapid review", review, incident.rapid_review_on,
              clocks.is_late(review, incident.rapid_review_on, on)),
    ]  # fmt: skip
    if incident.lcspr_decision == "commission" and incident.lcspr_decided_on is not None:
        publish = clocks.publication_due(incident.lcspr_decided_on, publication_months)
        found.append(Clock("Publish the local practice review", publish,
                           incident.lcspr_published_on,
                           clocks.is_late(publish, incident.lcspr_published_on, on)))  # fmt: skip
    return found


# -- writing ---------------------------------------------------------------------------------


def notify(*, session: Session, actor: Actor, person_id: int, kind: str, incident_on: date | None,
           aware_on: date | None, summary: str, now: datetime) -> SeriousIncident:  # fmt: skip
    """Record a serious incident; the notification clock starts from `aware_on`."""
    authorise(session=session, actor=actor, action=Action.INCIDENTS_MANAGE,
              resource_type="incident")  # fmt: skip
    errors: list[FieldError] = []
    on = today(now)
    person = session.get(Person, person_id)
    if (
        person is None
        or person.merged_into_id is not None
        or person.kind == "adult"
        or hidden_from(session, actor, [person_id])
    ):  # restricted: as if no such child
        errors.append(FieldError("person_id", "Enter the Joined Up number of a child"))
    if kind not in KINDS:
        errors.append(FieldError("kind", "Choose what happened", "required"))
    _day(incident_on, "incident_on", "the date of the incident", on, errors)
    _day(aware_on, "aware_on", "the date the authority became aware", on, errors)
    if incident_on and aware_on and aware_on < incident_on:
        errors.append(FieldError("aware_on", "The authority cannot have become aware before "
                                             "the incident"))  # fmt: skip
    what = text(summary, "summary", "what happened", errors)
    if errors or incident_on is None or aware_on is None or what is None:
        raise ValidationFailed("The serious incident could not be recorded", errors)
    row = SeriousIncident(person_id=person_id, kind=kind, incident_on=incident_on,
                          aware_on=aware_on, summary=what,
                          review_from=_years_before(incident_on, DEFAULT_REVIEW_YEARS),
                          review_to=incident_on, created_by=actor.label, created_at=now,
                          updated_at=now, version=1)  # fmt: skip
    session.add(row)
    session.flush()
    record(session=session, actor=actor, action=Action.INCIDENTS_MANAGE,
           resource_type="person", resource_ids=[person_id],
           detail={"action": "notify", "incident": row.id}, now=now)  # fmt: skip
    return row


def record_notification(*, session: Session, actor: Actor, incident_id: int,
                        notified_on: date | None, reference: str, expected_version: int,
                        now: datetime) -> SeriousIncident:  # fmt: skip
    """The day the national panel was notified, and its reference."""
    row = _open(session, actor, incident_id, "record_notification", now)
    if row.notified_on is not None:
        raise InvalidTransition("The notification to the national panel is already recorded")
    check_version(row, expected_version, "serious incident")
    errors: list[FieldError] = []
    _day(notified_on, "notified_on", "the date the panel was notified", today(now), errors)
    if notified_on and notified_on < row.aware_on:
        errors.append(FieldError("notified_on", "The panel cannot have been notified before "
                                                "the authority became aware"))  # fmt: skip
    ref = text(reference, "reference", "the panel's reference", errors, required=False,
               limit=REF_LIMIT)  # fmt: skip
    if errors:
        raise ValidationFailed("The notification could not be recorded", errors)
    row.notified_on, row.notification_ref, row.updated_at = notified_on, ref, now
    session.flush()
    return row


def save_rapid_review(*, session: Session, actor: Actor, incident_id: int,
                      review_from: date | None, review_to: date | None, analysis: str,
                      complete: bool, expected_version: int,
                      now: datetime) -> SeriousIncident:  # fmt: skip
    """The review's period and the reviewers' analysis; `complete` records it done today."""
    row = _open(session, actor, incident_id, "rapid_review", now)
    if row.rapid_review_on is not None:
        raise InvalidTransition("The rapid review is complete: it cannot change")
    check_version(row, expected_version, "serious incident")
    errors: list[FieldError] = []
    if review_from is None:
        errors.append(FieldError("review_from", "Enter the start of the review period",
                                 "required"))  # fmt: skip
    if review_to is None:
        errors.append(FieldError("review_to", "Enter the end of the review period", "required"))
    if review_from and review_to and review_to < review_from:
        errors.append(FieldError("review_to", "The end of the period must not be before its "
                                              "start"))  # fmt: skip
    found = text(analysis, "analysis", "the reviewers' analysis", errors, required=complete,
                 limit=20_000)  # fmt: skip
    if complete and row.notified_on is None:
        errors.append(FieldError("complete", "Record the notification to the national panel "
                                             "before completing the rapid review"))  # fmt: skip
    if errors or review_from is None or review_to is None:
        raise ValidationFailed("The rapid review could not be saved", errors)
    row.review_from, row.review_to, row.analysis = review_from, review_to, found
    if complete:
        row.rapid_review_on = today(now)
    row.updated_at = now
    session.flush()
    return row


def decide_review(*, session: Session, actor: Actor, incident_id: int, decision: str,
                  expected_version: int, now: datetime) -> SeriousIncident:  # fmt: skip
    """After the rapid review: commission a local practice review, or not."""
    row = _open(session, actor, incident_id, "decide_review", now)
    if row.rapid_review_on is None:
        raise InvalidTransition("Complete the rapid review before deciding on a local review")
    if row.lcspr_decision is not None:
        raise InvalidTransition("The decision on a local review is already recorded")
    check_version(row, expected_version, "serious incident")
    if decision not in DECISIONS:
        problem = FieldError("decision", "Choose a decision", "required")
        raise ValidationFailed("The decision could not be recorded", [problem])
    row.lcspr_decision, row.lcspr_decided_on, row.updated_at = decision, today(now), now
    session.flush()
    return row


def record_publication(*, session: Session, actor: Actor, incident_id: int,
                       published_on: date | None, expected_version: int,
                       now: datetime) -> SeriousIncident:  # fmt: skip
    row = _open(session, actor, incident_id, "publish", now)
    if row.lcspr_decision != "commission" or row.lcspr_decided_on is None:
        raise InvalidTransition("No local practice review was commissioned")
    if row.lcspr_published_on is not None:
        raise InvalidTransition("The local review's publication is already recorded")
    check_version(row, expected_version, "serious incident")
    errors: list[FieldError] = []
    _day(published_on, "published_on", "the date it was published", today(now), errors)
    if published_on and published_on < row.lcspr_decided_on:
        errors.append(FieldError("published_on", "It cannot be published before it was "
                                                 "commissioned"))  # fmt: skip
    if errors:
        raise ValidationFailed("The publication could not be recorded", errors)
    row.lcspr_published_on, row.updated_at = published_on, now
    session.flush()
    return row


# -- reading ---------------------------------------------------------------------------------


def list_incidents(*, session: Session, actor: Actor, now: datetime,
                   publication_months: int) -> list[IncidentView]:  # fmt: skip
    require(session=session, actor=actor, action=Action.INCIDENTS_MANAGE,
            resource_type="incident", detail={"view": "list"}, now=now)  # fmt: skip
    rows = session.scalars(select(SeriousIncident).order_by(SeriousIncident.id.desc())).all()
    rows = visible(session, actor, rows, lambda r: r.person_id)
    on = today(now)
    return [IncidentView(r, clocks_of(r, on, publication_months)) for r in rows]


def get(*, session: Session, actor: Actor, incident_id: int, now: datetime,
        publication_months: int) -> IncidentView:  # fmt: skip
    row = _open(session, actor, incident_id, None, now)
    return IncidentView(row, clocks_of(row, today(now), publication_months))


def rapid_review(*, session: Session, actor: Actor, incident_id: int,
                 now: datetime) -> RapidReview:  # fmt: skip
    """The rapid-review document: the joined-up chronology over the review period (read through
    the chronology service, with its own access checks and audit entry), each agency's
    involvement, and the significant events."""
    row = _open(session, actor, incident_id, "rapid_review_document", now)
    found = chronology.get_chronology(
        session=session, actor=actor, person_id=row.person_id,
        filters=Filters(since=row.review_from, until=row.review_to), now=now, per_page=None,
    )  # fmt: skip
    contacts = session.execute(
        select(Contact.referrer_agency, Contact.received_at).where(
            Contact.person_id.in_(found.persons or [row.person_id])
        )
    ).all()
    return RapidReview(
        incident=row,
        involvement=involvement(found.entries, contacts, row.review_from, row.review_to),
        significant=[e for e in found.entries if e.mark is not None or e.severity == "high"],
        entries=found.entries,
        withheld=found.restricted_withheld,
    )


def involvement(entries: Sequence[Entry], contacts: Sequence[Any], since: date,
                until: date) -> list[Involvement]:  # fmt: skip
    """Records and front-door contacts per agency within the period, busiest first."""
    days: dict[str, list[date]] = defaultdict(list)
    types: dict[str, Counter[str]] = defaultdict(Counter)
    for e in entries:
        days[e.agency].append(e.occurred_at.date())
        types[e.agency][e.type] += 1
    raised: Counter[str] = Counter()
    for agency, received_at in contacts:
        if since <= received_at.date() <= until:
            raised[agency] += 1
    agencies = set(days) | set(raised)
    found = [
        Involvement(a, len(days[a]), raised[a], min(days[a], default=None),
                    max(days[a], default=None), types[a].most_common())
        for a in agencies
    ]  # fmt: skip
    return sorted(found, key=lambda i: (-(i.records + i.contacts), i.agency))


def replay(*, session: Session, actor: Actor, incident_id: int, rules: Sequence[Rule[Any]],
           now: datetime) -> tuple[SeriousIncident, list[Replayed]]:  # fmt: skip
    """The child's records through today's rules: which prompts, on which days."""
    row = _open(session, actor, incident_id, "replay", now)
    return row, replay_child(session, row.person_id, rules, row.incident_on)


def _open(session: Session, actor: Actor, incident_id: int, doing: str | None,
          now: datetime) -> SeriousIncident:  # fmt: skip
    row = session.get(SeriousIncident, incident_id)
    if row is None:
        raise NotFound(f"serious incident {incident_id} does not exist")
    detail = {"incident": incident_id, **({"action": doing} if doing else {})}
    require(session=session, actor=actor, action=Action.INCIDENTS_MANAGE,
            resource_type="person", resource_ids=[row.person_id], detail=detail,
            now=now, child=[row.person_id])  # fmt: skip
    return row


def _day(value: date | None, name: str, label: str, on: date, errors: list[FieldError]) -> None:
    if value is None:
        errors.append(FieldError(name, f"Enter {label}", "required"))
    elif value > on:
        errors.append(FieldError(name, f"{label[0].upper()}{label[1:]} must be today or earlier"))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
