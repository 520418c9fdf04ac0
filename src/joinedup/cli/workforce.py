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


@app.command("demand")
def demand_ahead() -> None:
    """Print the 12-month forecast of contacts, referrals and open cases, and its back-test."""
    # Imported here: statsmodels, scipy and pandas would otherwise load on every `joinedup` start.
    from joinedup.workforce.demand import demand

    settings = common.settings()
    now = SystemClock().now()
    with unit_of_work(common.engine(settings)) as session:
        found = demand(session=session, actor=common.cli_actor(), today=london_day(now), now=now)
    for s in found:
        common.console.print(f"{s.name}: {len(s.values)} months of history")
        if s.ahead:
            f = s.ahead
            common.console.print(f"  {f.months[-1]:%B %Y}: {f.mean[-1]:,.0f} "
                                 f"(band {f.lower[-1]:,.0f} to {f.upper[-1]:,.0f})")  # fmt: skip
        tested = s.backtest
        if tested and tested.mape is not None:
            common.console.print(f"  back-test on the last 12 months: {tested.mape:.0%} mean "
                                 f"absolute percentage error, {tested.inside} of 12 months "
                                 f"inside the band")  # fmt: skip
