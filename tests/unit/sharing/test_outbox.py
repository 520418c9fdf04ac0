"""The outbox against a real SMTP server on loopback: nothing lost, duplicates carry their key,
a rolled-back transaction sends nothing."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor, Role
from joinedup.core.errors import NotPermitted
from joinedup.db.session import unit_of_work
from joinedup.sharing import outbox
from joinedup.sharing.models import Disclosure, Notification
from joinedup.sharing.outbox import EMAIL, INBOX, Delivery, Message, SmtpMailer
from joinedup.testing import FrozenClock
from tests.unit.sharing.smtp import SmtpServer

FEED = Actor(role=Role.PARTNER_SYSTEM, label="police.feed")
FROM = "no-reply@joinedup.test"


def message(key: str = "encompass:1:7") -> Message:
    return Message(
        key=key,
        kind="encompass",
        subject="Operation Encompass notification",
        body="Operation Encompass: an incident involving Testa Fixture on 27 November 2026.",
        person_ids=[7],
        recipient_label="Designated safeguarding lead, Test School",
        purpose="Operation Encompass",
    )


DELIVERIES = [Delivery(INBOX, "org:990001"), Delivery(EMAIL, "dsl@school.test")]


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def write(engine: Engine, clock: FrozenClock, key: str = "encompass:1:7") -> list[int]:
    with unit_of_work(engine) as session:
        return outbox.notify(
            session=session, actor=FEED, message=message(key), deliveries=DELIVERIES,
            now=clock.now(),
        )  # fmt: skip


def relay(engine: Engine, server: SmtpServer, clock: FrozenClock) -> outbox.RelayReport:
    return outbox.relay_once(
        engine=engine, mailer=SmtpMailer("127.0.0.1", server.port, timeout=2), clock=clock,
        mail_from=FROM, max_attempts=3,
    )  # fmt: skip


def rows(engine: Engine) -> list[Notification]:
    with unit_of_work(engine, write=False) as session:
        return list(session.scalars(select(Notification).order_by(Notification.id)))


def test_the_same_key_twice_is_one_notification(session: Session, clock: FrozenClock) -> None:
    first = outbox.notify(session=session, actor=FEED, message=message(),
                          deliveries=DELIVERIES, now=clock.now())  # fmt: skip
    again = outbox.notify(session=session, actor=FEED, message=message(),
                          deliveries=DELIVERIES, now=clock.now())  # fmt: skip
    assert len(first) == 2 and again == []
    inbox, mail = session.scalars(select(Notification).order_by(Notification.id)).all()
    assert (inbox.channel, inbox.status, inbox.sent_at) == (INBOX, "delivered", clock.now())
    assert (mail.channel, mail.status, mail.attempts) == (EMAIL, "pending", 0)
    assert "Testa" not in mail.body and "encompass:1:7" in mail.body  # a pointer, not the content
    (disclosure,) = session.scalars(select(Disclosure)).all()
    assert (disclosure.what, disclosure.person_ids, disclosure.lawful_basis) == (
        "notification_encompass", [7], "safeguarding")  # fmt: skip
    assert inbox.disclosure_id == mail.disclosure_id == disclosure.id
    (entry,) = session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.resource_ids) == ("notifications:send", [7])


def test_a_rolled_back_transaction_sends_nothing(
    clean_engine: Engine, smtp: SmtpServer, clock: FrozenClock
) -> None:
    with pytest.raises(RuntimeError), unit_of_work(clean_engine) as session:
        outbox.notify(session=session, actor=FEED, message=message(), deliveries=DELIVERIES,
                      now=clock.now())  # fmt: skip
        raise RuntimeError("the work failed after the notification was written")
    assert rows(clean_engine) == []
    assert relay(clean_engine, smtp, clock) == outbox.RelayReport()
    assert smtp.receiver.raw == []


def test_a_committed_notification_is_sent_once_with_its_key(
    clean_engine: Engine, smtp: SmtpServer, clock: FrozenClock
) -> None:
    write(clean_engine, clock)
    assert relay(clean_engine, smtp, clock).sent == 1
    assert relay(clean_engine, smtp, clock).sent == 0
    (mail,) = smtp.receiver.messages
    key = "encompass:1:7/email/dsl@school.test"
    assert mail["X-JoinedUp-Key"] == key
    assert mail["Message-ID"] == outbox.message_id(key, FROM)
    assert (mail["To"], mail["From"]) == ("dsl@school.test", FROM)
    sent = [r for r in rows(clean_engine) if r.channel == EMAIL]
    assert [(r.status, r.attempts, r.sent_at) for r in sent] == [("sent", 1, clock.now())]


def test_the_server_down_during_a_send_delivers_after_it_returns(
    clean_engine: Engine, smtp: SmtpServer, clock: FrozenClock
) -> None:
    write(clean_engine, clock)
    smtp.stop()
    assert relay(clean_engine, smtp, clock) == outbox.RelayReport(retrying=1)
    (mail,) = [r for r in rows(clean_engine) if r.channel == EMAIL]
    assert (mail.status, mail.attempts, mail.last_error) == ("pending", 1,
                                                             "ConnectionRefusedError")  # fmt: skip
    assert mail.next_attempt_at == clock.now() + outbox.backoff(1)
    smtp.start()
    assert relay(clean_engine, smtp, clock).sent == 0  # not due yet: back-off
    clock.advance(outbox.backoff(1))
    assert relay(clean_engine, smtp, clock).sent == 1
    clock.advance(timedelta(hours=2))
    assert relay(clean_engine, smtp, clock).sent == 0
    assert len(smtp.receiver.messages) == 1


def test_a_temporary_refusal_is_retried(
    clean_engine: Engine, smtp: SmtpServer, clock: FrozenClock
) -> None:
    write(clean_engine, clock)
    smtp.receiver.refuse = 1
    assert relay(clean_engine, smtp, clock).retrying == 1
    (mail,) = [r for r in rows(clean_engine) if r.channel == EMAIL]
    assert mail.last_error == "SMTPDataError:451"
    clock.advance(outbox.backoff(1))
    assert relay(clean_engine, smtp, clock).sent == 1
    assert len(smtp.receiver.messages) == 1


class KilledAfterSend:
    """Sends, then the process dies before the relay can mark the row sent."""

    def __init__(self, real: SmtpMailer) -> None:
        self.real = real

    def send(self, message: EmailMessage) -> None:
        self.real.send(message)
        raise SystemExit("killed")


def test_a_relay_killed_between_send_and_mark_sent_resends_once_with_the_same_key(
    clean_engine: Engine, smtp: SmtpServer, clock: FrozenClock
) -> None:
    write(clean_engine, clock)
    with pytest.raises(SystemExit):
        killed = KilledAfterSend(SmtpMailer("127.0.0.1", smtp.port, 2))
        outbox.relay_once(engine=clean_engine, mailer=killed, clock=clock, mail_from=FROM)
    assert relay(clean_engine, smtp, clock).sent == 0  # still leased to the dead relay
    clock.advance(outbox.LEASE)
    assert relay(clean_engine, smtp, clock).sent == 1
    clock.advance(timedelta(hours=2))
    assert relay(clean_engine, smtp, clock).sent == 0
    first, second = smtp.receiver.messages
    assert first["Message-ID"] == second["Message-ID"]
    assert first["X-JoinedUp-Key"] == second["X-JoinedUp-Key"]
    assert len(smtp.receiver.unique()) == 1  # the receiver drops the duplicate; nothing lost


def test_retries_are_bounded(clean_engine: Engine, smtp: SmtpServer, clock: FrozenClock) -> None:
    write(clean_engine, clock)
    smtp.stop()
    reports = []
    for attempt in range(1, 4):
        reports.append(relay(clean_engine, smtp, clock))
        clock.advance(outbox.backoff(attempt))
    assert [r.failed for r in reports] == [0, 0, 1]
    (mail,) = [r for r in rows(clean_engine) if r.channel == EMAIL]
    assert (mail.status, mail.attempts) == ("failed", 3)
    assert relay(clean_engine, smtp, clock) == outbox.RelayReport()


def test_backoff_doubles_up_to_an_hour() -> None:
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert outbox.backoff(20) == timedelta(hours=1)


def test_two_relays_do_not_claim_the_same_rows(clean_engine: Engine, clock: FrozenClock) -> None:
    """PostgreSQL skips rows another relay holds; SQLite's second writer waits its turn."""
    write(clean_engine, clock, "k:1")
    write(clean_engine, clock, "k:2")
    claimed: list[list[int]] = []
    with Session(bind=clean_engine) as holder, holder.begin():
        held = holder.scalars(
            select(Notification).where(Notification.channel == EMAIL)
            .order_by(Notification.id).limit(1).with_for_update()
        ).all()  # fmt: skip
        relay = threading.Thread(target=lambda: claimed.append(
            [c.id for c in outbox.claim_due(engine=clean_engine, now=clock.now())]))  # fmt: skip
        relay.start()
        relay.join(0.5 if clean_engine.dialect.name == "sqlite" else 10)
        if clean_engine.dialect.name == "postgresql":
            # SKIP LOCKED: the other row is claimed at once, the held one is not
            assert claimed and claimed[0] and held[0].id not in claimed[0]
        else:
            # SQLite: the second writer waits for the first's transaction to end
            assert relay.is_alive() and claimed == []
    relay.join(10)
    assert claimed and claimed[0]  # whichever engine, the relay claims what is due


def test_two_writers_of_one_key_make_one_notification(
    clean_engine: Engine, clock: FrozenClock
) -> None:
    """The second waits for the first's commit, then finds the key taken (both engines)."""
    second: list[list[int]] = []
    with unit_of_work(clean_engine) as session:
        first = outbox.notify(session=session, actor=FEED, message=message(),
                              deliveries=DELIVERIES, now=clock.now())  # fmt: skip
        writer = threading.Thread(target=lambda: second.append(write(clean_engine, clock)))
        writer.start()
        writer.join(0.3)  # it is waiting on the first transaction
        assert writer.is_alive()
    writer.join(10)
    assert len(first) == 2 and second == [[]]
    assert len(rows(clean_engine)) == 2


def test_the_state_counts_and_finds_what_is_overdue(session: Session, clock: FrozenClock) -> None:
    due = dataclasses.replace(message(), due_at=clock.now() + timedelta(hours=1))
    outbox.notify(session=session, actor=FEED, message=due, deliveries=DELIVERIES,
                  now=clock.now())  # fmt: skip
    assert outbox.state(session=session, now=clock.now()) == outbox.OutboxState(
        {"delivered": 1, "pending": 1}, 0)  # fmt: skip
    later = clock.now() + timedelta(hours=2)
    assert outbox.state(session=session, now=later).overdue == 1  # the e-mail, not the inbox


def test_long_keys_are_hashed_not_truncated_into_each_other() -> None:
    long = "x" * 190
    one = outbox.row_key(long + "a", Delivery(EMAIL, "dsl@school.test"))
    two = outbox.row_key(long + "b", Delivery(EMAIL, "dsl@school.test"))
    assert one != two and len(one) == len(two) == outbox.KEY_LIMIT
    assert outbox.row_key("k:1", Delivery(INBOX, "org:1")) == "k:1/inbox/org:1"


def test_a_role_that_may_not_notify_writes_nothing(session: Session, clock: FrozenClock) -> None:
    leader = Actor(role=Role.SENIOR_LEADER, label="head.one", user_id=3)
    with pytest.raises(NotPermitted):
        outbox.notify(session=session, actor=leader, message=message(), deliveries=DELIVERIES,
                      now=clock.now())  # fmt: skip
    assert session.scalars(select(Notification)).all() == []
