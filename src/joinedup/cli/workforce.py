"""`joinedup workforce seed-demo`: teams and posts for the demo accounts."""

from __future__ import annotations

import typer

from joinedup.casework.clocks import london_day
from joinedup.cli import common
from joinedup.core.clock import SystemClock
from joinedup.db.session import unit_of_work
from joinedup.workforce.seed import seed_demo_workforce

app = typer.Typer(help="Teams, posts and caseloads.", no_args_is_help=True)


@app.command("seed-demo")
def seed_demo() -> None:
    """Create the demo teams and posts (some agency, some vacant, a spread of FTE); idempotent."""
    settings = common.settings()
    now = SystemClock().now()
    with unit_of_work(common.engine(settings)) as session:
        done = seed_demo_workforce(session=session, actor=common.cli_actor(),
                                   today=london_day(now), now=now)  # fmt: skip
    common.console.print(f"Teams {done.teams}, posts {done.posts} "
                    f"({done.vacancies} vacant, {done.agency} agency).")  # fmt: skip
