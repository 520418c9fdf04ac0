"""The in-app inbox: the notifications addressed to the reader (their account or organisation).

Reading it is audited (the ids read), and marking one read is the reader's own act.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from joinedup.access.models import User
from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import require
from joinedup.core.errors import NotFound
from joinedup.intake.models import Organisation
from joinedup.sharing.models import Notification
from joinedup.sharing.outbox import EMAIL, INBOX, Delivery


@dataclass(frozen=True)
class InboxItem:
    id: int
    kind: str
    subject: str
    body: str
    created_at: datetime
    due_at: datetime | None
    read_at: datetime | None


def organisation_code(session: Session, actor: Actor) -> str | None:
    """The code (school URN, ODS code) of the actor's organisation, if they have one."""
    if actor.organisation_id is None:
        return None
    return session.scalar(select(Organisation.code).where(Organisation.id == actor.organisation_id))


def to_staff(session: Session, user_id: int) -> list[Delivery]:
    """A member of staff's deliveries: their inbox, and their e-mail when the account has one."""
    email = session.scalar(select(User.email).where(User.id == user_id, User.active.is_(True)))
    inbox = Delivery(INBOX, f"user:{user_id}")
    return [inbox, Delivery(EMAIL, email)] if email else [inbox]


def addresses_of(session: Session, actor: Actor) -> list[str]:
    """The inbox recipients the actor reads as: their account, and their organisation's code."""
    found = [] if actor.user_id is None else [f"user:{actor.user_id}"]
    code = organisation_code(session, actor)
    return [*found, f"org:{code}"] if code else found


def list_inbox(
    *, session: Session, actor: Actor, now: datetime, limit: int = 50
) -> list[InboxItem]:
    """The reader's notifications, newest first."""
    rows = list(
        session.scalars(
            select(Notification)
            .where(Notification.channel == INBOX,
                   Notification.recipient.in_(addresses_of(session, actor)))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )  # fmt: skip
    require(
        session=session,
        actor=actor,
        action=Action.INBOX_READ,
        resource_type="notification",
        resource_ids=[r.id for r in rows],
        detail={"persons": sorted({p for r in rows for p in r.person_ids or []})},
        now=now,
    )
    return [
        InboxItem(r.id, r.kind, r.subject, r.body, r.created_at, r.due_at, r.read_at) for r in rows
    ]


def mark_read(*, session: Session, actor: Actor, notification_id: int, now: datetime) -> None:
    """Mark one of the reader's own notifications read (another's is not found)."""
    require(
        session=session,
        actor=actor,
        action=Action.INBOX_READ,
        resource_type="notification",
        resource_ids=[notification_id],
        detail={"read": True},
        now=now,
    )
    done = session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.channel == INBOX,
               Notification.recipient.in_(addresses_of(session, actor)))
        .values(read_at=now)
    )  # fmt: skip
    if not done.rowcount:  # type: ignore[attr-defined]
        raise NotFound(f"notification {notification_id} is not in this inbox")
