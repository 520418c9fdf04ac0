"""Printing the demo sign-ins, and a fresh API token for the demo partner system."""

from __future__ import annotations

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from joinedup.access import accounts
from joinedup.access.demo_accounts import DEMO_PASSWORD, DemoModeOff, ensure_demo_accounts
from joinedup.access.roles import Actor
from joinedup.cli import common
from joinedup.core.clock import SystemClock
from joinedup.db.session import unit_of_work

_TOKEN_LABEL = "demo"  # noqa: S105 - a label, not a secret


def print_demo_accounts() -> None:
    current = common.settings()
    now = SystemClock().now()
    actor = common.cli_actor()
    try:
        with unit_of_work(common.engine(current)) as session:
            made = ensure_demo_accounts(
                session=session, actor=actor, now=now, demo=current.demo_accounts
            )
            token = _fresh_feed_token(session, actor, [a.username for a in made if not a.signs_in])
    except DemoModeOff as exc:
        common.errors.print(f"error: {exc}", markup=False)
        raise typer.Exit(2) from None
    table = Table(title="Demo sign-ins (synthetic data only)")
    for column in ("username", "role", "who"):
        table.add_column(column)
    for account in made:
        if account.signs_in:
            table.add_row(account.username, account.role_title, account.description)
    common.console.print(table)
    common.console.print(f"Password for every demo sign-in: [bold]{DEMO_PASSWORD}[/bold]")
    common.console.print(
        "Demo sign-ins need no two-factor code (demo mode only); every other account sets up "
        "an authenticator app on its first sign-in."
    )
    if token:
        common.console.print(
            f"API token for the demo police feed (POST /api/v1/records): {token}",
            markup=False,
            soft_wrap=True,
        )


def _fresh_feed_token(session: Session, actor: Actor, usernames: list[str]) -> str | None:
    """Revoke the demo feed's earlier token and issue one to print (only its hash is kept)."""
    for username in usernames:
        user = accounts.get_user(session=session, username=username)
        if user is None:
            continue
        now = SystemClock().now()
        accounts.revoke_api_tokens(
            session=session, actor=actor, user=user, label=_TOKEN_LABEL, now=now
        )
        return accounts.issue_api_token(
            session=session, actor=actor, user=user, label=_TOKEN_LABEL, now=now
        )
    return None
