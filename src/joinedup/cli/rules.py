"""`joinedup rules backtest`: how many prompts the rules would raise, and would they have helped."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from joinedup.cli import common
from joinedup.db.session import unit_of_work
from joinedup.rules import backtest, chart
from joinedup.rules.config import RulesFileInvalid, load_rules

app = typer.Typer(help="Cumulative-concern rules.", no_args_is_help=True)


@app.command("backtest")
def backtest_command(
    rules: Path | None = typer.Option(None, help="A partnership's rules file [the defaults]."),
    truth: Path | None = typer.Option(
        None, help="A generator's truth.json: report recall of its seeded trajectories."
    ),
    chart_file: Path | None = typer.Option(None, "--chart", help="Write an SVG chart here."),
    population: int | None = typer.Option(
        None,
        min=1,
        help="The children (0-17) living in the area, the ONS mid-year estimate: rates are per "
        "1,000 of them [with --truth, the generated authority's; else the children in the store].",
    ),
) -> None:
    """Evaluate every child's time line in the store day by day, as replay would, writing
    nothing; report prompts per 1,000 children per year by rule and, with a truth file, the
    seeded trajectories found before their crisis and the lead time.

    Rates are per 1,000 children living in the area (`--population`), as England's referral
    rate is. Without it (and without a truth file, which says), they are per 1,000 children in
    the store, which holds more children than live in the area at once, and are marked so.

    Exit 0 on success, 2 when the rules file or the truth file cannot be used.
    """
    try:
        chosen = load_rules(rules)
    except RulesFileInvalid as error:
        common.errors.print(f"error: {error}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from error
    if truth is not None and not truth.is_file():
        common.errors.print(f"error: {truth}: no such file", markup=False, soft_wrap=True)
        raise typer.Exit(2)
    if population is None and truth is not None:
        try:
            population = backtest.read_population(truth)
        except backtest.TruthFileInvalid as error:
            common.errors.print(f"error: {error}", markup=False, soft_wrap=True)
            raise typer.Exit(2) from error
    engine = common.engine(common.settings())
    with unit_of_work(engine) as session, common.progress_bar() as bar:
        task = bar.add_task("Evaluating time lines", total=None)
        result = backtest.run(session=session, actor=common.cli_actor(), rules=chosen.rules,
                              progress=lambda done, total: bar.update(task, completed=done,
                                                                      total=total),
                              population=population)  # fmt: skip
        try:
            stories = None if truth is None else backtest.read_truth(session, truth)
        except backtest.TruthFileInvalid as error:
            common.errors.print(f"error: {error}", markup=False, soft_wrap=True)
            raise typer.Exit(2) from error
        found = None if stories is None else backtest.recall(result, stories)
    engine.dispose()
    common.console.print(_table(result))
    if result.population is None:
        common.errors.print(
            f"note: no --population given: rates are per 1,000 of the {result.children:,} "
            "children in the store (everyone any agency recorded over the period, and unborn "
            "children), more than live in the area at once, so they understate the rate.",
            markup=False,
            soft_wrap=True,
        )
    if found is not None:
        common.console.print(_recall(found))
    if chart_file is not None:
        chart_file.write_text(chart.svg(result, found), encoding="utf-8")
        common.console.print(f"Chart written to {chart_file}")


def _table(result: backtest.Backtest) -> Table:
    title = (
        f"{result.children:,} children in the store, {result.records:,} records; the rules "
        f"read {result.period_words}, evaluated in {result.seconds:.1f} s; rates per 1,000 of "
        f"the {result.among} a year"
    )
    table = Table(title=title)
    table.add_column("rule")
    table.add_column("prompts", justify="right")
    table.add_column("per 1,000 children a year", justify="right")
    counts = result.by_rule()
    for rule in sorted(result.rules, key=lambda r: -counts[r]):
        table.add_row(rule, f"{counts[rule]:,}", f"{result.per_1000_per_year(rule):.2f}")
    table.add_section()
    table.add_row("all rules", f"{len(result.opened):,}", f"{result.per_1000_per_year():.2f}")
    front_door, to_cases = result.to_front_door, len(result.opened) - result.to_front_door
    table.add_row("  to the front door", f"{front_door:,}", f"{result.rate(front_door):.2f}")
    table.add_row("  to an open case's worker", f"{to_cases:,}", f"{result.rate(to_cases):.2f}")
    prompted = result.children_prompted
    table.add_row("children with a prompt", f"{prompted:,}", f"{result.rate(prompted):.2f}")
    return table


def _recall(found: backtest.Recall) -> Table:
    table = Table(title="Seeded harm trajectories (the generator's truth file)")
    table.add_column("measure")
    table.add_column("value", justify="right")
    lead = "—" if found.median_lead is None else f"{found.median_lead:.0f} days"
    table.add_row("trajectories", f"{found.trajectories:,}")
    table.add_row("found before the crisis", f"{found.found:,} ({found.rate:.1%})")
    table.add_row("median lead time, first prompt to crisis", lead)
    table.add_row("controls (signals, no crisis) with a prompt",
                  f"{found.controls_prompted:,} of {found.controls:,}")  # fmt: skip
    if found.unmatched:
        table.add_row("trajectories whose child is not in this store", f"{found.unmatched:,}")
    return table
