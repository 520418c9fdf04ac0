"""Break-glass, end to end: the grant (access) and the alerts it owes (sharing's inbox).

Access may not import sharing (sharing imports access), so this flow does both, in the
caller's unit of work: a grant whose alerts cannot be written is not granted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from joinedup.access import break_glass
from joinedup.access.roles import Actor
from joinedup.sharing.outbox import INBOX, Delivery, Message, notify


def open_record(
    *,
    session: Session,
    actor: Actor,
    person_id: int,
    reason: str,
    now: datetime,
    minutes: int = break_glass.MINUTES,
) -> break_glass.Grant:
    """Grant the read, then tell information governance and the allocated worker."""
    grant = break_glass.open_record(session=session, actor=actor, person_id=person_id,
                                    reason=reason, now=now, minutes=minutes)  # fmt: skip
    if grant.alert_user_ids:
        message = Message(
            key=f"break_glass:{grant.id}",
            kind="break_glass",
            subject="Break-glass access to a child's record",
            body=(
                f"{actor.label} opened the record of child {person_id} without a relationship "
                f"(break-glass, until {grant.expires_at:%H:%M} UTC). Their reason: {reason.strip()}"
            ),
            person_ids=[person_id],
            recipient_label="information governance and the allocated worker",
            purpose="Break-glass: review of access without a relationship",
        )
        deliveries = [Delivery(INBOX, f"user:{uid}") for uid in grant.alert_user_ids]
        notify(session=session, actor=actor, message=message, deliveries=deliveries, now=now)
    return grant
