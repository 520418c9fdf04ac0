"""From a police record to the school DSL's mailbox: intake, identity, the notify flow in the
same unit of work, then the relay after commit — with the mail server down for the first try."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, select

from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.sharing import inbox, outbox
from joinedup.sharing.models import Disclosure
from joinedup.sharing.outbox import SmtpMailer
from joinedup.testing import FrozenClock
from tests.unit.sharing.smtp import SmtpServer
from tests.unit.sharing.test_notify_flow import at_school, incident, submit
from tests.unit.sharing.test_outbox import FEED, FROM
from tests.unit.sharing.test_partner_lookup import partner


def test_a_friday_night_incident_reaches_the_school_by_mail_and_inbox_once(
    clean_engine: Engine, settings: Settings
) -> None:
    clock = FrozenClock(datetime(2026, 11, 28, 1, 0, tzinfo=UTC))
    with unit_of_work(clean_engine) as session:
        submit(session, FEED, clock, settings, at_school("2026-09-10"))
    with unit_of_work(clean_engine) as session:
        written = submit(session, FEED, clock, settings, incident(record_id="p:e2e"))
    assert len(written) == 2
    server = SmtpServer()  # down at first
    mailer = SmtpMailer("127.0.0.1", server.port, timeout=2)

    def relay() -> outbox.RelayReport:
        return outbox.relay_once(engine=clean_engine, mailer=mailer, clock=clock, mail_from=FROM)

    assert relay().retrying == 1
    server.start()
    try:
        clock.advance(outbox.backoff(1))
        assert relay().sent == 1
        clock.advance(outbox.LEASE)
        assert relay().sent == 0
    finally:
        server.stop()
    (mail,) = server.receiver.messages
    assert mail["To"] == "dsl@kestrelford-primary.invalid"
    assert "Testa" not in mail.get_payload()  # the e-mail points to the inbox
    with unit_of_work(clean_engine) as session:
        (item,) = inbox.list_inbox(session=session, actor=partner(session, "990001"),
                                   now=clock.now())  # fmt: skip
        assert "Testa Fixture" in item.body and "before 08:30 on Monday 30 November" in item.body
        kinds = session.scalars(select(Disclosure.what)).all()
    assert kinds == ["notification_encompass"]
