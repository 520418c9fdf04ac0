"""`joinedup audit verify`: walk the audit log's hash chain end to end."""

from __future__ import annotations

from datetime import datetime

import typer

from joinedup.access import chain
from joinedup.cli import common
from joinedup.db.session import unit_of_work

app = typer.Typer(help="The audit log: verify its hash chain; unusual-volume alerts.",
                  no_args_is_help=True)  # fmt: skip


@app.command("verify")
def verify(
    chunk: int = typer.Option(10_000, min=1, help="Entries read per query."),
    anchor: str | None = typer.Option(
        None, help="POSITION:HASH from an earlier verify, kept outside the database."
    ),
) -> None:
    """Check every entry's seal in order; exit 0 when intact, 1 at the first broken link."""
    engine = common.engine(common.settings())
    expected = _anchor(anchor) if anchor else None
    with unit_of_work(engine, write=False) as session, common.progress_bar() as bar:
        task = bar.add_task("Verifying the audit chain", total=None)
        verdict = chain.verify(
            session=session,
            chunk=chunk,
            anchor=expected,
            progress=lambda n, total: bar.update(task, advance=n, total=total),
        )
    if verdict.broken:
        broken = verdict.broken
        where = f"entry {broken.entry_id}" if broken.entry_id is not None else "the end"
        position = f" (position {broken.seq})" if broken.seq is not None else ""
        common.errors.print(
            f"Audit chain broken at {where}{position}: {broken.message}.", soft_wrap=True
        )
        common.errors.print(f"{verdict.checked:,} entries verified before it.", soft_wrap=True)
        raise typer.Exit(1)
    common.console.print(f"Audit chain intact: {verdict.checked:,} entries.", soft_wrap=True)
    common.console.print(
        f"Anchor (keep it outside the database): {verdict.last_seq}:{verdict.last_hash}",
        soft_wrap=True,
    )


def _anchor(value: str) -> chain.Anchor:
    seq, _, digest = value.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise typer.BadParameter("expected POSITION:HASH, e.g. 1200:3f2a...", param_hint="--anchor")
    return chain.Anchor(seq=int(seq), hash=digest.lower())


@app.command("alerts")
def alerts(
    day: datetime = typer.Option(..., "--day", formats=["%Y-%m-%d"], help="YYYY-MM-DD (a UK day)."),
) -> None:
    """Alert information governance to each account that viewed an unusual number of children
    on DAY (docs/governance.md). Safe to run again: each account and day alerts once."""
    from joinedup.core.clock import SystemClock
    from joinedup.governance.reports import Thresholds, raise_alerts

    current = common.settings()
    thresholds = Thresholds(current.audit_alert_children, current.audit_alert_factor)
    with unit_of_work(common.engine(current)) as session:
        raised = raise_alerts(session=session, actor=common.cli_actor(), day=day.date(),
                              thresholds=thresholds, now=SystemClock().now())  # fmt: skip
        found = [(a.actor_label, a.children, a.threshold) for a in raised]
    common.console.print(f"{len(found)} new alerts for {day.date().isoformat()}.")
    for account, children, limit in found:
        common.console.print(f"  {account}: {children} children (threshold {limit})")
