"""The notification outbox: written in the caller's transaction, delivered after commit.

`notify` writes one row per channel (an in-app inbox row is delivered by being written; an
e-mail row waits for the relay) and one sharing-register entry for the disclosure, all in the
caller's unit of work: a rolled-back transaction leaves nothing to send. Each row's dedup key
is unique, so the same key twice is one notification.

`relay_once` claims due e-mail rows in a short transaction (`FOR UPDATE SKIP LOCKED` on
PostgreSQL; SQLite's writers queue on `BEGIN IMMEDIATE`), counting the attempt and moving each
row's next attempt out by a lease (longer than a batch of sends can take), so that no other
relay takes it meanwhile; sends each, and marks it sent (or failed, due again after its
back-off) in its own short transaction straight after. A relay killed between a send and its
mark leaves that row claimed, and a later relay sends it once more when the lease runs out: a
duplicate carrying the same `Message-ID` and `X-JoinedUp-Key`, which the receiver drops, never
a loss.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy import Engine, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import authorise
from joinedup.core.clock import Clock
from joinedup.db.session import unit_of_work
from joinedup.sharing.models import Notification
from joinedup.sharing.service import record_disclosure

log = logging.getLogger(__name__)

INBOX, EMAIL = "inbox", "email"
PENDING, DELIVERED, SENT, FAILED = "pending", "delivered", "sent", "failed"
KEY_HEADER = "X-JoinedUp-Key"
KEY_LIMIT = 200
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
# A claimed row is another relay's after this: more than `limit` sends at the SMTP timeout.
LEASE = timedelta(minutes=15)


@dataclass(frozen=True)
class Delivery:
    """Where one notification goes: a channel and, for it, the recipient."""

    channel: str  # INBOX | EMAIL
    recipient: str  # inbox: "user:<id>", "org:<code>", "team:<name>"; e-mail: the address


@dataclass(frozen=True)
class Message:
    key: str  # what makes it one notification (e.g. "encompass:<event>:<person>")
    kind: str
    subject: str
    body: str  # the inbox text: the least the recipient needs
    person_ids: Sequence[int]
    recipient_label: str  # for the register: organisation, team or account
    purpose: str
    due_at: datetime | None = None
    # What an e-mail says when its recipient has no inbox (an outside referrer); otherwise the
    # e-mail only points to the inbox: the mail leaves the system, the inbox does not.
    email_body: str | None = None


EMAIL_BODY = (
    "You have a new notification in Joined Up ({subject}). Sign in to read it.\nReference: {key}\n"
)


def notify(
    *,
    session: Session,
    actor: Actor,
    message: Message,
    deliveries: Sequence[Delivery],
    now: datetime,
) -> list[int]:
    """Write the message's outbox rows and its register entry; the ids of the new rows.

    Rows whose key exists already are skipped; when every row exists, nothing is written (the
    disclosure was recorded the first time). E-mail carries a pointer to the inbox, not the
    content: the mail leaves the system, the inbox does not.
    """
    authorise(session=session, actor=actor, action=Action.NOTIFICATIONS_SEND,
              resource_type="notification")  # fmt: skip
    new_ids = [
        row_id for d in deliveries if (row_id := _insert(session, message, d, now)) is not None
    ]
    if not new_ids:
        return []
    disclosure = record_disclosure(
        session=session,
        actor=actor,
        action=Action.NOTIFICATIONS_SEND,
        person_ids=message.person_ids,
        what=f"notification_{message.kind}",
        entry_count=1,
        details={"notifications": new_ids, "channels": sorted({d.channel for d in deliveries})},
        sha256=None,
        recipient=message.recipient_label,
        purpose=message.purpose,
        lawful_basis="safeguarding",
        now=now,
    )
    session.execute(
        update(Notification).where(Notification.id.in_(new_ids)).values(disclosure_id=disclosure)
    )
    return new_ids


def row_key(key: str, d: Delivery) -> str:
    """One row's dedup key: the message's key, channel and recipient (hashed past 200 chars,
    so that two long keys never collide by truncation)."""
    full = f"{key}/{d.channel}/{d.recipient}"
    if len(full) <= KEY_LIMIT:
        return full
    return f"{full[: KEY_LIMIT - 65]}#{hashlib.sha256(full.encode()).hexdigest()}"


def _insert(session: Session, message: Message, d: Delivery, now: datetime) -> int | None:
    """Insert one row unless its key exists (a concurrent insert of the key waits, then skips)."""
    if d.channel == INBOX:
        body = message.body
    else:
        body = message.email_body or EMAIL_BODY.format(subject=message.subject, key=message.key)
    values = {
        "dedup_key": row_key(message.key, d),
        "kind": message.kind,
        "channel": d.channel,
        "recipient": d.recipient,
        "subject": message.subject,
        "body": body,
        "person_ids": list(message.person_ids),
        "status": DELIVERED if d.channel == INBOX else PENDING,
        "attempts": 0,
        "created_at": now,
        "due_at": message.due_at,
        "next_attempt_at": now,
        "sent_at": now if d.channel == INBOX else None,
    }
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(Notification)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(Notification.id)
    )
    found: int | None = session.scalar(statement)
    return found


# -- the relay -----------------------------------------------------------------------------------


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Hand the message to the mail server; raise OSError or SMTPException on failure."""
        ...


@dataclass(frozen=True)
class SmtpMailer:
    host: str
    port: int
    timeout: float = 10.0
    starttls: bool = False
    ca_file: str | None = None  # None: the system's certificate authorities
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context(cafile=self.ca_file))
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


@dataclass(frozen=True)
class Claimed:
    id: int
    key: str
    recipient: str
    subject: str
    body: str
    attempts: int


@dataclass(frozen=True)
class RelayReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th try: 30 s, 1, 2, 4 ... minutes, at most an hour."""
    wait: timedelta = BACKOFF_BASE * 2 ** max(attempts - 1, 0)
    return min(wait, BACKOFF_CAP)


def message_id(key: str, mail_from: str) -> str:
    """A Message-ID derived from the key alone, so every resend carries the same one."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"<{digest}@{mail_from.rpartition('@')[2]}>"


def email_of(row: Claimed, mail_from: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = mail_from
    mail["To"] = row.recipient
    mail["Subject"] = row.subject
    mail["Message-ID"] = message_id(row.key, mail_from)
    mail[KEY_HEADER] = row.key
    mail.set_content(row.body)
    return mail


def claim_due(
    *, engine: Engine, now: datetime, limit: int = 50, lease: timedelta = LEASE
) -> list[Claimed]:
    """Take the due e-mail rows: each attempt counted and its next attempt moved out (a lease)."""
    with unit_of_work(engine) as session:
        rows = session.scalars(
            select(Notification)
            .where(Notification.status == PENDING, Notification.channel == EMAIL,
                   Notification.next_attempt_at <= now)
            .order_by(Notification.next_attempt_at, Notification.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()  # fmt: skip
        for row in rows:
            row.attempts += 1
            row.next_attempt_at = now + lease
        return [Claimed(r.id, r.dedup_key, r.recipient, r.subject, r.body, r.attempts)
                for r in rows]  # fmt: skip


def mark_sent(*, engine: Engine, ids: Sequence[int], now: datetime) -> None:
    if not ids:
        return
    with unit_of_work(engine) as session:
        session.execute(
            update(Notification)
            .where(Notification.id.in_(list(ids)), Notification.status == PENDING)
            .values(status=SENT, sent_at=now, last_error=None)
        )


def mark_failed(
    *, engine: Engine, row: Claimed, code: str, now: datetime, max_attempts: int
) -> bool:
    """Record the failure's code; due again after the back-off, or `failed` when out of
    attempts (True)."""
    final = row.attempts >= max_attempts
    with unit_of_work(engine) as session:
        session.execute(
            update(Notification)
            .where(Notification.id == row.id, Notification.status == PENDING)
            .values(last_error=code, status=FAILED if final else PENDING,
                    next_attempt_at=now + backoff(row.attempts))
        )  # fmt: skip
    return final


def relay_once(
    *,
    engine: Engine,
    mailer: Mailer,
    clock: Clock,
    mail_from: str,
    max_attempts: int = 8,
    limit: int = 50,
    lease: timedelta = LEASE,
) -> RelayReport:
    """Send what is due now; failures wait for their back-off, up to `max_attempts` tries."""
    claimed = claim_due(engine=engine, now=clock.now(), limit=limit, lease=lease)
    sent = retrying = failed = 0
    for row in claimed:
        try:
            mailer.send(email_of(row, mail_from))
        except (OSError, smtplib.SMTPException) as error:
            final = mark_failed(engine=engine, row=row, code=_code(error), now=clock.now(),
                                max_attempts=max_attempts)  # fmt: skip
            failed, retrying = failed + final, retrying + (not final)
            continue
        mark_sent(engine=engine, ids=[row.id], now=clock.now())
        sent += 1
    if claimed:
        log.info("outbox relay: %d sent, %d retrying, %d failed", sent, retrying, failed)
    return RelayReport(sent=sent, retrying=retrying, failed=failed)


@dataclass(frozen=True)
class OutboxState:
    """Counts only (no personal data): what an operator watches."""

    by_status: dict[str, int]
    overdue: int  # not delivered, and past its statutory `due_at`


def state(*, session: Session, now: datetime) -> OutboxState:
    counts = session.execute(
        select(Notification.status, func.count()).group_by(Notification.status)
    )
    overdue = session.scalar(
        select(func.count()).where(Notification.status.in_((PENDING, FAILED)),
                                   Notification.due_at < now)
    )  # fmt: skip
    return OutboxState({status: n for status, n in counts}, overdue or 0)


def _code(error: Exception) -> str:
    """An error as a code (its class and SMTP or HTTP status), never the server's text."""
    status = getattr(error, "smtp_code", None) or getattr(error, "status", None)
    return f"{type(error).__name__}:{status}" if status else type(error).__name__
