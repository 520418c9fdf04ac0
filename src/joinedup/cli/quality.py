"""`joinedup quality draw` and `joinedup quality redraw`: case audit rounds from the command line.

`redraw` is the reproducibility check: the round's stored seed over the cases as they stand on
the round's day gives the same sample while those cases have not changed.
"""

from __future__ import annotations

import typer

from joinedup.cli import common
from joinedup.core.clock import SystemClock
from joinedup.core.errors import NotFound, ValidationFailed
from joinedup.db.session import unit_of_work
from joinedup.quality import audits
from joinedup.quality.sampling import STRATA

app = typer.Typer(help="Case audits: draw a round's sample, or check one draws again.",
                  no_args_is_help=True)  # fmt: skip


@app.command("draw")
def draw(
    title: str = typer.Option(..., help="The round's title."),
    size: int = typer.Option(20, help="How many cases to sample."),
    method: str = typer.Option("random", help="random or risk (overdue work more likely)."),
    seed: int | None = typer.Option(None, help="A seed to draw again [a new random one]."),
) -> None:
    """Draw a round of case audits; prints its id, its seed and the sample by stratum.

    Exit 0 when drawn, 2 when an option is not valid."""
    with unit_of_work(common.engine(common.settings())) as session:
        try:
            row = audits.draw_round(session=session, actor=common.cli_actor(), title=title,
                                    method=method, size=size, seed=seed,
                                    now=SystemClock().now())  # fmt: skip
        except ValidationFailed as bad:
            for e in bad.errors:
                common.errors.print(f"error: --{e.field.replace('_', '-')}: {e.message}",
                                    markup=False)  # fmt: skip
            raise typer.Exit(2) from bad
        drawn = audits.get_round(session=session, actor=common.cli_actor(), round_id=row.id)
    counts = {s: sum(a.stratum == s for a in drawn.audits) for s in STRATA}
    common.console.print(f"Round {row.id} drawn with seed {row.seed}: {len(drawn.audits)} of "
                         f"{row.population} cases.", markup=False)  # fmt: skip
    for stratum in STRATA:
        common.console.print(f"  {stratum}: {counts[stratum]} of {row.strata.get(stratum, 0)}",
                             markup=False)  # fmt: skip


@app.command("redraw")
def redraw(round_id: int = typer.Argument(..., help="The round's number.")) -> None:
    """Draw the round again from its seed. Exit 0 if the sample is the same, 1 if the cases have
    changed since and the sample with them, 2 if there is no such round."""
    with unit_of_work(common.engine(common.settings())) as session:
        try:
            again = audits.redraw(session=session, actor=common.cli_actor(), round_id=round_id)
        except NotFound as missing:
            common.errors.print(f"error: {missing}", markup=False)
            raise typer.Exit(2) from missing
        found = audits.get_round(session=session, actor=common.cli_actor(), round_id=round_id)
    stored = [a.case_id for a in found.audits]
    if again == stored:
        common.console.print(f"Round {round_id}: the same {len(stored)} cases from seed "
                             f"{found.round.seed}.", markup=False)  # fmt: skip
        return
    gone, new = sorted(set(stored) - set(again)), sorted(set(again) - set(stored))
    common.console.print(f"Round {round_id}: the cases have changed since the draw; "
                         f"{len(gone)} sampled then are not drawn now, {len(new)} drawn now "
                         "were not then.", markup=False)  # fmt: skip
    raise typer.Exit(1)
