"""A relay process killed (SIGKILL) after the mail server has the message and before the relay
could mark it sent: the next relay sends it again with the same key, and nothing is lost."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, select

from joinedup.db.session import make_engine, unit_of_work
from joinedup.sharing import outbox
from joinedup.sharing.models import Notification
from joinedup.sharing.outbox import SmtpMailer
from joinedup.testing import FrozenClock
from tests.unit.sharing.smtp import Receiver, SmtpServer
from tests.unit.sharing.test_outbox import FROM, write

T0 = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)


class Stalling(Receiver):
    """Keeps the message, says so, then holds back its 250 until the relay is dead."""

    def __init__(self, received: Any, release: Any) -> None:
        super().__init__()
        self.received, self.release = received, release

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = await super().handle_DATA(server, session, envelope)
        if len(self.raw) == 1:
            self.received.set()
            self.release.wait(5)
        return reply


def _relay(database_url: str, port: int) -> None:  # pragma: no cover - runs in the child
    engine = make_engine(database_url)
    outbox.relay_once(engine=engine, mailer=SmtpMailer("127.0.0.1", port, timeout=10),
                      clock=FrozenClock(T0), mail_from=FROM)  # fmt: skip


@pytest.fixture
def stalling() -> Iterator[tuple[SmtpServer, Any, Any]]:
    context = multiprocessing.get_context("spawn")
    received, release = context.Event(), context.Event()
    server = SmtpServer()
    server.receiver = Stalling(received, release)
    server.start()
    yield server, received, release
    release.set()
    server.stop()


def test_a_killed_relay_costs_at_most_a_duplicate_the_key_suppresses(
    clean_engine: Engine, database_url: str, stalling: tuple[SmtpServer, Any, Any]
) -> None:
    server, received, release = stalling
    clock = FrozenClock(T0)
    write(clean_engine, clock)
    clean_engine.dispose()  # the child (a fresh interpreter) opens its own connections
    child = multiprocessing.get_context("spawn").Process(
        target=_relay, args=(database_url, server.port)
    )
    child.start()
    assert received.wait(10), "the relay never reached the mail server"
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    child.join(5)
    release.set()
    with unit_of_work(clean_engine, write=False) as session:
        (mail,) = session.scalars(select(Notification).where(Notification.channel == "email"))
        assert (mail.status, mail.attempts) == ("pending", 1)  # claimed, never marked
    clock.advance(outbox.LEASE)
    report = outbox.relay_once(engine=clean_engine, mailer=SmtpMailer("127.0.0.1", server.port, 5),
                               clock=clock, mail_from=FROM)  # fmt: skip
    assert report.sent == 1
    first, second = server.receiver.messages
    assert first["X-JoinedUp-Key"] == second["X-JoinedUp-Key"]
    assert first["Message-ID"] == second["Message-ID"]
    assert len(server.receiver.unique()) == 1
