"""`joinedup outbox relay --once` as a real process, against a real SMTP server on loopback."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine, select

from joinedup.db.session import unit_of_work
from joinedup.sharing import outbox
from joinedup.sharing.models import Notification
from joinedup.testing import FrozenClock
from tests.unit.sharing.notify_server import API_KEY, TEMPLATE_ID, NotifyServer
from tests.unit.sharing.smtp import SmtpServer
from tests.unit.sharing.test_outbox import DELIVERIES, FEED, message, write

JOINEDUP = str(Path(sys.executable).with_name("joinedup"))


def relay(url: str, port: int) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "JOINEDUP_DATABASE_URL": url,
        "JOINEDUP_SMTP_PORT": str(port),
        "JOINEDUP_SMTP_HOST": "127.0.0.1",
        "JOINEDUP_MAIL_FROM": "relay@joinedup.test",
    }
    return subprocess.run([JOINEDUP, "outbox", "relay", "--once"], env=env, capture_output=True,
                          text=True, timeout=60, check=False)  # fmt: skip


def test_the_relay_sends_what_is_due_once_then_nothing(
    clean_engine: Engine, database_url: str
) -> None:
    clock = FrozenClock()  # long past: the rows are due now
    write(clean_engine, clock)
    server = SmtpServer()
    server.start()
    try:
        first = relay(database_url, server.port)
        assert first.returncode == 0, first.stderr
        assert "Sent 1; 0 waiting to retry; 0 given up." in first.stdout
        again = relay(database_url, server.port)
        assert "Sent 0;" in again.stdout
    finally:
        server.stop()
    (mail,) = server.receiver.messages
    assert mail["From"] == "relay@joinedup.test" and mail["X-JoinedUp-Key"]
    with unit_of_work(clean_engine, write=False) as session:
        statuses = session.scalars(select(Notification.status).order_by(Notification.id)).all()
    assert statuses == ["delivered", "sent"]


def test_the_relay_with_the_server_down_leaves_the_message_waiting(
    clean_engine: Engine, database_url: str
) -> None:
    write(clean_engine, FrozenClock())
    down = SmtpServer()  # never started: its port refuses
    result = relay(database_url, down.port)
    assert result.returncode == 0, result.stderr
    assert "Sent 0; 1 waiting to retry; 0 given up." in result.stdout, result.stdout + result.stderr
    with unit_of_work(clean_engine, write=False) as session:
        mail = session.scalars(select(Notification).where(Notification.channel == "email")).one()
    assert (mail.status, mail.attempts, mail.last_error) == ("pending", 1,
                                                             "ConnectionRefusedError")  # fmt: skip


def test_status_counts_and_fails_when_something_is_overdue(
    clean_engine: Engine, database_url: str
) -> None:
    env = {**os.environ, "JOINEDUP_DATABASE_URL": database_url}
    command = [JOINEDUP, "outbox", "status"]
    quiet = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60,
                           check=False)  # fmt: skip
    assert quiet.returncode == 0 and "overdue: 0" in quiet.stdout, quiet.stderr
    clock = FrozenClock()
    with unit_of_work(clean_engine) as session:
        outbox.notify(session=session, actor=FEED, deliveries=DELIVERIES, now=clock.now(),
                      message=dataclasses.replace(message(), due_at=clock.now()))  # fmt: skip
    late = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60,
                          check=False)  # fmt: skip
    assert late.returncode == 1 and "pending: 1" in late.stdout and "overdue: 1" in late.stdout


def test_the_relay_sends_through_gov_uk_notify_when_configured(
    clean_engine: Engine, database_url: str
) -> None:
    write(clean_engine, FrozenClock())
    notify = NotifyServer()
    notify.start()
    env = {**os.environ, "JOINEDUP_DATABASE_URL": database_url, "JOINEDUP_MAIL_CHANNEL": "notify",
           "JOINEDUP_NOTIFY_API_KEY": API_KEY, "JOINEDUP_NOTIFY_TEMPLATE_ID": TEMPLATE_ID,
           "JOINEDUP_NOTIFY_BASE_URL": notify.url}  # fmt: skip
    try:
        sent = subprocess.run([JOINEDUP, "outbox", "relay", "--once"], env=env,
                              capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    finally:
        notify.stop()
    assert sent.returncode == 0 and "Sent 1;" in sent.stdout, sent.stdout + sent.stderr
    assert [n["email_address"] for n in notify.accepted] == ["dsl@school.test"]
    incomplete = {k: v for k, v in env.items() if k != "JOINEDUP_NOTIFY_TEMPLATE_ID"}
    refused = subprocess.run([JOINEDUP, "outbox", "relay", "--once"], env=incomplete,
                             capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "needs JOINEDUP_NOTIFY_API_KEY and JOINEDUP_NOTIFY_TEMPLATE_ID" in " ".join(
        refused.stderr.split()
    )
