"""`joinedup practice escalations [--as-of DATE]`: move overdue escalations on a stage."""

from __future__ import annotations

from datetime import date

import typer

from joinedup.casework.chronicle import Authority
from joinedup.casework.clocks import london_day
from joinedup.cli import common
from joinedup.core.clock import SystemClock
from joinedup.db.session import unit_of_work
from joinedup.practice import escalations
from joinedup.practice.clocks import STAGE_TITLES, EscalationClock

app = typer.Typer(help="Early help and professional challenge.", no_args_is_help=True)


@app.command("escalations")
def sweep(
    as_of: str = typer.Option("", "--as-of", help="The day to sweep as at (YYYY-MM-DD); today."),
) -> None:
    """Every open escalation whose stage is past its due date moves to the next stage (as many
    as its clocks have run out), each move on the child's chronology; run it daily."""
    settings = common.settings()
    now = SystemClock().now()
    try:
        day = date.fromisoformat(as_of) if as_of else london_day(now)
    except ValueError:
        raise typer.BadParameter("give the day as YYYY-MM-DD", param_hint="--as-of") from None
    with unit_of_work(common.engine(settings)) as session:
        moved = escalations.sweep_overdue(
            session=session,
            actor=common.cli_actor(),
            authority=Authority(settings.authority_name, settings.authority_code),
            as_of=day,
            now=now,
            clock=EscalationClock(tuple(settings.escalation_working_days)),
        )
    for escalation_id, stage in moved:
        common.console.print(f"ES-{escalation_id:06d} → {STAGE_TITLES[stage]}")
    common.console.print(f"{len(moved)} stage move(s) as at {day:%-d %B %Y}.")
