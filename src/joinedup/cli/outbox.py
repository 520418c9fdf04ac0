"""`joinedup outbox relay [--once]`: deliver the outbox's due e-mail after commit."""

from __future__ import annotations

import time

import typer

from joinedup.cli import common
from joinedup.config import Settings
from joinedup.core.clock import SystemClock
from joinedup.db.session import unit_of_work
from joinedup.flows import notify
from joinedup.sharing.notify_channel import NotifyMailer
from joinedup.sharing.outbox import KEY_HEADER, Mailer, RelayReport, SmtpMailer, relay_once, state

app = typer.Typer(help="The notification outbox.", no_args_is_help=True)


@app.command("relay")
def relay(
    once: bool = typer.Option(False, "--once", help="Send what is due now, then stop."),
    interval: float = typer.Option(5.0, min=0.1, help="Seconds between passes."),
) -> None:
    """Send due e-mail by SMTP (JOINEDUP_SMTP_HOST, _PORT, JOINEDUP_MAIL_FROM) or GOV.UK Notify
    (JOINEDUP_MAIL_CHANNEL=notify), retrying with back-off; runs until stopped unless --once."""
    settings = common.settings()
    engine = common.engine(settings)
    mailer = mailer_for(settings)
    total = RelayReport()
    try:
        while True:
            report = relay_once(
                engine=engine,
                mailer=mailer,
                clock=SystemClock(),
                mail_from=settings.mail_from,
                max_attempts=settings.outbox_max_attempts,
            )
            total = RelayReport(total.sent + report.sent, report.retrying,
                                total.failed + report.failed)  # fmt: skip
            if once:
                break
            time.sleep(interval)
    except KeyboardInterrupt:
        pass
    finally:
        engine.dispose()
    common.console.print(
        f"Sent {total.sent}; {total.retrying} waiting to retry; {total.failed} given up."
    )


def mailer_for(settings: Settings) -> Mailer:
    """The configured channel: SMTP, or GOV.UK Notify (JOINEDUP_MAIL_CHANNEL=notify)."""
    if settings.mail_channel == "notify":
        assert settings.notify_api_key and settings.notify_template_id  # noqa: S101 - validated
        return NotifyMailer(
            api_key=settings.notify_api_key.get_secret_value(),
            template_id=settings.notify_template_id, key_header=KEY_HEADER,
            base_url=settings.notify_base_url, timeout=settings.smtp_timeout_seconds,
        )  # fmt: skip
    return SmtpMailer(
        settings.smtp_host,
        settings.smtp_port,
        settings.smtp_timeout_seconds,
        starttls=settings.smtp_starttls,
        ca_file=None if settings.smtp_ca_file is None else str(settings.smtp_ca_file),
        username=settings.smtp_username,
        password=None
        if settings.smtp_password is None
        else settings.smtp_password.get_secret_value(),
    )


@app.command("status")
def status() -> None:
    """How many notifications are in each state, and how many are past their due time undelivered
    (exit 1 when any are)."""
    settings = common.settings()
    engine = common.engine(settings)
    try:
        with unit_of_work(engine, write=False) as session:
            found = state(session=session, now=SystemClock().now())
    finally:
        engine.dispose()
    for name in ("pending", "sent", "delivered", "failed"):
        common.console.print(f"{name}: {found.by_status.get(name, 0)}")
    common.console.print(f"overdue: {found.overdue}")
    if found.overdue:
        raise typer.Exit(1)


@app.command("sweep")
def sweep() -> None:
    """Escalate the information requests whose replies are overdue (the partner is reminded and
    the front door told, once per request) and the Operation Encompass e-mails still undelivered
    when their school day began (the front door told, to phone the school); run it on a
    schedule beside the relay."""
    settings = common.settings()
    engine = common.engine(settings)
    try:
        with unit_of_work(engine) as session:
            escalated = notify.escalate_overdue_requests(
                session=session, actor=common.cli_actor(), now=SystemClock().now()
            )
            undelivered = notify.escalate_undelivered_encompass(
                session=session, actor=common.cli_actor(), now=SystemClock().now()
            )
    finally:
        engine.dispose()
    common.console.print(f"Escalated {escalated} overdue information requests.")
    common.console.print(
        f"Escalated {undelivered} Operation Encompass e-mails undelivered by the school day."
    )
