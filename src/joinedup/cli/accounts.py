"""`joinedup accounts ...`: an administrator keeps the accounts people sign in with.

A new or reset password is printed once, for the administrator to pass on; the person sets up
two-factor sign-in on their next sign-in. Every change is audited as the operator at this
machine (`cli:<user>`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import NoReturn

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access import account_admin
from joinedup.access.roles import Actor, Role
from joinedup.cli import common
from joinedup.core.clock import SystemClock
from joinedup.core.errors import Conflict, NotFound, ValidationFailed
from joinedup.db.session import unit_of_work
from joinedup.intake.models import Organisation

app = typer.Typer(help="The accounts people sign in with.", no_args_is_help=True)
ROLES = ", ".join(r.value for r in Role)
OPTIONS = {"username": "USERNAME", "display_name": "--name", "role": "--role", "email": "--email"}


@app.command("create")
def create(
    username: str = typer.Argument(..., help="The sign-in name, e.g. j.bloggs@council.gov.uk."),
    name: str = typer.Option(..., "--name", help="The person's name as pages show it."),
    role: str = typer.Option(..., "--role", help=f"One of: {ROLES}."),
    email: str | None = typer.Option(None, "--email", help="Where notifications are e-mailed."),
    organisation: str | None = typer.Option(
        None, "--organisation", help="A partner's organisation code (school URN, ODS code)."
    ),
) -> None:
    """Create an account and print its first password (once)."""
    settings = common.settings()
    now = SystemClock().now()
    try:
        with unit_of_work(common.engine(settings)) as session:
            organisation_id = None
            if organisation:
                ids = list(session.scalars(select(Organisation.id)
                                           .where(Organisation.code == organisation)))  # fmt: skip
                if len(ids) != 1:
                    _fail(f"--organisation: {len(ids)} organisations have the code "
                          f"{organisation!r} (need exactly one)")  # fmt: skip
                organisation_id = ids[0]
            user, password = account_admin.create_account(
                session=session, actor=common.cli_actor(), username=username, display_name=name,
                role=role, email=email, organisation_id=organisation_id, now=now,
            )  # fmt: skip
            made = user.username
    except (ValidationFailed, Conflict) as exc:
        _refused(exc)
    common.console.print(f"Created {made} ({role}). First password, shown once:", markup=False)
    common.console.print(password, markup=False)


@app.command("list")
def list_() -> None:
    """Every account: name, role, e-mail, whether it is enabled."""
    settings = common.settings()
    with unit_of_work(common.engine(settings)) as session:
        rows = account_admin.list_accounts(session=session, actor=common.cli_actor(),
                                           now=SystemClock().now())  # fmt: skip
    table = Table(title="Accounts")
    for column in ("username", "role", "e-mail", "enabled"):
        table.add_column(column)
    for r in rows:
        table.add_row(r.username, r.role, r.email or "", "yes" if r.active else "no")
    common.console.print(table)


@app.command("set-email")
def set_email(
    username: str = typer.Argument(...),
    email: str | None = typer.Argument(None, help="The address; leave out to remove it."),
) -> None:
    """Set (or remove) where the account's notifications are e-mailed."""
    _run(lambda s, a, n: account_admin.set_email(session=s, actor=a, username=username,
                                                 email=email, now=n))  # fmt: skip
    common.console.print(f"{username}: e-mail {'set' if email else 'removed'}.", markup=False)


@app.command("disable")
def disable(username: str = typer.Argument(...)) -> None:
    """Disable an account: its sessions end and its API tokens are revoked at once."""
    _run(lambda s, a, n: account_admin.set_active(session=s, actor=a, username=username,
                                                  active=False, now=n))  # fmt: skip
    common.console.print(f"{username}: disabled; sessions ended, tokens revoked.", markup=False)


@app.command("enable")
def enable(username: str = typer.Argument(...)) -> None:
    """Enable a disabled account again."""
    _run(lambda s, a, n: account_admin.set_active(session=s, actor=a, username=username,
                                                  active=True, now=n))  # fmt: skip
    common.console.print(f"{username}: enabled.", markup=False)


@app.command("reset-password")
def reset_password(username: str = typer.Argument(...)) -> None:
    """Give the account a new random password (printed once); its sessions end."""
    found: list[str] = []
    _run(lambda s, a, n: found.append(account_admin.reset_password(
        session=s, actor=a, username=username, now=n)))  # fmt: skip
    common.console.print(f"{username}: new password, shown once:", markup=False)
    common.console.print(found[0], markup=False)


@app.command("reset-two-factor")
def reset_two_factor(username: str = typer.Argument(...)) -> None:
    """A lost authenticator: remove the account's app and recovery codes and end its sessions;
    the person sets up a new app at their next sign-in."""
    _run(lambda s, a, n: account_admin.reset_second_factor(session=s, actor=a, username=username,
                                                           now=n))  # fmt: skip
    common.console.print(f"{username}: two-factor reset; set up again at next sign-in.",
                         markup=False)  # fmt: skip


def _run(change: Callable[[Session, Actor, datetime], object]) -> None:
    settings = common.settings()
    try:
        with unit_of_work(common.engine(settings)) as session:
            change(session, common.cli_actor(), SystemClock().now())
    except (ValidationFailed, NotFound) as exc:
        _refused(exc)


def _refused(exc: ValidationFailed | Conflict | NotFound) -> NoReturn:
    details = getattr(exc, "errors", [])
    if details:
        for e in details:
            common.errors.print(f"error: {OPTIONS.get(e.field, e.field)}: {e.message}",
                                markup=False)  # fmt: skip
    else:
        common.errors.print(f"error: {exc.message}", markup=False)
    raise typer.Exit(2)


def _fail(message: str) -> NoReturn:
    common.errors.print(f"error: {message}", markup=False)
    raise typer.Exit(2)
