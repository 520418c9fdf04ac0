"""`joinedup audit verify`: walk the audit log's hash chain end to end."""

from __future__ import annotations

import typer

from joinedup.access import chain
from joinedup.cli import common
from joinedup.db.session import unit_of_work

app = typer.Typer(help="The audit log: verify its hash chain.", no_args_is_help=True)


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
