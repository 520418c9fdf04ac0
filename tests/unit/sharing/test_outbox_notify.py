"""The outbox through GOV.UK Notify (the optional channel), against a Notify API on loopback that
checks every request's token: nothing lost while Notify is down, a message already accepted is
never sent twice (the key is Notify's reference), a refusal keeps its status code."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from joinedup.db.session import unit_of_work
from joinedup.sharing import outbox
from joinedup.sharing.models import Notification
from joinedup.sharing.notify_channel import NotifyMailer, reference_of
from joinedup.sharing.outbox import EMAIL, KEY_HEADER, email_of
from joinedup.testing import FrozenClock
from tests.unit.sharing.notify_server import API_KEY, SECRET, SERVICE_ID, TEMPLATE_ID, NotifyServer
from tests.unit.sharing.test_outbox import FROM, write


@pytest.fixture
def notify() -> Iterator[NotifyServer]:
    server = NotifyServer()
    yield server
    server.stop()


def mailer(server: NotifyServer, api_key: str = API_KEY) -> NotifyMailer:
    return NotifyMailer(api_key=api_key, template_id=TEMPLATE_ID, key_header=KEY_HEADER,
                        base_url=server.url, timeout=2)  # fmt: skip


def relay(
    engine: Engine, server: NotifyServer, clock: FrozenClock, **kw: str
) -> outbox.RelayReport:
    return outbox.relay_once(engine=engine, mailer=mailer(server, **kw), clock=clock,
                             mail_from=FROM, max_attempts=3)  # fmt: skip


def mail_row(engine: Engine) -> Notification:
    with unit_of_work(engine, write=False) as session:
        (row,) = session.scalars(select(Notification).where(Notification.channel == EMAIL))
        return row


def test_notify_down_then_back_delivers_once_with_the_key_as_reference(
    clean_engine: Engine, clock: FrozenClock, notify: NotifyServer
) -> None:
    write(clean_engine, clock)
    down = relay(clean_engine, notify, clock)  # nothing listens on the port yet
    assert (down.sent, down.retrying) == (0, 1)
    row = mail_row(clean_engine)
    assert (row.status, row.last_error) == ("pending", "NotifyUnavailable:503")
    notify.start()
    clock.advance(timedelta(minutes=1))
    assert relay(clean_engine, notify, clock).sent == 1
    clock.advance(timedelta(hours=2))
    assert relay(clean_engine, notify, clock).sent == 0
    (sent,) = notify.accepted
    assert sent["reference"] == reference_of(mail_row(clean_engine).dedup_key)
    assert sent["email_address"] == "dsl@school.test" and "@" not in sent["reference"]
    assert sent["personalisation"]["subject"] == "Operation Encompass notification"
    assert "Sign in to read it" in sent["personalisation"]["body"]  # no child named in e-mail
    assert mail_row(clean_engine).status == "sent"


def test_a_message_accepted_before_the_relay_died_is_not_sent_again(
    clean_engine: Engine, clock: FrozenClock, notify: NotifyServer
) -> None:
    notify.start()
    write(clean_engine, clock)
    (claimed,) = outbox.claim_due(engine=clean_engine, now=clock.now())
    mailer(notify).send(email_of(claimed, FROM))  # Notify accepted it; the relay dies here
    assert mail_row(clean_engine).status == "pending"  # never marked sent
    clock.advance(outbox.LEASE + timedelta(seconds=1))
    assert relay(clean_engine, notify, clock).sent == 1  # marked sent, not sent again
    assert [n["reference"] for n in notify.accepted] == [reference_of(claimed.key)]
    assert mail_row(clean_engine).status == "sent"


def test_a_failing_notify_is_retried_and_a_refusal_keeps_its_status_code(
    clean_engine: Engine, clock: FrozenClock, notify: NotifyServer
) -> None:
    notify.start()
    notify.fail_next = 1
    write(clean_engine, clock, key="encompass:2:7")
    assert relay(clean_engine, notify, clock).retrying == 1
    assert mail_row(clean_engine).last_error == "NotifyUnavailable:500"
    wrong = f"joinedup_test-{SERVICE_ID}-{SECRET[::-1]}"  # a key Notify does not know
    for _ in range(2):
        clock.advance(timedelta(hours=2))
        relay(clean_engine, notify, clock, api_key=wrong)
    row = mail_row(clean_engine)
    assert (row.status, row.last_error, row.attempts) == ("failed", "NotifyRefused:403", 3)
    assert notify.accepted == []
