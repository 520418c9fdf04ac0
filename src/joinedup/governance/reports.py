"""The audit reports for information governance, and the unusual-volume alert.

- Who looked at this child: every audit entry naming the child's person (or anyone merged into
  them), their records, mentions, contacts, cases, steps, prompts and information requests.
- What did this user look at: one account's entries over a period, and the children they name.
- The alert: an account that viewed more distinct children in a day than the larger of
  `audit_alert_children` (default 50) and `audit_alert_factor` (default 3) times its own median
  over the days it was active in the previous 30, is reported to information governance's
  inbox, once per account and day (the dedup key `audit-alert:DAY:ACCOUNT`).
Days are the UK's (midnight to midnight in London, 23 or 25 hours when the clocks change), as
the people who read the reports count them: a night shift's 00:30 in summer is the next day.
Reading the log is itself audited (access.reports); the alert's entry names no child.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.models import AuditEntry, User
from joinedup.access.policy import Action
from joinedup.access.reports import AuditRow, entries_about, entries_by
from joinedup.access.roles import Actor, Role
from joinedup.access.service import require
from joinedup.casework.models import Case
from joinedup.core.dates import UK
from joinedup.governance import subjects
from joinedup.governance.models import AuditAlert
from joinedup.people.models import Person
from joinedup.sharing.outbox import INBOX, Delivery, Message, notify

VIEWS = (":read", ":read_sensitive", ":read_restricted", ":lookup", ":export")
_MACHINES = (Role.SYSTEM.value, Role.PARTNER_SYSTEM.value)


@dataclass(frozen=True)
class UserActivity:
    account: str
    entries: list[AuditRow]
    children: list[int]  # distinct children named, by person id


def who_looked(*, session: Session, actor: Actor, person_id: int, now: datetime) -> list[AuditRow]:
    refs = subjects.resolve(session, person_id)
    return entries_about(session=session, actor=actor, refs=refs.audit_refs(),
                         subject=person_id, now=now)  # fmt: skip


def user_activity(
    *, session: Session, actor: Actor, account: str, since: date, until: date, now: datetime
) -> UserActivity:
    """Entries from the start of `since` to the end of `until` (UK days)."""
    start, end = _midnight(since), _midnight(until + timedelta(days=1))
    rows = entries_by(session=session, actor=actor, actor_label=account, since=start, until=end,
                      now=now)  # fmt: skip
    children = _children(session, rows)
    return UserActivity(account, rows, sorted(set().union(*children.values())) if children else [])


def _children(session: Session, rows: list[AuditRow]) -> dict[int, set[int]]:
    """Entry id -> the children it names (persons directly, cases through their child)."""
    persons = {int(i) for r in rows if r.resource_type == "person" for i in r.resource_ids}
    cases = {int(i) for r in rows if r.resource_type == "case" for i in r.resource_ids}
    kids = set(session.scalars(select(Person.id).where(
        Person.id.in_(persons), Person.kind.in_(("child", "unborn")))))  # fmt: skip
    case_child: dict[int, int] = {
        row.id: row.person_id
        for row in session.execute(select(Case.id, Case.person_id).where(Case.id.in_(cases)))
    }
    found: dict[int, set[int]] = {}
    for r in rows:
        ids = {int(i) for i in r.resource_ids}
        if r.resource_type == "person":
            named = ids & kids
        elif r.resource_type == "case":
            named = {case_child[i] for i in ids if i in case_child}
        else:
            continue
        if named:
            found[r.id] = named
    return found


@dataclass(frozen=True)
class Thresholds:
    children: int = 50
    factor: float = 3.0


def raise_alerts(
    *, session: Session, actor: Actor, day: date, thresholds: Thresholds, now: datetime
) -> list[AuditAlert]:
    """Alerts for `day`, each once: a second run for the same day raises nothing new."""
    require(session=session, actor=actor, action=Action.AUDIT_READ, resource_type="audit_log",
            detail={"report": "volume_alerts", "day": day.isoformat()}, now=now)  # fmt: skip
    today = _daily_children(session, day, day)
    alerts = []
    for account, children in sorted(today.items()):
        if children[day] <= thresholds.children:
            continue
        history = _daily_children(session, day - timedelta(days=30), day - timedelta(days=1),
                                  account)  # fmt: skip
        days = list(history.get(account, {}).values())
        norm = int(statistics.median(days)) if days else 0
        limit = max(thresholds.children, int(thresholds.factor * norm))
        if children[day] > limit:
            alert = _raise(session, actor, day, account, children[day], limit, norm, now)
            if alert is not None:
                alerts.append(alert)
    return alerts


def _daily_children(
    session: Session, first: date, last: date, account: str | None = None
) -> dict[str, dict[date, int]]:
    """Account -> day -> distinct children viewed by people (not systems), UK days."""
    query = (
        select(AuditEntry.id, AuditEntry.occurred_at, AuditEntry.actor_label,
               AuditEntry.resource_type, AuditEntry.resource_ids, AuditEntry.action)
        .where(AuditEntry.occurred_at >= _midnight(first))
        .where(AuditEntry.occurred_at < _midnight(last + timedelta(days=1)))
        .where(AuditEntry.outcome == "permitted", AuditEntry.actor_role.not_in(_MACHINES))
        .where(AuditEntry.resource_type.in_(("person", "case")))
    )  # fmt: skip
    if account is not None:
        query = query.where(AuditEntry.actor_label == account)
    rows = [
        AuditRow(r.id, r.occurred_at, r.actor_label, "", r.action, "permitted", r.resource_type,
                 list(r.resource_ids or []), None)
        for r in session.execute(query).all() if r.action.endswith(VIEWS)
    ]  # fmt: skip
    named = _children(session, rows)
    seen: dict[str, dict[date, set[int]]] = defaultdict(lambda: defaultdict(set))
    for r in rows:
        if r.id in named:
            seen[r.actor_label][r.occurred_at.astimezone(UK).date()] |= named[r.id]
    return {a: {d: len(c) for d, c in days.items()} for a, days in seen.items()}


def _midnight(day: date) -> datetime:
    """The instant a UK day begins, in UTC."""
    return datetime.combine(day, time(), tzinfo=UK).astimezone(UTC)


def _raise(
    session: Session, actor: Actor, day: date, account: str, children: int, limit: int,
    norm: int, now: datetime,
) -> AuditAlert | None:  # fmt: skip
    key = f"audit-alert:{day.isoformat()}:{account}"
    if session.scalar(select(AuditAlert.id).where(AuditAlert.dedup_key == key)) is not None:
        return None
    user_id = session.scalar(select(User.id).where(User.username == account))
    alert = AuditAlert(dedup_key=key, day=day, actor_label=account, actor_user_id=user_id,
                       children=children, threshold=limit, norm=norm, raised_at=now)  # fmt: skip
    session.add(alert)
    session.flush()
    readers = session.scalars(select(User.id).where(
        User.role == Role.INFORMATION_GOVERNANCE.value, User.active.is_(True)))  # fmt: skip
    deliveries = [Delivery(INBOX, f"user:{i}") for i in readers]
    if deliveries:
        notify(session=session, actor=actor, deliveries=deliveries, now=now, message=Message(
            key=key, kind="audit_alert", person_ids=[],
            subject=f"Unusual access: {account} viewed {children} children on {day.isoformat()}",
            body=(f"The account {account} viewed {children} distinct children on "
                  f"{day.isoformat()}, above the alert threshold of {limit} (its own median "
                  f"day in the previous 30: {norm}). Review it in the audit reports."),
            recipient_label="Information governance", purpose="Unusual access to records",
        ))  # fmt: skip
    return alert
